"""站内消息: the list (read / unread), opening one (→ the record it is
about), marking all read, and the e-mail preferences."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ..audit.services import record
from ..layout import flash
from ..pagination import paginate
from . import services
from .models import Notification


def _route_exists(request, name: str) -> bool:
    from pyramid.interfaces import IRoutesMapper

    return request.registry.getUtility(IRoutesMapper).get_route(name) is not None


def link_for(request, n: Notification) -> str | None:
    """Where a message leads its reader, decided by the reader's rights now
    (a reviewer opens the review page, the applicant the record; someone who
    cannot open the record gets no link)."""
    user = request.identity
    if n.object_type == "submission" and n.module_key and n.object_id:
        k = n.module_key
        if user.kind == "agency":
            route, permission = f"{k}.review.detail", f"{k}:review:decide"
        else:  # a record back with its filer opens where it is edited (and the marks are shown)
            from ..review.models import Submission

            sub = request.dbsession.get(Submission, n.object_id)
            editable = sub is not None and sub.editable and _route_exists(request, f"{k}.edit")
            route, permission = (f"{k}.edit" if editable else f"{k}.view"), f"{k}:module:use"
        if _route_exists(request, route) and request.has_permission(permission):
            return request.route_url(route, id=n.object_id)
        return None
    if n.object_type == "batch" and n.module_key and _route_exists(request, f"{n.module_key}.home") \
            and request.has_permission(f"{n.module_key}:module:use"):
        return request.route_url(f"{n.module_key}.home")
    if n.object_type == "organisation" and request.has_permission("core:org:complete"):
        return request.route_url("org.profile")
    if n.object_type == "user" and request.has_permission("core:portal"):
        return request.route_url("portal")
    return None


@view_config(route_name="messages", renderer="kjgl.core:templates/notifications/list.pt",
             permission="core:account:self")
def message_list(request):
    user = request.identity
    show = "unread" if request.GET.get("show") == "unread" else "all"
    stmt = select(Notification).where(Notification.user_id == user.id)
    if show == "unread":
        stmt = stmt.where(Notification.read_at.is_(None))
    # unread first, newest first
    stmt = stmt.order_by(Notification.read_at.is_not(None), Notification.id.desc())
    return {"page_title": "站内消息", "page": paginate(request.dbsession, stmt, request, 20), "show": show,
            "unread": services.unread_count(request.dbsession, user.id)}


@view_config(route_name="message.open", permission="core:account:self")
def message_open(request):
    n = request.dbsession.get(Notification, int(request.matchdict["id"]))
    if n is None or n.user_id != request.identity.id:
        raise HTTPNotFound()
    services.mark_read(request.dbsession, n.user_id, [n.id])
    target = link_for(request, n)
    if target is None:
        flash(request, "该消息没有可查看的记录（您可能已无权查看）")
        return HTTPSeeOther(request.route_url("messages"))
    return HTTPSeeOther(target)


@view_config(route_name="messages.read", request_method="POST", permission="core:account:self")
def messages_read(request):
    count = services.mark_read(request.dbsession, request.identity.id)
    flash(request, f"已将{count}条消息标记为已读" if count else "没有未读消息")
    return HTTPSeeOther(request.route_url("messages"))


@view_config(route_name="messages.preferences", renderer="kjgl.core:templates/notifications/preferences.pt",
             permission="core:account:self")
def message_preferences(request):
    user = request.identity
    db = request.dbsession
    if request.method == "POST":
        chosen = set(request.POST.getall("email")) & set(services.KINDS)
        changed = services.set_preferences(db, user.id, chosen)
        if changed:
            record(db, request, "notification_preferences", object_type="user", object_id=user.id,
                   changes={services.KINDS[k]: ["邮件" if a else "仅站内", "邮件" if b else "仅站内"]
                            for k, (a, b) in changed.items()})
        flash(request, "已保存消息提醒设置")
        return HTTPSeeOther(request.route_url("messages.preferences"))
    return {"page_title": "消息提醒设置", "kinds": services.KINDS,
            "chosen": services.preferences(db, user.id), "has_email": bool(user.email)}


def includeme(config):
    config.add_route("messages", "/messages")
    config.add_route("message.open", "/messages/{id:\\d{1,9}}")
    config.add_route("messages.read", "/messages/read")
    config.add_route("messages.preferences", "/messages/preferences")
    config.scan(".views")
