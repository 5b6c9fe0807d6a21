"""The national record's tables: the operator's carriers, the application's
content (one row per submission) and one typed table per detail table."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from kjgl.core.db import Base, utcnow
from kjgl.core.filings.models import FilingContent
from kjgl.core.filings.tables import DetailRow
from kjgl.core.review.models import Submission  # noqa: F401  (the table submission_id refers to)

CARRIER_KINDS = ("孵化器", "众创空间", "大学科技园")
CARRIER_LEVELS = ("国家级", "省级", "市级", "区县级", "未认定")


class Carrier(Base):
    """A carrier the operator runs (运营的孵化器、众创空间、大学科技园)."""

    __tablename__ = "national_record_carrier"
    __table_args__ = (CheckConstraint("kind IN ('孵化器', '众创空间', '大学科技园')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(200))
    founded_on: Mapped[dt.date] = mapped_column(Date)
    level: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Application(FilingContent, Base):
    __tablename__ = "national_record_application"

    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("national_record_carrier.id"), index=True)


Money = Numeric(14, 2)
Area = Numeric(12, 2)


class MediaReport(DetailRow, Base):
    __tablename__ = "national_record_media"
    title: Mapped[str | None] = mapped_column(String(200))
    media: Mapped[str | None] = mapped_column(String(100))
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    link: Mapped[str | None] = mapped_column(String(300))


class Honour(DetailRow, Base):
    __tablename__ = "national_record_honour"
    name: Mapped[str | None] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(100))
    awarded_on: Mapped[dt.date | None] = mapped_column(Date)


class Venue(DetailRow, Base):
    __tablename__ = "national_record_venue"
    address: Mapped[str | None] = mapped_column(String(200))
    area: Mapped[Decimal | None] = mapped_column(Area)
    team_area: Mapped[Decimal | None] = mapped_column(Area)
    public_area: Mapped[Decimal | None] = mapped_column(Area)
    own_area: Mapped[Decimal | None] = mapped_column(Area)
    other_area: Mapped[Decimal | None] = mapped_column(Area)
    workstations: Mapped[int | None] = mapped_column(Integer)
    ownership: Mapped[str | None] = mapped_column(String(8))


class Staff(DetailRow, Base):
    __tablename__ = "national_record_staff"
    name: Mapped[str | None] = mapped_column(String(50))
    age: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(String(50))
    education: Mapped[str | None] = mapped_column(String(8))
    major: Mapped[str | None] = mapped_column(String(50))
    experience: Mapped[str | None] = mapped_column(String(500))


class Mentor(DetailRow, Base):
    __tablename__ = "national_record_mentor"
    name: Mapped[str | None] = mapped_column(String(50))
    employer: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str | None] = mapped_column(String(50))
    field: Mapped[str | None] = mapped_column(String(100))
    mode: Mapped[str | None] = mapped_column(String(4))


class Team(DetailRow, Base):
    __tablename__ = "national_record_team"
    name: Mapped[str | None] = mapped_column(String(100))
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(8))
    members: Mapped[int | None] = mapped_column(Integer)
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    moved_out_on: Mapped[dt.date | None] = mapped_column(Date)
    financed: Mapped[str | None] = mapped_column(String(2))
    financed_on: Mapped[dt.date | None] = mapped_column(Date)
    financing_amount: Mapped[Decimal | None] = mapped_column(Money)


class Enterprise(DetailRow, Base):
    __tablename__ = "national_record_enterprise"
    name: Mapped[str | None] = mapped_column(String(100))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    from_team: Mapped[str | None] = mapped_column(String(2))
    team_name: Mapped[str | None] = mapped_column(String(100))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    moved_out: Mapped[str | None] = mapped_column(String(2))
    employees: Mapped[int | None] = mapped_column(Integer)
    moved_out_on: Mapped[dt.date | None] = mapped_column(Date)
    financed: Mapped[str | None] = mapped_column(String(2))
    financed_on: Mapped[dt.date | None] = mapped_column(Date)
    financing_amount: Mapped[Decimal | None] = mapped_column(Money)


class Activity(DetailRow, Base):
    __tablename__ = "national_record_activity"
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))
    summary: Mapped[str | None] = mapped_column(String(500))
    held_on: Mapped[dt.date | None] = mapped_column(Date)


DETAIL_MODELS = (MediaReport, Honour, Venue, Staff, Mentor, Team, Enterprise, Activity)
