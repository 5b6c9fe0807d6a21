"""The submission/review engine's tables: batches, submissions, transitions.

A plugin keeps the content of its documents in its own table (keyed by
``submission.id``); the engine keeps who files what, where it is in its
review chain and every transition."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (Date, DateTime, ForeignKey, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, utcnow

STATES = {
    "draft": "暂存",
    "submitted": "审核中",
    "returned": "审核不通过",
    "approved": "审核通过",
}
EDITABLE_STATES = ("draft", "returned")
DECISIONS = {
    "submit": "提交",
    "approve": "审核通过",
    "return": "审核不通过",
    "conclude": "评价完成",
}


class Batch(Base):
    """A yearly filing round of one module (申报批次), opened by an agency."""

    __tablename__ = "review_batch"
    __table_args__ = (UniqueConstraint("module_key", "year", name="uq_review_batch_module_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_key: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / closed
    # dates some documents check rows against (a plugin's ``batch_fields``):
    # the cut-off of cumulative tables, the window dated activities must fall in
    cutoff_on: Mapped[dt.date | None] = mapped_column(Date)
    window_start: Mapped[dt.date | None] = mapped_column(Date)
    window_end: Mapped[dt.date | None] = mapped_column(Date)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the agency whose batch it is (its opener's): it and its ancestors manage it
    owner_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    owner_agency = relationship("Agency")

    def is_open(self, today: dt.date) -> bool:
        return self.status == "open" and today <= self.deadline


class Submission(Base):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("batch_id", "organisation_id", "carrier_key", name="uq_submission_batch_carrier"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    module_key: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    batch_id: Mapped[int] = mapped_column(ForeignKey("review_batch.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(200))
    carrier_key: Mapped[str] = mapped_column(String(200))  # normalised title: one record per carrier per batch
    # the agency of the first review step (the carrier's district); later
    # steps are found by walking up the tree from it
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    step: Mapped[int] = mapped_column(Integer, default=0)
    # bumped by every write; a write names the version it read (optimistic lock)
    version: Mapped[int] = mapped_column(Integer, default=1)
    grade: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    last_opinion: Mapped[str | None] = mapped_column(Text)
    # the version number of the generated document it was submitted with (versioned documents)
    document_number: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    concluded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    batch: Mapped[Batch] = relationship()
    organisation = relationship("Organisation")
    agency = relationship("Agency")
    events: Mapped[list["ReviewEvent"]] = relationship(order_by="ReviewEvent.id", back_populates="submission")

    @property
    def state_title(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES


class SubmissionRoute(Base):
    """The agency deciding each step of a submission, fixed when it is
    submitted: lists and rights follow this, not the tree as it is later."""

    __tablename__ = "submission_route"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"),
                                               primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)


class ReviewEvent(Base):
    """One transition: who, when, at which step, what decision, which opinion."""

    __tablename__ = "review_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    agency_name: Mapped[str | None] = mapped_column(String(100))
    step_key: Mapped[str] = mapped_column(String(32))
    step_title: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))
    opinion: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))

    submission: Mapped[Submission] = relationship(back_populates="events")

    @property
    def decision_title(self) -> str:
        return DECISIONS.get(self.decision, self.decision)
