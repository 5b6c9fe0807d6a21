"""The registry's pages: the enterprise's home (basic information and its
versions, annual reports), the basic-information form; the agencies' lists
(基本信息审核, 企业信息查询列表, 年报数据审核, 年报数据查询, 科企认定库) with
filters, keyset pages, details with 上一页/下一页, the 审核 dialog and
导出Excel. Thin adapters over :mod:`.services` and :mod:`.queries`; the
annual report's tabs are the core engine's pages (``tab_views``)."""
from __future__ import annotations

import datetime as dt
import tempfile
from urllib.parse import urlencode

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from kjgl.core import masking
from kjgl.core.audit.services import record
from kjgl.core.documents import services as documents
from kjgl.core.documents.services import XLSX
from kjgl.core.errors import refusal
from kjgl.core.exports.xlsx_builder import write_rows
from kjgl.core.filings import marks, standing, tabbed
from kjgl.core.filings.tab_views import document_view
from kjgl.core.forms import Field, Schema
from kjgl.core.layout import flash
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission

from . import queries, services
from .models import ZONES, Enterprise
from .queries import LISTS
from .schemas import BASIC, BASIC_CHAIN, BASIC_TAB, REPORT, REPORT_CHAIN

USE = "enterprise_registry:module:use"
DECIDE = "enterprise_registry:review:decide"
T = "kjgl.plugins.enterprise_registry:templates/"
P = "enterprise_registry."


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) < 10 else None


# --- the enterprise's side ---------------------------------------------------------------

@view_config(route_name=P + "home", renderer=T + "home.pt", permission=USE)
def home(request):
    db = request.dbsession
    org = request.identity.organisation
    versions = standing.versions(db, BASIC, org.id)
    enterprise = services.enterprise_of(db, org.id)
    reports = services.reports_of(db, org.id)
    filed = {r.year for _, r in reports}
    return {"page_title": "科技型企业信息系统", "org": org, "versions": versions,
            "approved": standing.approved(versions), "working": standing.working(versions),
            "enterprise": enterprise, "reports": reports, "fields": BASIC_TAB.fields,
            "values": _values(db, standing.approved(versions)),
            "years": [y for y in services.report_years() if y not in filed],
            "number": standing.version_number, "report_state": queries.report_state}


def _values(db, sub) -> dict:
    return tabbed.stored_values(db, BASIC, sub) if sub is not None else {}


def _own_version(request) -> Submission:
    sub = request.dbsession.get(Submission, int(request.matchdict["id"]))
    user = request.identity
    if sub is None or sub.kind != BASIC.kind or sub.organisation_id != user.organisation_id:
        raise HTTPNotFound()
    return sub


@view_config(route_name=P + "basic.start", permission=USE, request_method="POST")
def basic_start(request):
    try:
        sub = services.start_basic(tabbed.Context.of(request), request.identity.organisation)
    except review.ReviewError as exc:
        flash(request, exc.message)
        return HTTPSeeOther(request.route_url(P + "home"))
    return HTTPSeeOther(request.route_url(P + "basic.edit", id=sub.id))


def _basic_page(request, sub, values=None, errors=None, message="", problems=(), status=200):
    request.response.status = status
    db = request.dbsession
    return {"page_title": "企业基本信息", "sub": sub, "tab": BASIC_TAB,
            "values": values if values is not None else _values(db, sub), "errors": errors or {},
            "message": message, "problems": problems, "history": review.history(db, sub),
            "number": standing.version_number(sub)}


@view_config(route_name=P + "basic.edit", renderer=T + "basic_edit.pt", permission=USE,
             request_method=("GET", "POST"))
def basic_edit(request):
    sub = _own_version(request)
    if not sub.editable:
        if request.method == "POST":
            return refusal(request, "已提交的基本信息不能修改（如需修改，请等待审核退回）")
        return HTTPSeeOther(request.route_url(P + "basic.view", id=sub.id))
    if request.method == "POST":
        try:
            outcome = tabbed.save_tab(tabbed.Context.of(request), BASIC, sub, BASIC_TAB, request.POST,
                                      _int(request.POST.get("version")))
        except review.ReviewError as exc:
            return _basic_page(request, sub, dict(request.POST), {}, exc.message, status=exc.status)
        if not outcome.ok:
            values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
            return _basic_page(request, sub, values, outcome.errors, outcome.message, status=400)
        flash(request, outcome.message)
        return HTTPSeeOther(request.route_url(P + "basic.edit", id=sub.id))
    return _basic_page(request, sub)


@view_config(route_name=P + "basic.submit", renderer=T + "basic_edit.pt", permission=USE, request_method="POST")
def basic_submit(request):
    sub = _own_version(request)
    if not sub.editable:
        return refusal(request, "该版本已提交，不能重复提交")
    try:
        outcome, found = services.submit_basic(tabbed.Context.of(request), sub)
    except review.ReviewError as exc:
        return refusal(request, exc.message, exc.status)
    if outcome.ok:
        flash(request, outcome.message)
        return HTTPSeeOther(request.route_url(P + "home"))
    errors = dict(outcome.errors)
    errors.update({p.key: p.message for p in found})
    return _basic_page(request, sub, errors=errors, message=outcome.message, problems=found, status=400)


@view_config(route_name=P + "basic.view", renderer=T + "basic_view.pt", permission=USE)
def basic_view(request):
    sub = _own_version(request)
    return {"page_title": "企业基本信息", "sub": sub, "fields": BASIC_TAB.fields,
            "values": _values(request.dbsession, sub), "history": review.history(request.dbsession, sub),
            "number": standing.version_number(sub), "mask": False}


@view_config(route_name=P + "report.new", permission=USE, request_method="POST")
def report_new(request):
    year = _int(request.POST.get("year"))
    try:
        sub = services.start_report(tabbed.Context.of(request), request.identity.organisation, year or 0)
    except review.ReviewError as exc:
        flash(request, exc.message)
        return HTTPSeeOther(request.route_url(P + "home"))
    flash(request, f"已新建{sub.title}，请逐页填写并保存")
    return HTTPSeeOther(request.route_url(P + "tab", id=sub.id, tab=REPORT.tabs[0].key))


# --- the agencies' lists -------------------------------------------------------------------

def _agency(request):
    return request.identity.agency


def _list_query(ld, filters, **extra) -> str:
    params = {k: v for k, v in {**filters, **extra}.items() if v not in ("", None)}
    return ("?" + urlencode(params)) if params else ""


def _districts(request):
    from kjgl.core.agencies.models import Agency

    agency = _agency(request)
    if agency.level == "district":
        return []
    return list(request.dbsession.scalars(select(Agency).where(
        Agency.level == "district", Agency.path.startswith(agency.path)).order_by(Agency.path)))


def _years(request):
    from kjgl.core.review.models import Batch

    return sorted(set(request.dbsession.scalars(select(Batch.year).where(
        Batch.module_key == BASIC.module_key, Batch.year > 0))), reverse=True)


LIST_COLUMNS = {
    "basic_review": (("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                     ("zone", "所在园区"), ("scale", "企业规模"), ("submitted_at", "提交时间")),
    "enterprises": (("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                    ("zone", "所在园区"), ("scale", "企业规模"), ("review_state", "审核状态"), ("listed_on", "入库状态")),
    "report_review": (("year", "年份"), ("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"),
                      ("state", "审核状态"), ("main_revenue", "主营业务收入（千元）"), ("submitted_at", "提交时间")),
    "pool_tech": (("name", "企业名称"), ("credit_code", "统一社会信用代码"), ("district", "所属区县"), ("zone", "所在园区"),
                  ("tech_field", "高新技术领域"), ("listed_on", "入库时间")),
}
LIST_COLUMNS["reports"] = LIST_COLUMNS["report_review"]
LIST_COLUMNS["pool_hitech"] = LIST_COLUMNS["pool_tech"]


def cell(ld, row, key) -> str:
    """A list cell as a person reads it."""
    from kjgl.core.audit.localtime import show_minutes

    value = row.get(key)
    if key == "review_state":
        return queries.STATES.get(value, value)
    if key == "state":
        return queries.report_state(row)
    if key == "listed_on" and ld.key == "enterprises":
        return "已入库" if value else "未入库"
    if isinstance(value, dt.datetime):
        return show_minutes(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return "—" if value in (None, "") else str(value)


def list_page(request, ld):
    filters = ld.filters(request.GET)
    page = queries.page(request.dbsession, ld, _agency(request), filters, after=_int(request.GET.get("after")),
                        before=_int(request.GET.get("before")))
    return {"page_title": ld.title, "ld": ld, "page": page, "filters": filters,
            "query": _list_query(ld, filters), "cols": LIST_COLUMNS[ld.key], "cell": cell, "districts": _districts(request), "years": _years(request),
            "states": queries.REVIEW_STATES if ld.key in ("reports",) else queries.ENTERPRISE_STATES,
            "zones": ZONES, "listed": queries.LISTED, "report_state": queries.report_state,
            "link": lambda **kw: request.route_url(ld.route) + _list_query(ld, filters, **kw),
            "detail": lambda key: request.route_url(ld.detail_route, id=key) + _list_query(ld, filters)}


def list_export(request, ld, rows=None):
    """导出Excel: every row of the current filter (``rows``, by default the list's own), streamed
    into a constant-memory workbook."""
    filters = ld.filters(request.GET)
    spool = tempfile.TemporaryFile()
    if rows is None:
        rows = queries.export_rows(request.dbsession, ld, _agency(request), filters)
    count = write_rows(spool, ld.columns, rows, ld.title)
    spool.seek(0)
    record(request.dbsession, request, "registry_export_excel", object_type=P + ld.key,
           filters={k: v for k, v in filters.items() if v}, rows=count)
    with spool:
        return documents.export(request, spool, kind="registry_excel", content_type=XLSX,
                                filename=f"{ld.title}-{dt.date.today():%Y%m%d}.xlsx", object_type=P + ld.key)


def _walk(request, ld, key):
    """上一页 / 下一页 URLs under the list's filters; past the last row: the list."""
    filters = ld.filters(request.GET)
    previous, following = queries.neighbours(request.dbsession, ld, _agency(request), filters, key)
    back = request.route_url(ld.route) + _list_query(ld, filters)
    suffix = _list_query(ld, filters)
    return {"prev_url": request.route_url(ld.detail_route, id=previous) + suffix if previous else back,
            "next_url": request.route_url(ld.detail_route, id=following) + suffix if following else back,
            "back_url": back, "has_prev": previous is not None, "has_next": following is not None,
            "query": suffix}


def _shown(fields, values, reveal=False):
    out = []
    for f in fields:
        value = values.get(f.name)
        if value not in (None, "") and masking.is_personal(f) and not reveal:
            value = masking.field_value(f, value)
        out.append((f.label + (f"（{f.unit}）" if f.unit else ""), value if value not in (None, "") else "—"))
    return out


DECISION = Schema(
    Field("decision", "审核结果", "radio", choices=("approve", "return")),
    Field("opinion", "审批意见", "textarea", required=False, max_length=500),
    Field("version", "版本", "int"),
)


def _history_of_enterprise(db, organisation_id):
    """Every opinion on every version of the basic information, newest
    version first: the events of all versions in one query, not one per version."""
    from kjgl.core.review.models import ReviewEvent

    rank = {v.id: (i, standing.version_number(v))
            for i, v in enumerate(standing.versions(db, BASIC, organisation_id))}
    if not rank:
        return []
    events = db.scalars(select(ReviewEvent).where(ReviewEvent.submission_id.in_(list(rank)),
                                                  ReviewEvent.decision != "submit").order_by(ReviewEvent.id))
    return [(rank[e.submission_id][1], e) for e in sorted(events, key=lambda e: rank[e.submission_id][0])]


def basic_detail(request, errors=None, values=None, message="", status=200):
    """A version of an enterprise's basic information, for the reviewer."""
    db = request.dbsession
    ld = LISTS["basic_review"]
    sub = _visible_version(request)
    request.response.status = status
    page = {"page_title": "企业基本信息审核", "ld": ld, "sub": sub, "title": "企业基本信息",
            "groups": [("基本信息（第%d版）" % standing.version_number(sub), _shown(BASIC_TAB.fields, _values(db, sub)))],
            "history": [e for e in review.history(db, sub) if e.decision != "submit"],
            "can_decide": review.can_decide(db, BASIC_CHAIN, sub, request.identity),
            "errors": errors or {}, "values": values or {}, "message": message, "subject": sub}
    page.update(_walk(request, ld, sub.id))
    page["decide_url"] = request.route_url(P + "basic_review.decide", id=sub.id) + page["query"]
    return page


def _visible_version(request) -> Submission:
    """A submitted (or decided) version of an enterprise in the agency's jurisdiction."""
    sub = request.dbsession.get(Submission, int(request.matchdict["id"]))
    if sub is None or sub.kind != BASIC.kind or sub.state == "draft":
        raise HTTPNotFound()
    found = request.dbsession.scalar(select(Submission.id).where(
        Submission.id == sub.id, queries.scope(Submission.agency_id, _agency(request))))
    if found is None:
        raise HTTPNotFound()
    return sub


def _decide(request, kind, detail, ld):
    result = DECISION.validate(request.POST)
    values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
    errors = dict(result.errors)
    data = result.data
    if not errors and data["decision"] == "return" and not (data["opinion"] or "").strip():
        errors["opinion"] = "审核不通过时必须填写审批意见"
    if errors:
        return detail(request, errors, values, "请修改标红的内容", 400)
    sub = request.dbsession.get(Submission, int(request.matchdict["id"]))
    # an annual report is returned with the reviewer's marks on its tabs (core filings/marks.py)
    marked, mark_errors = marks.posted(REPORT, request.POST, _report_marks(request, sub)["mark_titles"]) \
        if kind == REPORT.kind else ({}, {})
    if mark_errors:
        return detail(request, mark_errors, values, "请修改标红的内容", 400)
    try:
        event = services.decide(tabbed.Context.of(request), kind, sub, decision=data["decision"],
                                opinion=data["opinion"] or "", expected_version=data["version"])
    except review.AlreadyDecided as exc:
        return refusal(request, exc.message)
    except review.InvalidDecision as exc:
        if exc.field:
            return detail(request, {exc.field: exc.message}, values, exc.message, 400)
        return refusal(request, exc.message, 403)
    if marked and sub.state == "returned":
        marks.keep(request.dbsession, REPORT, sub, event, marked)
    flash(request, "已审核通过" if data["decision"] == "approve" else "已审核不通过，退回企业修改")
    # on to the next record of the pending list, under the same filters (the list when none is left)
    filters = ld.filters(request.GET)
    following = queries.page(request.dbsession, ld, _agency(request), filters, after=sub.id, size=1).rows
    suffix = _list_query(ld, filters)
    if following:
        return HTTPSeeOther(request.route_url(ld.detail_route, id=following[0]["id"]) + suffix)
    return HTTPSeeOther(request.route_url(ld.route) + suffix)


def basic_decide(request):
    _visible_version(request)
    return _decide(request, BASIC.kind, basic_detail, LISTS["basic_review"])


def enterprise_detail(request, ld_key="enterprises"):
    db = request.dbsession
    ld = LISTS[ld_key]
    key = int(request.matchdict["id"])
    if queries.row(db, ld, _agency(request), key) is None:
        raise HTTPNotFound()
    enterprise = db.get(Enterprise, key)
    values = {f.name: getattr(enterprise, f.name) for f in BASIC_TAB.fields}
    values = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
    record(db, request, "registry_view", object_type="enterprise_registry.enterprise", object_id=enterprise.id)
    page = {"page_title": ld.title, "ld": ld, "title": enterprise.name or "企业", "subject": None,
            "groups": [("基本信息（已审核通过的版本）" if enterprise.approved_id else "基本信息（待审核）",
                        _shown(BASIC_TAB.fields, values)),
                       ("状态", [("审核状态", queries.STATES.get(enterprise.review_state)),
                                 ("入库状态", "已入库" if enterprise.listed else "未入库"),
                                 ("入库时间", enterprise.listed_on.isoformat() if enterprise.listed_on else "—")])],
            "history": [e for _, e in _history_of_enterprise(db, enterprise.organisation_id)],
            "can_decide": False, "errors": {}, "values": {}, "message": "",
            "pool_links": _pool_links(request, key)}
    page.update(_walk(request, ld, key))
    return page


def _report_marks(request, sub) -> dict:
    """What a reviewer may mark on a report under review (its fields, tab
    by tab), what was ticked, and what changed since its last return."""
    found = marks.targets(request.dbsession, REPORT, sub) if sub.state == "submitted" else []
    known = marks.titles(REPORT, found)
    return {"mark_titles": known, "mark_tabs": [(t, [x for x in found if x.tab == t.key]) for t in REPORT.tabs
                                                if any(x.tab == t.key for x in found)],
            "marked": marks.posted(REPORT, request.POST, known)[0],
            "since_return": marks.changes_since_return(request.dbsession, REPORT, sub)
            if sub.state == "submitted" else None}


def _pool_links(request, key):
    """为何（不）在…？: each screened pool's explanation of this enterprise."""
    from .pools import POOLS

    return [(f"为何不在{p.title}？", request.route_url(p.route + ".detail", id=key)) for p in POOLS.values()]


def report_detail(request, ld_key="reports", errors=None, values=None, message="", status=200):
    db = request.dbsession
    ld = LISTS[ld_key]
    key = int(request.matchdict["id"])
    if queries.row(db, LISTS["reports"], _agency(request), key) is None:
        raise HTTPNotFound()
    sub = db.get(Submission, key)
    request.response.status = status
    doc = document_view(db, REPORT, sub)
    report = db.get(services.Report, key)
    enterprise = db.get(Enterprise, report.enterprise_id)
    groups = [(t.title, _shown(t.fields, doc["data"])) for t in REPORT.tabs]
    page = {"page_title": ld.title, "ld": ld, "sub": sub, "subject": sub,
            "title": f"{enterprise.name} {report.year}年度科技信息年报",
            "groups": groups, "history": [e for e in review.history(db, sub) if e.decision != "submit"],
            "state_title": queries.report_state({"state": sub.state, "step": sub.step}),
            "can_decide": review.can_decide(db, REPORT_CHAIN, sub, request.identity),
            "decide_url": request.route_url(P + "report_review.decide", id=sub.id) + _list_query(ld, ld.filters(request.GET)),
            "errors": errors or {}, "values": values or {}, "message": message, **_report_marks(request, sub)}
    page.update(_walk(request, ld, key))
    return page


def report_decide(request):
    if queries.row(request.dbsession, LISTS["reports"], _agency(request), int(request.matchdict["id"])) is None:
        raise HTTPNotFound()
    return _decide(request, REPORT.kind,
                   lambda r, e, v, m, s: report_detail(r, "report_review", e, v, m, s), LISTS["report_review"])


def _bind(fn, *args):
    def view(request):
        return fn(request, *args)
    return view


def register(config):
    """The agencies' routes: a list, its export and its detail for each list."""
    prefix = "/enterprise-registry/agency"
    paths = {"basic_review": "basic", "enterprises": "enterprises", "report_review": "report-review",
             "reports": "reports", "pool_tech": "pools/tech", "pool_hitech": "pools/hitech"}
    details = {"basic_review": _bind(basic_detail), "enterprises": _bind(enterprise_detail),
               "report_review": _bind(report_detail, "report_review"), "reports": _bind(report_detail),
               "pool_tech": _bind(enterprise_detail, "pool_tech"),
               "pool_hitech": _bind(enterprise_detail, "pool_hitech")}
    for key, ld in LISTS.items():
        base = f"{prefix}/{paths[key]}"
        config.add_route(ld.route, base + "/")
        config.add_view(_bind(list_page, ld), route_name=ld.route, permission=DECIDE,
                        renderer=T + "agency_list.pt", request_method="GET")
        if ld.columns:
            config.add_route(ld.route + ".export", base + "/export.xlsx")
            config.add_view(_bind(list_export, ld), route_name=ld.route + ".export", permission=DECIDE,
                            request_method="GET")
        config.add_route(ld.detail_route, base + "/{id:\\d{1,9}}")
        config.add_view(details[key], route_name=ld.detail_route, permission=DECIDE, renderer=T + "detail.pt",
                        request_method="GET")
    config.add_route(P + "basic_review.decide", prefix + "/basic/{id:\\d{1,9}}/decide")
    config.add_view(basic_decide, route_name=P + "basic_review.decide", permission=DECIDE, renderer=T + "detail.pt",
                    request_method="POST")
    config.add_route(P + "report_review.decide", prefix + "/report-review/{id:\\d{1,9}}/decide")
    config.add_view(report_decide, route_name=P + "report_review.decide", permission=DECIDE,
                    renderer=T + "detail.pt", request_method="POST")
