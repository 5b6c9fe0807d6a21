"""The base of a plugin's filing-content table: one row per submission,
holding the form's values as JSON (the plugin's schema says what they mean)."""
from __future__ import annotations

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship


class FilingContent:
    """Mixin for ``class MakerspaceEvaluation(FilingContent, Base)``."""

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"),
                                               primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    @declared_attr
    def submission(cls):
        return relationship("Submission")
