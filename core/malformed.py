"""Requests that cannot be decoded are refused with a 400 page, never a 500.

WebOb decodes the path, the query string and a form body lazily, the first
time a view reads them, and raises from inside the view: ``?next=%ff``
(bytes that are not UTF-8), a multipart body without a boundary, a form in
another charset. Nothing maps those exceptions to a page, so they ended as
the server's bare 500 without the security headers. This tween, under the
request-size gate and inside the exception views, decodes all three before
any view runs and turns a failure into :class:`MalformedRequest`: the error
page in Chinese naming the part of the request at fault (or a JSON body),
with the headers every page carries. The refused request's query and body
are dropped first, so that rendering the page reads none of them again.
A ``Cookie`` header that cannot be decoded is dropped before the session is
read (the request is then simply not logged in).
"""
from __future__ import annotations

import io
import re

from pyramid.httpexceptions import HTTPBadRequest
from pyramid.view import view_config

from .errors import wants_json

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# what a decoding failure raises: UnicodeDecodeError and cgi's "Invalid
# boundary" are ValueErrors; WebOb refuses a charset other than UTF-8 with a
# DeprecationWarning raised as an exception; an unknown codec is a LookupError
DECODING_ERRORS = (ValueError, LookupError, DeprecationWarning)
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.\-]{1,40}")


class MalformedRequest(HTTPBadRequest):
    def __init__(self, part: str):
        self.part = part
        super().__init__(message(part))


def message(part: str) -> str:
    return f"{part}无法识别（含有非UTF-8编码的字符或格式错误），请求未处理。请返回上一页，从页面重新提交。"


def _query_part(query: str) -> str:
    """Which query parameter cannot be decoded, by its name when the name is plain."""
    for pair in query.replace(";", "&").split("&"):
        name, _, value = pair.partition("=")
        try:
            _unquote(value)
            _unquote(name)
        except UnicodeDecodeError:
            return f"网址参数 {name}" if _PLAIN_NAME.fullmatch(name) else "网址参数"
    return "网址参数"


def _unquote(text: str) -> str:
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(text.replace("+", " ")).decode("utf-8")


def _drop_input(request) -> None:
    environ = request.environ
    environ["QUERY_STRING"] = ""
    environ["CONTENT_TYPE"] = ""
    environ["CONTENT_LENGTH"] = "0"
    environ["wsgi.input"] = io.BytesIO()
    environ.pop("webob.is_body_seekable", None)


def check(request) -> None:
    """Decode the path, the query and a form body; raise :class:`MalformedRequest` if one cannot be."""
    part = None
    try:
        request.path_info  # noqa: B018 (decoding is the point)
    except DECODING_ERRORS:
        part = "网址"
        request.environ["PATH_INFO"] = "/"
    if part is None:
        try:
            request.GET  # noqa: B018
        except DECODING_ERRORS:
            part = _query_part(request.environ.get("QUERY_STRING", ""))
    if part is None and request.content_type in FORM_TYPES:
        try:
            request.POST  # noqa: B018
        except DECODING_ERRORS:
            part = "提交的表单"
    if part is not None:
        _drop_input(request)
        raise MalformedRequest(part)


def unreadable_cookies_tween_factory(handler, registry):
    """Above pyramid_tm, which reads the session (a cookie) before any view:
    a ``Cookie`` header that cannot be decoded is dropped, so the request is
    served as one without cookies (logged out) instead of failing."""

    def unreadable_cookies_tween(request):
        try:
            dict(request.cookies)
        except DECODING_ERRORS:
            request.environ.pop("HTTP_COOKIE", None)
        return handler(request)

    return unreadable_cookies_tween


def malformed_request_tween_factory(handler, registry):
    def malformed_request_tween(request):
        check(request)
        return handler(request)

    return malformed_request_tween


@view_config(context=MalformedRequest, renderer="kjgl.core:templates/error.pt")
def malformed_request(exc, request):
    # refused before routing: the layout's menu checks permissions against a context
    if getattr(request, "context", None) is None:
        request.context = exc
    request.response.status = 400
    text = message(exc.part)
    if wants_json(request):
        request.override_renderer = "json"
        return {"error": "bad_request", "message": text}
    return {"page_title": "请求格式错误", "code": 400, "message": text}


def includeme(config):
    config.add_tween("kjgl.core.malformed.malformed_request_tween_factory",
                     under="kjgl.core.headers.request_size_tween_factory")
    config.add_tween("kjgl.core.malformed.unreadable_cookies_tween_factory",
                     under="kjgl.core.headers.security_headers_tween_factory", over="pyramid_tm.tm_tween_factory")
    config.scan(".malformed")
