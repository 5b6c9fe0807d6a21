"""Forbidden / not-found / bad-request pages: a clear page, never a stack trace."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound
from pyramid.exceptions import BadCSRFToken
from pyramid.view import forbidden_view_config, notfound_view_config, view_config

from .security import second_factor_pending


def wants_json(request) -> bool:
    offers = request.accept.acceptable_offers(["text/html", "application/json"])
    return bool(offers) and offers[0][0] == "application/json"


def refusal(request, message: str, status: int = 409, *, page_title: str = "操作未生效",
            error: str = "conflict"):
    """A refused action (a locked document, a file that can't be deleted now):
    the error page with the reason, or a JSON body for JSON clients."""
    from pyramid.renderers import render_to_response
    from pyramid.response import Response

    if wants_json(request):
        return Response(json_body={"error": error, "message": message}, status=status)
    response = render_to_response("kjgl.core:templates/error.pt",
                                  {"page_title": page_title, "code": status, "message": message},
                                  request=request)
    response.status = status
    return response


@forbidden_view_config(renderer="kjgl.core:templates/error.pt")
def forbidden(request):
    user = request.identity
    if user is None and not wants_json(request) and request.method == "GET":
        return HTTPFound(request.route_url("login", _query={"next": request.path_qs}))
    if user is not None and second_factor_pending(request, user) and not wants_json(request) \
            and request.method == "GET":
        return HTTPFound(request.route_url("login.totp"))
    if user is not None and user.must_change_password and not wants_json(request):
        return HTTPFound(request.route_url("account.password"))
    request.response.status = 403
    if wants_json(request):
        request.override_renderer = "json"
        return {"error": "forbidden", "message": "您没有访问此功能的权限"}
    return {"page_title": "无权访问", "code": 403,
            "message": forbidden_message(request, denied_permission(request))}


# who holds a permission, as the 403 page tells it (a module's permissions by their suffix)
HOLDERS = {
    "core:account:self": "已登录的用户",
    "core:account:password": "已登录的用户",
    "core:org:complete": "法人用户（单位管理员）",
    "core:org:users": "单位信息已审核通过的法人用户",
    "core:individual:self": "个人用户",
    "core:portal": "个人用户",
    "core:org:review": "主管部门审核人员",
    "core:admin:manage": "系统管理员",
    "core:audit:read": "审计管理员",
    "core:security:manage": "安全管理员",
    "core:dev:outbox": "系统管理员",
}
MODULE_HOLDERS = {
    "review:decide": "主管部门审核人员",
    "batch:manage": "市级或国家级主管部门的审核人员",
    "export:full": "市级主管部门的审核人员",
}


def denied_permission(request) -> str | None:
    """The permission the refused view needed (from the security policy's
    denial: ``rule for 'x' does not hold``)."""
    import re

    result = getattr(getattr(request, "exception", None), "result", None)
    found = re.search(r"permission '([^']+)'|rule for '([^']+)'", str(getattr(result, "msg", "") or ""))
    return next((g for g in found.groups() if g), None) if found else None


def forbidden_message(request, permission: str | None) -> str:
    """Which role the page is for; the 模块配置 advice only where a grant
    would open it (a module's pages, to an individual)."""
    user = request.identity
    if permission and permission.endswith(":module:use"):
        key = permission.split(":", 1)[0]
        title = next((m.title for m in request.registry.get("kjgl.modules", ()) if m.key == key), key)
        if user is not None and user.kind == "individual":
            return (f"您没有访问此功能的权限：您还没有“{title}”的使用授权。如需使用该子系统，"
                    f"请联系本单位法人用户在“用户管理 → 模块配置”中为您授权。")
        return f"您没有访问此功能的权限：本页面供已获得“{title}”授权的个人用户使用。"
    holder = HOLDERS.get(permission or "")
    if holder is None and permission and permission.count(":") == 2:
        holder = MODULE_HOLDERS.get(permission.split(":", 1)[1])
    if holder is None:
        return "您没有访问此功能的权限。"
    return f"您没有访问此功能的权限：本页面供{holder}使用。"


@notfound_view_config(renderer="kjgl.core:templates/error.pt")
def notfound(request):
    request.response.status = 404
    if wants_json(request):
        request.override_renderer = "json"
        return {"error": "not_found", "message": "页面不存在"}
    return {"page_title": "页面不存在", "code": 404, "message": "您访问的页面不存在或已被删除。"}


@view_config(context=BadCSRFToken, renderer="kjgl.core:templates/error.pt")
def bad_csrf(request):
    request.response.status = 400
    return {
        "page_title": "页面已过期",
        "code": 400,
        "message": "页面已过期或表单令牌无效，请返回上一页刷新后重新提交。",
    }


def includeme(config):
    config.scan(".errors")
