"""Requests that cannot be decoded — bytes that are not UTF-8 in the query
or the path, a multipart body without a boundary, a form in an unknown
charset, a ``next=`` holding a line break — get a 400 page in Chinese with
the security headers, never the server's bare 500. Sent as raw HTTP to the
app served by waitress, as an outside probe would."""
import http.client
import re
from urllib.parse import urlsplit

import pytest

from kjgl.core.demo import DEMO_PASSWORD
from kjgl.core.headers import HEADERS
from kjgl.core.security import local_path


class Client:
    """A raw HTTP client holding cookies: sends exactly the bytes it is given."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def send(self, method: str, target: str, body: bytes = b"", headers: dict | None = None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body or method == "POST":
            headers["Content-Length"] = str(len(body))
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body or None)
        response = conn.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response

    def csrf_token(self, path: str = "/login") -> str:
        page = self.send("GET", path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def login(self, account: str, next_path: str = "") -> http.client.HTTPResponse:
        token = self.csrf_token()
        form = f"csrf_token={token}&account={account}&password={DEMO_PASSWORD}&next={next_path}".encode()
        return self.send("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})


def assert_chinese_400(response, part: str = ""):
    assert response.status == 400, (response.status, response.text[:300])
    assert "无法识别" in response.text and part in response.text
    assert "Traceback" not in response.text
    for name, value in HEADERS.items():
        assert response.getheader(name) == value, name


@pytest.mark.parametrize("account, target, part", [
    (None, "/login?next=%ff", "网址参数 next"),
    (None, "/recover/sms?x=%ff", "网址参数 x"),
    (None, "/login?%ff%fe=1", "网址参数"),
    (None, "/%ff", "网址"),
    (None, "/static/%c0%ae%c0%ae/etc/passwd", "网址"),
    ("hpchuangke", "/documents?x=%ff", "网址参数 x"),
    ("auditor", "/admin/audit?user=%ff", "网址参数 user"),
    ("hpchuangke", "/org/users?q=%ff", "网址参数 q"),
    ("hpchuangke", "/org/users?q=%e4%b8", "网址参数 q"),  # a UTF-8 sequence cut short
])
def test_undecodable_query_or_path_is_a_chinese_400(live_server, account, target, part):
    client = Client(live_server)
    if account:
        assert client.login(account).status == 303
    assert_chinese_400(client.send("GET", target), part)


@pytest.mark.parametrize("content_type, body", [
    ("multipart/form-data", b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"),
    ("multipart/form-data; boundary=", b"a=1"),
    ("application/x-www-form-urlencoded; charset=no-such-charset", b"account=a"),
    ("application/x-www-form-urlencoded; charset=gbk", "account=中".encode("gbk")),
    ("multipart/form-data; boundary=x; charset=no-such-charset",
     b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"),
])
def test_undecodable_forms_are_a_chinese_400_for_a_logged_in_user(live_server, content_type, body):
    client = Client(live_server)
    assert client.login("hpchuangke").status == 303
    token = client.csrf_token("/documents")
    response = client.send("POST", "/org/profile", body,
                           {"Content-Type": content_type, "X-CSRF-Token": token})
    assert_chinese_400(response, "提交的表单")


def test_an_anonymous_form_without_a_boundary_is_a_400(live_server):
    response = Client(live_server).send("POST", "/login", b"account=a",
                                        {"Content-Type": "multipart/form-data"})
    assert_chinese_400(response, "提交的表单")


@pytest.mark.parametrize("cookie", ['kjgl_session="\xff\xfe"', 'x="\xff"; kjgl_session=abc'])
def test_an_unreadable_cookie_is_ignored_not_a_500(live_server, cookie):
    response = Client(live_server).send("GET", "/login", headers={"Cookie": cookie})
    assert response.status == 200 and 'name="csrf_token"' in response.text
    assert response.getheader("X-Frame-Options") == "DENY"


def test_json_clients_get_a_json_400(live_server):
    response = Client(live_server).send("GET", "/login?next=%ff", headers={"Accept": "application/json"})
    assert response.status == 400
    assert '"error": "bad_request"' in response.text


@pytest.mark.parametrize("next_path", ["/%0A/x", "/%0D%0ASet-Cookie:%20x=1", "/%E4%B8%AD", "/a%20b", "/%09"])
def test_a_next_with_a_line_break_or_non_ascii_lands_on_the_home_page(live_server, next_path):
    landing = Client(live_server).login("hpchuangke").getheader("Location")
    response = Client(live_server).login("hpchuangke", next_path)
    assert response.status == 303
    assert response.getheader("Location") == landing
    assert "Set-Cookie: x" not in str(response.getheaders())


def test_a_plain_next_still_works(live_server):
    response = Client(live_server).login("hpchuangke", "/documents")
    assert response.status == 303 and response.getheader("Location").endswith("/documents")


@pytest.mark.parametrize("target", ["/\n/x", "/\r\nx", "/中", "/a b", "//evil.example", "/\\evil", "http://x/"])
def test_local_path_refuses_what_a_location_header_cannot_carry(target):
    assert local_path(target) is None


# --- fuzzed: any bytes in the query, any form content type, never a 500 ---

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
from webob import Request  # noqa: E402

PAGES = ["/login", "/recover/sms", "/register/legal", "/register/individual", "/recover"]
ESCAPED_BYTES = st.binary(min_size=1, max_size=12).map(lambda b: "".join(f"%{c:02x}" for c in b))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PAGES), name=st.sampled_from(["next", "q", "x", "account"]), value=ESCAPED_BYTES)
def test_any_bytes_in_the_query_never_give_a_500(app, path, name, value):
    response = Request.blank(path, environ={"QUERY_STRING": f"{name}={value}", "REMOTE_ADDR": "127.0.0.1"}) \
        .get_response(app.app)
    assert response.status_int in (200, 302, 303, 400), (path, value, response.status)
    assert response.headers["X-Frame-Options"] == "DENY"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content_type=st.one_of(
    st.sampled_from(["multipart/form-data", "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"",
                     "application/x-www-form-urlencoded; charset=utf-16", "multipart/form-data; charset=x"]),
    st.text(alphabet="abcdefghij=;/-\" ", max_size=30).map(lambda t: "multipart/form-data; " + t)),
    body=st.binary(max_size=300))
def test_any_form_content_type_and_body_never_give_a_500(app, content_type, body):
    response = Request.blank("/login", method="POST", body=body, environ={"REMOTE_ADDR": "127.0.0.1"},
                             headers={"Content-Type": content_type}).get_response(app.app)
    assert response.status_int == 400, (content_type, body[:40], response.status)  # undecodable or no CSRF token
    assert response.headers["X-Frame-Options"] == "DENY"
