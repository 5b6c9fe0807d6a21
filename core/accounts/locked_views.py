"""The security admin's list of accounts locked by failed logins, with an
early unlock (permission ``core:security:manage``)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config
from sqlalchemy import select

from ..audit.localtime import show as show_time
from ..audit.services import record
from ..db import utcnow
from ..layout import flash
from ..pagination import paginate
from .models import User
from .services import is_locked, unlock

PAGE_SIZE = 20


@view_config(route_name="admin.locked", renderer="kjgl.core:templates/accounts/locked.pt",
             permission="core:security:manage", request_method="GET")
def locked_accounts(request):
    stmt = select(User).where(User.locked_until > utcnow()).order_by(User.locked_until.desc(), User.id)
    return {"page_title": "账号锁定管理", "page": paginate(request.dbsession, stmt, request, PAGE_SIZE),
            "show_time": show_time}


@view_config(route_name="admin.locked.unlock", permission="core:security:manage", request_method="POST")
def unlock_account(request):
    user = request.dbsession.get(User, int(request.matchdict["id"]))
    if user is None:
        raise HTTPNotFound()
    if is_locked(user):
        unlock(user)
        record(request.dbsession, request, "account_unlock", object_type="user", object_id=user.id,
               target_account=user.account)
        flash(request, f"已解除账号 {user.account} 的锁定")
    else:
        flash(request, f"账号 {user.account} 未被锁定")
    return HTTPSeeOther(request.route_url("admin.locked"))
