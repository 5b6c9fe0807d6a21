"""培育进度的年度目标: per district-level agency and year, the city bureau
sets how many enterprises it expects to be 入库, to file 年报 and to be
certified 高新技术企业. Districts read them; only the city writes (audited)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from kjgl.core.db import Base, utcnow

TARGET_MAX = 1_000_000
MEASURES = (("listed", "入库企业"), ("reports", "年报企业"), ("hitech", "高企认定"))


class Target(Base):
    __tablename__ = "er_target"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", name="uq_er_target_agency_year"),
        CheckConstraint("listed >= 0 AND reports >= 0 AND hitech >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)  # a district-level agency
    year: Mapped[int] = mapped_column(Integer)
    listed: Mapped[int] = mapped_column(Integer, default=0)  # 入库企业 target
    reports: Mapped[int] = mapped_column(Integer, default=0)  # 年报 target
    hitech: Mapped[int] = mapped_column(Integer, default=0)  # 高企认定 target
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def of_year(db, year: int, agency_ids) -> dict[int, Target]:
    """The targets of ``year`` of the given agencies, by agency id."""
    ids = list(agency_ids)
    if not ids:
        return {}
    return {t.agency_id: t for t in db.scalars(select(Target).where(Target.year == year, Target.agency_id.in_(ids)))}
