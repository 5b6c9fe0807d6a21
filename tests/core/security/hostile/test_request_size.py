"""A request declaring more than ``kjgl.max_request_bytes`` is refused with
413 before anything reads its body."""
import configparser
import io
import pathlib
import socket
import threading
import time
from urllib.parse import urlsplit
from wsgiref.util import is_hop_by_hop

import pytest
from webob import Request

from kjgl.core import cli, factories
from kjgl.core.headers import DEFAULT_MAX_REQUEST_BYTES, HEADERS, too_large_message
from kjgl.core.testing import base_settings, login

ONE_GB = 1024 ** 3
ETC = pathlib.Path(__file__).resolve().parents[4] / "etc"


class UnreadableBody(io.RawIOBase):
    """A body stream that fails the test if anything reads it."""

    reads = 0

    def readable(self):
        return True

    def read(self, *args):
        UnreadableBody.reads += 1
        raise AssertionError("the request body was read")

    readinto = readline = readlines = read


def huge_post(path: str, accept: str = "text/html", cookie: str = "") -> Request:
    request = Request.blank(path, method="POST", environ={
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(ONE_GB),
        "wsgi.input": UnreadableBody(),
        "REMOTE_ADDR": "127.0.0.1",
    }, headers={"Accept": accept})
    if cookie:
        request.headers["Cookie"] = cookie
    return request


def wsgi(testapp):
    return testapp.app


def test_a_1gb_upload_is_refused_unread_with_a_chinese_message(app):
    UnreadableBody.reads = 0
    response = huge_post("/register/legal").get_response(wsgi(app))
    assert response.status_int == 413
    assert UnreadableBody.reads == 0
    text = response.text
    assert "提交的内容过大" in text and "60MB" in text
    # no hop-by-hop header: WSGI forbids them and waitress turned the page into a 500
    assert [name for name in response.headers if is_hop_by_hop(name)] == []
    assert response.headers["X-Frame-Options"] == "DENY"


def test_refusal_as_json_names_the_limit(app):
    response = huge_post("/register/legal", accept="application/json").get_response(wsgi(app))
    assert response.status_int == 413
    assert response.json == {"error": "too_large", "message": too_large_message(DEFAULT_MAX_REQUEST_BYTES),
                             "max_bytes": DEFAULT_MAX_REQUEST_BYTES}


def test_a_logged_in_users_upload_is_refused_the_same_way(app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    admin = factories.org_admin(dbsession, org)
    login(app, admin.account)
    cookie = "; ".join(f"{c.name}={c.value}" for c in app.cookiejar)
    UnreadableBody.reads = 0
    response = huge_post("/org/profile", cookie=cookie).get_response(wsgi(app))
    assert response.status_int == 413
    assert UnreadableBody.reads == 0
    assert "提交的内容过大" in response.text


def test_the_limit_is_a_setting(make_app):
    small = make_app(**{"kjgl.max_request_bytes": "1000"})
    refused = small.post("/login", {"account": "x" * 2000}, status=413, expect_errors=True)
    assert "1000B" in refused.text
    # below the limit the request reaches the view (which refuses the missing CSRF token, 400)
    small.post("/login", {"account": "abc"}, status=400)


def test_requests_without_a_body_pass(app):
    assert app.get("/login").status_int == 200


@pytest.mark.parametrize("name", sorted(p.name for p in ETC.glob("*.ini")))
def test_waitress_bounds_bodies_of_every_deployment(name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ETC / name, encoding="utf-8")
    limit = int(parser["server:main"]["max_request_body_size"])
    app_limit = int(parser["app:main"].get("kjgl.max_request_bytes", DEFAULT_MAX_REQUEST_BYTES))
    # waitress's own default is 1 GB; ours must be set, and not below what the app allows
    assert app_limit <= limit < ONE_GB


def test_waitress_refuses_a_huge_body_before_reading_it():
    """With the deployments' setting, waitress answers 413 from the headers
    alone: the application is never called and the body never sent. (500 MB:
    waitress's own default limit, 1 GB, would wait for that body.)"""
    import socket
    import threading

    import waitress.server

    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ETC / "production.ini", encoding="utf-8")
    called = []

    def application(environ, start_response):
        called.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = waitress.server.create_server(
        application, host="127.0.0.1", port=0, threads=1,
        max_request_body_size=int(parser["server:main"]["max_request_body_size"]))
    stop = threading.Event()

    def serve():  # server.run() until stopped, so that closing never races the poll
        while not stop.is_set():
            server.asyncore.loop(timeout=0.05, map=server._map, count=1)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with socket.create_connection(("127.0.0.1", server.effective_port), timeout=10) as sock:
            sock.sendall(b"POST /org/profile HTTP/1.1\r\nHost: localhost\r\n"
                         b"Content-Type: multipart/form-data; boundary=x\r\n"
                         + f"Content-Length: {ONE_GB // 2}\r\n\r\n".encode())
            reply = sock.recv(4096)
    finally:
        stop.set()
        thread.join(5)
        server.close()
    assert reply.startswith(b"HTTP/1.1 413"), reply[:100]
    assert called == []


MB = 1024 * 1024


def serve_options(monkeypatch, tmp_path, server_section: str, *args) -> dict:
    """The waitress options ``kjgl serve`` runs with, for an ini whose
    ``[server:main]`` is ``server_section`` (the server is not started)."""
    settings = base_settings("sqlite:///" + str(tmp_path / "db.sqlite"), **{"kjgl.storage_dir": str(tmp_path)})
    app_lines = "\n".join(f"{key} = {value}" for key, value in settings.items())
    ini = tmp_path / "deploy.ini"
    ini.write_text(f"[app:main]\nuse = egg:kjgl\n{app_lines}\n\n[server:main]\nuse = egg:waitress#main\n"
                   f"{server_section}\n", encoding="utf-8")
    captured = {}
    monkeypatch.setattr("kjgl.core.serving.serve", lambda app, options: captured.update(options))
    assert cli.main(["serve", str(ini), "--no-upgrade", *args]) == 0
    return captured


def test_kjgl_serve_gives_waitress_the_ini_body_limit(monkeypatch, tmp_path):
    options = serve_options(monkeypatch, tmp_path, "max_request_body_size = 10485760\nlisten = 127.0.0.1:7000")
    assert options["max_request_body_size"] == 10 * MB
    assert options["listen"] == "127.0.0.1:7000"


def test_kjgl_serve_never_lets_waitress_read_more_than_the_app_accepts(monkeypatch, tmp_path):
    # the templates' 64 MB, and no setting at all (waitress's default: 1 GiB), both end at the app's limit
    for section in ("max_request_body_size = 67108864", ""):
        options = serve_options(monkeypatch, tmp_path, section, "--port", "7001")
        assert options["max_request_body_size"] == DEFAULT_MAX_REQUEST_BYTES + 1
        assert (options["host"], options["port"], options.get("listen")) == ("127.0.0.1", 7001, None)


def stream_body(base_url: str, *, chunked: bool, total: int = 200 * MB, path: str = "/login"):
    """POST ``total`` bytes to ``path`` as a client streaming from a generator
    would, while reading the reply; returns (bytes sent, reply, seconds)."""
    url = urlsplit(base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=60)
    framing = b"Transfer-Encoding: chunked\r\n" if chunked else f"Content-Length: {total}\r\n".encode()
    sock.sendall(b"POST " + path.encode() + b" HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: multipart/form-data; boundary=x\r\n" + framing + b"\r\n")
    reply = bytearray()

    def read():
        try:
            while data := sock.recv(65536):
                reply.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    piece = b"x" * (256 * 1024)
    sent, started = 0, time.monotonic()
    try:
        while sent < total and reader.is_alive():
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked and reader.is_alive():
            sock.sendall(b"0\r\n\r\n")
    except OSError:  # the server closed the connection: it is not reading the rest
        pass
    reader.join(60)
    elapsed = time.monotonic() - started
    sock.close()
    return sent, bytes(reply), elapsed


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200mb_streamed_body_gets_the_chinese_413_page_early(live_server, chunked):
    sent, reply, elapsed = stream_body(live_server, chunked=chunked)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), reply[:200]
    text = body.decode("utf-8")
    assert "提交的内容过大" in text and "60MB" in text
    headers = dict(line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:])
    for name, value in HEADERS.items():
        assert headers[name] == value
    assert headers["Connection"] == "close"  # set by waitress, which reads no more of this connection
    # a declared length is refused from the headers; a chunked body once it passes the limit
    assert sent < (16 * MB if not chunked else DEFAULT_MAX_REQUEST_BYTES + 16 * MB), sent
    assert elapsed < 30
