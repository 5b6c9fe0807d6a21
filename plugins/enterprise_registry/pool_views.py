"""The screened pools' pages (科企梯次培育库, 科企后备库): the list with its
条件说明 (tick, set, 查询 saves them for the agency; 重置 restores the
defaults), keyset pages, 导出Excel, and the detail of any enterprise of the
agency's jurisdiction explaining, criterion by criterion, why it is or is not
in the pool. Thin adapters over :mod:`.pools` and :mod:`.pool_settings`."""
from __future__ import annotations

import datetime as dt
import tempfile
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from sqlalchemy import select

from kjgl.core.audit.services import record
from kjgl.core.documents import services as documents
from kjgl.core.documents.services import XLSX
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.core.layout import flash

from . import pool_settings, pools, queries
from .models import Enterprise

DECIDE = "enterprise_registry:review:decide"
T = "kjgl.plugins.enterprise_registry:templates/"
PREFIX = "/enterprise-registry/agency/pools"


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _query(filters, **extra) -> str:
    params = {k: v for k, v in {**filters, **extra}.items() if v not in ("", None)}
    return ("?" + urlencode(params)) if params else ""


def screen(request, pool):
    """(ListDef, filters with the year resolved, settings) of the agency's view of ``pool``."""
    agency = request.identity.agency
    settings = pool_settings.load(request.dbsession, agency, pool)
    ld = pool_settings.listdef(pool, settings)
    filters = ld.filters(request.GET)
    if pool.yearly and not (filters.get("year", "").isdigit() and len(filters["year"]) == 4):
        latest = pools.latest_year(request.dbsession, agency)
        filters["year"] = str(latest or dt.date.today().year - 1)
    if pool.first_year and not filters.get("first", "").isdigit():
        filters["first"] = ""
    return ld, filters, settings


def _years(request):
    r = queries.m.Report
    return list(request.dbsession.scalars(select(r.year).where(
        queries.scope(r.agency_id, request.identity.agency)).distinct().order_by(r.year.desc())))


def _cell(row, key, pool):
    value = row.get(key)
    if value is None:
        return "—"
    for f in pool.columns:
        if f.key == key and f.unit == "%":
            return pools.Figure.show(f, value)
        if f.key == key and f.unit == "万元":
            return f"{value:,.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def list_page(request, pool, errors=None, typed=None, status=200):
    ld, filters, settings = screen(request, pool)
    if typed is not None:
        shown = typed  # the form as typed (with its errors); the list stays on the saved settings
    else:
        shown = pool_settings.Settings(settings.ticked, settings.values)
    filter_errors = pools.filter_errors(filters)
    for name in filter_errors:
        filters[name] = ""
    page = queries.page(request.dbsession, ld, request.identity.agency, filters,
                        after=_int(request.GET.get("after")), before=_int(request.GET.get("before")))
    request.response.status = status
    query = _query(filters)
    return {"page_title": pool.title, "pool": pool, "ld": ld, "page": page, "filters": filters, "query": query,
            "settings": settings, "shown": shown, "errors": errors or {}, "filter_errors": filter_errors,
            "values": {p.name: (typed_value(typed, p) if typed is not None else p.show(settings.values[p.name])
                                .removesuffix(p.unit)) for p in pool.params()},
            "ref": pools.Ref(int(filters["year"]) if pool.yearly else None, dt.date.today()),
            "cols": [c for c in pool_settings.columns(pool) if c.key not in ("zone", "registered_on", "tech_field")
                     or (c.key == "registered_on" and not pool.yearly)], "cell": lambda r, k: _cell(r, k, pool),
            "districts": _districts(request), "years": _years(request),
            "link": lambda **kw: request.route_url(pool.route) + _query(filters, **kw),
            "detail": lambda key: request.route_url(pool.route + ".detail", id=key) + query}


def typed_value(typed, p):
    raw = typed.values.get(p.name)
    return raw if isinstance(raw, str) else (p.show(raw).removesuffix(p.unit) if raw is not None else "")


def _districts(request):
    from kjgl.core.agencies.models import Agency

    agency = request.identity.agency
    if agency.level == "district":
        return []
    return list(request.dbsession.scalars(select(Agency).where(
        Agency.level == "district", Agency.path.startswith(agency.path)).order_by(Agency.path)))


def params_post(request, pool):
    """查询 on the 条件说明: remember the ticked conditions and parameters for the agency."""
    settings, errors = pool_settings.parse(pool, request.POST)
    back = request.route_url(pool.route) + _query({k: v for k, v in request.GET.items() if k in pool.filter_names})
    if errors:
        typed = pool_settings.Settings(settings.ticked, {p.name: request.POST.get(p.name, "") for p in pool.params()})
        return list_page(request, pool, errors, typed, 400)
    if pool_settings.save(request.dbsession, request, request.identity.agency, pool, settings):
        flash(request, "已按设置的条件参数查询，参数已保存")
    return HTTPSeeOther(back)


def reset_post(request, pool):
    """重置: the defaults again (and the filters cleared)."""
    if pool_settings.reset(request.dbsession, request, request.identity.agency, pool):
        flash(request, "已恢复默认条件参数")
    return HTTPSeeOther(request.route_url(pool.route))


def export(request, pool):
    ld, filters, _ = screen(request, pool)
    for name in pools.filter_errors(filters):
        filters[name] = ""
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, ld.columns, queries.export_rows(request.dbsession, ld, request.identity.agency, filters),
                       pool.title)
    spool.seek(0)
    record(request.dbsession, request, "registry_export_excel", object_type=pool.route,
           filters={k: v for k, v in filters.items() if v}, rows=count)
    with spool:
        return documents.export(request, spool, kind="registry_excel", content_type=XLSX,
                                filename=f"{pool.title}-{dt.date.today():%Y%m%d}.xlsx", object_type=pool.route)


def detail(request, pool):
    """Any enterprise of the agency's jurisdiction: in the pool or not, and why."""
    db = request.dbsession
    ld, filters, settings = screen(request, pool)
    key = int(request.matchdict["id"])
    agency = request.identity.agency
    year = int(filters["year"]) if pool.yearly else None
    found = pools.explain(db, pool, agency, key, year, settings, dt.date.today())
    if found is None:
        raise HTTPNotFound()
    member, verdicts = found
    enterprise = db.get(Enterprise, key)
    record(db, request, "registry_view", object_type="enterprise_registry.enterprise", object_id=key, title=pool.title)
    query = _query(filters)
    back = request.route_url(pool.route) + query
    previous, following = queries.neighbours(db, ld, agency, filters, key)
    return {"page_title": pool.title, "pool": pool, "enterprise": enterprise, "member": member,
            "verdicts": verdicts, "year": year, "back_url": back,
            "prev_url": request.route_url(ld.detail_route, id=previous) + query if previous else back,
            "next_url": request.route_url(ld.detail_route, id=following) + query if following else back,
            "enterprise_url": request.route_url("enterprise_registry.enterprises.detail", id=key)}


def _bind(fn, pool):
    def view(request):
        return fn(request, pool)
    return view


def register(config):
    for pool in pools.POOLS.values():
        base = f"{PREFIX}/{pool.path}"
        config.add_route(pool.route, base + "/")
        config.add_view(_bind(list_page, pool), route_name=pool.route, permission=DECIDE,
                        renderer=T + "pool_list.pt", request_method="GET")
        config.add_route(pool.route + ".export", base + "/export.xlsx")
        config.add_view(_bind(export, pool), route_name=pool.route + ".export", permission=DECIDE,
                        request_method="GET")
        config.add_route(pool.route + ".detail", base + "/{id:\\d{1,9}}")
        config.add_view(_bind(detail, pool), route_name=pool.route + ".detail", permission=DECIDE,
                        renderer=T + "pool_detail.pt", request_method="GET")
        if pool.params():
            config.add_route(pool.route + ".params", base + "/params")
            config.add_view(_bind(params_post, pool), route_name=pool.route + ".params", permission=DECIDE,
                            renderer=T + "pool_list.pt", request_method="POST")
            config.add_route(pool.route + ".reset", base + "/reset")
            config.add_view(_bind(reset_post, pool), route_name=pool.route + ".reset", permission=DECIDE,
                            request_method="POST")
