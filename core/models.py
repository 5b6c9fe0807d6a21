"""Imports every core model module so that the metadata is complete (Alembic,
tests), and names the core's tables: those of the models defined under
``kjgl.core`` (plugins' tables share the same metadata but not the module)."""
from .accounts import models as _accounts  # noqa: F401
from .agencies import heads as _heads  # noqa: F401
from .agencies import models as _agencies  # noqa: F401
from .attachments import models as _attachments  # noqa: F401
from .audit import models as _audit  # noqa: F401
from .db import Base
from .documents import models as _documents  # noqa: F401
from .filings import marks as _marks  # noqa: F401
from .filings import versions as _versions  # noqa: F401
from .grants import models as _grants  # noqa: F401
from .messaging import models as _messaging  # noqa: F401
from .notices import models as _notices  # noqa: F401
from .notifications import models as _notifications  # noqa: F401
from .organisations import models as _organisations  # noqa: F401
from .review import assignment as _assignment  # noqa: F401
from .review import models as _review  # noqa: F401


def core_tables() -> list:
    return sorted(
        (m.local_table for m in Base.registry.mappers if m.class_.__module__.startswith("kjgl.core.")),
        key=lambda t: t.name,
    )


CORE_TABLES = core_tables()
