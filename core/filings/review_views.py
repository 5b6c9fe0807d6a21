"""The bureaus' pages of a filing: the list of submitted records in the
reviewer's subtree (filters, Excel export), the detail with the decision
form, and the yearly batches (city level)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from .. import masking
from ..agencies.models import Agency
from ..attachments import services as attachments
from ..audit.services import changes, record, snapshot
from ..crypto import defer_sealed
from ..errors import refusal
from ..forms import Field, Schema
from ..layout import flash
from ..organisations.models import Organisation
from ..pagination import paginate
from ..reveal import reveal
from ..review import services as review
from ..review.models import STATES, Batch, Submission
from ..search import contains
from . import services
from .access import reviewer_record
from .exporting import personal_fields, word_response, xlsx_response
from .views import _bind

REVIEW_STATES = {k: v for k, v in STATES.items() if k != "draft"}


def filtered(request, filing):
    """The reviewer's records with the list's filters applied — the same
    statement feeds the page and the Excel export."""
    user = request.identity
    p = request.GET
    stmt = select(Submission).join(Batch).where(Submission.module_key == filing.module_key)
    stmt = review.reviewer_scope(stmt, user)
    filters = {"year": p.get("year", "").strip(), "state": p.get("state", "").strip(),
               "name": p.get("name", "").strip(), "district": p.get("district", "").strip(),
               "todo": p.get("todo", "")}
    if filters["year"].isdigit():
        stmt = stmt.where(Batch.year == int(filters["year"]))
    if filters["state"] in REVIEW_STATES:
        stmt = stmt.where(Submission.state == filters["state"])
    if filters["name"]:
        stmt = stmt.where(contains(Submission.title, filters["name"]))
    if filters["district"].isdigit():
        stmt = stmt.where(Submission.agency_id == int(filters["district"]))
    for extra in filing.list_filters:
        value = p.get(extra.name, "").strip()[:64]
        filters[extra.name] = value
        if value:
            stmt = extra.apply(stmt, value)
    return stmt.order_by(Submission.submitted_at.desc(), Submission.id.desc()), filters


def list_filter_choices(request, filing) -> list:
    """(filter, choices) of the plugin's filters, within the reviewer's scope."""
    scoped = review.reviewer_scope(select(Submission).where(Submission.module_key == filing.module_key),
                                   request.identity)
    return [(f, f.choices(request.dbsession, scoped)) for f in filing.list_filters]


def _districts(request):
    """The district filter's choices: the districts of the reviewer's subtree
    that the filing's records can reach (a national reviewer sees this
    province's districts, not every province's)."""
    user, root = request.identity, request.records_root
    base = root if root is not None and user.agency.contains(root) else user.agency
    return list(request.dbsession.scalars(
        select(Agency).where(Agency.level == "district", Agency.path.startswith(base.path))
        .order_by(Agency.path)))


# what a row of the list shows, loaded with the rows (not the organisation's sealed numbers)
LIST_LOADS = (contains_eager(Submission.batch), joinedload(Submission.organisation).options(*defer_sealed(Organisation)),
              joinedload(Submission.agency))


def review_list(request, filing):
    stmt, filters = filtered(request, filing)
    page = paginate(request.dbsession, stmt.options(*LIST_LOADS), request, 15)
    chain = services.chain_for(request, filing)
    years = sorted(set(request.dbsession.scalars(
        select(Batch.year).where(Batch.module_key == filing.module_key))), reverse=True)
    return {
        "page_title": f"{filing.title} — 审核", "filing": filing, "page": page, "filters": filters,
        "states": REVIEW_STATES, "years": years, "districts": _districts(request),
        "can_decide": review.decidable(request.dbsession, chain, page.items, request.identity),
        "chain": chain, "may_export_full": request.has_permission(f"{filing.module_key}:export:full"),
        "list_filters": list_filter_choices(request, filing),
        "graded": any(step.grades for step in chain.steps),
    }


FULL_EXPORT = "full"  # the query parameter of 导出完整联系方式


def review_export(request, filing):
    """The filtered list; personal fields masked unless the reviewer may and
    did ask for full values — an unmasked export is audited as such."""
    stmt, filters = filtered(request, filing)
    full = request.GET.get(FULL_EXPORT) == "1"
    if full and not request.has_permission(f"{filing.module_key}:export:full"):
        return refusal(request, "您无权导出完整联系方式，请取消勾选“导出完整联系方式”后再导出", 403)
    response, count = xlsx_response(request, filing, stmt, full=full)
    detail = {"filters": {k: v for k, v in filters.items() if v}, "rows": count, "columns": "all"}
    if full:
        record(request.dbsession, request, "filing_export_excel_full", object_type=filing.owner_type,
               fields=personal_fields(filing), **detail)
    else:
        record(request.dbsession, request, "filing_export_excel", object_type=filing.owner_type,
               masked=personal_fields(filing), **detail)
    return response


DECISION = Schema(
    Field("decision", "审核结果", kind="radio", choices=("approve", "return")),
    Field("opinion", "审批意见", kind="textarea", required=False, max_length=1000),
    # the step's own grades (ReviewStep.grades) are checked by the review engine
    Field("grade", "评价等级", required=False, max_length=16),
    Field("score", "评分", kind="decimal", required=False, min_value=Decimal(0), max_value=Decimal(100)),
    Field("version", "版本", kind="int", required=True),
)


# what a decision changes on the record (初审 / 评价)
DECIDED = ("state", "step", "grade", "score", "last_opinion")


def _detail(request, filing, sub, errors=None, values=None, message=""):
    row = services.content(request.dbsession, filing, sub)
    chain = services.chain_for(request, filing)
    step = chain.step(sub.step) if sub.state == "submitted" else None
    return {
        "page_title": f"{filing.title} — 审核详情", "filing": filing, "sub": sub,
        "data": services.typed(filing, row.data), "stored": row.data or {},
        "attachments": attachments.files_for(request.dbsession, filing.owner_type, sub.id),
        "history": review.history(request.dbsession, sub), "chain": chain, "step": step,
        "can_decide": review.can_decide(request.dbsession, chain, sub, request.identity),
        "errors": errors or {}, "values": values or {}, "message": message, "editable": False,
        "mask_field": masking.field_value,
        **reveal(request, f"{filing.module_key}.review.detail", id=sub.id, object_type=filing.owner_type,
                 object_id=sub.id, fields=personal_fields(filing), note="手机号码等个人信息"),
        **(_tabbed_detail(request, filing, sub) if filing.tabs else {}),
    }


def _tabbed_detail(request, filing, sub) -> dict:
    """A tabbed document read-only, and the answer to a typed version number."""
    from . import document_views, tab_views

    from .versions import versions_of

    return {"doc": tab_views.document_view(request.dbsession, filing, sub),
            "check": document_views.version_check(request, filing, sub) if filing.versioned else None,
            "versions": versions_of(request.dbsession, sub.id) if filing.versioned else []}


def review_detail(request, filing):
    sub = reviewer_record(request, filing)
    record(request.dbsession, request, "filing_view", object_type=filing.owner_type, object_id=sub.id)
    return _detail(request, filing, sub)


def review_decide(request, filing):
    sub = reviewer_record(request, filing)
    chain = services.chain_for(request, filing)
    result = DECISION.validate(request.POST)
    values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
    if result.errors:
        return _detail(request, filing, sub, result.errors, values, "请修改标红的内容")
    data = result.data
    before = snapshot(sub, DECIDED)
    try:
        review.decide(request.dbsession, chain, sub, request.identity, decision=data["decision"],
                      opinion=data["opinion"] or "", expected_version=data["version"],
                      grade=data["grade"], score=data["score"])
    except review.AlreadyDecided as exc:
        return refusal(request, exc.message)
    except review.InvalidDecision as exc:
        if exc.field:
            return _detail(request, filing, sub, {exc.field: exc.message}, values, exc.message)
        return refusal(request, exc.message, 403)
    record(request.dbsession, request, "filing_review", object_type=filing.owner_type, object_id=sub.id,
           decision=data["decision"], step=sub.step, state=sub.state, grade=data["grade"],
           score=str(data["score"]) if data["score"] is not None else None,
           changes=changes(before, snapshot(sub, DECIDED), limit=services.AUDIT_TEXT_LIMIT))
    flash(request, {"approve": "已审核通过", "return": "已退回申报单位"}[data["decision"]] +
          (f"，评价等级：{sub.grade}" if sub.grade else ""))
    return HTTPSeeOther(request.route_url(f"{filing.module_key}.review"))


def review_word(request, filing):
    """The reviewer's Word copy of a record: personal fields masked."""
    sub = reviewer_record(request, filing)
    record(request.dbsession, request, "filing_export_word", object_type=filing.owner_type, object_id=sub.id,
           masked=personal_fields(filing))
    return word_response(request, filing, sub, full=False)


BATCH = Schema(
    Field("year", "年度", kind="int", min_value=2000, max_value=2100),
    Field("deadline", "截止日期", kind="date"),
)


def batch_schema(filing) -> Schema:
    """年度 and 截止日期, and the dates the plugin's documents check rows against."""
    return Schema(*BATCH.fields, *filing.batch_fields)


def batches(request, filing):
    values, errors = {}, {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "close":
            raw = request.POST.get("batch_id", "")
            batch = request.dbsession.get(Batch, int(raw)) if raw.isdigit() and len(raw) < 10 else None
            if batch is None or batch.module_key != filing.module_key:
                return refusal(request, "批次不存在", 404)
            try:
                review.close_batch(request.dbsession, batch, request.identity, request)
            except review.ReviewError as exc:
                return refusal(request, exc.message, exc.status)
            flash(request, f"{batch.title}已关闭")
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.batches"))
        schema = batch_schema(filing)
        result = schema.validate(request.POST)
        values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
        errors = dict(result.errors)
        if not errors and result.data["deadline"] < dt.date.today():
            errors["deadline"] = "截止日期不能早于今天"
        if not errors:
            try:
                batch = review.open_batch(request.dbsession, filing.module_key, result.data["year"],
                                          result.data["deadline"], request.identity,
                                          **{f.name: result.data[f.name] for f in filing.batch_fields})
            except review.ReviewError as exc:
                errors[exc.field or "year"] = exc.message
            else:
                record(request.dbsession, request, "batch_open", object_type="review_batch", object_id=batch.id,
                       year=batch.year, deadline=batch.deadline.isoformat(),
                       changes=changes({}, snapshot(batch, ("year", "deadline", "status"))))
                flash(request, f"已开放{batch.title}填报，截止{batch.deadline:%Y-%m-%d}")
                return HTTPSeeOther(request.route_url(f"{filing.module_key}.batches"))
    rows = list(request.dbsession.scalars(select(Batch).where(Batch.module_key == filing.module_key)
                                          .order_by(Batch.year.desc())))
    return {"page_title": f"{filing.title} — 填报批次", "filing": filing, "batches": rows,
            "schema": batch_schema(filing), "values": values, "errors": errors, "today": dt.date.today(),
            "manageable": {b.id for b in rows if review.may_manage_batch(request.identity, b)}}


REOPEN = Schema(Field("deadline", "新的截止日期", kind="date"))


def batch_reopen(request, filing):
    """重新开放 a closed batch / 延长截止日期 of an open one: a confirmation
    page saying what happens, then the change (owner agency and ancestors only)."""
    batch = request.dbsession.get(Batch, int(request.matchdict["id"]))
    if batch is None or batch.module_key != filing.module_key or \
            not review.may_manage_batch(request.identity, batch):
        raise HTTPNotFound()
    today = dt.date.today()
    values, errors = {}, {}
    if request.method == "POST":
        result = REOPEN.validate(request.POST)
        values, errors = {"deadline": request.POST.get("deadline", "")}, dict(result.errors)
        if not errors:
            try:
                event = review.reopen_batch(request.dbsession, batch, request.identity, result.data["deadline"],
                                            today=today, request=request)
            except review.ReviewError as exc:
                errors[exc.field or "deadline"] = exc.message
            else:
                what = "已重新开放" if event == "batch_reopen" else "已延长"
                flash(request, f"{batch.title}批次{what}，截止日期{batch.deadline:%Y-%m-%d}")
                return HTTPSeeOther(request.route_url(f"{filing.module_key}.batches"))
        request.response.status = 400
    return {"page_title": f"{filing.title} — {'重新开放批次' if batch.status == 'closed' else '延长截止日期'}",
            "filing": filing, "batch": batch, "schema": REOPEN, "values": values, "errors": errors,
            "today": today}


def register(config, filing, prefix: str):
    k = filing.module_key
    T = "kjgl.core:templates/filings/"
    decide, manage = f"{k}:review:decide", f"{k}:batch:manage"
    routes = [
        (f"{k}.review", f"{prefix}/review/", review_list, T + "review_list.pt", "GET", decide),
        (f"{k}.review.export", f"{prefix}/review/export.xlsx", review_export, None, "GET", decide),
        (f"{k}.review.detail", f"{prefix}/review/{{id:\\d{{1,9}}}}", review_detail, T + "review_detail.pt",
         "GET", decide),
        (f"{k}.review.decide", f"{prefix}/review/{{id:\\d{{1,9}}}}/decide", review_decide, T + "review_detail.pt",
         "POST", decide),
        (f"{k}.batches", f"{prefix}/batches", batches, T + "batches.pt", ("GET", "POST"), manage),
        (f"{k}.batch.reopen", f"{prefix}/batches/{{id:\\d{{1,9}}}}/reopen", batch_reopen, T + "batch_reopen.pt",
         ("GET", "POST"), manage),
    ]
    if not filing.tabs:  # a one-page form's Word copy; a tabbed document has its numbered versions
        routes.append((f"{k}.review.word", f"{prefix}/review/{{id:\\d{{1,9}}}}/word.docx", review_word, None,
                       "GET", decide))
    for name, pattern, view, renderer, methods, permission in routes:
        config.add_route(name, pattern)
        kwargs = {"renderer": renderer} if renderer else {}
        config.add_view(_bind(view, filing), route_name=name, permission=permission,
                        request_method=methods, **kwargs)
    if filing.versioned:
        from . import document_views
        document_views.register_reviewer(config, filing, prefix)
