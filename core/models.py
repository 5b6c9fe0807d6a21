"""Imports every core model so that the metadata is complete (Alembic, tests)."""
from .accounts.models import User  # noqa: F401
from .agencies.models import Agency  # noqa: F401
from .attachments.models import Attachment  # noqa: F401
from .audit.models import AuditEvent  # noqa: F401
from .db import Base  # noqa: F401
from .grants.models import ModuleGrant  # noqa: F401
from .messaging.models import OutboxMessage, SmsCode  # noqa: F401
from .organisations.models import Organisation, OrganisationReview  # noqa: F401
from .review.models import Batch, ReviewEvent, Submission  # noqa: F401

CORE_TABLES = [
    User.__table__, Agency.__table__, Attachment.__table__, AuditEvent.__table__,
    ModuleGrant.__table__, OutboxMessage.__table__, SmsCode.__table__,
    Organisation.__table__, OrganisationReview.__table__,
    Batch.__table__, Submission.__table__, ReviewEvent.__table__,
]
