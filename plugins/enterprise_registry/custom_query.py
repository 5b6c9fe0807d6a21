"""自定义查询 (seed 004 §5.5): the listed enterprises with their report of a
year, and an export of exactly the columns the user ticks.

The catalogue offers every field of the basic information and of the
annual report's tabs, grouped by tab in the documents' own order (a stable
key per column: ``e_<field>`` for the enterprise, ``r_<field>`` for the
report). :func:`export_rows` streams the rows from a server-side cursor; the
caller writes the chosen columns, in the chosen order. 科研联系人手机 is
masked unless the caller asks for full values and may have them.

A user keeps named column choices (``er_column_choice``): name required,
at most 50 characters, at least one column, every key known.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select

from kjgl.core import masking
from kjgl.core.exports.xlsx_builder import Column
from kjgl.core.review.models import Submission

from . import models as m
from .declaration_models import ColumnChoice
from .declaration_services import Invalid
from .queries import ListDef, _district_filter, scope, search
from .schemas import BASIC_TAB, REPORT

NAME_MAX = 50
PERSONAL = {"e_contact_mobile"}


@dataclass(frozen=True)
class Choice:
    key: str
    label: str  # the checkbox's label
    column: Column  # the export's column (header with unit)
    attr: object  # the selected SQL column


def _kind(field) -> str:
    if field.kind == "decimal":
        return "amount"
    return {"int": "int", "date": "date"}.get(field.kind, "text")


def _header(field, suffix="") -> str:
    return field.label + suffix + (f"（{field.unit}）" if field.unit else "")


def _catalogue() -> list[tuple[str, list[Choice]]]:
    e = m.Enterprise
    basic = [Choice("e_" + f.name, f.label, Column("e_" + f.name, _header(f), _kind(f)), getattr(e, f.name))
             for f in BASIC_TAB.fields]
    basic.append(Choice("e_listed_on", "入库时间", Column("e_listed_on", "入库时间", "date"), e.listed_on))
    groups = [("企业基本信息", basic)]
    report_models = {"er_report": m.Report, "er_report_innovation": m.ReportInnovation,
                     "er_report_people": m.ReportPeople, "er_report_market": m.ReportMarket}
    for tab in REPORT.tabs:
        model = report_models[tab.model.__tablename__]
        suffix = "（年报）" if tab.key == "basic" else ""
        items = [Choice("r_year", "年报年份", Column("r_year", "年报年份", "int"), m.Report.year)] \
            if tab.key == "basic" else []
        items += [Choice("r_" + f.name, f.label + suffix, Column("r_" + f.name, _header(f, suffix), _kind(f)),
                         getattr(model, f.name)) for f in tab.fields]
        groups.append(("年报 · " + tab.title, items))
    return groups


GROUPS = _catalogue()
CHOICES = {c.key: c for _, items in GROUPS for c in items}
# 注册年月 of the list is 注册时间 shown as a month; the export offers the date itself
LIST_COLUMNS = (("e_district", "区县"), ("e_name", "企业名称"), ("e_industry", "产业类别"),
                ("e_credit_code", "统一社会信用代码"), ("e_registered_on", "注册年月"), ("e_contact_name", "科研联系人"),
                ("e_contact_mobile", "科研联系人手机"), ("r_main_revenue", "主营业务收入（千元）"))


def report_years(db) -> list[int]:
    """The years reports are filed for (the module's batches), newest first."""
    from kjgl.core.review.models import Batch

    from .schemas import MODULE_KEY

    return sorted(set(db.scalars(select(Batch.year).where(Batch.module_key == MODULE_KEY, Batch.year > 0))),
                  reverse=True)


def latest_year(db, agency) -> int | None:
    """The latest year with a filed report in the agency's jurisdiction (the list's default):
    one indexed EXISTS per year, newest first, rather than a MAX over every report."""
    for year in report_years(db):
        filed = select(m.Report.submission_id).join(Submission, Submission.id == m.Report.submission_id).where(
            m.Report.year == year, Submission.state != "draft", scope(m.Report.agency_id, agency))
        if db.scalar(select(filed.exists())):
            return year
    return None


def _build(agency, filters, today, full=True):
    e, r = m.Enterprise, m.Report
    if full:
        stmt = select(e.id.label("id"), *[c.attr.label(c.key) for c in CHOICES.values()])
    else:
        stmt = select(e.id.label("id"))
    stmt = (stmt.select_from(e).join(r, r.enterprise_id == e.id).join(Submission, Submission.id == r.submission_id)
            .where(scope(e.agency_id, agency), e.listed_on.is_not(None), Submission.state != "draft"))
    if full:
        stmt = (stmt.outerjoin(m.ReportInnovation, m.ReportInnovation.submission_id == r.submission_id)
                .outerjoin(m.ReportPeople, m.ReportPeople.submission_id == r.submission_id)
                .outerjoin(m.ReportMarket, m.ReportMarket.submission_id == r.submission_id))
    year = filters.get("year", "")
    # the view always fills the year (the latest with data); no year means no rows rather than every year's
    stmt = stmt.where(r.year == (int(year) if year.isdigit() and len(year) == 4 else -1))
    if filters.get("q"):
        stmt = stmt.where(search(filters["q"], e.name, e.credit_code))
    return _district_filter(stmt, e.agency_id, filters, agency)


LIST = ListDef("custom_query", "自定义查询", "enterprise_registry.custom_query", "enterprise_registry.enterprises.detail",
               m.Enterprise.id, _build, ("q", "year", "district"), ())


def chosen(keys) -> list[Choice]:
    """The known keys of ``keys``, first occurrence, in the given order."""
    seen, out = set(), []
    for key in keys:
        if key in CHOICES and key not in seen:
            seen.add(key)
            out.append(CHOICES[key])
    return out


def unknown(keys) -> list[str]:
    return [k for k in keys if k not in CHOICES]


def shown(row, key, full=False):
    value = row.get(key)
    if key in PERSONAL and value and not full:
        return masking.mobile(value)
    return value


def export_statement(agency, filters, choices: list[Choice]):
    """The filtered rows with the chosen columns only, joining only the report
    tables they come from (a wide export of every column costs several times more)."""
    stmt = _build(agency, filters, None, full=False).add_columns(*[c.attr.label(c.key) for c in choices])
    tables = {c.attr.class_ for c in choices}
    for model in (m.ReportInnovation, m.ReportPeople, m.ReportMarket):
        if model in tables:
            stmt = stmt.outerjoin(model, model.submission_id == m.Report.submission_id)
    return stmt.order_by(LIST.order_key.desc())


def export_rows(db, agency, filters, choices: list[Choice], full=False, batch: int = 1000):
    """Every filtered row (list order), the chosen keys only, personal data masked unless ``full``."""
    stmt = export_statement(agency, filters, choices)
    for r in db.execute(stmt.execution_options(yield_per=batch, stream_results=True)).mappings():
        yield [shown(r, c.key, full) for c in choices]


def serial_start(db, agency, filters, first_key: int | None) -> int:
    """序号 of a keyset page's first row: the rows above it, plus one."""
    if first_key is None:
        return 1
    from .queries import statement

    stmt = statement(LIST, agency, filters, full=False).where(LIST.order_key > first_key)
    return db.scalar(select(func.count()).select_from(stmt.subquery())) + 1


def cell(row, key):
    value = shown(row, key)
    if key == "e_registered_on" and isinstance(value, dt.date):
        return value.strftime("%Y-%m")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "—" if value in (None, "") else str(value)


# --- saved choices ----------------------------------------------------------------------

def choices_of(db, user_id: int) -> list[ColumnChoice]:
    return list(db.scalars(select(ColumnChoice).where(ColumnChoice.user_id == user_id).order_by(ColumnChoice.name)))


def choice_of(db, user_id: int, choice_id: int) -> ColumnChoice | None:
    return db.scalar(select(ColumnChoice).where(ColumnChoice.id == choice_id, ColumnChoice.user_id == user_id))


def save_choice(ctx, name, keys) -> ColumnChoice:
    """Save (or replace) the user's choice ``name``: the keys in their order."""
    errors = {}
    name = (name or "").strip() if isinstance(name, str) else ""
    if not name:
        errors["choice_name"] = "方案名称不能为空"
    elif len(name) > NAME_MAX:
        errors["choice_name"] = f"方案名称最多{NAME_MAX}个字符（当前{len(name)}个）"
    keys = [k for k in keys if isinstance(k, str)]
    bad = unknown(keys)
    if bad:
        errors["cols"] = "导出字段中有未知字段：" + "、".join(k[:40] for k in bad[:5])
    elif not keys:
        errors["cols"] = "导出字段至少选择一项"
    if errors:
        raise Invalid(errors)
    ordered = [c.key for c in chosen(keys)]
    choice = ctx.db.scalar(select(ColumnChoice).where(ColumnChoice.user_id == ctx.actor.id, ColumnChoice.name == name))
    if choice is None:
        choice = ColumnChoice(user_id=ctx.actor.id, name=name, columns=ordered)
        ctx.db.add(choice)
    else:
        choice.columns = ordered
    ctx.db.flush()
    ctx.audit("column_choice_save", object_type="enterprise_registry.column_choice", object_id=choice.id, name=name,
              columns=len(ordered))
    return choice


def delete_choice(ctx, choice: ColumnChoice) -> None:
    ctx.audit("column_choice_delete", object_type="enterprise_registry.column_choice", object_id=choice.id,
              name=choice.name)
    ctx.db.delete(choice)
    ctx.db.flush()
