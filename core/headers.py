"""Response headers every page carries, and the request-size gate.

The headers tween is the outermost after Pyramid's ingress, so that error
pages and static files get the same headers as views:

- a Content-Security-Policy allowing only this site's own scripts, styles and
  images (templates carry no inline ``<script>``, ``style=`` or ``on…=``
  attributes; behaviour lives in ``static/*.js``, looks in ``kjgl.css``);
- no MIME sniffing, no framing, referrers only to this site;
- ``Cache-Control: no-store`` on the HTML pages of a logged-in session, so a
  shared computer's browser cache keeps no personal data.

A request whose declared ``Content-Length`` exceeds ``kjgl.max_request_bytes``
is answered 413 before anything reads its body: the upload is neither held in
memory nor spooled to disk. pyramid_retry would copy every body (to make it
replayable) before any tween runs, so its activation hook gives such a request
a single attempt, which copies nothing. Bodies without a length (chunked) are
bounded by the server: ``kjgl serve`` gives waitress a ``max_request_body_size``
no larger than this limit and hands its refusals to this same page
(``core/serving.py``, environ key :data:`BODY_REFUSED`).

The 413 response carries no ``Connection`` header: it is hop-by-hop, which a
WSGI application must not set (waitress failed the response with a 500); the
server closes a connection whose body it did not read.
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPRequestEntityTooLarge
from pyramid.tweens import EXCVIEW, INGRESS
from pyramid.view import view_config

from .attachments.models import human_size
from .errors import wants_json
from .security import SESSION_USER_KEY

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# several attachment slots of one form, each up to kjgl.upload_max_bytes, plus the fields
DEFAULT_MAX_REQUEST_BYTES = 60 * 1024 * 1024
# set by the server (never from a client header) when it refused the body: the limit in bytes
BODY_REFUSED = "kjgl.body_refused"


def max_request_bytes(settings) -> int:
    return int(settings.get("kjgl.max_request_bytes") or DEFAULT_MAX_REQUEST_BYTES)


def too_large_message(limit: int) -> str:
    return (f"提交的内容过大（单次提交不能超过{human_size(limit)}），未保存。"
            f"请压缩或拆分附件后分次上传。")


def _declared_length(request) -> int | None:
    try:
        return request.content_length
    except ValueError:
        return None


def refused_limit(request, limit: int) -> int | None:
    """The limit a request is refused under (the server's, when it refused
    the body already; else ``limit`` when the declared length exceeds it), or None."""
    refused = request.environ.get(BODY_REFUSED)
    if refused is not None:
        return min(int(refused), limit)
    length = _declared_length(request)
    if length is not None and length > limit:
        return limit
    return None


def retry_attempts(request) -> int | None:
    """pyramid_retry's ``retry.activate_hook``: one attempt (no body copy)
    for a request that will be refused as too large, the default otherwise."""
    if refused_limit(request, max_request_bytes(request.registry.settings)) is not None:
        return 1
    return None


class RequestTooLarge(HTTPRequestEntityTooLarge):
    def __init__(self, limit: int):
        super().__init__(too_large_message(limit))
        self.limit = limit


@view_config(context=RequestTooLarge, renderer="kjgl.core:templates/error.pt")
def request_too_large(exc, request):
    # refused before routing: the layout's menu checks permissions against a context
    if getattr(request, "context", None) is None:
        request.context = exc
    request.response.status = 413
    message = too_large_message(exc.limit)
    if wants_json(request):
        request.override_renderer = "json"
        return {"error": "too_large", "message": message, "max_bytes": exc.limit}
    return {"page_title": "提交内容过大", "code": 413, "message": message}


def _logged_in(request) -> bool:
    # the session, not request.identity: the request's transaction is over here
    return request.session.get(SESSION_USER_KEY) is not None


def request_size_tween_factory(handler, registry):
    """Under the exception view tween, so that the refusal is an ordinary
    error page (with the layout and the database at hand)."""
    limit = max_request_bytes(registry.settings)

    def request_size_tween(request):
        refused = refused_limit(request, limit)
        if refused is not None:
            raise RequestTooLarge(refused)
        return handler(request)

    return request_size_tween


def security_headers_tween_factory(handler, registry):
    def security_headers_tween(request):
        response = handler(request)
        for name, value in HEADERS.items():
            response.headers[name] = value
        if response.content_type == "text/html" and _logged_in(request):
            if "no-store" not in (response.headers.get("Cache-Control") or ""):
                response.headers["Cache-Control"] = "no-store"
        return response

    return security_headers_tween


def includeme(config):
    # read by pyramid_retry when it registers its execution policy (at commit)
    config.get_settings().setdefault("retry.activate_hook", "kjgl.core.headers.retry_attempts")
    config.add_tween("kjgl.core.headers.security_headers_tween_factory", under=INGRESS)
    config.add_tween("kjgl.core.headers.request_size_tween_factory", under=EXCVIEW)
    config.scan(".headers")
