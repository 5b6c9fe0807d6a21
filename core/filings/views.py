"""The applicant's pages of a filing: 业务系统界面 (list), 增加, 编辑/暂存, 提交,
查看, 导出Word."""
from __future__ import annotations


from pyramid.httpexceptions import HTTPSeeOther

from ..attachments import services as attachments
from ..audit.services import record
from ..errors import refusal
from ..layout import flash
from ..review import services as review
from . import services
from .access import applicant_record
from .exporting import word_response


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


def _form_page(request, filing, sub, values, errors, message="", status=200):
    request.response.status = status
    files = attachments.files_for(request.dbsession, filing.owner_type, sub.id) if sub is not None else {}
    return {
        "page_title": f"{filing.title} — {'编辑' if sub is not None else '增加'}",
        "filing": filing, "sub": sub, "values": values, "errors": errors, "message": message,
        "attachments": files, "editable": True,
        "history": review.history(request.dbsession, sub) if sub is not None else [],
        "batch": sub.batch if sub is not None else review.open_batch_for(request.dbsession, filing.module_key),
    }


def list_view(request, filing):
    user = request.identity
    records = services.records_of(request.dbsession, filing, user.organisation_id)
    module = next(m for m in request.registry["kjgl.modules"] if m.key == filing.module_key)
    return {"page_title": module.title, "filing": filing, "records": records,
            "batch": review.open_batch_for(request.dbsession, filing.module_key)}


def new_view(request, filing):
    org = request.identity.organisation
    batch = review.open_batch_for(request.dbsession, filing.module_key)
    if batch is None:
        flash(request, "当前没有开放的申报批次，或已过截止日期，不能增加")
        return HTTPSeeOther(request.route_url(f"{filing.module_key}.home"))
    if request.method == "POST":
        sub, outcome = services.create(request, filing, request.POST)
        if outcome.ok:
            record(request.dbsession, request, "filing_save", object_type=filing.owner_type, object_id=sub.id,
                   changes=services.data_changes(filing, {}, services.content(request.dbsession, filing, sub).data))
            # files chosen together with the first 暂存 are stored now that the record exists
            _, upload_errors = attachments.save_uploads(request, filing.owner_type, sub.id, filing.all_slots)
            flash(request, "已暂存" + ("，但部分附件未上传成功，请查看" if upload_errors else ""))
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.edit", id=sub.id))
        values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
        return _form_page(request, filing, None, values, outcome.errors, outcome.message)
    values = dict(filing.prefill(org)) if filing.prefill else {}
    return _form_page(request, filing, None, values, {})


def edit_view(request, filing):
    sub = applicant_record(request, filing)
    if not sub.editable:
        if request.method == "POST":
            return refusal(request, "已提交的申报材料不能修改（如需修改，请等待审核退回）")
        flash(request, "已提交的申报材料不能修改")
        return HTTPSeeOther(request.route_url(f"{filing.module_key}.view", id=sub.id))
    row = services.content(request.dbsession, filing, sub)
    if request.method == "POST":
        before = dict(row.data or {})
        try:
            outcome = services.save(request, filing, sub, request.POST, _version(request))
        except review.ReviewError as exc:
            # e.g. saved meanwhile in another tab: keep what this user typed on the page
            values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
            values["version"] = str(sub.version)
            return _form_page(request, filing, sub, values, {}, exc.message, status=exc.status)
        if outcome.ok:
            record(request.dbsession, request, "filing_save", object_type=filing.owner_type, object_id=sub.id,
                   changes=services.data_changes(filing, before, row.data))
            flash(request, outcome.message)
            return HTTPSeeOther(request.route_url(f"{filing.module_key}.edit", id=sub.id))
        values = {k: v for k, v in request.POST.items() if isinstance(v, str)}
        return _form_page(request, filing, sub, values, outcome.errors, outcome.message)
    values = dict(row.data or {})
    if filing.prefill:
        values.update(filing.prefill(sub.organisation))
    return _form_page(request, filing, sub, values, {})


def submit_view(request, filing):
    sub = applicant_record(request, filing)
    posted = {k: v for k, v in request.POST.items() if isinstance(v, str)}
    row = services.content(request.dbsession, filing, sub)
    before = {**(row.data or {}), "state": sub.state}
    try:
        if any(f.name in posted for f in filing.fields):
            # 提交 from the form: what is on the page is saved first
            saved = services.save(request, filing, sub, request.POST, _version(request))
            if not saved.ok:
                return _form_page(request, filing, sub, posted, saved.errors, saved.message)
        outcome = services.submit(request, filing, sub)
    except review.ReviewError as exc:
        return refusal(request, exc.message, exc.status)
    if not outcome.ok:
        row = services.content(request.dbsession, filing, sub)
        values = dict(row.data or {})
        return _form_page(request, filing, sub, values, outcome.errors, outcome.message)
    record(request.dbsession, request, "filing_submit", object_type=filing.owner_type, object_id=sub.id,
           changes=services.data_changes(filing, before, {**(row.data or {}), "state": sub.state}))
    flash(request, outcome.message)
    return HTTPSeeOther(request.route_url(f"{filing.module_key}.home"))


def _view_page(request, filing, sub, message=""):
    row = services.content(request.dbsession, filing, sub)
    return {
        "page_title": f"{filing.title} — 查看", "filing": filing, "sub": sub, "message": message,
        "data": services.typed(filing, row.data), "stored": row.data or {},
        "attachments": attachments.files_for(request.dbsession, filing.owner_type, sub.id),
        "history": review.history(request.dbsession, sub), "editable": False, "errors": {},
        "full_ids": True,  # the applicant's own record
    }


def show_view(request, filing):
    return _view_page(request, filing, applicant_record(request, filing))


def word_view(request, filing):
    sub = applicant_record(request, filing)
    record(request.dbsession, request, "filing_export_word", object_type=filing.owner_type, object_id=sub.id)
    return word_response(request, filing, sub)


def _bind(view, filing):
    def bound(request):
        return view(request, filing)
    bound.__name__ = f"{filing.module_key}_{view.__name__}"
    bound.__doc__ = view.__doc__
    return bound


def add_views(config, filing, routes, permission: str) -> None:
    """Register ``(route name, pattern, view, renderer, methods)`` bound to
    ``filing``, each behind ``permission``."""
    for name, pattern, view, renderer, methods in routes:
        config.add_route(name, pattern)
        kwargs = {"renderer": renderer} if renderer else {}
        if methods:
            kwargs["request_method"] = methods
        config.add_view(_bind(view, filing), route_name=name, permission=permission, **kwargs)


def register(config, filing, prefix: str):
    k = filing.module_key
    T = "kjgl.core:templates/filings/"
    add_views(config, filing, [
        (f"{k}.home", f"{prefix}/", list_view, T + "list.pt", None),
        (f"{k}.new", f"{prefix}/new", new_view, T + "form.pt", ("GET", "POST")),
        (f"{k}.edit", f"{prefix}/{{id:\\d{{1,9}}}}/edit", edit_view, T + "form.pt", ("GET", "POST")),
        (f"{k}.submit", f"{prefix}/{{id:\\d{{1,9}}}}/submit", submit_view, T + "form.pt", "POST"),
        (f"{k}.view", f"{prefix}/{{id:\\d{{1,9}}}}", show_view, T + "view.pt", "GET"),
        (f"{k}.word", f"{prefix}/{{id:\\d{{1,9}}}}/word.docx", word_view, None, "GET"),
    ], f"{k}:module:use")
