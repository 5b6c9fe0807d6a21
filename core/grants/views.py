"""The organisation admin's 用户管理: the list of its individuals, 模块配置,
enable/disable and password reset. Every query is scoped to the admin's own
organisation; another organisation's user is "not found"."""
from __future__ import annotations

from urllib.parse import parse_qsl

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.view import view_config

from .. import masking
from ..audit.services import changes, record, snapshot
from ..layout import flash, pop_flashes
from ..pagination import paginate
from . import org_users
from .services import granted_keys, set_grants

PAGE_SIZE = 15
LIST_PARAMS = ("account", "name", "page")
ERROR_QUEUE = "error"


def _list_url(request, query: str = "") -> str:
    """Back to the list with its search and page kept (only those parameters)."""
    params = {k: v for k, v in parse_qsl(query) if k in LIST_PARAMS}
    return request.route_url("org.users", _query=params)


def _search_text(request, name: str, limit: int) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _target(request):
    user_id = org_users.parse_id(request.matchdict["id"])
    user = (None if user_id is None
            else org_users.individual_of(request.dbsession, request.identity.organisation_id, user_id))
    if user is None:
        raise HTTPNotFound()
    return user


@view_config(route_name="org.users", renderer="kjgl.core:templates/grants/users.pt",
             permission="core:org:users")
def users(request):
    account = _search_text(request, "account", 30)
    name = _search_text(request, "name", 50)
    stmt = org_users.individuals(request.identity.organisation_id, account=account, name=name)
    page = paginate(request.dbsession, stmt, request, PAGE_SIZE)
    return {
        "page_title": "用户管理",
        "org": request.identity.organisation,
        "account": account,
        "name": name,
        "page": page,
        "mask_mobile": masking.mobile,
        "back": request.query_string,
        "errors_flashed": pop_flashes(request, ERROR_QUEUE),
    }


@view_config(route_name="org.user.grants", renderer="kjgl.core:templates/grants/modules.pt",
             permission="core:org:users")
def module_grants(request):
    target = _target(request)
    modules = request.registry["kjgl.modules"]
    enabled = {m.key for m in modules}
    back = request.params.get("back", "")
    error = None
    if request.method == "POST":
        chosen = set(request.POST.getall("modules"))
        unknown = sorted(chosen - enabled)
        if unknown:
            request.response.status = 400
            error = f"子系统“{'、'.join(unknown)}”未在本平台启用，不能授权。请刷新页面后重新勾选。"
            selected = chosen & enabled
        else:
            added, removed = set_grants(request.dbsession, target, chosen, enabled, request.identity,
                                        titles={m.key: m.title for m in modules})
            if added or removed:
                record(request.dbsession, request, "grant_change", object_type="user", object_id=target.id,
                       added=sorted(added), removed=sorted(removed))
                flash(request, f"已保存用户“{target.account}”的模块配置")
            else:
                flash(request, f"用户“{target.account}”的模块配置没有变化")
            return HTTPSeeOther(_list_url(request, back))
    else:
        selected = granted_keys(request.dbsession, target.id) & enabled
    return {
        "page_title": "模块配置",
        "target": target,
        "modules": modules,
        "selected": selected,
        "error": error,
        "back": back,
        "list_url": _list_url(request, back),
    }


@view_config(route_name="org.user.status", request_method="POST", permission="core:org:users")
def change_status(request):
    target = _target(request)
    back = request.POST.get("back", "")
    wanted = request.POST.get("status")
    if wanted not in ("active", "disabled"):
        request.session.flash("操作无效：请在用户列表中点击“启用”或“禁用”", ERROR_QUEUE)
        return HTTPSeeOther(_list_url(request, back))
    before = snapshot(target, ("status",))
    if org_users.set_status(target, wanted):
        event = "user_enable" if wanted == "active" else "user_disable"
        record(request.dbsession, request, event, object_type="user", object_id=target.id,
               changes=changes(before, snapshot(target, ("status",))))
        flash(request, f"已{'启用' if wanted == 'active' else '禁用'}用户“{target.account}”"
              + ("" if wanted == "active" else "，该用户已无法登录系统"))
    else:
        flash(request, f"用户“{target.account}”已是{target.status_title}状态")
    return HTTPSeeOther(_list_url(request, back))


@view_config(route_name="org.user.password", request_method="POST", permission="core:org:users")
def reset_password(request):
    target = _target(request)
    back = request.POST.get("back", "")
    try:
        to = org_users.reset_password(request.dbsession, request.registry["kjgl.mail"], target,
                                      request.registry.settings["kjgl.title"])
    except org_users.ResetRefused as refused:
        request.session.flash(str(refused), ERROR_QUEUE)
    else:
        record(request.dbsession, request, "password_reset", object_type="user", object_id=target.id,
               sent_to=masking.email(to))
        flash(request, f"已重置用户“{target.account}”的密码，新密码已发送至其注册邮箱 {to}，"
              "该用户登录后须立即修改密码")
    return HTTPSeeOther(_list_url(request, back))
