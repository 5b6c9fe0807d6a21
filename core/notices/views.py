"""通知公告: agencies write, publish and withdraw notices; everybody reads
those whose audience holds them, unread first."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from .. import validators
from ..attachments import services as attachments
from ..attachments.owners import Refusal
from ..attachments.services import Slot
from ..layout import flash
from ..pagination import paginate
from . import services
from .models import STATUSES, TARGETS, Notice

T = "kjgl.core:templates/notices/"
OWNER_TYPE = "notice"
SLOT = Slot("files", "附件", accepts=("pdf", "jpg", "png", "docx", "xlsx"), required=False, multiple=True)


def may_view_files(request, owner_id: int) -> bool:
    """A notice's files: for its audience once published, and for its publisher's staff."""
    user = request.identity
    notice = request.dbsession.get(Notice, owner_id)
    if notice is None or user is None:
        return False
    if user.kind == "agency" and notice.agency_id == user.agency_id:
        return True
    return services.readable(request.dbsession, user, owner_id) is not None


def may_change_files(request, owner_id: int):
    notice = request.dbsession.get(Notice, owner_id)
    user = request.identity
    if notice is None or user is None or user.kind != "agency" or notice.agency_id != user.agency_id:
        return Refusal(403, "您没有修改此附件的权限。")
    if notice.status != "draft":
        return Refusal(409, "已发布或已撤回的通知不能修改附件")
    return None


def _own(request) -> Notice:
    """A notice of the reviewer's own agency (404 for any other)."""
    notice = request.dbsession.get(Notice, int(request.matchdict["id"]))
    if notice is None or notice.agency_id != request.identity.agency_id:
        raise HTTPNotFound()
    return notice


def _choices(request):
    return {m.key: m.title for m in request.registry["kjgl.modules"]}, tuple(validators.LEGAL_TYPES)


@view_config(route_name="notices", renderer=T + "list.pt", permission="core:account:self")
def notice_list(request):
    stmt = services.with_publisher(services.visible(request.dbsession, request.identity))
    page = paginate(request.dbsession, stmt, request, 20)
    return {"page_title": "通知公告", "page": page,
            "read": services.read_ids(request.dbsession, request.identity, [n.id for n in page.items])}


@view_config(route_name="notice", renderer=T + "detail.pt", permission="core:account:self")
def notice_detail(request):
    notice = services.readable(request.dbsession, request.identity, int(request.matchdict["id"]))
    if notice is None:
        raise HTTPNotFound()
    services.mark_read(request.dbsession, request.identity, notice)
    return {"page_title": notice.title, "notice": notice, "slot": SLOT,
            "files": attachments.files_for(request.dbsession, OWNER_TYPE, notice.id).get(SLOT.name, [])}


@view_config(route_name="notices.manage", renderer=T + "manage.pt", permission="core:notice:manage")
def manage(request):
    stmt = services.managed(request.dbsession, request.identity)
    modules, _ = _choices(request)
    return {"page_title": "通知公告管理", "page": paginate(request.dbsession, stmt, request, 20),
            "targets": TARGETS, "modules": modules}


def _form(request, notice):
    modules, org_types = _choices(request)
    values = ({k: v for k, v in request.POST.items() if isinstance(v, str)} if request.method == "POST" else
              {"title": notice.title, "body": notice.body, "target": notice.target,
               "target_value": notice.target_value or ""} if notice is not None else {"target": "subtree"})
    errors = {}
    if request.method == "POST":
        errors = services.check(values, modules, org_types)
        if not errors:
            try:
                saved = services.save(request.dbsession, request.identity, values, notice, ip=request.remote_addr)
            except services.NoticeError as exc:
                errors["form"] = exc.message
            else:
                _, upload_errors = attachments.save_uploads(request, OWNER_TYPE, saved.id, (SLOT,))
                if upload_errors:  # the draft is kept; the page says which file was refused
                    flash(request, "；".join(upload_errors.values()))
                    return HTTPSeeOther(request.route_url("notice.edit", id=saved.id))
                if request.POST.get("action") == "publish":
                    services.publish(request.dbsession, request.identity, saved, ip=request.remote_addr)
                    flash(request, f"已发布通知“{saved.title}”")
                else:
                    flash(request, f"已保存草稿“{saved.title}”")
                return HTTPSeeOther(request.route_url("notices.manage"))
        request.response.status = 400
    files = attachments.files_for(request.dbsession, OWNER_TYPE, notice.id) if notice is not None else {}
    return {"page_title": "编辑通知" if notice is not None else "新建通知", "notice": notice, "values": values,
            "slot": SLOT, "files": files.get(SLOT.name, []),
            "errors": errors, "targets": TARGETS, "modules": modules, "org_types": org_types}


@view_config(route_name="notice.new", renderer=T + "form.pt", permission="core:notice:manage")
def notice_new(request):
    return _form(request, None)


@view_config(route_name="notice.edit", renderer=T + "form.pt", permission="core:notice:manage")
def notice_edit(request):
    notice = _own(request)
    if notice.status != "draft":
        flash(request, "已发布或已撤回的通知不能修改")
        return HTTPSeeOther(request.route_url("notices.manage"))
    return _form(request, notice)


@view_config(route_name="notice.publish", request_method="POST", permission="core:notice:manage")
def notice_publish(request):
    return _transition(request, services.publish, "已发布通知“{}”")


@view_config(route_name="notice.withdraw", request_method="POST", permission="core:notice:manage")
def notice_withdraw(request):
    return _transition(request, services.withdraw, "已撤回通知“{}”")


def _transition(request, change, done: str):
    notice = _own(request)
    try:
        change(request.dbsession, request.identity, notice, ip=request.remote_addr)
    except services.NoticeError as exc:
        flash(request, exc.message)
    else:
        flash(request, done.format(notice.title))
    return HTTPSeeOther(request.route_url("notices.manage"))


@view_config(route_name="notice.reads", renderer=T + "reads.pt", permission="core:notice:manage")
def notice_reads(request):
    notice = _own(request)
    return {"page_title": f"阅读情况 — {notice.title}", "notice": notice,
            "readers": services.readers(request.dbsession, notice), "statuses": STATUSES}


def includeme(config):
    from ..security import kind_is

    config.add_permission_rule("core:notice:manage", kind_is("agency"))
    config.add_attachment_owner(OWNER_TYPE, may_view_files, may_change_files)
    config.add_route("notices", "/notices")
    config.add_route("notices.manage", "/notices/manage")
    config.add_route("notice.new", "/notices/new")
    config.add_route("notice", "/notices/{id:\\d{1,9}}")
    config.add_route("notice.edit", "/notices/{id:\\d{1,9}}/edit")
    config.add_route("notice.publish", "/notices/{id:\\d{1,9}}/publish")
    config.add_route("notice.withdraw", "/notices/{id:\\d{1,9}}/withdraw")
    config.add_route("notice.reads", "/notices/{id:\\d{1,9}}/reads")
    config.scan(".views")
