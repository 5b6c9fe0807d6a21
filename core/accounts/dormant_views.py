"""The security admin's list of dormant and disabled accounts, with 重新启用
(permission ``core:security:manage``; the rules live in ``dormancy.py``)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from ..audit.localtime import show as show_time
from ..db import utcnow
from ..layout import flash
from ..pagination import paginate
from . import dormancy
from .models import DISABLED_REASONS, User

PAGE_SIZE = 20
VIEWS = {"dormant": "长期未使用（即将停用）", "disabled": "已被平台停用"}


@view_config(route_name="admin.dormant", renderer="kjgl.core:templates/accounts/dormant.pt",
             permission="core:security:manage", request_method="GET")
def dormant_accounts(request):
    view = request.GET.get("view", "dormant")
    view = view if view in VIEWS else "dormant"
    settings = request.registry.settings
    stmt = dormancy.dormant_query(settings, utcnow()) if view == "dormant" else dormancy.disabled_query()
    return {"page_title": "长期未使用账号管理", "page": paginate(request.dbsession, stmt, request, PAGE_SIZE),
            "view": view, "views": VIEWS, "reasons": DISABLED_REASONS, "show_time": show_time,
            "days": dormancy.dormant_days(settings), "warning_days": dormancy.WARNING_DAYS,
            "reenable_reasons": dormancy.REENABLE_REASONS}


@view_config(route_name="admin.dormant.enable", permission="core:security:manage", request_method="POST")
def reenable_account(request):
    user = request.dbsession.get(User, int(request.matchdict["id"]))
    if user is None:
        raise HTTPNotFound()
    try:
        dormancy.reenable(request.dbsession, user, request.identity, request)
    except dormancy.ReenableRefused as exc:
        flash(request, f"账号 {user.account}：{exc}")
    else:
        flash(request, f"已重新启用账号 {user.account}；如仍长期不登录，将在提醒{dormancy.WARNING_DAYS}天后再次停用")
    return HTTPSeeOther(request.route_url("admin.dormant", _query={"view": "disabled"}))
