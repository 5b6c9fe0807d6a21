"""Logged-in sessions: the user's own (个人中心 › 登录会话: see them, end one
or all the others; ``core:account:self``) and, for the security admin, who is
online with a forced logout (``core:security:manage``). The mechanism is in
:mod:`.sessions`."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy.orm import contains_eager

from ..audit.localtime import show as show_time
from ..audit.services import record
from ..crypto import defer_sealed
from ..layout import flash
from ..pagination import paginate
from . import policy, sessions
from .models import User, UserSession

PAGE_SIZE = 20


def _common(request, **extra) -> dict:
    return {"show_time": show_time, "device": sessions.device, **extra}


@view_config(route_name="account.sessions", renderer="kjgl.core:templates/accounts/sessions.pt",
             permission="core:account:self", request_method="GET")
def my_sessions(request):
    mine = request.dbsession.scalars(sessions.live_sessions(request.registry.settings, request.identity.id)).all()
    current = sessions.current(request)
    return _common(request, page_title="登录会话", sessions=mine, current_id=current.id if current else None)


@view_config(route_name="account.sessions.end", permission="core:account:self", request_method="POST")
def end_my_session(request):
    user = request.identity
    current = sessions.current(request)
    session_id = int(request.matchdict["id"])
    if current is not None and session_id == current.id:
        flash(request, "当前会话请通过“退出”结束")
        return HTTPSeeOther(request.route_url("account.sessions"))
    ended = sessions.end_one(request.dbsession, session_id, "by_user", user_id=user.id)
    if ended is None:
        raise HTTPNotFound()
    record(request.dbsession, request, "session_end", object_type="user_session", object_id=ended.id,
           ip_of_session=ended.ip)
    flash(request, "已结束该会话，该设备需重新登录")
    return HTTPSeeOther(request.route_url("account.sessions"))


@view_config(route_name="account.sessions.end_others", permission="core:account:self", request_method="POST")
def end_my_other_sessions(request):
    user = request.identity
    current = sessions.current(request)
    count = sessions.end_others(request.dbsession, user, current.id if current else None)
    record(request.dbsession, request, "session_end", object_type="user", object_id=user.id,
           others_ended=count)
    flash(request, f"已结束其他{count}个会话" if count else "没有其他登录中的会话")
    return HTTPSeeOther(request.route_url("account.sessions"))


@view_config(route_name="admin.sessions", renderer="kjgl.core:templates/accounts/online.pt",
             permission="core:security:manage", request_method="GET")
def online(request):
    # each row shows its user's account and name: from the join live_sessions has, sealed numbers left unread
    stmt = sessions.live_sessions(request.registry.settings).options(
        contains_eager(UserSession.user).options(*defer_sealed(User)))
    page = paginate(request.dbsession, stmt, request, PAGE_SIZE)
    current = sessions.current(request)
    minutes = policy.session_timeout(request.registry.settings) // 60
    return _common(request, page_title="在线用户", page=page, current_id=current.id if current else None,
                   timeout_minutes=minutes)


@view_config(route_name="admin.sessions.end", permission="core:security:manage", request_method="POST")
def force_logout(request):
    ended = sessions.end_one(request.dbsession, int(request.matchdict["id"]), "by_security_admin")
    if ended is None:
        raise HTTPNotFound()
    record(request.dbsession, request, "session_force_end", object_type="user_session", object_id=ended.id,
           target_account=ended.user.account, ip_of_session=ended.ip)
    flash(request, f"已强制账号 {ended.user.account} 的该会话下线")
    return HTTPSeeOther(request.route_url("admin.sessions"))
