"""A real ``kjgl serve`` subprocess and a small stdlib HTTP client for the
fault tests (no test-only shortcuts between the client and the app)."""
from __future__ import annotations

import http.cookiejar
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from kjgl.core.testing import TEST_ARGON2, TEST_AUDIT_KEY, TEST_DATA_KEYS, TEST_INDEX_KEY

ETC = Path(__file__).resolve().parents[4] / "etc"
SECRET = "faults-test-secret-0123456789abcdef"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d+)"')


def write_ini(path: Path, url: str, storage_dir: Path) -> Path:
    """A copy of ``etc/development.ini`` on the given database and storage
    directory, with the test keys and argon2 cost (``kjgl demo`` runs in the
    test process, and reading settings sets them for the whole process)."""
    text = (ETC / "development.ini").read_text(encoding="utf-8")
    for key, value in (("sqlalchemy.url", url), ("kjgl.secret", SECRET), ("kjgl.storage_dir", str(storage_dir)),
                       ("pyramid.reload_templates", "false"), ("kjgl.audit_key", TEST_AUDIT_KEY),
                       ("kjgl.data_keys", TEST_DATA_KEYS), ("kjgl.index_key", TEST_INDEX_KEY)):
        text = re.sub(rf"^{re.escape(key)}\s*=.*$", f"{key} = {value}".replace("\\", "\\\\"), text, flags=re.M)
    cost = "".join(f"{key} = {value}\n" for key, value in TEST_ARGON2.items())
    text = text.replace("[app:main]\n", "[app:main]\n" + cost, 1)
    path.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``kjgl serve INI`` on a free loopback port, as its own process."""

    def __init__(self, ini: Path, log: Path):
        self.ini, self.log = ini, log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Server":
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kjgl.core.cli", "serve", str(self.ini), "--port", str(self.port),
             "--no-upgrade", "--threads", "4"],
            stdout=out, stderr=subprocess.STDOUT, env=dict(os.environ, PYTHONWARNINGS="ignore"))
        out.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def kill(self) -> None:
        """SIGKILL: no clean-up code of the app runs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser-like session: cookies, CSRF token from the last page."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None,
                timeout: float = 60) -> tuple[int, str, dict]:
        req = urllib.request.Request(self.base + path, data=body, method=method,
                                     headers={"Accept": "text/html"})
        if content_type:
            req.add_header("Content-Type", content_type)
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                status, text, headers = resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers)
        except urllib.error.HTTPError as err:
            status, text, headers = err.code, err.read().decode("utf-8", "replace"), dict(err.headers)
        m = CSRF_RE.search(text)
        if m:
            self.csrf = m.group(1)
        return status, text, headers

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, fields: dict, files=()):
        body, ctype = multipart(fields, files)
        return self.request("POST", path, body, ctype)

    def login(self, account: str, password: str) -> None:
        self.get("/login")
        status, _, headers = self.post("/login", {"csrf_token": self.csrf, "account": account, "password": password})
        assert status == 303, f"login failed with {status}"

    def session_cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def multipart(fields: dict, files=()) -> tuple[bytes, str]:
    """``files``: (field name, file name, content type, bytes)."""
    boundary = "----kjgl" + secrets.token_hex(12)
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                     .encode("utf-8"))
    for name, filename, ctype, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: {ctype}\r\n\r\n".encode("utf-8") + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def fake_pdf(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes (random bytes in a stream
    the catalog points to; not an embedded file, which uploads refuse)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    padding = StreamObject()
    padding.set_data(os.urandom(size))
    writer._root_object[NameObject("/KjglPadding")] = writer._add_object(padding)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
