"""科企信息统计表 pages: 培育进度统计表 (and the city's 年度目标 form),
区县入库企业情况统计表, 区县科技型企业年报统计表, 全市概况图 and the
drill-through list behind every number. Thin adapters over :mod:`.statistics`;
every figure is computed in the database, scoped to the viewer in the query."""
from __future__ import annotations

import datetime as dt
import json
import tempfile
from decimal import Decimal
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from sqlalchemy import select

from kjgl.core.agencies.models import Agency
from kjgl.core.audit.localtime import OFFSET
from kjgl.core.audit.services import record
from kjgl.core.db import utcnow
from kjgl.core.documents import services as documents
from kjgl.core.documents.services import XLSX
from kjgl.core.errors import refusal
from kjgl.core.exports.xlsx_builder import Column, write_rows
from kjgl.core.layout import flash

from . import statistics as st
from . import queries
from .queries import COUNT_CAP, scope
from .targets import MEASURES as TARGET_MEASURES, TARGET_MAX, Target, of_year

DECIDE = "enterprise_registry:review:decide"
SET_TARGETS = "enterprise_registry:targets:set"
T = "kjgl.plugins.enterprise_registry:templates/"
P = "enterprise_registry."
STATIC = "kjgl.plugins.enterprise_registry:static/"


class BadFilter(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


def _today() -> dt.date:
    return (utcnow() + OFFSET).date()


def _years() -> list[int]:
    return list(range(_today().year, st.FIRST_YEAR - 1, -1))


def default_year() -> int:
    """The latest year reports can be filed for (last year)."""
    return _today().year - 1


def _year(params) -> int:
    raw = (params.get("year") or "").strip()
    if not raw:
        return default_year()
    if not raw.isdigit() or int(raw) not in _years():
        raise BadFilter("year", f"年份须为{st.FIRST_YEAR}至{_today().year}之间的年份")
    return int(raw)


def _period(table, params) -> st.Period:
    if not table.by_month:
        return st.Period(_year(params))
    raw = (params.get("month") or "").strip()
    if not raw:
        today = _today()
        return st.Period(today.year, today.month)
    try:
        year, month = (int(x) for x in raw.split("-"))
        if year not in _years() or not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise BadFilter("month", "月份格式应为“2026-05”，且年份在"
                        f"{st.FIRST_YEAR}至{_today().year}之间") from None
    return st.Period(year, month)


def _period_params(table, p: st.Period) -> dict:
    return {"month": f"{p.year}-{p.month:02d}"} if table.by_month else {"year": str(p.year)}


def _bad(request, exc: BadFilter, template_values: dict):
    request.response.status = 400
    return template_values | {"error": exc.message, "error_field": exc.field}


def _url(request, route, **params) -> str:
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return request.route_url(route) + ("?" + urlencode(params) if params else "")


# --- the tables -----------------------------------------------------------------------------

def table_rows(db, table, tab, viewer, p):
    """(district rows, the 合计 row): dicts of measure values, with each row's agency."""
    values = st.aggregate(db, table, tab, viewer, p)
    zero = {x.key: st.number(None, x) for x in tab.measures}
    body = [{"agency": a, "values": values.get(a.id, zero)} for a in st.rows(db, viewer)]
    return body, {"agency": None, "values": values.get(st.TOTAL, zero)}


def _progress_extra(db, viewer, p, body, total):
    """Targets and 完成率 of each row of 培育进度 (targets are entered, not computed)."""
    targets = of_year(db, p.year, [row["agency"].id for row in body])
    sums = {k: 0 for k, _ in TARGET_MEASURES}
    for row in body:
        t = targets.get(row["agency"].id)
        row["targets"] = {k: getattr(t, k) if t else None for k, _ in TARGET_MEASURES}
        for k in sums:
            sums[k] += row["targets"][k] or 0
    total["targets"] = {k: (v if any(r["targets"][k] is not None for r in body) else None) for k, v in sums.items()}
    for row in body + [total]:
        row["rates"] = {k: rate(row["values"][f"{k}_ytd"], row["targets"][k]) for k, _ in TARGET_MEASURES}


def rate(done, target) -> Decimal | None:
    if not target:
        return None
    return (Decimal(done) * 100 / Decimal(target)).quantize(Decimal("0.01"))


def shown(value, measure=None) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal) or (measure is not None and measure.unit == "千元"):
        return f"{Decimal(value):,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def drill_url(request, table, tab, measure, p, agency=None, zone=None):
    params = {"table": table.key, "tab": tab.key, "measure": measure.key, **_period_params(table, p)}
    if agency is not None:
        params["district"] = str(agency.id)
    if zone is not None:
        params["zone"] = zone
    return _url(request, P + "stats_drill", **params)


def table_page(request, table):
    db = request.dbsession
    viewer = request.identity.agency
    tab = table.tab(request.GET.get("tab"))
    if tab is None:
        raise HTTPNotFound()
    page = {"page_title": table.title, "table": table, "tab": tab, "years": _years(), "shown": shown,
            "zone_label": st.zone_label, "error": "", "error_field": "", "body": [], "total": None,
            "groups": st.PROGRESS_GROUPS, "target_measures": TARGET_MEASURES,
            "can_set_targets": request.has_permission(SET_TARGETS)}
    try:
        p = _period(table, request.GET)
    except BadFilter as exc:
        page.update(period=None, month_value=request.GET.get("month", ""), year_value=request.GET.get("year", ""),
                    export_url="", tab_url=lambda t: _url(request, table.route, tab=t.key))
        return _bad(request, exc, page)
    body, total = table_rows(db, table, tab, viewer, p)
    if table.by_month:
        _progress_extra(db, viewer, p, body, total)
    params = _period_params(table, p)
    page.update(period=p, body=body, total=total, month_value=params.get("month", ""),
                year_value=params.get("year", ""),
                export_url=_url(request, table.route + ".export", tab=tab.key, **params),
                tab_url=lambda t: _url(request, table.route, tab=t.key, **params),
                drill=lambda measure, agency=None: drill_url(request, table, tab, measure, p, agency))
    return page


def _export_columns(table, tab):
    cols = [Column("seq", "序号", "text", width=6), Column("district", "区县", width=24)]
    if table.zone_column:
        cols.append(Column("zone", "两江新区/高新区、经开区", width=16))
    if table.by_month:
        for key, title, measures in st.PROGRESS_GROUPS:
            cols += [Column(f"{x.key}", f"{title}{x.title}（家）", "int") for x in measures]
            cols += [Column(f"target_{key}", f"{title}年度目标（家）", "int"),
                     Column(f"rate_{key}", f"{title}完成率（%）", "decimal", places=2)]
        return cols
    for x in tab.measures:
        cols.append(Column(x.key, x.header, "amount" if x.unit == "千元" else "int"))
    return cols


def _export_row(table, tab, row, seq):
    agency = row["agency"]
    out = {"seq": str(seq) if agency else "", "district": (agency.region or agency.name) if agency else "合计",
           "zone": st.zone_label(agency) if agency else "--"}
    out.update(row["values"])
    if table.by_month:
        for key, _ in TARGET_MEASURES:
            out[f"target_{key}"] = row["targets"][key]
            out[f"rate_{key}"] = row["rates"][key]
    return out


def table_export(request, table):
    """导出Excel: the current tab only, with the page's filter; the 合计 row last."""
    db = request.dbsession
    viewer = request.identity.agency
    tab = table.tab(request.GET.get("tab"))
    if tab is None:
        raise HTTPNotFound()
    try:
        p = _period(table, request.GET)
    except BadFilter as exc:
        return refusal(request, exc.message, 400)
    body, total = table_rows(db, table, tab, viewer, p)
    if table.by_month:
        _progress_extra(db, viewer, p, body, total)
    rows = [_export_row(table, tab, row, i) for i, row in enumerate(body, 1)] + [_export_row(table, tab, total, 0)]
    title = table.title if len(table.tabs) == 1 else f"{table.title}-{tab.title}"
    suffix = f"{p.year}-{p.month:02d}" if table.by_month else f"{p.year}"
    return _send(request, _export_columns(table, tab), rows, title, f"{title}-{suffix}.xlsx",
                 P + table.key, {"tab": tab.key, **_period_params(table, p)})


def _send(request, columns, rows, sheet, filename, object_type, filters):
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, columns, rows, sheet)
    spool.seek(0)
    record(request.dbsession, request, "registry_export_excel", object_type=object_type, filters=filters, rows=count)
    with spool:
        return documents.export(request, spool, kind="registry_excel", content_type=XLSX, filename=filename,
                                object_type=object_type)


# --- the drill-through list -----------------------------------------------------------------

def _drill_target(request):
    """(table, tab, measure, period, district agency or None, zone group or None) of the query
    string; a district or zone outside the viewer's scope is "not found"."""
    g = request.GET
    # without parameters: the 合计 of 入库科企数 (every listed enterprise the viewer sees)
    table = st.TABLES.get(g.get("table") or st.LISTING.key)
    tab = table.tab(g.get("tab")) if table else None
    measure = (tab.measure(g["measure"]) if g.get("measure") else tab.measures[0 if table.by_month else
                                                                                 min(1, len(tab.measures) - 1)]) \
        if tab else None
    if measure is None:
        raise HTTPNotFound()
    p = _period(table, g)
    viewer = request.identity.agency
    district = zone = None
    raw = (g.get("district") or "").strip()
    if raw:
        if not raw.isdigit() or len(raw) > 9:
            raise HTTPNotFound()
        district = request.dbsession.scalar(select(Agency).where(
            Agency.id == int(raw), Agency.level == "district", scope(Agency.id, viewer)))
        if district is None:
            raise HTTPNotFound()
    raw_zone = (g.get("zone") or "").strip()
    if raw_zone:
        if raw_zone not in dict(st.ZONE_GROUPS) or table is not st.LISTING:
            raise HTTPNotFound()
        zone = raw_zone
    return table, tab, measure, p, district, zone


def _drill_title(table, tab, measure, p, district, zone):
    where = (district.region or district.name) if district else dict(st.ZONE_GROUPS).get(zone, "合计")
    when = f"{p.year}年{p.month}月" if table.by_month else f"{p.year}年"
    group = next((title for _, title, ms in st.PROGRESS_GROUPS if measure in ms), "") if table.by_month else ""
    part = "" if len(table.tabs) == 1 else f" › {tab.title}"
    return f"{table.title}{part} › {where} › {group}{measure.title}（{when}）"


DRILL_COLUMNS = (Column("name", "企业名称", width=30), Column("credit_code", "统一社会信用代码", width=22),
                 Column("district", "所属区县"), Column("zone", "所在园区"), Column("scale", "企业规模"),
                 Column("industry", "产业类别"), Column("tech_field", "高新技术领域"),
                 Column("listed_on", "入库时间", "date"))


def _int(value):
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _drill(request):
    """The drill-through's target from the query string (BadFilter if it names nothing) and the
    statement of the enterprises it counts, scoped to the viewer."""
    table, tab, measure, p, district, zone = _drill_target(request)
    stmt = st.drill_statement(table, tab, measure, request.identity.agency, p,
                              district=district.id if district else None, zone=zone)
    return table, tab, measure, p, district, zone, stmt


def drill_page(request):
    db = request.dbsession
    try:
        table, tab, measure, p, district, zone, stmt = _drill(request)
    except BadFilter as exc:
        return refusal(request, exc.message, 400)
    count, total = st.drill_totals(db, stmt)
    after, before = _int(request.GET.get("after")), _int(request.GET.get("before"))
    # the list's order and keyset key: the enterprise's id
    found, prev_key, next_key = queries.keyset(db, stmt, st.e.id, after=after, before=before)
    params = {k: v for k, v in request.GET.items() if k not in ("after", "before")}
    back_params = {k: v for k, v in params.items() if k in ("year", "month", "tab")}
    return {"page_title": "统计明细", "title": _drill_title(table, tab, measure, p, district, zone),
            "measure": measure, "rows": found, "count": count, "total": total, "shown": shown,
            "columns": DRILL_COLUMNS, "prev_url": _url(request, P + "stats_drill", **params, before=prev_key)
            if prev_key else "", "next_url": _url(request, P + "stats_drill", **params, after=next_key)
            if next_key else "", "export_url": _url(request, P + "stats_drill.export", **params),
            "back_url": _url(request, table.route, **back_params),
            "detail": lambda id_: request.route_url(P + "enterprises.detail", id=id_)}


def drill_export(request):
    db = request.dbsession
    try:
        table, tab, measure, p, district, zone, stmt = _drill(request)
    except BadFilter as exc:
        return refusal(request, exc.message, 400)
    cols = DRILL_COLUMNS
    if not measure.is_count:
        cols = cols + (Column("value", measure.header, "amount" if measure.unit == "千元" else "int"),)
    rows = db.execute(stmt.order_by(st.e.id.desc()).limit(COUNT_CAP).execution_options(
        yield_per=1000, stream_results=True)).mappings()
    filters = {k: v for k, v in request.GET.items() if k not in ("after", "before")}
    return _send(request, cols, rows, "统计明细", f"统计明细-{table.title}-{dt.date.today():%Y%m%d}.xlsx",
                 P + "stats_drill", filters)


# --- 全市概况图 ------------------------------------------------------------------------------

def overview(request):
    db = request.dbsession
    viewer = request.identity.agency
    page = {"page_title": "全市概况图", "years": _years(), "error": "", "error_field": "", "data_json": "",
            "data": None}
    try:
        year = _year(request.GET)
    except BadFilter as exc:
        page["year_value"] = request.GET.get("year", "")
        return _bad(request, exc, page)
    data = st.chart_data(db, viewer, year)
    measure = st.LISTING.tab("count").measure("listed")
    tab = st.LISTING.tab("count")
    p = st.Period(year)
    for d in data["districts"]:
        d["url"] = _url(request, P + "stats_drill", table="listing", tab=tab.key, measure=measure.key,
                        year=str(year), district=str(d["id"]))
    for z in data["zones"]:
        z["url"] = drill_url(request, st.LISTING, tab, measure, p, zone=z["key"])
    page.update(year_value=str(year), data=data, data_json=json.dumps(data, ensure_ascii=False),
                table_url=_url(request, P + "stats_listing", year=str(year)))
    return page


# --- 年度目标 (the city sets, districts read) --------------------------------------------------

def targets_page(request, errors=None, values=None, status=200, year=None):
    db = request.dbsession
    viewer = request.identity.agency
    try:
        year = year or _year_target(request.GET)
    except BadFilter as exc:
        request.response.status = 400
        return {"page_title": "培育进度年度目标", "years": _target_years(), "year": None, "rows": [],
                "can_set": False, "errors": {}, "error": exc.message, "measures": TARGET_MEASURES, "values": {}}
    request.response.status = status
    agencies = st.rows(db, viewer)
    targets = of_year(db, year, [a.id for a in agencies])
    return {"page_title": "培育进度年度目标", "years": _target_years(), "year": year, "measures": TARGET_MEASURES,
            "rows": [(a, targets.get(a.id)) for a in agencies], "can_set": request.has_permission(SET_TARGETS),
            "errors": errors or {}, "values": values or {}, "error": "请修改标红的内容" if errors else ""}


def _target_years():
    this = _today().year
    return list(range(this + 1, st.FIRST_YEAR - 1, -1))


def _year_target(params) -> int:
    raw = (params.get("year") or "").strip()
    if not raw:
        return _today().year
    if not raw.isdigit() or int(raw) not in _target_years():
        raise BadFilter("year", f"年份须为{st.FIRST_YEAR}至{_today().year + 1}之间的年份")
    return int(raw)


def targets_save(request):
    """保存 the year's targets of every district in the city's tree (blank: no target)."""
    db = request.dbsession
    viewer = request.identity.agency
    try:
        year = _year_target(request.POST)
    except BadFilter as exc:
        return refusal(request, exc.message, 400)
    agencies = st.rows(db, viewer)
    errors, parsed = {}, {}
    for a in agencies:
        for key, title in TARGET_MEASURES:
            name = f"{key}_{a.id}"
            raw = (request.POST.get(name) or "").strip()
            if raw == "":
                parsed[name] = None
            elif raw.isdigit() and int(raw) <= TARGET_MAX:
                parsed[name] = int(raw)
            else:
                errors[name] = f"{a.region or a.name}的{title}目标须为0至{TARGET_MAX}之间的整数"
    if errors:
        values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
        return targets_page(request, errors, values, 400, year)
    existing = of_year(db, year, [a.id for a in agencies])
    changed = {}
    for a in agencies:
        new = {key: parsed[f"{key}_{a.id}"] for key, _ in TARGET_MEASURES}
        t = existing.get(a.id)
        if all(v is None for v in new.values()):
            if t is not None:
                changed[a.region or a.name] = {"from": {k: getattr(t, k) for k, _ in TARGET_MEASURES}, "to": None}
                db.delete(t)
            continue
        new = {k: v or 0 for k, v in new.items()}
        before = {k: getattr(t, k) for k, _ in TARGET_MEASURES} if t else None
        if before == new:
            continue
        if t is None:
            t = Target(agency_id=a.id, year=year)
            db.add(t)
        for k, v in new.items():
            setattr(t, k, v)
        t.updated_by_id, t.updated_at = request.identity.id, utcnow()
        changed[a.region or a.name] = {"from": before, "to": new}
    db.flush()
    record(db, request, "registry_targets_set", object_type=P + "targets", year=year, changes=changed)
    flash(request, f"已保存{year}年度目标（{len(changed)}个区县有变化）")
    return HTTPSeeOther(_url(request, P + "stats_targets", year=str(year)))


# --- routes ------------------------------------------------------------------------------------

def _bind(fn, *args):
    def view(request):
        return fn(request, *args)
    return view


def register(config):
    from kjgl.core.security import kind_is

    def city_staff(request, user):
        return kind_is("agency")(request, user) and user.agency is not None and user.agency.level != "district"

    config.add_permission_rule(SET_TARGETS, city_staff)
    # the statistics pages' CSS, chart script and vendored ECharts: served to agency staff only
    config.add_static_view("static-er", STATIC, cache_max_age=3600, permission=DECIDE)
    base = "/enterprise-registry/agency/statistics"
    paths = {"progress": "progress", "listing": "listing", "annual": "annual"}
    for key, table in st.TABLES.items():
        config.add_route(table.route, f"{base}/{paths[key]}/")
        config.add_view(_bind(table_page, table), route_name=table.route, permission=DECIDE,
                        renderer=T + "stats_table.pt", request_method="GET")
        config.add_route(table.route + ".export", f"{base}/{paths[key]}/export.xlsx")
        config.add_view(_bind(table_export, table), route_name=table.route + ".export", permission=DECIDE,
                        request_method="GET")
    config.add_route(P + "stats_overview", f"{base}/overview/")
    config.add_view(overview, route_name=P + "stats_overview", permission=DECIDE, renderer=T + "stats_overview.pt",
                    request_method="GET")
    config.add_route(P + "stats_drill", f"{base}/drill/")
    config.add_view(drill_page, route_name=P + "stats_drill", permission=DECIDE, renderer=T + "stats_drill.pt",
                    request_method="GET")
    config.add_route(P + "stats_drill.export", f"{base}/drill/export.xlsx")
    config.add_view(drill_export, route_name=P + "stats_drill.export", permission=DECIDE, request_method="GET")
    config.add_route(P + "stats_targets", f"{base}/targets/")
    config.add_view(targets_page, route_name=P + "stats_targets", permission=DECIDE,
                    renderer=T + "stats_targets.pt", request_method="GET")
    config.add_route(P + "stats_targets.save", f"{base}/targets/save")
    config.add_view(targets_save, route_name=P + "stats_targets.save", permission=SET_TARGETS,
                    renderer=T + "stats_targets.pt", request_method="POST")
