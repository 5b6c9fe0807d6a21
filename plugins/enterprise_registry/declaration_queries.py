"""The lists and statistics of 申报事项, scoped in every query like
:mod:`.queries` (the same :class:`ListDef`: keyset pages, capped counts,
上一页/下一页, streamed exports).

- 知识价值信用评级列表 (``ratings``): filters 信用等级, 年份, 区县, 状态, search.
- 科技创新券列表 (``vouchers``): every filter a cell of the statistics can
  name (年份, 类型, 企业规模, 产业类别, 高新技术领域, and the stage: applied /
  granted / redeemed), so each number of 申领统计表 opens exactly the vouchers
  it counts.
- 科技创新券情况统计表 (``voucher_summary``): one row per enterprise, the
  vouchers' counts and amounts by stage (one grouped query, keyset on the
  enterprise).
- 科技创新券申领统计表 (:func:`voucher_stats`): per tab one GROUP BY query with
  FILTERed aggregates; 合计 is the sum of its groups (every voucher is in
  exactly one group, an unclassified enterprise in the group "未分类").
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from kjgl.core.exports.xlsx_builder import Column

from . import models as m
from .declaration_models import GRANTED_STATES, RATING_LEVELS, RATING_STATES, VOUCHER_KINDS, VOUCHER_STATES, \
    Rating, Voucher
from .queries import ListDef, _district_filter, scope, search

NONE = "none"  # a drill-through value: the group of vouchers whose enterprise has no value
STAGES = {"granted": "已批准（含已兑付）", "redeemed": "已兑付"}
P = "enterprise_registry."


def _year(stmt, column, filters):
    value = filters.get("year", "")
    return stmt.where(column == int(value)) if value.isdigit() and len(value) == 4 else stmt


# --- 知识价值信用评级列表 -----------------------------------------------------------------

RATING_COLUMNS = (
    Column("year", "年份", "int"), Column("name", "企业名称", width=30), Column("credit_code", "统一社会信用代码", width=22),
    Column("district", "所属区县"), Column("level", "信用等级"), Column("score", "评分", "decimal", places=1),
    Column("state_title", "状态"), Column("rd_expense", "研发投入（千元）", "amount"),
    Column("rd_staff", "研发人员（人）", "int"), Column("ip_count", "有效知识产权（件）", "int"),
    Column("revenue", "主营业务收入（千元）", "amount"), Column("applied_at", "申请时间", "datetime"),
    Column("rated_at", "评级时间", "datetime"),
)


def _ratings(agency, filters, today, full=True):
    r, e = Rating, m.Enterprise
    stmt = (select(r.id.label("id"), r.year, e.name, e.credit_code, e.district, r.level, r.score, r.state,
                   r.rd_expense, r.rd_staff, r.ip_count, r.revenue, r.applied_at, r.rated_at)
            if full else select(r.id.label("id")))
    stmt = stmt.join(e, e.id == r.enterprise_id).where(scope(r.agency_id, agency))
    if filters.get("q"):
        stmt = stmt.where(search(filters["q"], e.name, e.credit_code))
    if filters.get("level") in RATING_LEVELS:
        stmt = stmt.where(r.level == filters["level"])
    if filters.get("state") in RATING_STATES:
        stmt = stmt.where(r.state == filters["state"])
    stmt = _year(stmt, r.year, filters)
    return _district_filter(stmt, r.agency_id, filters, agency)


# --- 科技创新券列表 -----------------------------------------------------------------------

VOUCHER_COLUMNS = (
    Column("year", "年份", "int"), Column("name", "企业名称", width=30), Column("credit_code", "统一社会信用代码", width=22),
    Column("district", "所属区县"), Column("kind", "创新券类型"), Column("amount", "申领金额（千元）", "amount"),
    Column("state_title", "状态"), Column("scale", "企业规模"), Column("industry", "产业类别"),
    Column("tech_field", "高新技术领域"), Column("opinion", "审核意见", width=30),
    Column("redeemed_amount", "兑付金额（千元）", "amount"), Column("redeemed_on", "兑付日期", "date"),
    Column("applied_at", "申请时间", "datetime"),
)
# the statistics' groupings: tab key -> (title, the grouped column, its values in table order)
DIMENSIONS = {
    "kind": ("创新券类型", Voucher.kind, VOUCHER_KINDS),
    "scale": ("企业规模", m.Enterprise.scale, m.SCALES),
    "industry": ("产业类别", m.Enterprise.industry, m.INDUSTRIES),
    "tech_field": ("高新技术领域", m.Enterprise.tech_field, m.TECH_FIELDS),
}


def _stage(stmt, filters):
    if filters.get("stage") == "granted":
        return stmt.where(Voucher.state.in_(GRANTED_STATES))
    if filters.get("stage") == "redeemed":
        return stmt.where(Voucher.state == "redeemed")
    return stmt


def voucher_filters(stmt, agency, filters):
    """Scope and every filter of the voucher list (the statistics share them)."""
    stmt = stmt.where(scope(Voucher.agency_id, agency))
    if filters.get("q"):
        stmt = stmt.where(search(filters["q"], m.Enterprise.name, m.Enterprise.credit_code))
    if filters.get("state") in VOUCHER_STATES:
        stmt = stmt.where(Voucher.state == filters["state"])
    if filters.get("enterprise", "").isdigit() and len(filters["enterprise"]) < 10:
        stmt = stmt.where(Voucher.enterprise_id == int(filters["enterprise"]))
    for key, (_, column, values) in DIMENSIONS.items():
        value = filters.get(key, "")
        if value == NONE:
            stmt = stmt.where(column.is_(None))
        elif value in values:
            stmt = stmt.where(column == value)
    stmt = _year(_stage(stmt, filters), Voucher.year, filters)
    return _district_filter(stmt, Voucher.agency_id, filters, agency)


def _vouchers(agency, filters, today, full=True):
    v, e = Voucher, m.Enterprise
    stmt = (select(v.id.label("id"), v.year, e.name, e.credit_code, e.district, v.kind, v.amount, v.state, e.scale,
                   e.industry, e.tech_field, v.opinion, v.redeemed_amount, v.redeemed_on, v.applied_at)
            if full else select(v.id.label("id")))
    return voucher_filters(stmt.join(e, e.id == v.enterprise_id), agency, filters)


def voucher_totals(db, agency, filters) -> dict:
    """(count, 申领金额, 兑付金额) of the filtered voucher list: what its page shows above the rows."""
    stmt = select(func.count(Voucher.id).label("count"), func.sum(Voucher.amount).label("amount"),
                  func.sum(Voucher.redeemed_amount).label("redeemed_amount")).join(
        m.Enterprise, m.Enterprise.id == Voucher.enterprise_id)
    row = db.execute(voucher_filters(stmt, agency, filters)).mappings().one()
    return {"count": row["count"], "amount": _dec(row["amount"]), "redeemed_amount": _dec(row["redeemed_amount"])}


def _dec(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


# --- 科技创新券申领统计表 ------------------------------------------------------------------

MEASURES = (
    # key, header, stage of the drill-through list, amount column or None
    ("applied", "申领数量（张）", "", None), ("applied_amount", "申领金额（千元）", "", "amount"),
    ("granted", "批准数量（张）", "granted", None), ("granted_amount", "批准金额（千元）", "granted", "amount"),
    ("redeemed", "兑付数量（张）", "redeemed", None), ("redeemed_amount", "兑付金额（千元）", "redeemed", "redeemed_amount"),
)


@dataclass
class StatRow:
    label: str
    value: str  # the drill-through filter value ("none": unclassified; "": 合计)
    numbers: dict


def voucher_stats(db, agency, tab: str, filters) -> list[StatRow]:
    """One row per value of the tab's grouping (in its order, zeros included),
    then 未分类 if any voucher has none, then 合计."""
    _, column, values = DIMENSIONS[tab]
    granted = Voucher.state.in_(GRANTED_STATES)
    redeemed = Voucher.state == "redeemed"
    stmt = (select(column.label("value"), func.count(Voucher.id).label("applied"),
                   func.coalesce(func.sum(Voucher.amount), 0).label("applied_amount"),
                   func.count(Voucher.id).filter(granted).label("granted"),
                   func.coalesce(func.sum(Voucher.amount).filter(granted), 0).label("granted_amount"),
                   func.count(Voucher.id).filter(redeemed).label("redeemed"),
                   func.coalesce(func.sum(Voucher.redeemed_amount).filter(redeemed), 0).label("redeemed_amount"))
            .join(m.Enterprise, m.Enterprise.id == Voucher.enterprise_id).group_by(column))
    stmt = voucher_filters(stmt, agency, {"year": filters.get("year", ""), "district": filters.get("district", "")})
    found = {r["value"]: r for r in db.execute(stmt).mappings()}
    keys = [k for k, *_ in MEASURES]

    def numbers(r):
        return {k: (_dec(r[k]) if k.endswith("amount") else int(r[k])) if r else
                (Decimal("0.00") if k.endswith("amount") else 0) for k in keys}

    rows = [StatRow(v, v, numbers(found.get(v))) for v in values]
    if None in found:
        rows.append(StatRow("未分类", NONE, numbers(found[None])))
    total = {k: sum((r.numbers[k] for r in rows), Decimal("0.00") if k.endswith("amount") else 0) for k in keys}
    rows.append(StatRow("合计", "", total))
    return rows


def stat_columns(tab: str) -> tuple[Column, ...]:
    return (Column("label", DIMENSIONS[tab][0], width=20),) + tuple(
        Column(k, h, "amount" if k.endswith("amount") else "int") for k, h, *_ in MEASURES)


def drill_filters(tab: str, row: StatRow, measure: str, filters) -> dict:
    """The voucher list's filters that select exactly what ``row``'s ``measure`` counts."""
    stage = next(s for k, _, s, _ in MEASURES if k == measure)
    out = {"year": filters.get("year", ""), "district": filters.get("district", ""), "stage": stage}
    if row.value:
        out[tab] = row.value
    return {k: v for k, v in out.items() if v}


# --- 科技创新券情况统计表 ------------------------------------------------------------------

SUMMARY_COLUMNS = (
    Column("name", "企业名称", width=30), Column("credit_code", "统一社会信用代码", width=22),
    Column("district", "所属区县"),
    *(Column(k, h, "amount" if k.endswith("amount") else "int") for k, h, *_ in MEASURES),
)


def _voucher_summary(agency, filters, today, full=True):
    v, e = Voucher, m.Enterprise
    granted = v.state.in_(GRANTED_STATES)
    redeemed = v.state == "redeemed"
    if full:
        stmt = select(e.id.label("id"), e.name, e.credit_code, e.district,
                      func.count(v.id).label("applied"), func.sum(v.amount).label("applied_amount"),
                      func.count(v.id).filter(granted).label("granted"),
                      func.coalesce(func.sum(v.amount).filter(granted), 0).label("granted_amount"),
                      func.count(v.id).filter(redeemed).label("redeemed"),
                      func.coalesce(func.sum(v.redeemed_amount).filter(redeemed), 0).label("redeemed_amount"))
        stmt = stmt.group_by(e.id, e.name, e.credit_code, e.district)
    else:
        stmt = select(e.id.label("id")).group_by(e.id)
    stmt = stmt.select_from(v).join(e, e.id == v.enterprise_id)
    return voucher_filters(stmt, agency, {k: filters.get(k, "") for k in ("q", "year", "district")})


LISTS = {
    "ratings": ListDef("ratings", "知识价值信用评级列表", P + "ratings", P + "ratings.detail", Rating.id, _ratings,
                       ("q", "level", "year", "state", "district"), RATING_COLUMNS),
    "vouchers": ListDef("vouchers", "科技创新券列表", P + "vouchers", P + "vouchers.detail", Voucher.id, _vouchers,
                        ("q", "state", "stage", "kind", "scale", "industry", "tech_field", "year", "district",
                         "enterprise"),
                        VOUCHER_COLUMNS),
    "voucher_summary": ListDef("voucher_summary", "科技创新券情况统计表", P + "voucher_summary",
                               P + "vouchers", m.Enterprise.id, _voucher_summary, ("q", "year", "district"),
                               SUMMARY_COLUMNS),
}


def state_title(ld_key: str, row) -> str:
    states = RATING_STATES if ld_key == "ratings" else VOUCHER_STATES
    return states.get(row.get("state"), row.get("state") or "")


def export_rows(db, ld, agency, filters, batch: int = 1000):
    from .queries import statement

    stmt = statement(ld, agency, filters).order_by(ld.order_key.desc())
    for r in db.execute(stmt.execution_options(yield_per=batch, stream_results=True)).mappings():
        out = dict(r)
        out["state_title"] = state_title(ld.key, out)
        yield out

