"""申报事项 (seed 004 §4) and the custom query's saved column choices.

- ``er_rating``: an enterprise's application for a 知识价值信用评价 of a year
  (what it declares: 研发投入, 研发人员, 知识产权, 主营业务收入) and the city's
  result (信用等级, 评分). One per enterprise and year.
- ``er_voucher``: a 科技创新券 application (类型, 金额 in 千元), the district's
  decision (批准 / 退回 with its opinion) and the 兑付 (amount, date).
- ``er_column_choice``: a user's named choice of the custom query's export
  columns (an ordered list of column keys).

Both declarations carry the enterprise's district agency (``agency_id``, taken
at application), so every scoped query is one indexed predicate, as for reports.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kjgl.core.db import Base, utcnow

from .models import Money, _in

# 知识价值信用评价 results: five levels, best first
RATING_LEVELS = ("AAA", "AA", "A", "B", "C")
RATING_STATES = {"applied": "待评级", "rated": "已评级"}
# 科技创新券: what the voucher buys from a service provider
VOUCHER_KINDS = ("研发设计", "检验检测", "技术转移", "知识产权", "科技咨询")
VOUCHER_STATES = {"applied": "待审核", "returned": "已退回", "approved": "已批准", "redeemed": "已兑付"}
GRANTED_STATES = ("approved", "redeemed")  # 批准 (then, perhaps, 兑付)


class Rating(Base):
    __tablename__ = "er_rating"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year", name="uq_er_rating_enterprise_year"),
        Index("ix_er_rating_agency_id_id", "agency_id", "id"),
        _in("state", tuple(RATING_STATES)), _in("level", RATING_LEVELS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("er_enterprise.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(8), default="applied")
    # what the enterprise declares
    rd_expense: Mapped[Decimal | None] = mapped_column(Money)  # 研发投入（千元）
    rd_staff: Mapped[int | None] = mapped_column(Integer)  # 研发人员（人）
    ip_count: Mapped[int | None] = mapped_column(Integer)  # 有效知识产权（件）
    revenue: Mapped[Decimal | None] = mapped_column(Money)  # 主营业务收入（千元）
    note: Mapped[str | None] = mapped_column(String(500))  # 情况说明
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # the city's result
    level: Mapped[str | None] = mapped_column(String(4), index=True)
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    opinion: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Voucher(Base):
    __tablename__ = "er_voucher"
    __table_args__ = (
        Index("ix_er_voucher_agency_id_id", "agency_id", "id"),
        Index("ix_er_voucher_year_agency_id", "year", "agency_id"),
        _in("state", tuple(VOUCHER_STATES)), _in("kind", VOUCHER_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("er_enterprise.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[Decimal] = mapped_column(Money)  # 申领金额（千元）
    purpose: Mapped[str | None] = mapped_column(String(500))  # 服务内容
    state: Mapped[str] = mapped_column(String(8), default="applied")
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opinion: Mapped[str | None] = mapped_column(String(500))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    redeemed_amount: Mapped[Decimal | None] = mapped_column(Money)  # 兑付金额（千元）
    redeemed_on: Mapped[dt.date | None] = mapped_column(Date)
    redeemed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ColumnChoice(Base):
    __tablename__ = "er_column_choice"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_er_column_choice_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    columns: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


TABLES = (Rating, Voucher, ColumnChoice)
