"""The registry's tables, typed for a million enterprises.

- ``er_enterprise``: one row per enterprise — what every list filters,
  sorts, counts and exports: its district agency and zone (every scoped query
  is one indexed predicate on ``agency_id``), the approved basic information
  (or, until the first approval, the latest submitted one), 审核状态 and
  入库状态.
- ``er_basic``: one row per version of the basic information (a standing
  record, see :mod:`kjgl.core.filings.standing`), keyed by the version's
  submission.
- ``er_report`` (+ ``er_report_innovation``, ``er_report_people``,
  ``er_report_market``): the annual report's tabs as typed columns, keyed by
  the report's submission; ``er_report`` carries the enterprise, year and
  district so report lists need no walk of the tree.

Money is 千元, Numeric(14, 2).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kjgl.core.crypto import EncryptedString
from kjgl.core.db import Base, utcnow
from kjgl.core.review.models import Submission  # noqa: F401  (the table submission_id refers to)

ZONES = ("两江新区", "高新区", "经开区")
INDUSTRIES = ("第一产业", "第二产业", "第三产业")
SCALES = ("大型", "中型", "小型", "微型")
TECH_FIELDS = ("电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能", "资源与环境",
               "先进制造与自动化")
YES_NO = ("是", "否")
REVIEW_STATES = ("draft", "submitted", "returned", "approved")
LISTING_STATUSES = ("未上市", "已上市", "已挂牌", "拟上市")
BOARDS = ("主板", "创业板", "科创板", "北交所", "新三板", "区域股权市场")

Money = Numeric(14, 2)


def _in(column: str, values) -> CheckConstraint:
    quoted = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IS NULL OR {column} IN ({quoted})", name=column)


class BasicFields:
    """The columns of 基本信息 shared by the enterprise row and its versions."""

    name: Mapped[str | None] = mapped_column(String(200))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    registered_on: Mapped[dt.date | None] = mapped_column(Date)
    district: Mapped[str | None] = mapped_column(String(32))
    zone: Mapped[str | None] = mapped_column(String(8))
    registered_capital: Mapped[Decimal | None] = mapped_column(Money)
    industry: Mapped[str | None] = mapped_column(String(8))
    scale: Mapped[str | None] = mapped_column(String(4))
    tech_field: Mapped[str | None] = mapped_column(String(16))
    main_business: Mapped[str | None] = mapped_column(String(500))
    legal_rep: Mapped[str | None] = mapped_column(String(50))
    contact_name: Mapped[str | None] = mapped_column(String(50))
    address: Mapped[str | None] = mapped_column(String(200))
    above_scale: Mapped[str | None] = mapped_column(String(2))


BASIC_COLUMNS = ("name", "credit_code", "registered_on", "district", "zone", "registered_capital", "industry",
                 "scale", "tech_field", "main_business", "legal_rep", "contact_name", "contact_mobile", "address",
                 "above_scale")


def _basic_checks():
    return (_in("zone", ZONES), _in("industry", INDUSTRIES), _in("scale", SCALES), _in("tech_field", TECH_FIELDS),
            _in("above_scale", YES_NO))


class Enterprise(BasicFields, Base):
    __tablename__ = "er_enterprise"
    __table_args__ = _basic_checks() + (
        _in("review_state", REVIEW_STATES),
        Index("ix_er_enterprise_agency_id_id", "agency_id", "id"),
        # fuzzy search (name or credit code containing the typed text): trigram
        # GIN indexes on PostgreSQL (the migration enables pg_trgm), plain ones elsewhere
        Index("ix_er_enterprise_name_trgm", "name", postgresql_using="gin",
              postgresql_ops={"name": "gin_trgm_ops"}),
        Index("ix_er_enterprise_credit_code_trgm", "credit_code", postgresql_using="gin",
              postgresql_ops={"credit_code": "gin_trgm_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), unique=True)
    # the district-level agency the enterprise belongs to (a district or a zone's bureau)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    contact_mobile: Mapped[str | None] = mapped_column(EncryptedString("er_enterprise.contact_mobile", 255))
    review_state: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # 审核状态 (latest version)
    listed_on: Mapped[dt.date | None] = mapped_column(Date, index=True)  # 入库: the first approval
    approved_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    latest_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    agency = relationship("Agency")

    @property
    def listed(self) -> bool:
        return self.listed_on is not None


class BasicVersion(BasicFields, Base):
    """One version of an enterprise's basic information."""

    __tablename__ = "er_basic"
    __table_args__ = _basic_checks()

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("er_enterprise.id"), index=True)
    contact_mobile: Mapped[str | None] = mapped_column(EncryptedString("er_basic.contact_mobile", 255))


class Report(Base):
    """An annual report: its keys, 基本信息 and 经营概况 (千元)."""

    __tablename__ = "er_report"
    __table_args__ = (
        UniqueConstraint("enterprise_id", "year", name="uq_er_report_enterprise_year"),
        Index("ix_er_report_agency_id_year", "agency_id", "year"),
        # the screened pools walk a year's reports in enterprise order (keyset pages)
        Index("ix_er_report_year_enterprise_id", "year", "enterprise_id"),
        _in("scale", SCALES), _in("industry", INDUSTRIES), _in("tech_field", TECH_FIELDS),
        _in("above_scale", YES_NO),
    )

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("er_enterprise.id"), index=True)
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    zone: Mapped[str | None] = mapped_column(String(8))
    # 基本信息 of the year
    scale: Mapped[str | None] = mapped_column(String(4))
    industry: Mapped[str | None] = mapped_column(String(8))
    tech_field: Mapped[str | None] = mapped_column(String(16))
    above_scale: Mapped[str | None] = mapped_column(String(2))
    # 经营概况 (千元)
    main_revenue: Mapped[Decimal | None] = mapped_column(Money)
    total_revenue: Mapped[Decimal | None] = mapped_column(Money)
    profit: Mapped[Decimal | None] = mapped_column(Money)
    tax: Mapped[Decimal | None] = mapped_column(Money)
    export_earnings: Mapped[Decimal | None] = mapped_column(Money)
    total_assets: Mapped[Decimal | None] = mapped_column(Money)
    rd_expense: Mapped[Decimal | None] = mapped_column(Money)


class ReportInnovation(Base):
    """科技成果, 主导或参与标准制定, 研发平台, 高新技术产品."""

    __tablename__ = "er_report_innovation"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    invention_applied: Mapped[int | None] = mapped_column(Integer)
    invention_granted: Mapped[int | None] = mapped_column(Integer)
    utility_applied: Mapped[int | None] = mapped_column(Integer)
    utility_granted: Mapped[int | None] = mapped_column(Integer)
    design_applied: Mapped[int | None] = mapped_column(Integer)
    design_granted: Mapped[int | None] = mapped_column(Integer)
    software_copyrights: Mapped[int | None] = mapped_column(Integer)
    new_products: Mapped[int | None] = mapped_column(Integer)
    std_international: Mapped[int | None] = mapped_column(Integer)
    std_national: Mapped[int | None] = mapped_column(Integer)
    std_industry: Mapped[int | None] = mapped_column(Integer)
    std_local: Mapped[int | None] = mapped_column(Integer)
    std_group: Mapped[int | None] = mapped_column(Integer)
    platform_national: Mapped[int | None] = mapped_column(Integer)
    platform_city: Mapped[int | None] = mapped_column(Integer)
    platform_district: Mapped[int | None] = mapped_column(Integer)
    hitech_products: Mapped[int | None] = mapped_column(Integer)
    hitech_income: Mapped[Decimal | None] = mapped_column(Money)


class ReportPeople(Base):
    """人员状况."""

    __tablename__ = "er_report_people"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    employees: Mapped[int | None] = mapped_column(Integer)
    rd_staff: Mapped[int | None] = mapped_column(Integer)
    doctors: Mapped[int | None] = mapped_column(Integer)
    masters: Mapped[int | None] = mapped_column(Integer)
    bachelors: Mapped[int | None] = mapped_column(Integer)
    college_below: Mapped[int | None] = mapped_column(Integer)


class ReportMarket(Base):
    """挂牌上市 and 高企认定情况."""

    __tablename__ = "er_report_market"
    __table_args__ = (_in("listing_status", LISTING_STATUSES), _in("listing_board", BOARDS),
                      _in("hitech_certified", YES_NO), _in("serious_incident", YES_NO))

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    listing_status: Mapped[str | None] = mapped_column(String(8))
    listing_board: Mapped[str | None] = mapped_column(String(8))
    hitech_certified: Mapped[str | None] = mapped_column(String(2))
    hitech_cert_no: Mapped[str | None] = mapped_column(String(32))
    hitech_cert_on: Mapped[dt.date | None] = mapped_column(Date)
    hitech_valid_until: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # 是否发生重大安全、质量事故或严重环境违法行为 (高企后备库's seventh condition); the server
    # default keeps bulk loaders that do not know the column working
    serious_incident: Mapped[str] = mapped_column(String(2), nullable=False, default="否", server_default="否")


class PoolSetting(Base):
    """The parameters an agency set for a screened pool (see :mod:`.pools`):
    which conditions are ticked and their values; absent = the defaults."""

    __tablename__ = "er_pool_setting"
    __table_args__ = (UniqueConstraint("agency_id", "pool_key", name="uq_er_pool_setting_agency_pool"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    pool_key: Mapped[str] = mapped_column(String(32))
    params: Mapped[str] = mapped_column(Text)  # JSON: {"ticked": [...], "values": {...}}
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


from .targets import Target  # noqa: E402  (培育进度 targets, issue 12)

TABLES = (Enterprise, BasicVersion, Report, ReportInnovation, ReportPeople, ReportMarket, PoolSetting, Target)
