"""Serving the app with waitress (``kjgl serve``), bodies bounded.

waitress reads a request's whole body (spooling it to disk past 512 KB)
before the application sees it, up to its ``max_request_body_size`` — 1 GiB
unless told otherwise. ``kjgl serve`` therefore passes the deployment's
``[server:main]`` settings to waitress (they were ignored before), with
``max_request_body_size`` capped at what the application would accept
(``kjgl.max_request_bytes`` + 1): nothing larger is ever read, neither a
body announced by its ``Content-Length`` (refused from the headers alone)
nor a chunked one (refused once it passes the limit).

waitress's own refusal is an English text page; here the refused request
is handed to the application instead, with its body dropped and the limit
in the environ key :data:`kjgl.core.headers.BODY_REFUSED`, so the visitor
gets the application's 413 page in Chinese with the usual headers, and the
connection is closed after it (the body was never read).

Other WSGI servers (gunicorn, uWSGI, mod_wsgi) must bound bodies
themselves — or the reverse proxy in front (nginx ``client_max_body_size``):
the application refuses a ``Content-Length`` above its limit before reading
the body, but cannot stop the server from reading it first.
"""
from __future__ import annotations

import io
import math

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server as waitress_server
from waitress.task import ErrorTask, WSGITask
from waitress.utilities import RequestEntityTooLarge

from .headers import BODY_REFUSED, max_request_bytes
from .settings import SettingsError

DEFAULT_LISTEN = "127.0.0.1:6543"
DEFAULT_THREADS = 8
# keys of a [server:main] section that are PasteDeploy's, not waitress's
_NOT_WAITRESS = {"use", "here", "__file__"}


def body_limit(server_settings, app_settings) -> int:
    """waitress's ``max_request_body_size``: the ini's value, never above what the app accepts."""
    raw = server_settings.get("max_request_body_size")
    try:
        configured = int(raw) if raw not in (None, "") else math.inf
    except ValueError:
        raise SettingsError(f"[server:main] max_request_body_size 须为字节数 (must be a number of bytes): {raw}")
    if configured <= 0:
        raise SettingsError(f"[server:main] max_request_body_size 须为正数 (must be positive): {raw}")
    # waitress refuses a body of max_request_body_size bytes or more
    return int(min(configured, max_request_bytes(app_settings) + 1))


def waitress_options(server_settings, app_settings, *, host=None, port=None, threads=None) -> dict:
    """The waitress adjustments ``kjgl serve`` uses: the ini's ``[server:main]``
    (``listen``, ``threads``, ``trusted_proxy`` …), ``--host``/``--port``/
    ``--threads`` when given, and the bounded body size."""
    options = {k: v for k, v in server_settings.items() if k not in _NOT_WAITRESS}
    if host is not None or port is not None:
        options.pop("listen", None)
        options["host"] = "127.0.0.1" if host is None else host
        options["port"] = 6543 if port is None else port
    elif not {"listen", "host", "port", "unix_socket"} & options.keys():
        options["listen"] = DEFAULT_LISTEN
    if threads is not None:
        options["threads"] = threads
    options.setdefault("threads", DEFAULT_THREADS)
    options["max_request_body_size"] = body_limit(server_settings, app_settings)
    return options


class BodyRefusedTask(WSGITask):
    """waitress refused the body as too large: the application answers
    (its 413 page) with an empty body, and the connection closes after."""

    def get_environment(self):
        environ = super().get_environment()
        environ["wsgi.input"] = io.BytesIO()
        environ["CONTENT_LENGTH"] = "0"
        environ[BODY_REFUSED] = self.channel.server.adj.max_request_body_size - 1
        return environ

    def execute(self):
        # the rest of the body is still coming and will not be read
        self.set_close_on_finish()
        super().execute()


def error_task(channel, request):
    if isinstance(request.error, RequestEntityTooLarge):
        return BodyRefusedTask(channel, request)
    return ErrorTask(channel, request)


class Channel(HTTPChannel):
    error_task_class = staticmethod(error_task)


def create_server(app, **options):
    """A waitress server (not yet running) whose body refusals are the app's 413 page."""
    server = waitress_server(app, **options)
    servers = server.map.values() if isinstance(server, MultiSocketServer) else [server]
    for one in servers:
        if isinstance(one, BaseWSGIServer):
            one.channel_class = Channel
    return server


def serve(app, options: dict) -> None:
    import logging

    logging.basicConfig()
    try:
        server = create_server(app, **options)
    except ValueError as exc:  # an unknown or malformed adjustment in [server:main]
        raise SettingsError(f"[server:main]: {exc}")
    server.print_listen("kjgl serving on http://{}:{}/")
    server.run()
