"""科企梯次培育库 and 科企后备库 (seed 004 §6–§7): screened pools declared as data.

A pool is a list of criteria. A criterion reads figures (SQL expressions over
the enterprise and its report of the pool's year: ``er_enterprise``,
``er_report`` and its tab tables, the reports of the years before), compares
them with thresholds that come from parameters (a default, a unit, limits) —
by band where the rule has bands (R&D share by income) — and says so in
Chinese. :func:`compile_pool` turns a pool, a viewer, filters and parameter
values into ONE select: the list page, its count, prev/next, the export and
the explanation of one enterprise (:func:`explain`) all come from it, so a
list and an explanation cannot disagree.

Money is stored in 千元; parameters on money are entered in 万元 (the unit of
the rules: 5000万, 2亿) and compared ×10. Ratios are compared without
division (``num * 100 >= t * den`` with ``den > 0``), so a value exactly at
a threshold passes on every database.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

from sqlalchemy import Numeric, and_, case, func, literal, literal_column, null, or_, select
from sqlalchemy.orm import aliased

from kjgl.core.exports.xlsx_builder import Column
from kjgl.core.review.models import Submission

from . import models as m
from .queries import scope, search

FILED = ("submitted", "approved")  # a report counts once it is submitted (district or city pending) or approved
WAN = Decimal(10)  # 1 万元 = 10 千元


# --- what a criterion reads ---------------------------------------------------------------

E = m.Enterprise  # the enterprise every pool's select is about (its id pages the list)


class Sources:
    """The tables a pool reads, for one year: the enterprise ``e``, its report
    ``r`` of the year (``i``, ``p``, ``mk`` its tabs, ``s`` its submission)
    and the reports of the year before (``r1``/``s1``) and two years before
    (``r2``/``s2``). Only the tables an expression touched are joined."""

    def __init__(self, year: int | None, e=None, prefix: str = ""):
        self.year = year
        self.e = e if e is not None else E
        self.prefix = prefix
        self._r = aliased(m.Report, name=prefix + "r")
        self._made: dict[str, Any] = {}
        self.used: list[str] = []

    def _alias(self, name, model):
        if name not in self._made:
            self._made[name] = aliased(model, name=self.prefix + name)
        if name not in self.used:
            self.used.append(name)
        return self._made[name]

    @property
    def r(self):
        if "r" not in self.used:
            self.used.append("r")
        return self._r

    @property
    def s(self):
        self.r
        return self._alias("s", Submission)

    @property
    def i(self):
        self.r
        return self._alias("i", m.ReportInnovation)

    @property
    def p(self):
        self.r
        return self._alias("p", m.ReportPeople)

    @property
    def mk(self):
        self.r
        return self._alias("mk", m.ReportMarket)

    def prior(self, n: int):
        """(report, submission) of ``n`` years before the pool's year."""
        self.r
        return self._alias(f"r{n}", m.Report), self._alias(f"s{n}", Submission)

    def joins(self, stmt, base_is_report=False):
        """``stmt`` with the tables used joined (outer: an enterprise without a
        report still has a row, whose report criteria fail)."""
        r = self._r
        if "r" in self.used and not base_is_report:
            on = r.enterprise_id == self.e.id
            if self.year is not None:
                on = and_(on, r.year == self.year)
            stmt = stmt.outerjoin(r, on)
        for name in self.used:
            alias = self._made.get(name)
            if name == "s":
                stmt = stmt.outerjoin(alias, alias.id == r.submission_id)
            elif name in ("i", "p", "mk"):
                stmt = stmt.outerjoin(alias, alias.submission_id == r.submission_id)
            elif name.startswith("r") and name[1:].isdigit():
                stmt = stmt.outerjoin(alias, and_(alias.enterprise_id == r.enterprise_id,
                                                  alias.year == r.year - int(name[1:])))
            elif name.startswith("s") and name[1:].isdigit():
                prior = self._made["r" + name[1:]]
                stmt = stmt.outerjoin(alias, alias.id == prior.submission_id)
        return stmt


def _num(value: Decimal):
    """A threshold bound as a number on every database (sqlite3 takes no Decimal)."""
    return literal(value, Numeric(20, 6))


def _z(expr):
    return func.coalesce(expr, 0)


@dataclass(frozen=True)
class Figure:
    """A value of the enterprise a criterion reads: ``expr`` (or, for a
    percentage, ``num``/``den``), its label and how it reads."""

    key: str
    label: str
    expr: Callable[[Sources], Any] | None = None
    num: Callable[[Sources], Any] | None = None
    den: Callable[[Sources], Any] | None = None
    unit: str = ""  # "%", "万元" (stored in 千元), "件", "人", "" (text), "date"
    none: str = "未填报"  # how an empty value reads
    labels: Mapping[str, str] | None = None  # how stored codes read

    @property
    def ratio(self) -> bool:
        return self.num is not None

    def sql(self, src: Sources):
        """The figure as shown (a percentage rounded to two places; 千元 as stored)."""
        if self.ratio:
            den = self.den(src)
            return func.round(case((den > 0, self.num(src) * literal_column("100.0") / den), else_=null()), 2)
        return self.expr(src)

    def show(self, value) -> str:
        if value is None:
            return self.none
        if self.labels:
            return self.labels.get(value, value)
        if self.unit == "%":
            return f"{Decimal(str(value)).quantize(Decimal('0.01')).normalize():f}%"
        if self.unit == "万元":
            return f"{(Decimal(str(value)) / WAN).quantize(Decimal('0.01')):,f}万元"
        if self.unit == "date":
            return value.isoformat() if hasattr(value, "isoformat") else str(value)
        if self.unit in ("件", "人"):
            return f"{int(value)}{self.unit}"
        return str(value)


@dataclass(frozen=True)
class Param:
    """An adjustable threshold: its name in forms, label, default (in ``unit``)."""

    name: str
    label: str
    default: Decimal
    unit: str
    low: Decimal = Decimal(0)
    high: Decimal = Decimal(1_000_000)
    places: int = 0

    def stored(self, value: Decimal) -> Decimal:
        """The value compared with the column (万元 → 千元)."""
        return value * WAN if self.unit == "万元" else value

    def show(self, value: Decimal) -> str:
        return f"{value.normalize():f}{self.unit}"

    def parse(self, raw) -> tuple[Decimal | None, str | None]:
        text = (raw or "").strip() if isinstance(raw, str) else ""
        if not text:
            return None, f"请填写{self.label}"
        try:
            value = Decimal(text)
        except InvalidOperation:
            return None, f"{self.label}须为数字"
        if not value.is_finite() or not self.low <= value <= self.high:
            return None, f"{self.label}须在{self.low}到{self.high}{self.unit}之间"
        if -value.as_tuple().exponent > self.places:
            return None, (f"{self.label}须为整数" if not self.places else f"{self.label}最多{self.places}位小数")
        return value, None


@dataclass(frozen=True)
class Band:
    """One band of a banded threshold: applies while the band figure is ≤ ``upper`` (千元; None: above the last)."""

    label: str
    upper: Decimal | None
    param: Param


@dataclass(frozen=True)
class Check:
    """``figure op threshold``: the threshold is a parameter (``param``), a
    fixed ``value``, a function of the parameters and the pool's reference
    dates (``bound``), or a parameter chosen by band (``bands`` on ``band_by``)."""

    figure: Figure
    op: str  # ">=", "<=", "==", "!=", "in", "set" (has a value)
    param: Param | None = None
    value: Any = None
    bound: Callable[[Mapping[str, Decimal], "Ref"], Any] | None = None
    bound_text: Callable[[Mapping[str, Decimal], "Ref"], str] | None = None
    bands: tuple[Band, ...] = ()
    band_by: Figure | None = None

    def params(self) -> tuple[Param, ...]:
        return ((self.param,) if self.param else ()) + tuple(b.param for b in self.bands)

    def threshold(self, values, ref, param=None):
        if self.bound is not None:
            return self.bound(values, ref)
        param = param or self.param
        if param is not None:
            return param.stored(values[param.name])
        return self.value

    def _compare(self, src, threshold):
        f = self.figure
        if f.ratio:
            num, den = f.num(src), f.den(src)
            scaled = _num(threshold) * den
            op = {">=": num * 100 >= scaled, "<=": num * 100 <= scaled}[self.op]
            return and_(den > 0, op)
        x = f.expr(src)
        if self.op == "set":
            return x.is_not(None)
        if self.op == "in":
            return x.in_(threshold)
        if self.op == "!=":  # "not this value" also holds for an empty answer
            return or_(x.is_(None), x != threshold)
        if isinstance(threshold, Decimal):
            threshold = _num(threshold)
        return {">=": x >= threshold, "<=": x <= threshold, "==": x == threshold}[self.op]

    def band_index(self, src):
        by = self.band_by.expr(src)
        whens = [(by <= b.upper, k) for k, b in enumerate(self.bands) if b.upper is not None]
        return case(*whens, else_=len(self.bands) - 1)

    def sql(self, src, values, ref):
        if not self.bands:
            return self._compare(src, self.threshold(values, ref))
        by = self.band_by.expr(src)
        whens = [(by <= b.upper, self._compare(src, b.param.stored(values[b.param.name])))
                 for b in self.bands if b.upper is not None]
        last = self.bands[-1]
        return case(*whens, else_=self._compare(src, last.param.stored(values[last.param.name])))

    def says(self, values, ref, band: int | None) -> str:
        """The threshold as a person reads it (``≥ 4%（收入5000万–2亿元）``)."""
        if self.bound_text is not None:
            return self.bound_text(values, ref)
        if self.bands:
            b = self.bands[band if band is not None else 0]
            return f"{OPS[self.op]}{b.param.show(values[b.param.name])}（{b.label}）"
        if self.param is not None:
            return f"{OPS[self.op]}{self.param.show(values[self.param.name])}"
        if self.op == "in":
            return "属于" + "、".join(self.value)
        return f"{OPS[self.op]}{self.value}"


OPS = {">=": "不低于", "<=": "不超过", "==": "为", "!=": "不为", "in": "属于"}
FAIL_OPS = {">=": "低于", "<=": "超过", "==": "不为", "!=": "为", "in": "不属于"}


@dataclass(frozen=True)
class Criterion:
    """One 条件: its checks (all of them, or ``any_of`` one of them);
    ``fixed`` criteria always apply (membership, not a choice)."""

    key: str
    title: str  # 条件说明; ``{name}`` is replaced by the parameter's value and unit
    checks: tuple[Check, ...]
    any_of: bool = False
    fixed: bool = False

    def params(self) -> tuple[Param, ...]:
        return tuple(p for c in self.checks for p in c.params())

    def sql(self, src, values, ref):
        parts = [c.sql(src, values, ref) for c in self.checks]
        return or_(*parts) if self.any_of else and_(*parts)

    def text(self, values, ref) -> str:
        shown = {p.name: p.show(values[p.name]) for p in self.params()}
        return self.title.format(year=ref.year, **shown)


@dataclass(frozen=True)
class Ref:
    """What thresholds may depend on besides the parameters: the pool's year and today."""

    year: int | None
    today: dt.date


# --- the figures ---------------------------------------------------------------------------

F_REGISTERED = Figure("registered_on", "注册时间", expr=lambda s: s.e.registered_on, unit="date")
F_INVENTION = Figure("invention_granted", "发明专利授权数", expr=lambda s: _z(s.i.invention_granted), unit="件")
F_OTHER_IP = Figure("other_ip", "实用新型、外观设计专利授权和软件著作权数",
                    expr=lambda s: _z(s.i.utility_granted) + _z(s.i.design_granted) + _z(s.i.software_copyrights),
                    unit="件")
F_FIELD = Figure("tech_field", "高新技术领域", expr=lambda s: func.coalesce(s.r.tech_field, s.e.tech_field))
F_RD_STAFF_SHARE = Figure("rd_staff_share", "研发人员占比", num=lambda s: s.p.rd_staff,
                          den=lambda s: s.p.employees, unit="%")
F_REVENUE = Figure("main_revenue", "主营业务收入", expr=lambda s: s.r.main_revenue, unit="万元")
F_RD = Figure("rd_expense", "研发费用", expr=lambda s: s.r.rd_expense, unit="万元")
F_RD_SHARE = Figure("rd_share", "研发费用占主营业务收入比例", num=lambda s: s.r.rd_expense,
                    den=lambda s: s.r.main_revenue, unit="%")
F_HITECH_SHARE = Figure("hitech_share", "高新技术产品收入占总收入比例", num=lambda s: s.i.hitech_income,
                        den=lambda s: s.r.total_revenue, unit="%")
F_INCIDENT = Figure("serious_incident", "是否发生重大安全、质量事故或严重环境违法行为",
                    expr=lambda s: s.mk.serious_incident)
F_CERTIFIED = Figure("hitech_certified", "是否认定为高新技术企业", expr=lambda s: s.mk.hitech_certified)
F_LISTING = Figure("listing_status", "上市状态", expr=lambda s: s.mk.listing_status)
F_EMPLOYEES = Figure("employees", "从业人员数", expr=lambda s: s.p.employees, unit="人")
F_LISTED = Figure("listed_on", "入库时间", expr=lambda s: s.e.listed_on, unit="date")
F_REPORT_STATE = Figure("report_state", "年报状态", expr=lambda s: s.s.state)


def _growth(n: int) -> Figure:
    """Growth of 主营业务收入 from year ``Y-n-1`` to ``Y-n`` (both reports filed)."""
    def cur(s):
        return s.r.main_revenue if n == 0 else s.prior(n)[0].main_revenue

    def before(s):
        r, sub = s.prior(n + 1)
        filed = s.s.state.in_(FILED) if n == 0 else s.prior(n)[1].state.in_(FILED)
        return case((and_(filed, sub.state.in_(FILED)), r.main_revenue), else_=null())

    label = "本年度主营业务收入增长率" if n == 0 else "上年度主营业务收入增长率"
    return Figure(f"growth{n}", label, num=lambda s: cur(s) - before(s), den=before, unit="%")


F_GROWTH0, F_GROWTH1 = _growth(0), _growth(1)


def _years_before(values, ref, name="years"):
    return dt.date(ref.year - int(values[name]), 12, 31)


def _years_back_from_today(values, ref, name="young_years"):
    n, t = int(values[name]), ref.today
    try:
        return t.replace(year=t.year - n)
    except ValueError:  # 29 February
        return t.replace(year=t.year - n, day=28)


# --- membership criteria every pool shares -----------------------------------------------

# plain predicates (not a CASE over them), so the planner estimates them
LISTED = Criterion("listed", "已入库的科技型企业", (
    Check(Figure("listed_on", "入库时间", expr=lambda s: s.e.listed_on, unit="date", none="未入库"), "set",
          bound_text=lambda v, r: "已入库"),), fixed=True)
REPORT_STATES = {"submitted": "已提交", "approved": "已审核通过", "returned": "已退回修改", "draft": "未提交"}
REPORTED = Criterion("reported", "已提交{year}年度科技信息年报", (
    Check(Figure("report_state", "{year}年度年报", expr=lambda s: s.s.state, none="未填报", labels=REPORT_STATES),
          "in", value=FILED, bound_text=lambda v, r: "已提交"),), fixed=True)


def _pct(name, label, default, **kw):
    return Param(name, label, Decimal(default), "%", high=Decimal(100), places=2, **kw)


def _wan(name, label, default):
    return Param(name, label, Decimal(default), "万元", high=Decimal(100_000_000), places=2)


def _count(name, label, default, unit):
    return Param(name, label, Decimal(default), unit, high=Decimal(1_000_000))


# --- the pools -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Pool:
    key: str
    title: str
    group: str  # the menu's heading
    path: str
    criteria: tuple[Criterion, ...]
    columns: tuple[Figure, ...] = ()  # the figures the list shows besides the enterprise
    yearly: bool = True  # screens the reports of a year (else: the enterprises as of today)
    filter_names: tuple[str, ...] = ("q", "year", "district")
    first_year: bool = False  # 首次符合条件: the first year every criterion held
    intro: str = ""

    @property
    def route(self) -> str:
        return "enterprise_registry.pool." + self.key

    def params(self) -> tuple[Param, ...]:
        return tuple(p for c in self.criteria for p in c.params())

    def choosable(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if not c.fixed)

    def defaults(self) -> "Settings":
        return Settings(frozenset(c.key for c in self.choosable()), {p.name: p.default for p in self.params()})

    def figures(self) -> tuple[Figure, ...]:
        out = {}
        for c in self.criteria:
            for k in c.checks:
                out.setdefault(k.figure.key, k.figure)
                if k.band_by is not None:
                    out.setdefault(k.band_by.key, k.band_by)
        return tuple(out.values())


@dataclass(frozen=True)
class Settings:
    ticked: frozenset[str]
    values: Mapping[str, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"ticked": sorted(self.ticked), "values": {k: str(v) for k, v in sorted(self.values.items())}}


INCUBATION = Pool(
    "incubation", "科企孵化库", "科企梯次培育库", "incubation",
    (LISTED, Criterion("young", "成立{young_years}以内", (Check(
        F_REGISTERED, ">=", param=_count("young_years", "成立年限", 3, "年"), bound=_years_back_from_today,
        bound_text=lambda v, r: f"不早于{_years_back_from_today(v, r).isoformat()}（成立{int(v['young_years'])}年以内）"),)),),
    yearly=False, filter_names=("q", "founded_from", "founded_to", "district"),
    intro="成立时间不长的已入库科技型企业，按成立日期筛选。")

HITECH_FIELDS_TEXT = "《国家重点支持的高新技术领域》"
HITECH_RESERVE = Pool(
    "hitech_reserve", "高企后备库", "科企梯次培育库", "hitech-reserve",
    (LISTED, REPORTED,
     Criterion("not_certified", "尚未认定为高新技术企业", (Check(F_CERTIFIED, "!=", value="是"),), fixed=True),
     Criterion("registered", "企业注册成立{years}以上（截至{year}年末）", (Check(
         F_REGISTERED, "<=", param=_count("years", "注册年限", 1, "年"), bound=_years_before,
         bound_text=lambda v, r: f"不晚于{_years_before(v, r).isoformat()}（满{int(v['years'])}年）"),)),
     Criterion("ip", "拥有核心自主知识产权：发明专利不少于{inventions}，或其他知识产权不少于{other_ip}", (
         Check(F_INVENTION, ">=", param=_count("inventions", "发明专利数", 1, "件")),
         Check(F_OTHER_IP, ">=", param=_count("other_ip", "其他知识产权数", 5, "件"))), any_of=True),
     Criterion("field", "主要产品（服务）属于" + HITECH_FIELDS_TEXT,
               (Check(F_FIELD, "in", value=m.TECH_FIELDS, bound_text=lambda v, r: "属于" + HITECH_FIELDS_TEXT),)),
     Criterion("rd_staff", "研发人员占从业人员比例不低于{rd_staff_share}",
               (Check(F_RD_STAFF_SHARE, ">=", param=_pct("rd_staff_share", "研发人员占比", 10)),)),
     Criterion("rd_share", "研发费用占主营业务收入比例：收入5000万元（含）以下不低于{rd_small}，"
                           "5000万元至2亿元（含）不低于{rd_medium}，2亿元以上不低于{rd_large}",
               (Check(F_RD_SHARE, ">=", band_by=F_REVENUE, bands=(
                   Band("收入5000万元（含）以下", Decimal(50_000), _pct("rd_small", "研发费用占比（收入5000万元以下）", 5)),
                   Band("收入5000万元至2亿元", Decimal(200_000), _pct("rd_medium", "研发费用占比（收入5000万元至2亿元）", 4)),
                   Band("收入2亿元以上", None, _pct("rd_large", "研发费用占比（收入2亿元以上）", 3)))),)),
     Criterion("hitech_income", "高新技术产品（服务）收入占总收入比例不低于{hitech_share}",
               (Check(F_HITECH_SHARE, ">=", param=_pct("hitech_share", "高新技术产品收入占比", 60)),)),
     Criterion("no_incident", "{year}年度未发生重大安全、质量事故或严重环境违法行为",
               (Check(F_INCIDENT, "==", value="否"),))),
    columns=(F_REVENUE, F_RD_SHARE, F_RD_STAFF_SHARE, F_HITECH_SHARE),
    intro="按高新技术企业认定条件筛选尚未认定的已入库企业；勾选条件、设置参数后点击“查询”。")

STAR_RESERVE = Pool(
    "star_reserve", "科创板上市企业储备库", "科企梯次培育库", "star-reserve",
    (LISTED, REPORTED,
     Criterion("unlisted", "尚未上市", (Check(F_LISTING, "!=", value="已上市"),), fixed=True),
     Criterion("rd_share", "研发费用占主营业务收入比例不低于{star_rd_share}",
               (Check(F_RD_SHARE, ">=", param=_pct("star_rd_share", "研发费用占比", 5)),)),
     Criterion("inventions", "发明专利授权数不少于{star_inventions}",
               (Check(F_INVENTION, ">=", param=_count("star_inventions", "发明专利数", 5, "件")),)),
     Criterion("revenue", "主营业务收入不低于{star_revenue}",
               (Check(F_REVENUE, ">=", param=_wan("star_revenue", "主营业务收入", 10000)),))),
    columns=(F_REVENUE, F_RD_SHARE, F_INVENTION),
    intro="研发投入、发明专利和营业收入达到科创板科创属性参考指标的未上市企业。")

LEADING = Pool(
    "leading", "领军企业培育库", "科企梯次培育库", "leading",
    (LISTED, REPORTED,
     Criterion("revenue", "主营业务收入不低于{lead_revenue}",
               (Check(F_REVENUE, ">=", param=_wan("lead_revenue", "主营业务收入", 50000)),)),
     Criterion("rd", "研发费用不低于{lead_rd}", (Check(F_RD, ">=", param=_wan("lead_rd", "研发费用", 2000)),)),
     Criterion("rd_share", "研发费用占主营业务收入比例不低于{lead_rd_share}",
               (Check(F_RD_SHARE, ">=", param=_pct("lead_rd_share", "研发费用占比", 3)),))),
    columns=(F_REVENUE, F_RD, F_RD_SHARE),
    intro="营业收入和研发投入规模居前、可培育为领军企业的科技型企业。")

HIGH_GROWTH = Pool(
    "high_growth", "高成长科技企业筛选库", "科企后备库", "high-growth",
    (LISTED, REPORTED,
     Criterion("growth", "连续两年主营业务收入增长率不低于{growth}（{year}年及上一年，各与前一年相比）", (
         Check(F_GROWTH0, ">=", param=_pct("growth", "主营业务收入增长率", 20, )),
         Check(F_GROWTH1, ">=", param=None, bound=lambda v, r: v["growth"],
               bound_text=lambda v, r: f"不低于{v['growth'].normalize():f}%"))),
     Criterion("base", "上年度主营业务收入不低于{growth_base}",
               (Check(Figure("base_revenue", "上年度主营业务收入", expr=lambda s: s.prior(1)[0].main_revenue,
                             unit="万元"), ">=", param=_wan("growth_base", "上年度主营业务收入", 100)),))),
    columns=(F_REVENUE, F_GROWTH0, F_GROWTH1), first_year=True,
    filter_names=("q", "year", "first", "district"),
    intro="连续两年主营业务收入高速增长的科技型企业；“首次符合条件”为该企业最早符合条件的年度。")

SME_RESERVE = Pool(
    "sme_reserve", "国家科技型中小企业后备库", "科企后备库", "sme-reserve",
    (LISTED, REPORTED,
     Criterion("employees", "从业人员数不超过{sme_employees}",
               (Check(F_EMPLOYEES, "<=", param=_count("sme_employees", "从业人员数", 500, "人")),)),
     Criterion("revenue", "年销售收入（主营业务收入）不超过{sme_revenue}",
               (Check(F_REVENUE, "<=", param=_wan("sme_revenue", "年销售收入", 20000)),))),
    columns=(F_EMPLOYEES, F_REVENUE),
    intro="符合国家科技型中小企业规模条件（职工总数、年销售收入）的企业。")

POOLS = {p.key: p for p in (INCUBATION, HITECH_RESERVE, STAR_RESERVE, LEADING, HIGH_GROWTH, SME_RESERVE)}


# --- the one query ---------------------------------------------------------------------------

SEARCH_MAX = 50


def _fixed_and_ticked(pool: Pool, settings: Settings):
    return [c for c in pool.criteria if c.fixed or c.key in settings.ticked]


def _first_year(pool: Pool, settings: Settings, src: Sources, ref: Ref):
    """首次符合条件: the earliest year up to the pool's year whose report met every applied criterion."""
    inner = Sources(None, e=src.e, prefix="q_")
    inner_ref = Ref(None, ref.today)
    conds = [c.sql(inner, settings.values, inner_ref) for c in _fixed_and_ticked(pool, settings)
             if c.key != "listed"]
    stmt = select(func.min(inner.r.year)).select_from(inner.r)
    stmt = inner.joins(stmt, base_is_report=True)
    return stmt.where(inner.r.enterprise_id == src.e.id, inner.r.year <= ref.year, *conds).scalar_subquery()


def compile_pool(pool: Pool, agency, filters: Mapping[str, str], settings: Settings, today: dt.date,
                 full: bool = True):
    """The pool's members: ONE select, scoped to ``agency``'s districts, under
    ``filters`` (``year`` resolved), the fixed and ticked criteria with ``settings``."""
    year = int(filters["year"]) if pool.yearly else None
    src, ref = Sources(year), Ref(year, today)
    e = src.e
    conds = [c.sql(src, settings.values, ref) for c in _fixed_and_ticked(pool, settings)]
    cols = [e.id.label("id")]
    if full:
        cols += [e.name, e.credit_code, e.district, e.zone, e.registered_on, e.tech_field]
        cols += [f.sql(src).label(f.key) for f in pool.columns]
        if pool.yearly:
            cols.append(literal_column(str(year)).label("year"))
    first = _first_year(pool, settings, src, ref) if pool.first_year else None
    if first is not None and full:
        cols.append(first.label("first_year"))
    stmt = select(*cols).select_from(e)
    stmt = src.joins(stmt).where(scope(e.agency_id, agency), *conds)
    stmt = _filters(stmt, pool, e, filters, agency, first)
    return stmt


def _filters(stmt, pool, e, filters, agency, first):
    if filters.get("q"):
        stmt = stmt.where(search(filters["q"], e.name, e.credit_code))
    district = filters.get("district", "")
    if district.isdigit() and agency.level != "district":
        stmt = stmt.where(e.agency_id == int(district))
    for name, op in (("founded_from", ">="), ("founded_to", "<=")):
        value = _date(filters.get(name))
        if value is not None:
            stmt = stmt.where(e.registered_on >= value if op == ">=" else e.registered_on <= value)
    if first is not None and (filters.get("first") or "").isdigit():
        stmt = stmt.where(first == int(filters["first"]))
    return stmt


def _date(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def filter_errors(filters) -> dict[str, str]:
    """The filters a person typed wrong (named), for the page's message."""
    out = {}
    for name, label in (("founded_from", "成立日期（起）"), ("founded_to", "成立日期（止）")):
        if filters.get(name) and _date(filters[name]) is None:
            out[name] = f"{label}须为日期，如2020-01-31"
    return out


def latest_year(db, agency) -> int | None:
    """The latest year with a filed report in the agency's jurisdiction (the pools' default year)."""
    r = m.Report
    return db.scalar(select(func.max(r.year)).where(scope(r.agency_id, agency)))


# --- the explanation ---------------------------------------------------------------------------

@dataclass
class Verdict:
    criterion: Criterion
    text: str  # 条件说明 with the parameters
    passed: bool
    lines: list[str]  # per check: the enterprise's figure against the threshold


def explain(db, pool: Pool, agency, enterprise_id: int, year: int | None, settings: Settings,
            today: dt.date) -> tuple[bool, list[Verdict]] | None:
    """Each applied criterion for one enterprise of the agency's jurisdiction
    (None: not in it): its figure, the threshold, passed or failed — from the
    same expressions as :func:`compile_pool`."""
    src, ref = Sources(year), Ref(year, today)
    e = src.e
    applied = _fixed_and_ticked(pool, settings)
    cols = [e.id]
    for n, c in enumerate(applied):
        cols.append(case((c.sql(src, settings.values, ref), 1), else_=0).label(f"c{n}"))
        for k, check in enumerate(c.checks):
            cols.append(case((check.sql(src, settings.values, ref), 1), else_=0).label(f"c{n}_{k}"))
            cols.append(check.figure.sql(src).label(f"f{n}_{k}"))
            if check.bands:
                cols.append(check.band_index(src).label(f"b{n}_{k}"))
    stmt = src.joins(select(*cols).select_from(e)).where(e.id == enterprise_id, scope(e.agency_id, agency))
    row = db.execute(stmt).mappings().first()
    if row is None:
        return None
    verdicts = []
    for n, c in enumerate(applied):
        lines = []
        for k, check in enumerate(c.checks):
            band = row.get(f"b{n}_{k}")
            lines.append(_line(check, row[f"f{n}_{k}"], bool(row[f"c{n}_{k}"]), settings.values, ref, band))
        verdicts.append(Verdict(c, c.text(settings.values, ref), bool(row[f"c{n}"]), lines))
    return all(v.passed for v in verdicts), verdicts


def _line(check: Check, value, passed: bool, values, ref, band) -> str:
    f = check.figure
    label = f.label.format(year=ref.year)
    shown = f.show(value)
    if value is None:
        return f"{label}{shown}，不符合（须{check.says(values, ref, band)}）" if not passed else f"{label}{shown}"
    says = check.says(values, ref, band)
    if check.op in ("==", "!=", "in", "set"):  # a state, not a quantity: the value and the verdict
        return f"{label}：{shown}，符合" if passed else f"{label}：{shown}，不符合（须{says}）"
    if passed:
        return f"{label} {shown}，{says}，符合"
    if check.bound_text is None and check.op in (">=", "<=") :
        fail = FAIL_OPS[check.op] + says[len(OPS[check.op]):]
        return f"{label} {shown}，{fail}"
    return f"{label} {shown}，不符合（须{says}）"
