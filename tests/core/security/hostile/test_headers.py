"""Security headers on every response, and pages that need no inline script
or style (so the Content-Security-Policy can forbid both)."""
import re
from urllib.parse import urlsplit

import pytest

from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.headers import CONTENT_SECURITY_POLICY
from kjgl.core.testing import login

EXPECTED = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)
# links a crawl must not follow: they change state or are not pages
SKIP = ("/logout", "/static/", "/files/", "/captcha")


def assert_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (response.request.path, name)


def assert_no_inline_code(response):
    body = response.text
    where = response.request.path
    assert not INLINE_SCRIPT.search(body), where
    assert not INLINE_STYLE.search(body), where
    assert not INLINE_HANDLER.search(body), where
    assert not JS_URL.search(body), where


def crawl(testapp, *starts: str, limit: int = 30) -> list:
    """GET pages reachable by links from ``starts`` (same site, no state
    changes), following redirects; every response is returned."""
    seen, queue, responses = set(), list(starts), []
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = testapp.get(path, status="*")
        responses.append(response)
        assert response.status_int < 500, path
        if response.status_int in (301, 302, 303) and response.location:
            target = urlsplit(response.location)
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
            continue
        if response.content_type != "text/html":
            continue
        for href in response.html.find_all("a", href=True):
            link = urlsplit(href["href"])
            if link.netloc not in ("", "localhost") or not link.path.startswith("/"):
                continue
            if link.path.startswith(SKIP):
                continue
            queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return responses


def check_pages(responses, logged_in: bool):
    html = [r for r in responses if r.content_type == "text/html"]
    assert html, "the crawl reached no page"
    for response in responses:
        assert_headers(response)
    for response in html:
        assert_no_inline_code(response)
        cache = response.headers.get("Cache-Control") or ""
        if logged_in:
            assert "no-store" in cache, response.request.path
    return html


def test_public_pages_carry_headers_and_no_inline_code(app):
    pages = crawl(app, "/", "/login", "/register", "/register/legal", "/register/individual", "/recover",
                  "/recover/sms", "/recover/questions", limit=20)
    html = check_pages(pages, logged_in=False)
    assert {"/login", "/register/legal", "/register/individual"} <= {r.request.path for r in html}
    login_page = next(r for r in html if r.request.path == "/login")
    assert "no-store" not in (login_page.headers.get("Cache-Control") or "")


@pytest.fixture
def people(dbsession):
    org = factories.organisation(dbsession, status="active")
    individual = factories.user(dbsession, "individual", organisation=org)
    for key in ("makerspace", "incubator"):
        dbsession.add(ModuleGrant(user_id=individual.id, module_key=key))
    pending = factories.organisation(dbsession, status="incomplete")
    dbsession.flush()
    return {
        "individual": individual,
        "org_admin": factories.org_admin(dbsession, org),
        "org_admin_incomplete": factories.org_admin(dbsession, pending),
        "agency": factories.user(dbsession, "agency", agency_code="tj-d01"),
        "city": factories.user(dbsession, "agency", agency_code="tj"),
        "admin": factories.user(dbsession, "admin"),
    }


@pytest.mark.parametrize("role", ["individual", "org_admin", "org_admin_incomplete", "agency", "city", "admin"])
def test_logged_in_pages_carry_headers_no_store_and_no_inline_code(make_app, people, role):
    testapp = make_app()
    login(testapp, people[role].account)
    html = check_pages(crawl(testapp, "/", limit=30), logged_in=True)
    # more than the landing page was reached
    assert len({r.request.path for r in html}) >= 2, [r.request.path for r in html]


def test_error_pages_and_static_files_carry_headers(app):
    missing = app.get("/no-such-page", status=404)
    assert_headers(missing)
    assert_no_inline_code(missing)
    static = app.get("/static/kjgl.css")
    assert_headers(static)
    denied = app.get("/admin/staff", headers={"Accept": "application/json"}, status=403)
    assert_headers(denied)
