"""The incubator evaluation's content: one row per submission, the form's
values as JSON (``schemas.FILING`` says what they mean)."""
from __future__ import annotations

from kjgl.core.db import Base
from kjgl.core.filings.models import FilingContent
from kjgl.core.review.models import Submission  # noqa: F401  (the table submission_id refers to)


class IncubatorEvaluation(FilingContent, Base):
    __tablename__ = "incubator_evaluation"
