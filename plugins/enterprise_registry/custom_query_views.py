"""自定义查询 pages: the list (search, 年份, keyset pages), the 导出Excel dialog
(a popover: no script) whose ticked columns make the file, and the user's
saved column choices. 科研联系人手机 is masked; the city bureau may export
it in full (``full=1``), audited as such — the core's 导出完整联系方式 rule."""
from __future__ import annotations

import datetime as dt
import tempfile
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther

from kjgl.core.audit.services import record
from kjgl.core.documents import services as documents
from kjgl.core.documents.services import XLSX
from kjgl.core.errors import refusal
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.core.filings import tabbed
from kjgl.core.layout import flash

from . import custom_query as cq
from . import queries
from .declaration_services import Invalid
from .declaration_views import _agency_level, _districts, _int

DECIDE = "enterprise_registry:review:decide"
FULL = "enterprise_registry:export:full"
T = "kjgl.plugins.enterprise_registry:templates/"
P = "enterprise_registry."
PREFIX = "/enterprise-registry/agency/custom-query"


def _filters(request, params) -> dict:
    filters = cq.LIST.filters(params)
    if not (filters["year"].isdigit() and len(filters["year"]) == 4):
        latest = cq.latest_year(request.dbsession, request.identity.agency)
        filters["year"] = str(latest) if latest else ""
    return filters


def _query(params) -> str:
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return ("?" + urlencode(params, doseq=True)) if params else ""


def custom_query(request, errors=None, values=None, message="", status=200, open_dialog=False):
    db = request.dbsession
    agency = request.identity.agency
    params = values if values is not None else request.GET
    filters = _filters(request, request.GET)
    page = queries.page(db, cq.LIST, agency, filters, after=_int(request.GET.get("after")),
                        before=_int(request.GET.get("before")))
    choices = cq.choices_of(db, request.identity.id)
    current = None
    if _int(request.GET.get("choice")):
        current = cq.choice_of(db, request.identity.id, int(request.GET["choice"]))
    if values is not None:
        ticked = [k for k in values.getall("cols")] if hasattr(values, "getall") else []
    elif current is not None:
        ticked = list(current.columns)
    else:
        ticked = [k for k, _ in cq.LIST_COLUMNS]
    request.response.status = status
    years = cq.report_years(db)
    return {"page_title": "自定义查询", "page": page, "filters": filters, "query": _query(filters),
            "cols": cq.LIST_COLUMNS, "cell": cq.cell, "groups": cq.GROUPS, "ticked": set(ticked),
            "serial": cq.serial_start(db, agency, filters, page.rows[0]["id"] if page.rows else None),
            "years": years, "districts": _districts(request), "choices": choices, "current": current,
            "may_full": request.has_permission(FULL), "errors": errors or {},
            "choice_name": (params.get("choice_name") if hasattr(params, "get") else "") or "",
            "message": message, "open_dialog": open_dialog or current is not None or bool(errors),
            "link": lambda **kw: request.route_url(P + "custom_query") + _query({**filters, **kw}),
            "detail": lambda key: request.route_url(P + "enterprises.detail", id=key)}


def custom_export(request):
    """The file of exactly the ticked columns, in their order (GET: a saved
    choice's link or the dialog's form; POST: the dialog's form)."""
    params = request.POST if request.method == "POST" else request.GET
    keys = [k for k in params.getall("cols") if isinstance(k, str)]
    if _int(params.get("choice")) and not keys:
        choice = cq.choice_of(request.dbsession, request.identity.id, int(params["choice"]))
        if choice is None:
            raise HTTPNotFound()
        keys = list(choice.columns)
    bad = cq.unknown(keys)
    if bad or not keys:
        message = ("导出字段中有未知字段：" + "、".join(k[:40] for k in bad[:5])) if bad else "导出字段至少选择一项"
        return refusal(request, message, 400)
    full = params.get("full") == "1"
    if full and not request.has_permission(FULL):
        return refusal(request, "您无权导出完整联系方式，请取消勾选“导出完整联系方式”后再导出", 403)
    filters = _filters(request, params)
    choices = cq.chosen(keys)
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, [c.column for c in choices],
                       cq.export_rows(request.dbsession, request.identity.agency, filters, choices, full=full), "自定义查询")
    spool.seek(0)
    detail = {"filters": {k: v for k, v in filters.items() if v}, "rows": count, "columns": [c.key for c in choices]}
    if full:
        record(request.dbsession, request, "registry_export_excel_full", object_type=P + "custom_query",
               fields=sorted(cq.PERSONAL & set(keys)), **detail)
    else:
        record(request.dbsession, request, "registry_export_excel", object_type=P + "custom_query",
               masked=sorted(cq.PERSONAL & set(keys)), **detail)
    with spool:
        return documents.export(request, spool, kind="registry_excel", content_type=XLSX,
                                filename=f"自定义查询-{dt.date.today():%Y%m%d}.xlsx", object_type=P + "custom_query")


def choice_save(request):
    try:
        choice = cq.save_choice(tabbed.Context.of(request), request.POST.get("choice_name"),
                                request.POST.getall("cols"))
    except Invalid as exc:
        return custom_query(request, exc.errors, request.POST, exc.message, 400, open_dialog=True)
    flash(request, f"已保存导出字段方案“{choice.name}”")
    filters = _filters(request, request.POST)
    return HTTPSeeOther(request.route_url(P + "custom_query") + _query({**filters, "choice": choice.id}))


def choice_delete(request):
    choice = cq.choice_of(request.dbsession, request.identity.id, int(request.matchdict["id"]))
    if choice is None:
        raise HTTPNotFound()
    name = choice.name
    cq.delete_choice(tabbed.Context.of(request), choice)
    flash(request, f"已删除导出字段方案“{name}”")
    return HTTPSeeOther(request.route_url(P + "custom_query"))


def register(config):
    config.add_permission_rule(FULL, _agency_level("city"))
    config.add_route(P + "custom_query", PREFIX + "/")
    config.add_view(custom_query, route_name=P + "custom_query", permission=DECIDE, renderer=T + "custom_query.pt",
                    request_method="GET")
    config.add_route(P + "custom_query.export", PREFIX + "/export.xlsx")
    config.add_view(custom_export, route_name=P + "custom_query.export", permission=DECIDE,
                    request_method=("GET", "POST"))
    config.add_route(P + "custom_query.save", PREFIX + "/choices")
    config.add_view(choice_save, route_name=P + "custom_query.save", permission=DECIDE,
                    renderer=T + "custom_query.pt", request_method="POST")
    config.add_route(P + "custom_query.delete", PREFIX + "/choices/{id:\\d{1,9}}/delete")
    config.add_view(choice_delete, route_name=P + "custom_query.delete", permission=DECIDE, request_method="POST")
