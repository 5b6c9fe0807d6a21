"""The bureaus' pages of a filing: the list of submitted records in the
reviewer's subtree (filters, Excel export), the detail with the decision
form, and the yearly batches (city level)."""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from sqlalchemy import bindparam, case, select
from sqlalchemy.orm import contains_eager, joinedload

from .. import masking
from ..agencies import services as agency_services
from ..agencies.heads import is_head
from ..attachments import services as attachments
from ..audit.services import changes, record, snapshot
from ..crypto import defer_sealed
from ..errors import refusal
from ..forms import Field, Schema
from ..layout import flash
from ..organisations.models import Organisation
from ..pagination import paginate
from ..reveal import reveal
from ..review import assignment
from ..review import services as review
from ..review.assignment import Assignment
from ..review.models import STATES, Batch, Submission
from ..search import contains
from . import marks, services
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
    # 分派给我的 first
    mine = select(Assignment.submission_id).where(Assignment.user_id == user.id)
    first = case((Submission.id.in_(mine), 0), else_=1)
    return stmt.order_by(first, Submission.submitted_at.desc(), Submission.id.desc()), filters


def batch_years(db, module_key: str) -> list[int]:
    """The years of the module's batches, newest first (the year filter)."""
    return sorted(set(db.scalars(_batch_years(), {"module_key": module_key})), reverse=True)


@functools.cache
def _batch_years():
    return select(Batch.year).where(Batch.module_key == bindparam("module_key"))


def list_filter_choices(request, filing) -> list:
    """(filter, choices) of the plugin's filters, within the reviewer's scope."""
    scoped = review.reviewer_scope(select(Submission).where(Submission.module_key == filing.module_key),
                                   request.identity)
    return [(f, f.choices(request.dbsession, scoped)) for f in filing.list_filters]


def _districts(request):
    """The district filter's choices: the districts of the reviewer's subtree
    that the filing's records can reach (a national reviewer sees this
    province's districts, not every province's), in official order, grouped
    by city/province where the subtree holds several."""
    from itertools import groupby

    user, root = request.identity, request.records_root
    base = root if root is not None and user.agency.contains(root) else user.agency
    found = agency_services.districts(request.dbsession, within=base)
    return [(parent, list(items)) for parent, items in groupby(found, key=lambda a: a.parent)]


# what a row of the list shows, loaded with the rows (not the organisation's sealed numbers)
LIST_LOADS = (contains_eager(Submission.batch), joinedload(Submission.organisation).options(*defer_sealed(Organisation)),
              joinedload(Submission.agency))


def review_list(request, filing):
    stmt, filters = filtered(request, filing)
    page = paginate(request.dbsession, stmt.options(*LIST_LOADS), request, 15)
    chain = services.chain_for(request, filing)
    years = batch_years(request.dbsession, filing.module_key)
    head = is_head(request.dbsession, request.identity)
    return {
        "page_title": f"{filing.title} — 审核", "filing": filing, "page": page, "filters": filters,
        "states": REVIEW_STATES, "years": years, "districts": _districts(request),
        "can_decide": review.decidable(request.dbsession, chain, page.items, request.identity),
        "chain": chain, "may_export_full": request.has_permission(f"{filing.module_key}:export:full"),
        "list_filters": list_filter_choices(request, filing),
        "graded": any(step.grades for step in chain.steps),
        "assignees": assignment.assignees(request.dbsession, [s.id for s in page.items]),
        # only the head assigns: the others' page never shows the colleagues
        "colleagues": assignment.colleagues(request.dbsession, request.identity.agency_id) if head else [],
        "is_head": head,
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
        **_markable(request, filing, sub),
        "recused": bool(assignment.recused(request.dbsession, [sub.id], request.identity.id)),
        "assignee": assignment.assignees(request.dbsession, [sub.id]).get(sub.id),
        "since_return": marks.changes_since_return(request.dbsession, filing, sub) if sub.state == "submitted" else None,
        **reveal(request, f"{filing.module_key}.review.detail", id=sub.id, object_type=filing.owner_type,
                 object_id=sub.id, fields=personal_fields(filing), note="手机号码等个人信息"),
        **(_tabbed_detail(request, filing, sub) if filing.tabs else {}),
    }


def _markable(request, filing, sub) -> dict:
    """What the reviewer can mark when returning: a one-page form's fields
    and slots; a tabbed document's fields, rows, proofs and slots, by tab."""
    found = marks.targets(request.dbsession, filing, sub) if filing.tabs and sub.state == "submitted" else None
    known = marks.titles(filing, found)
    by_tab = []
    for tab in filing.tabs if found is not None else ():
        mine = [t for t in found if t.tab == tab.key]
        if mine:
            by_tab.append((tab, mine))
    return {"mark_titles": known, "mark_tabs": by_tab,
            "marked": marks.posted(filing, request.POST, known)[0]}


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
    errors = dict(result.errors)
    if errors and result.data.get("decision") == "approve" and sub.state == "submitted":
        # a grading step's problems are all reported with the form's, not on the next try
        step = chain.step(sub.step)
        if step.grades:
            for name, text in review.grading_problems(step, result.data.get("grade"),
                                                       result.data.get("score")).items():
                errors.setdefault(name, text)
    known = marks.titles(filing, marks.targets(request.dbsession, filing, sub) if filing.tabs else None)
    marked, mark_errors = marks.posted(filing, request.POST, known)
    errors.update(mark_errors)
    if errors:
        return _detail(request, filing, sub, errors, values, "请修改标红的内容")
    data = result.data
    before = snapshot(sub, DECIDED)
    decided_step = chain.step(sub.step).title  # the step decided, as the audit log shows it
    try:
        event = review.decide(request.dbsession, chain, sub, request.identity, decision=data["decision"],
                      opinion=data["opinion"] or "", expected_version=data["version"],
                      grade=data["grade"], score=data["score"])
    except review.AlreadyDecided as exc:
        return refusal(request, exc.message)
    except review.InvalidDecision as exc:
        if exc.errors:
            return _detail(request, filing, sub, exc.errors, values, exc.message)
        return refusal(request, exc.message, 403)
    record(request.dbsession, request, "filing_review", object_type=filing.owner_type, object_id=sub.id,
           decision=data["decision"], step=decided_step, state=sub.state, grade=data["grade"],
           score=str(data["score"]) if data["score"] is not None else None,
           changes=changes(before, snapshot(sub, DECIDED), limit=services.AUDIT_TEXT_LIMIT),
           **({"marked": [known[k] for k in marked]} if marked and sub.state == "returned" else {}))
    if marked and sub.state == "returned":
        marks.keep(request.dbsession, filing, sub, event, marked)
    flash(request, decided_message(request.dbsession, chain, sub))
    return HTTPSeeOther(request.route_url(f"{filing.module_key}.review"))


def review_bulk(request, filing):
    """批量审核: the ticked records of the list, approved or returned with one opinion."""
    from . import bulk
    from .tabbed import Context

    chain = services.chain_for(request, filing)
    back = request.route_url(f"{filing.module_key}.review", _query={
        k: v for k, v in request.POST.items() if k in ("year", "state", "name", "district") and v})
    ticked = bulk.parse_ticked(request.POST.getall("ids"))
    if request.POST.get("action") == "assign":
        return _assign(request, filing, chain, ticked, back)
    try:
        report = bulk.decide_many(Context.of(request), filing, chain, ticked,
                                  decision=request.POST.get("decision", ""), opinion=request.POST.get("opinion", ""))
    except review.InvalidDecision as exc:
        flash(request, f"批量审核未执行：{exc.message}")
        return HTTPSeeOther(back)
    flash(request, report.message(request.POST.get("decision")))
    return HTTPSeeOther(back)


def _assign(request, filing, chain, ticked, back):
    """分派: the ticked records of the agency's step to one of its reviewers (its head only)."""
    db = request.dbsession
    if not is_head(db, request.identity):
        return refusal(request, "只有本单位负责人可以分派审核记录，请联系本单位负责人", 403)
    subs = list(db.scalars(review.reviewer_scope(select(Submission).where(
        Submission.id.in_(list(ticked)), Submission.module_key == filing.module_key), request.identity)))
    if not subs:
        flash(request, "分派未执行：请先勾选要分派的记录")
        return HTTPSeeOther(back)
    raw = request.POST.get("assignee", "")
    try:
        done, skipped = assignment.assign(db, chain, subs, request.identity, int(raw) if raw.isdigit() else 0,
                                          ip=request.remote_addr)
    except assignment.AssignmentError as exc:
        flash(request, f"分派未执行：{exc.message}")
        return HTTPSeeOther(back)
    text = f"已分派{len(done)}条记录"
    if skipped:
        text += "；未分派：" + "、".join(f"“{s.title}”（{why}）" for s, why in skipped)
    flash(request, text)
    return HTTPSeeOther(back)


def review_recuse(request, filing):
    """回避: the reviewer declares a conflict of interest and steps away from the record."""
    sub = reviewer_record(request, filing)
    try:
        assignment.declare_conflict(request.dbsession, sub, request.identity, request.POST.get("reason", ""),
                                    ip=request.remote_addr)
    except assignment.AssignmentError as exc:
        return _detail(request, filing, sub, {"reason": exc.message}, {"reason": request.POST.get("reason", "")},
                       exc.message)
    flash(request, f"已对“{sub.title}”声明回避，您将不再审核该记录")
    return HTTPSeeOther(request.route_url(f"{filing.module_key}.review"))


def decided_message(db, chain, sub) -> str:
    """Where the record went: to the next step's agency, back to the
    applicant, or to the end of its review."""
    if sub.state == "returned":
        return "已退回申报单位修改，申报单位已收到站内消息"
    if sub.state == "submitted":
        agency = review.step_agency(db, sub, chain, sub.step)
        where = agency.name if agency is not None else "下一审核单位"
        return f"已审核通过，记录已转至{where}（{chain.step(sub.step).title}），当前状态：审核中"
    if sub.grade:
        return f"评价完成，审核流程已结束，评价等级：{sub.grade}"
    return "已审核通过，审核流程已结束"


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
        if request.POST.get("notice") == "1":  # the notice is checked before anything is opened
            from ..notices import services as notices

            errors.update({f"notice_{k}": v for k, v in notices.check(
                {"title": request.POST.get("notice_title", ""), "body": request.POST.get("notice_body", ""),
                 "target": "module", "target_value": filing.module_key},
                {filing.module_key: filing.title}, ()).items()})
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
                if request.POST.get("notice") == "1":  # its notice in the same step
                    from ..notices import services as notices

                    notices.publish_for_batch(request.dbsession, request.identity, batch, filing.title,
                                              request.POST.get("notice_title", ""),
                                              request.POST.get("notice_body", ""), ip=request.remote_addr)
                flash(request, f"已开放{batch.title}填报，截止{batch.deadline:%Y-%m-%d}"
                      + ("，并已发布通知公告" if request.POST.get("notice") == "1" else ""))
                return HTTPSeeOther(request.route_url(f"{filing.module_key}.batches"))
    # each row shows (and is managed by) its owner agency: loaded with the rows
    rows = list(request.dbsession.scalars(select(Batch).where(Batch.module_key == filing.module_key)
                                          .options(joinedload(Batch.owner_agency)).order_by(Batch.year.desc())))
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
        (f"{k}.review.bulk", f"{prefix}/review/bulk", review_bulk, None, "POST", decide),
        (f"{k}.review.recuse", f"{prefix}/review/{{id:\\d{{1,9}}}}/recuse", review_recuse, T + "review_detail.pt",
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
