"""科企信息统计表 (seed 004 §5.1–§5.4): the statistics tables and the city
overview, declared as data.

Each statistic column is a :class:`Measure`: a predicate over one table's
FROM clause (the enterprise, joined to its report of the year and the
report's tabs) and, for a sum, the summed column. From that one declaration
come both

- the aggregate — every column of a tab in ONE SQL statement, grouped by
  district (or zone group), with the 合计 row as a second branch of the same
  ``UNION ALL``, scoped to the viewer's districts in the query; and
- the drill-through — the enterprises the cell counts (for a sum: the ones
  whose value it adds up), under the same predicate, scope and district,

so a cell and its list cannot drift apart.

What each column counts is written in each table's ``notes`` (shown under the table
and in the README). Every enterprise counts under its current 所属区县 (the
district agency whose lists show it, ``er_enterprise.agency_id``), as the
registry's lists do.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import BigInteger, and_, case, cast, distinct, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased, outerjoin

from kjgl.core.agencies.models import Agency
from kjgl.core.agencies.services import districts as district_agencies
from kjgl.core.agencies.tree_data import CHONGQING_ZONES
from kjgl.core.audit.localtime import day_start_utc
from kjgl.core.review.models import Submission

from . import models as m
from .generate import zone_of
from .queries import scope
from .schemas import REPORT

FILED = ("submitted", "approved")  # a report counts once submitted and not returned (待审核 or 已通过)
FIRST_YEAR = 2015

e = m.Enterprise
r = m.Report
s = aliased(Submission, name="report_submission")
inn, ppl, mk = m.ReportInnovation, m.ReportPeople, m.ReportMarket


@dataclass(frozen=True)
class Period:
    """The year of the year tables; the month (1–12) of 培育进度."""

    year: int
    month: int = 12

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def month_start(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def month_end(self) -> dt.date:
        return self.next_month - dt.timedelta(days=1)

    @property
    def next_month(self) -> dt.date:
        return dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)


@dataclass(frozen=True)
class Measure:
    key: str
    title: str
    unit: str  # 家 (a count of enterprises), 千元, 人, 件, 个, 项
    when: Callable[[Period], Any]  # which joined rows it takes
    value: Any = None  # the summed column; None: it counts enterprises

    @property
    def is_count(self) -> bool:
        return self.value is None

    @property
    def header(self) -> str:
        return f"{self.title}（{self.unit}）"

    def predicate(self, p: Period):
        """The rows the cell takes (for a sum: those with a value to add)."""
        cond = self.when(p)
        return cond if self.is_count else and_(cond, self.value.is_not(None))

    def aggregate(self, p: Period, once: bool = True):
        """The cell's SQL aggregate; ``once``: the FROM clause holds each enterprise once
        (else the count is of distinct enterprises)."""
        if self.is_count:
            taken = case((self.when(p), e.id))
            return func.count(taken if once else distinct(taken))
        return func.sum(case((self.when(p), self.value)))


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    measures: tuple[Measure, ...]
    note: str = ""

    def measure(self, key: str) -> Measure | None:
        return next((x for x in self.measures if x.key == key), None)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    route: str
    tabs: tuple[Tab, ...]
    source: Callable[[Period], Any]  # the FROM clause the predicates read
    by_month: bool = False
    once: bool = True  # the source holds each enterprise once (its report of one year)
    zone_column: bool = False  # the seed's "两江新区/高新区、经开区" column
    notes: tuple[str, ...] = field(default=())

    def tab(self, key: str | None) -> Tab | None:
        if not key:
            return self.tabs[0]
        return next((t for t in self.tabs if t.key == key), None)


# --- FROM clauses ------------------------------------------------------------------------

def _year_source(p: Period):
    """Each enterprise once, with its report of the year if that was filed (else NULLs)."""
    return (outerjoin(e, r, and_(r.enterprise_id == e.id, r.year == p.year))
            .outerjoin(s, and_(s.id == r.submission_id, s.kind == REPORT.kind, s.state.in_(FILED)))
            .outerjoin(inn, inn.submission_id == s.id).outerjoin(ppl, ppl.submission_id == s.id)
            .outerjoin(mk, mk.submission_id == s.id))


def _progress_source(p: Period):
    """Each enterprise with its filed reports (any year's) that can count in
    the year up to the month: submitted in that time, or giving a 高企
    certificate dated in it (no other report meets a progress predicate, so
    leaving them out of the join changes no count); counts are of distinct
    enterprises."""
    certified = aliased(mk, name="certified")
    relevant = or_(and_(s.submitted_at >= _utc(p.year_start), s.submitted_at < _utc(p.next_month)),
                   s.id.in_(select(certified.submission_id).where(
                       certified.hitech_certified == "是",
                       certified.hitech_cert_on.between(p.year_start, p.month_end))))
    return (outerjoin(e, r, r.enterprise_id == e.id)
            .outerjoin(s, and_(s.id == r.submission_id, s.kind == REPORT.kind, s.state.in_(FILED), relevant))
            .outerjoin(mk, mk.submission_id == s.id))


# --- the measures --------------------------------------------------------------------------

def _filed(p):
    return s.id.is_not(None)


def _listed_by_year_end(p):
    return e.listed_on <= p.year_end


def _count(key, title, when):
    return Measure(key, title, "家", when)


def _sum(key, title, unit, column):
    return Measure(key, title, unit, _filed, column)


def _classified(prefix, column, values):
    """入库科企 by one of their classifications, a column per value, 未填写 and 小计."""
    out = tuple(_count(f"{prefix}{i}", v, lambda p, v=v: and_(_listed_by_year_end(p), column == v))
                for i, v in enumerate(values, 1))
    return out + (_count(f"{prefix}0", "未填写", lambda p: and_(_listed_by_year_end(p), column.is_(None))),
                  _count("listed", "小计", _listed_by_year_end))


LISTING_COUNTS = (
    _count("registered", "注册企业数", lambda p: and_(e.review_state != "draft",
                                                  (e.listed_on.is_(None)) | (e.listed_on <= p.year_end))),
    _count("listed", "入库科企数", _listed_by_year_end),
    _count("reported", "年报科企数", _filed),
    _count("above", "规上工业企业", lambda p: and_(_filed(p), r.above_scale == "是")),
)

LISTING = Table(
    "listing", "区县入库企业情况统计表", "enterprise_registry.stats_listing",
    (Tab("count", "年报数量", LISTING_COUNTS),
     Tab("scale", "企业规模", _classified("scale", e.scale, m.SCALES)),
     Tab("industry", "产业类别", _classified("industry", e.industry, m.INDUSTRIES)),
     Tab("field", "高新技术领域", _classified("field", e.tech_field, m.TECH_FIELDS))),
    _year_source, zone_column=True,
    notes=("注册企业数：已向本区县提交基本信息的企业（含待审核、退回和已入库），不含所选年份之后才入库的企业。",
           "入库科企数：基本信息审核通过（入库）日期不晚于所选年份12月31日的企业。",
           "年报科企数：已提交所选年份科技信息年报（待审核或已通过，不含草稿和退回）的企业；次年才入库的企业也可补报上一年度年报，故可能多于入库科企数。",
           "规上工业企业：所选年份年报中“是否规上工业企业”为“是”的年报科企。",
           "企业规模、产业类别、高新技术领域：入库科企按其现行基本信息分类，小计等于入库科企数。",
           "两江新区/高新区、经开区：该行为园区科技主管部门时所属园区类别。企业按所属区县（审核单位）统计。"))

ANNUAL = Table(
    "annual", "区县科技型企业年报统计表", "enterprise_registry.stats_annual",
    (Tab("business", "经营概况", (
        _count("reported", "年报企业数", _filed),
        _sum("main_revenue", "主营业务收入", "千元", r.main_revenue),
        _sum("total_revenue", "总收入", "千元", r.total_revenue),
        _sum("profit", "利润总额", "千元", r.profit),
        _sum("tax", "上缴税金", "千元", r.tax),
        _sum("export_earnings", "出口创汇", "千元", r.export_earnings),
        _sum("total_assets", "资产总额", "千元", r.total_assets),
        _sum("rd_expense", "研发费用", "千元", r.rd_expense))),
     Tab("people", "人员和研发平台概况", (
         _count("reported", "年报企业数", _filed),
         _sum("employees", "从业人员", "人", ppl.employees),
         _sum("rd_staff", "研发人员", "人", ppl.rd_staff),
         _sum("doctors", "博士", "人", ppl.doctors),
         _sum("masters", "硕士", "人", ppl.masters),
         _sum("bachelors", "本科", "人", ppl.bachelors),
         _sum("college_below", "大专及以下", "人", ppl.college_below),
         _sum("platform_national", "国家级研发平台", "个", inn.platform_national),
         _sum("platform_city", "市级研发平台", "个", inn.platform_city),
         _sum("platform_district", "区级研发平台", "个", inn.platform_district))),
     Tab("results", "科技成果概况", (
         _count("reported", "年报企业数", _filed),
         _sum("invention_applied", "发明专利申请", "件", inn.invention_applied),
         _sum("invention_granted", "发明专利授权", "件", inn.invention_granted),
         _sum("utility_applied", "实用新型申请", "件", inn.utility_applied),
         _sum("utility_granted", "实用新型授权", "件", inn.utility_granted),
         _sum("design_applied", "外观设计申请", "件", inn.design_applied),
         _sum("design_granted", "外观设计授权", "件", inn.design_granted),
         _sum("software_copyrights", "软件著作权", "件", inn.software_copyrights),
         _sum("new_products", "新产品", "个", inn.new_products),
         _sum("std_international", "国际标准", "项", inn.std_international),
         _sum("std_national", "国家标准", "项", inn.std_national),
         _sum("std_industry", "行业标准", "项", inn.std_industry),
         _sum("std_local", "地方标准", "项", inn.std_local),
         _sum("std_group", "团体标准", "项", inn.std_group),
         _sum("hitech_products", "高新技术产品", "个", inn.hitech_products),
         _sum("hitech_income", "高新技术产品收入", "千元", inn.hitech_income)))),
    _year_source,
    notes=("统计所选年份已提交（待审核或已通过，不含草稿和退回）的科技信息年报，按企业所属区县汇总；金额单位千元。",
           "点击合计数可查看填报了该项（非空）的企业及其数值，列表合计等于该数。"))


def _utc(day: dt.date) -> dt.datetime:
    return day_start_utc(day)


PROGRESS_MEASURES = (
    _count("listed_month", "本月", lambda p: e.listed_on.between(p.month_start, p.month_end)),
    _count("listed_ytd", "本年累计", lambda p: e.listed_on.between(p.year_start, p.month_end)),
    _count("reports_month", "本月", lambda p: and_(s.submitted_at >= _utc(p.month_start),
                                                 s.submitted_at < _utc(p.next_month))),
    _count("reports_ytd", "本年累计", lambda p: and_(s.submitted_at >= _utc(p.year_start),
                                                  s.submitted_at < _utc(p.next_month))),
    _count("hitech_month", "本月", lambda p: and_(mk.hitech_certified == "是",
                                                mk.hitech_cert_on.between(p.month_start, p.month_end))),
    _count("hitech_ytd", "本年累计", lambda p: and_(mk.hitech_certified == "是",
                                                 mk.hitech_cert_on.between(p.year_start, p.month_end))),
)
PROGRESS_GROUPS = (("listed", "入库企业", PROGRESS_MEASURES[0:2]), ("reports", "年报企业", PROGRESS_MEASURES[2:4]),
                   ("hitech", "高企认定", PROGRESS_MEASURES[4:6]))

PROGRESS = Table(
    "progress", "培育进度统计表", "enterprise_registry.stats_progress",
    (Tab("progress", "培育进度", PROGRESS_MEASURES),), _progress_source, by_month=True, once=False,
    notes=("入库企业：基本信息审核通过（入库）日期在本月 / 本年1月1日至本月末的企业。",
           "年报企业：在本月 / 本年内提交科技信息年报（任一年度，现为待审核或已通过）的企业，一家企业只计一次。",
           "高企认定：已提交的年报中填报的高新技术企业证书发证日期在本月 / 本年内的企业。",
           "年度目标由市科技局设定；完成率 = 本年累计 ÷ 年度目标。"))

TABLES = {t.key: t for t in (PROGRESS, LISTING, ANNUAL)}


# --- rows: districts and zone groups --------------------------------------------------------

ZONE_GROUPS = (("liangjiang", "两江新区"), ("national", "国家级高新区和经开区"), ("municipal", "市级高新区"))
NATIONAL_ZONES = tuple(z for z in CHONGQING_ZONES if "两江新区" not in z)


def zone_group(agency=Agency):
    """A zone bureau's group by its name: 两江新区; the national high-tech and
    economic-development zones of the seeded tree; any other zone (the
    municipal high-tech zones the system admin adds) — NULL for a district."""
    return case((agency.kind != "zone", null()),
                (agency.region.contains("两江新区"), literal("liangjiang")),
                (agency.region.in_(NATIONAL_ZONES), literal("national")),
                else_=literal("municipal"))


def zone_label(agency: Agency) -> str:
    """The seed's "两江新区/高新区、经开区" column of a row."""
    return (zone_of(agency.region or agency.name) or "园区") if agency.kind == "zone" else "—"


def rows(db, agency: Agency) -> list[Agency]:
    """The table's rows: the district-level agencies the viewer sees, in official order."""
    if agency.level == "district":
        return [agency]
    return district_agencies(db, within=agency)


# --- the aggregate and the drill-through ----------------------------------------------------

TOTAL = "total"


def aggregate(db, table: Table, tab: Tab, viewer: Agency, p: Period, by: str = "district") -> dict:
    """{row key: {measure key: value}} of every measure of ``tab``, one SQL
    statement: grouped by district id (``by="district"``) or zone-group key
    (``by="zone"``), plus the 合计 row under :data:`TOTAL`."""
    cols = [x.aggregate(p, table.once).label(x.key) for x in tab.measures]
    src = table.source(p)
    if by == "zone":
        za = aliased(Agency, name="row_agency")
        src = src.join(za, za.id == e.agency_id)
        key = zone_group(za)
    else:
        key = e.agency_id
    # the rows once, as a CTE; the 合计 row adds them up (an enterprise belongs to one district,
    # so the sum of the districts' distinct counts is the distinct count of all)
    grouped = select(key.label("row_key"), *cols).select_from(src).where(scope(e.agency_id, viewer)) \
        .group_by(key).cte("grouped")
    total = select((literal(TOTAL) if by == "zone" else null()).label("row_key"),
                   *[_total(grouped.c[x.key], x).label(x.key) for x in tab.measures])
    if by == "zone":
        total = total.where(grouped.c.row_key.is_not(None))
    statement = union_all(select(grouped), total)
    out = {}
    for row in db.execute(statement).mappings():
        k = row["row_key"]
        if k is None and by == "zone":
            continue  # the districts' own rows: no zone group
        out[TOTAL if k is None else k] = {x.key: number(row[x.key], x) for x in tab.measures}
    return out


def _total(column, measure: Measure):
    """The 合计 of a column (PostgreSQL sums integers as NUMERIC: counts stay integers)."""
    return func.sum(column) if measure.unit == "千元" else cast(func.sum(column), BigInteger)


def number(value, measure: Measure):
    """A sum over no rows is NULL in SQL; the table shows 0 (0.00 for 千元)."""
    if value is None:
        return Decimal("0.00") if measure.unit == "千元" else 0
    return value


def drill_statement(table: Table, tab: Tab, measure: Measure, viewer: Agency, p: Period, *,
                    district: int | None = None, zone: str | None = None):
    """The enterprises ``measure``'s cell counts (for a sum, with the value it adds), scoped."""
    src = table.source(p)
    cols = [e.id.label("id"), e.name, e.credit_code, e.district, e.zone, e.scale, e.industry, e.tech_field,
            e.listed_on]
    if not measure.is_count:
        cols.append(measure.value.label("value"))
    stmt = select(*cols).select_from(src).where(scope(e.agency_id, viewer), measure.predicate(p))
    if district is not None:
        stmt = stmt.where(e.agency_id == district)
    if zone is not None:
        za = aliased(Agency, name="row_agency")
        stmt = stmt.where(e.agency_id.in_(select(za.id).where(zone_group(za) == zone)))
    return stmt.distinct() if measure.is_count else stmt


def drill_totals(db, stmt) -> tuple[int, Any]:
    """(number of enterprises, sum of their values or None) of a drill statement."""
    sub = stmt.subquery()
    if "value" in sub.c:
        count, total = db.execute(select(func.count(), func.sum(sub.c.value))).one()
        return count, total
    return db.scalar(select(func.count()).select_from(sub)), None


def chart_data(db, viewer: Agency, year: int) -> dict:
    """全市概况图: 入库科企数 per district (districts only, not the zones' bureaus)
    and per zone group — the same measure and statement as the table's column."""
    tab = LISTING.tab("count")
    p = Period(year)
    measure = tab.measure("listed")
    by_district = aggregate(db, LISTING, Tab("chart", "", (measure,)), viewer, p)
    by_zone = aggregate(db, LISTING, Tab("chart", "", (measure,)), viewer, p, by="zone")
    districts = [a for a in rows(db, viewer) if a.kind != "zone"]
    return {
        "year": year,
        "districts": [{"name": a.region or a.name, "id": a.id,
                       "value": by_district.get(a.id, {}).get("listed", 0)} for a in districts],
        "zones": [{"name": title, "key": key, "value": by_zone.get(key, {}).get("listed", 0)}
                  for key, title in ZONE_GROUPS],
    }
