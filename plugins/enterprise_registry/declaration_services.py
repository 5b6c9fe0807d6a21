"""The rules of 申报事项 (seed 004 §4), taking a :class:`Context` and auditing
themselves.

- 知识价值信用评价: a listed enterprise applies for a year (one application per
  year); the city bureau records the result (信用等级 and 评分): applied → rated.
- 科技创新券: a listed enterprise applies (类型, 金额 in 千元, 服务内容); its
  district approves or returns it (an opinion required to return); the
  district records the 兑付 of an approved voucher (amount up to the voucher's,
  date not in the future): applied → approved → redeemed, or applied → returned.

A validation failure raises :class:`Invalid` with the messages by field.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select

from kjgl.core.audit.services import changes
from kjgl.core.db import utcnow
from kjgl.core.forms import Field, Schema

from .declaration_models import RATING_LEVELS, VOUCHER_KINDS, Rating, Voucher
from .schemas import MONEY_MAX
from .services import FIRST_REPORT_YEAR, enterprise_of

AMOUNT_MAX = Decimal("100000.00")  # 千元: a voucher is never worth more than 1亿元
OPINION_MAX = 500


class Invalid(Exception):
    """Bad input: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str], message: str = "请修改标红的内容"):
        super().__init__(message)
        self.errors = errors
        self.message = message


def _money(name, label, maximum=MONEY_MAX, required=True):
    return Field(name, label, "decimal", required=required, min_value=Decimal(0), max_value=maximum, unit="千元",
                 places=2)


def _count(name, label, unit):
    return Field(name, label, "int", min_value=0, max_value=9_999_999, unit=unit)


def years(today: dt.date | None = None) -> list[str]:
    """The years a declaration may be made for: this year back to the first report year."""
    today = today or dt.date.today()
    return [str(y) for y in range(today.year, FIRST_REPORT_YEAR - 1, -1)]


def _year_field(today=None):
    return Field("year", "年份", "select", choices=tuple(years(today)))


def rating_form(today=None) -> Schema:
    return Schema(
        _year_field(today),
        _money("rd_expense", "研发投入"),
        _count("rd_staff", "研发人员数", "人"),
        _count("ip_count", "有效知识产权数", "件"),
        _money("revenue", "主营业务收入"),
        Field("note", "情况说明", "textarea", required=False, max_length=500),
    )


RESULT_FORM = Schema(
    Field("level", "信用等级", "select", choices=RATING_LEVELS),
    Field("score", "评分", "decimal", min_value=Decimal(0), max_value=Decimal(100), places=1),
    Field("opinion", "评价意见", "textarea", required=False, max_length=OPINION_MAX),
)


def voucher_form(today=None) -> Schema:
    return Schema(
        _year_field(today),
        Field("kind", "创新券类型", "select", choices=VOUCHER_KINDS),
        Field("amount", "申领金额", "decimal", min_value=Decimal("0.01"), max_value=AMOUNT_MAX, unit="千元", places=2),
        Field("purpose", "服务内容", "textarea", max_length=500),
    )


VOUCHER_DECISION = Schema(
    Field("decision", "审核结果", "radio", choices=("approve", "return")),
    Field("opinion", "审核意见", "textarea", required=False, max_length=OPINION_MAX),
)


def redeem_form(today=None) -> Schema:
    today = today or dt.date.today()

    def not_future(value):
        return "兑付日期不能晚于今天" if value > today else None

    return Schema(
        Field("redeemed_amount", "兑付金额", "decimal", min_value=Decimal("0.01"), max_value=AMOUNT_MAX, unit="千元",
              places=2),
        Field("redeemed_on", "兑付日期", "date", checks=(not_future,)),
    )


def _valid(schema: Schema, raw) -> dict:
    result = schema.validate(raw)
    if result.errors:
        raise Invalid(dict(result.errors))
    return result.data


def _listed(db, organisation):
    enterprise = enterprise_of(db, organisation.id)
    if enterprise is None or not enterprise.listed:
        raise Invalid({"year": "企业基本信息审核通过（已入库）后才能申报"}, "企业基本信息审核通过（已入库）后才能申报")
    return enterprise


# --- 知识价值信用评价 ---------------------------------------------------------------------

def apply_rating(ctx, organisation, raw, today=None) -> Rating:
    enterprise = _listed(ctx.db, organisation)
    data = _valid(rating_form(today), raw)
    year = int(data.pop("year"))
    if ctx.db.scalar(select(Rating.id).where(Rating.enterprise_id == enterprise.id, Rating.year == year)):
        raise Invalid({"year": f"{year}年度已申请过知识价值信用评价"})
    rating = Rating(enterprise_id=enterprise.id, agency_id=enterprise.agency_id, year=year, state="applied",
                    applied_by_id=ctx.actor.id, **data)
    ctx.db.add(rating)
    ctx.db.flush()
    ctx.audit("declaration_apply", object_type="enterprise_registry.rating", object_id=rating.id, year=year)
    return rating


def rate(ctx, rating: Rating, raw) -> Rating:
    """The city's result; a rating already rated may be corrected (audited with what changed)."""
    data = _valid(RESULT_FORM, raw)
    before = {"state": rating.state, "level": rating.level, "score": rating.score}
    rating.level, rating.score, rating.opinion = data["level"], data["score"], data["opinion"]
    rating.state, rating.rated_at, rating.rated_by_id = "rated", utcnow(), ctx.actor.id
    ctx.db.flush()
    ctx.audit("rating_result", object_type="enterprise_registry.rating", object_id=rating.id,
              changes=changes(before, {"state": rating.state, "level": rating.level, "score": rating.score}))
    return rating


# --- 科技创新券 ---------------------------------------------------------------------------

def apply_voucher(ctx, organisation, raw, today=None) -> Voucher:
    enterprise = _listed(ctx.db, organisation)
    data = _valid(voucher_form(today), raw)
    voucher = Voucher(enterprise_id=enterprise.id, agency_id=enterprise.agency_id, year=int(data["year"]),
                      kind=data["kind"], amount=data["amount"], purpose=data["purpose"], state="applied",
                      applied_by_id=ctx.actor.id)
    ctx.db.add(voucher)
    ctx.db.flush()
    ctx.audit("declaration_apply", object_type="enterprise_registry.voucher", object_id=voucher.id,
              year=voucher.year, title=f"{voucher.kind}券 {voucher.amount}千元")
    return voucher


def decide_voucher(ctx, voucher: Voucher, raw) -> Voucher:
    data = _valid(VOUCHER_DECISION, raw)
    if data["decision"] == "return" and not (data["opinion"] or "").strip():
        raise Invalid({"opinion": "退回时必须填写审核意见"})
    if voucher.state != "applied":
        raise Invalid({"decision": "该创新券申请已审核，不能重复审核"}, "该创新券申请已审核，不能重复审核")
    before = voucher.state
    voucher.state = "approved" if data["decision"] == "approve" else "returned"
    voucher.opinion, voucher.decided_at, voucher.decided_by_id = data["opinion"], utcnow(), ctx.actor.id
    ctx.db.flush()
    ctx.audit("voucher_decide", object_type="enterprise_registry.voucher", object_id=voucher.id,
              decision=data["decision"], changes=changes({"state": before}, {"state": voucher.state}))
    return voucher


def redeem_voucher(ctx, voucher: Voucher, raw, today=None) -> Voucher:
    data = _valid(redeem_form(today), raw)
    if voucher.state != "approved":
        raise Invalid({"redeemed_amount": "只有已批准且未兑付的创新券才能登记兑付"}, "只有已批准且未兑付的创新券才能登记兑付")
    if data["redeemed_amount"] > voucher.amount:
        raise Invalid({"redeemed_amount": f"兑付金额不能超过申领金额（{voucher.amount}千元）"})
    voucher.state, voucher.redeemed_amount, voucher.redeemed_on = "redeemed", data["redeemed_amount"], \
        data["redeemed_on"]
    voucher.redeemed_by_id = ctx.actor.id
    ctx.db.flush()
    ctx.audit("voucher_redeem", object_type="enterprise_registry.voucher", object_id=voucher.id,
              changes=changes({"state": "approved", "redeemed_amount": None, "redeemed_on": None},
                              {"state": voucher.state, "redeemed_amount": voucher.redeemed_amount,
                               "redeemed_on": voucher.redeemed_on}))
    return voucher


def declarations_of(db, enterprise_id: int) -> tuple[list[Rating], list[Voucher]]:
    ratings = list(db.scalars(select(Rating).where(Rating.enterprise_id == enterprise_id)
                              .order_by(Rating.year.desc())))
    vouchers = list(db.scalars(select(Voucher).where(Voucher.enterprise_id == enterprise_id)
                               .order_by(Voucher.id.desc())))
    return ratings, vouchers


# what the audit log calls the fields its ``changes`` name
FIELD_TITLES = {
    "enterprise_registry.rating": {"state": "状态", "level": "信用等级", "score": "评分"},
    "enterprise_registry.voucher": {"state": "状态", "redeemed_amount": "兑付金额（千元）", "redeemed_on": "兑付日期"},
}
AUDIT_EVENTS = {
    "declaration_apply": "申报事项申请（信用评价、创新券）",
    "rating_result": "录入知识价值信用评价结果",
    "voucher_decide": "审核科技创新券申请",
    "voucher_redeem": "登记科技创新券兑付",
    "column_choice_save": "保存自定义查询导出字段",
    "column_choice_delete": "删除自定义查询导出字段",
    "registry_export_excel_full": "导出企业信息列表Excel（完整联系方式，未脱敏）",
}
