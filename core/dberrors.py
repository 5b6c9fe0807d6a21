"""The database going away (restart, failover, a killed connection).

A connection lost while a statement runs is marked retryable, so
pyramid_retry runs the request again on a fresh connection — the failed
attempt's transaction was rolled back with the connection. A connection lost
during COMMIT is not retried: the commit may have happened.
When the database stays unreachable (or the error is another database
error), the user gets a plain 503 page, never a stack trace. The page does
not use the layout: rendering it must not need the database.
"""
from __future__ import annotations

import logging
import sys
from html import escape

from pyramid.response import Response
from pyramid_retry import is_error_retryable, mark_error_retryable
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from .errors import wants_json

log = logging.getLogger(__name__)

TITLE = "系统繁忙"
MESSAGE = "数据库暂时不可用，您本次的操作可能未保存。请稍后刷新页面查看，必要时重新操作。"


def _mark_disconnects_retryable(context) -> None:
    # Only a connection lost while running a statement is retried: the
    # transaction died with it. Lost during COMMIT (no statement), the commit
    # may have reached the database, and running the request again could do
    # its work twice; the user gets the 503 page, which says to look first.
    if context.is_disconnect and context.sqlalchemy_exception is not None and context.statement is not None:
        mark_error_retryable(context.sqlalchemy_exception)


def database_unavailable(exc, request):
    retried = is_error_retryable(request, exc)
    (log.warning if retried else log.error)("database error on %s %s%s: %s", request.method, request.path,
                                            " (retrying)" if retried else "", exc, exc_info=None if retried else exc)
    if wants_json(request):
        return Response(json_body={"error": "database_unavailable", "message": MESSAGE}, status=503)
    title = escape(request.registry.settings.get("kjgl.title") or "")
    body = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{TITLE} — {title}</title>'
            f'<link rel="stylesheet" href="{request.static_url("kjgl.core:static/kjgl.css")}"></head>'
            f'<body><main class="card error-page"><p class="error-code">503</p><h1>{TITLE}</h1>'
            f'<p>{MESSAGE}</p><p><a href="{escape(request.path_qs)}">重新加载</a></p></main></body></html>')
    return Response(body, status=503, content_type="text/html", charset="utf-8",
                    headers={"Retry-After": "5"})


def db_errors_tween_factory(handler, registry):
    """Database errors raised outside the exception views: pyramid_tm looks up
    the user to annotate the transaction and commits after the view."""

    def db_errors_tween(request):
        try:
            return handler(request)
        except DBAPIError as exc:
            # pyramid_retry sees ``request.exception`` and retries a lost connection
            request.exception, request.exc_info = exc, sys.exc_info()
            return database_unavailable(exc, request)

    return db_errors_tween


def includeme(config):
    factory = config.registry["dbsession_factory"]
    bind = getattr(factory, "kw", {}).get("bind")  # tests inject a session function without one
    engine = getattr(bind, "engine", bind)
    if engine is not None and not event.contains(engine, "handle_error", _mark_disconnects_retryable):
        event.listen(engine, "handle_error", _mark_disconnects_retryable)
    config.add_exception_view(database_unavailable, context=DBAPIError)
    config.add_tween("kjgl.core.dberrors.db_errors_tween_factory", over="pyramid_tm.tm_tween_factory")
