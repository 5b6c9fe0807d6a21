"""申报事项 pages (seed 004 §4): the enterprise's 申报事项 (apply for a credit
rating, apply for a voucher); the agencies' 知识价值信用评级列表 (the city
records the result), 科技创新券 list (the district approves / returns and
records the 兑付), 科技创新券申领统计表 (every number drills through to the
voucher list) and 科技创新券情况统计表. Thin adapters over
:mod:`.declaration_services` and :mod:`.declaration_queries`."""
from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from sqlalchemy import select

from kjgl.core.audit.services import record
from kjgl.core.documents import services as documents
from kjgl.core.documents.services import XLSX
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.core.filings import tabbed
from kjgl.core.layout import flash

from . import declaration_queries as dq
from . import declaration_services as ds
from . import queries, views
from .declaration_models import RATING_LEVELS, RATING_STATES, VOUCHER_KINDS, VOUCHER_STATES, Rating, Voucher
from .models import INDUSTRIES, SCALES, TECH_FIELDS, Enterprise

USE = "enterprise_registry:module:use"
DECIDE = "enterprise_registry:review:decide"
RATE = "enterprise_registry:rating:rate"
VOUCHER_DECIDE = "enterprise_registry:voucher:decide"
T = "kjgl.plugins.enterprise_registry:templates/"
P = "enterprise_registry."
PREFIX = "/enterprise-registry"


def _agency_level(*levels):
    def pred(request, user):
        return user is not None and user.kind == "agency" and user.agency is not None and user.agency.level in levels
    pred.__name__ = "agency_level_" + "_".join(levels)
    return pred


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


def _query(params) -> str:
    params = {k: v for k, v in params.items() if v not in ("", None)}
    return ("?" + urlencode(params)) if params else ""


def _agency(request):
    return request.identity.agency


def _form_values(request) -> dict:
    return {k: v for k, v in request.POST.items() if isinstance(v, str) and k != "csrf_token"}


# --- the enterprise's 申报事项 -------------------------------------------------------------

def declarations(request, errors=None, values=None, form="", message="", status=200):
    db = request.dbsession
    enterprise = queries_enterprise(request)
    ratings, vouchers = ds.declarations_of(db, enterprise.id) if enterprise else ([], [])
    request.response.status = status
    return {"page_title": "申报事项", "enterprise": enterprise, "ratings": ratings, "vouchers": vouchers,
            "years": ds.years(), "kinds": VOUCHER_KINDS, "rating_states": RATING_STATES,
            "voucher_states": VOUCHER_STATES, "errors": errors or {}, "values": values or {}, "form": form,
            "message": message}


def queries_enterprise(request):
    from .services import enterprise_of

    return enterprise_of(request.dbsession, request.identity.organisation_id)


def _apply(request, form, apply, done):
    try:
        apply(tabbed.Context.of(request), request.identity.organisation, request.POST)
    except ds.Invalid as exc:
        return declarations(request, exc.errors, _form_values(request), form, exc.message, 400)
    flash(request, done)
    return HTTPSeeOther(request.route_url(P + "declarations"))


def rating_apply(request):
    return _apply(request, "rating", ds.apply_rating, "已提交知识价值信用评价申请，请等待市科技局评价")


def voucher_apply(request):
    return _apply(request, "voucher", ds.apply_voucher, "已提交科技创新券申请，请等待区县科技局审核")


# --- the agencies' lists -----------------------------------------------------------------

def _districts(request):
    from kjgl.core.agencies.models import Agency

    agency = _agency(request)
    if agency.level == "district":
        return []
    return [(str(d.id), d.region or d.name) for d in request.dbsession.scalars(select(Agency).where(
        Agency.level == "district", Agency.path.startswith(agency.path, autoescape=True)).order_by(Agency.path))]


def _pairs(values):
    return [(v, v) for v in values]


def _selects(request, ld) -> list:
    """The list's select filters: (name, label, [(value, title)])."""
    years = [(y, y) for y in ds.years()]
    by_name = {
        "level": ("信用等级", _pairs(RATING_LEVELS)),
        "state": ("状态", list((RATING_STATES if ld.key == "ratings" else VOUCHER_STATES).items())),
        "stage": ("阶段", list(dq.STAGES.items())),
        "kind": ("创新券类型", _pairs(VOUCHER_KINDS)),
        "scale": ("企业规模", _pairs(SCALES) + [(dq.NONE, "未分类")]),
        "industry": ("产业类别", _pairs(INDUSTRIES) + [(dq.NONE, "未分类")]),
        "tech_field": ("高新技术领域", _pairs(TECH_FIELDS) + [(dq.NONE, "未分类")]),
        "year": ("年份", years),
        "district": ("区县", _districts(request)),
    }
    return [(name, *by_name[name]) for name in ld.filter_names if name in by_name and by_name[name][1]]


LIST_COLUMNS = {
    "ratings": (("year", "年份"), ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                ("level", "信用等级"), ("score", "评分"), ("state", "状态"), ("applied_at", "申请时间")),
    "vouchers": (("year", "年份"), ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                 ("kind", "创新券类型"), ("amount", "申领金额（千元）"), ("state", "状态"),
                 ("redeemed_amount", "兑付金额（千元）")),
    "voucher_summary": (("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                        *((k, h) for k, h, *_ in dq.MEASURES)),
}


def cell(ld, row, key) -> str:
    from kjgl.core.audit.localtime import show_minutes

    value = row.get(key)
    if key == "state":
        return dq.state_title(ld.key, row)
    if isinstance(value, dt.datetime):
        return show_minutes(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}" if key != "score" else f"{value:.1f}"
    return "—" if value in (None, "") else str(value)


def list_page(request, ld):
    db = request.dbsession
    filters = ld.filters(request.GET)
    page = queries.page(db, ld, _agency(request), filters, after=_int(request.GET.get("after")),
                        before=_int(request.GET.get("before")))
    out = {"page_title": ld.title, "ld": ld, "page": page, "filters": filters, "query": _query(filters),
           "cols": LIST_COLUMNS[ld.key], "cell": cell, "selects": _selects(request, ld), "totals": None,
           "link": lambda **kw: request.route_url(ld.route) + _query({**filters, **kw}),
           "detail": None, "drill": None}
    if ld.key == "vouchers":
        out["totals"] = dq.voucher_totals(db, _agency(request), filters)
    if ld.key == "voucher_summary":
        vouchers = request.route_url(P + "vouchers")

        def drill(r, key):
            stage = next(s for k, _, s, _ in dq.MEASURES if k == key)
            return vouchers + _query({"enterprise": r["id"], "year": filters.get("year"), "stage": stage})
        out["drill"] = drill
    else:
        out["detail"] = lambda key: request.route_url(ld.detail_route, id=key) + _query(filters)
    return out


def list_export(request, ld):
    filters = ld.filters(request.GET)
    if ld.key == "voucher_summary":
        rows = (dict(r) for r in request.dbsession.execute(
            queries.statement(ld, _agency(request), filters).order_by(ld.order_key.desc())
            .execution_options(yield_per=1000, stream_results=True)).mappings())
    else:
        rows = dq.export_rows(request.dbsession, ld, _agency(request), filters)
    return views.list_export(request, ld, rows)


# --- details and decisions ------------------------------------------------------------------

def _visible(request, ld, model):
    """The object of ``{id}`` if it is in the agency's list (scoped in the query), else 404."""
    key = int(request.matchdict["id"])
    if queries.row(request.dbsession, ld, _agency(request), key) is None:
        raise HTTPNotFound()
    return request.dbsession.get(model, key)


def _walk(request, ld, key):
    filters = ld.filters(request.GET)
    previous, following = queries.neighbours(request.dbsession, ld, _agency(request), filters, key)
    suffix = _query(filters)
    back = request.route_url(ld.route) + suffix
    return {"back_url": back, "query": suffix,
            "prev_url": request.route_url(ld.detail_route, id=previous) + suffix if previous else back,
            "next_url": request.route_url(ld.detail_route, id=following) + suffix if following else back}


def _show(value, unit=""):
    if value in (None, ""):
        return "—"
    if isinstance(value, dt.datetime):
        from kjgl.core.audit.localtime import show_minutes
        return show_minutes(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return f"{value}{unit}"


def _enterprise_group(enterprise):
    return ("企业", [("企业名称", _show(enterprise.name)), ("统一社会信用代码", _show(enterprise.credit_code)),
                   ("所属区县", _show(enterprise.district)), ("企业规模", _show(enterprise.scale)),
                   ("产业类别", _show(enterprise.industry)), ("高新技术领域", _show(enterprise.tech_field))])


def rating_detail(request, errors=None, values=None, message="", status=200):
    ld = dq.LISTS["ratings"]
    rating = _visible(request, ld, Rating)
    enterprise = request.dbsession.get(Enterprise, rating.enterprise_id)
    request.response.status = status
    page = {"page_title": ld.title, "ld": ld, "title": f"{enterprise.name} {rating.year}年度知识价值信用评价",
            "state_title": RATING_STATES[rating.state], "obj": rating,
            "groups": [_enterprise_group(enterprise),
                       ("申请内容", [("年份", rating.year), ("研发投入", _show(rating.rd_expense, " 千元")),
                                 ("研发人员数", _show(rating.rd_staff, " 人")),
                                 ("有效知识产权数", _show(rating.ip_count, " 件")),
                                 ("主营业务收入", _show(rating.revenue, " 千元")), ("情况说明", _show(rating.note)),
                                 ("申请时间", _show(rating.applied_at))]),
                       ("评价结果", [("信用等级", _show(rating.level)), ("评分", _show(rating.score)),
                                 ("评价意见", _show(rating.opinion)), ("评价时间", _show(rating.rated_at))])],
            "action": "rate" if request.has_permission(RATE) else "", "levels": RATING_LEVELS,
            "errors": errors or {}, "values": values or {}, "message": message}
    page.update(_walk(request, ld, rating.id))
    page["action_url"] = request.route_url(P + "ratings.rate", id=rating.id) + page["query"]
    return page


def voucher_detail(request, errors=None, values=None, message="", status=200):
    ld = dq.LISTS["vouchers"]
    voucher = _visible(request, ld, Voucher)
    enterprise = request.dbsession.get(Enterprise, voucher.enterprise_id)
    request.response.status = status
    may = request.has_permission(VOUCHER_DECIDE)
    action = ("decide" if voucher.state == "applied" else "redeem" if voucher.state == "approved" else "") \
        if may else ""
    page = {"page_title": ld.title, "ld": ld, "title": f"{enterprise.name} {voucher.year}年度科技创新券",
            "state_title": VOUCHER_STATES[voucher.state], "obj": voucher,
            "groups": [_enterprise_group(enterprise),
                       ("申请内容", [("年份", voucher.year), ("创新券类型", voucher.kind),
                                 ("申领金额", _show(voucher.amount, " 千元")), ("服务内容", _show(voucher.purpose)),
                                 ("申请时间", _show(voucher.applied_at))]),
                       ("审核与兑付", [("审核意见", _show(voucher.opinion)), ("审核时间", _show(voucher.decided_at)),
                                  ("兑付金额", _show(voucher.redeemed_amount, " 千元")),
                                  ("兑付日期", _show(voucher.redeemed_on))])],
            "action": action, "levels": (), "errors": errors or {}, "values": values or {}, "message": message}
    page.update(_walk(request, ld, voucher.id))
    page["action_url"] = request.route_url(P + ("vouchers.decide" if action == "decide" else "vouchers.redeem"),
                                           id=voucher.id) + page["query"]
    return page


def _act(request, detail, ld, model, act, done):
    obj = _visible(request, ld, model)
    try:
        act(tabbed.Context.of(request), obj, request.POST)
    except ds.Invalid as exc:
        return detail(request, exc.errors, _form_values(request), exc.message, 400)
    flash(request, done)
    return HTTPSeeOther(request.route_url(ld.detail_route, id=obj.id) + _query(ld.filters(request.GET)))


def rating_rate(request):
    return _act(request, rating_detail, dq.LISTS["ratings"], Rating, ds.rate, "已录入评价结果")


def voucher_decide(request):
    return _act(request, voucher_detail, dq.LISTS["vouchers"], Voucher, ds.decide_voucher, "已审核")


def voucher_redeem(request):
    return _act(request, voucher_detail, dq.LISTS["vouchers"], Voucher, ds.redeem_voucher, "已登记兑付")


# --- 科技创新券申领统计表 ------------------------------------------------------------------

def _stat_filters(request) -> tuple[str, dict]:
    tab = request.GET.get("tab")
    tab = tab if tab in dq.DIMENSIONS else "kind"
    year = request.GET.get("year") or ""
    district = request.GET.get("district") or ""
    return tab, {"year": year if year in ds.years() else "",
                 "district": district if district.isdigit() and len(district) < 10 else ""}


def voucher_stats(request):
    tab, filters = _stat_filters(request)
    rows = dq.voucher_stats(request.dbsession, _agency(request), tab, filters)
    vouchers = request.route_url(P + "vouchers")
    return {"page_title": "科技创新券申领统计表", "tab": tab, "tabs": [(k, v[0]) for k, v in dq.DIMENSIONS.items()],
            "rows": rows, "measures": dq.MEASURES, "filters": filters, "years": ds.years(),
            "districts": _districts(request),
            "tab_url": lambda key: request.route_url(P + "voucher_stats") + _query({**filters, "tab": key}),
            "export_url": request.route_url(P + "voucher_stats.export") + _query({**filters, "tab": tab}),
            "drill": lambda row, measure: vouchers + _query(dq.drill_filters(tab, row, measure, filters)),
            "number": lambda v: f"{v:.2f}" if isinstance(v, Decimal) else str(v)}


def voucher_stats_export(request):
    tab, filters = _stat_filters(request)
    rows = dq.voucher_stats(request.dbsession, _agency(request), tab, filters)
    title = f"科技创新券申领统计表（{dq.DIMENSIONS[tab][0]}）"
    spool = tempfile.TemporaryFile()
    write_rows(spool, dq.stat_columns(tab), ({"label": r.label, **r.numbers} for r in rows), title)
    spool.seek(0)
    record(request.dbsession, request, "registry_export_excel", object_type=P + "voucher_stats",
           filters={k: v for k, v in {**filters, "tab": tab}.items() if v}, rows=len(rows))
    with spool:
        return documents.export(request, spool, kind="registry_excel", content_type=XLSX,
                                filename=f"{title}-{dt.date.today():%Y%m%d}.xlsx", object_type=P + "voucher_stats")


def _bind(fn, *args):
    def view(request):
        return fn(request, *args)
    return view


def register(config):
    config.add_permission_rule(RATE, _agency_level("city"))
    config.add_permission_rule(VOUCHER_DECIDE, _agency_level("district"))
    from kjgl.core.audit.services import add_field_titles

    for name, title in ds.AUDIT_EVENTS.items():
        config.add_audit_event(name, title)
    for object_type, titles in ds.FIELD_TITLES.items():
        add_field_titles(object_type, titles)
    add = config.add_route
    add(P + "declarations", f"{PREFIX}/declarations/")
    config.add_view(declarations, route_name=P + "declarations", permission=USE, renderer=T + "declarations.pt",
                    request_method="GET")
    for name, path, view in (("rating.apply", "declarations/rating", rating_apply),
                             ("voucher.apply", "declarations/voucher", voucher_apply)):
        add(P + name, f"{PREFIX}/{path}")
        config.add_view(view, route_name=P + name, permission=USE, renderer=T + "declarations.pt",
                        request_method="POST")
    base = f"{PREFIX}/agency"
    paths = {"ratings": "ratings", "vouchers": "vouchers", "voucher_summary": "voucher-summary"}
    for key, ld in dq.LISTS.items():
        add(ld.route, f"{base}/{paths[key]}/")
        config.add_view(_bind(list_page, ld), route_name=ld.route, permission=DECIDE,
                        renderer=T + "declaration_list.pt", request_method="GET")
        add(ld.route + ".export", f"{base}/{paths[key]}/export.xlsx")
        config.add_view(_bind(list_export, ld), route_name=ld.route + ".export", permission=DECIDE,
                        request_method="GET")
    for name, path, view, permission, method in (
            ("ratings.detail", "ratings/{id:\\d{1,9}}", rating_detail, DECIDE, "GET"),
            ("ratings.rate", "ratings/{id:\\d{1,9}}/rate", rating_rate, RATE, "POST"),
            ("vouchers.detail", "vouchers/{id:\\d{1,9}}", voucher_detail, DECIDE, "GET"),
            ("vouchers.decide", "vouchers/{id:\\d{1,9}}/decide", voucher_decide, VOUCHER_DECIDE, "POST"),
            ("vouchers.redeem", "vouchers/{id:\\d{1,9}}/redeem", voucher_redeem, VOUCHER_DECIDE, "POST")):
        add(P + name, f"{base}/{path}")
        config.add_view(view, route_name=P + name, permission=permission, renderer=T + "declaration_detail.pt",
                        request_method=method)
    add(P + "voucher_stats", f"{base}/voucher-stats/")
    config.add_view(voucher_stats, route_name=P + "voucher_stats", permission=DECIDE,
                    renderer=T + "voucher_stats.pt", request_method="GET")
    add(P + "voucher_stats.export", f"{base}/voucher-stats/export.xlsx")
    config.add_view(voucher_stats_export, route_name=P + "voucher_stats.export", permission=DECIDE,
                    request_method="GET")
