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
    return {
        "page_title": "无权访问",
        "code": 403,
        "message": "您没有访问此功能的权限。如需使用该子系统，请联系本单位法人用户在“模块配置”中为您授权。"
        if request.identity is not None and request.identity.kind == "individual"
        else "您没有访问此功能的权限。",
    }


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
