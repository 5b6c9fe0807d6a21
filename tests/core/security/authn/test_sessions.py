"""Sessions: idle timeout, absolute lifetime, logout really ends the session,
and the cookie's flags."""
import time

import pytest

from kjgl.core import factories
from kjgl.core.testing import login


@pytest.fixture
def clock(monkeypatch):
    """Moves the wall clock (the session factory and the lifetime check read time.time)."""
    real = time.time
    state = {"offset": 0.0}
    monkeypatch.setattr(time, "time", lambda: real() + state["offset"])

    def advance(seconds):
        state["offset"] += seconds
    return advance


@pytest.fixture
def member(dbsession):
    return factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))


def _signed_in(app) -> bool:
    res = app.get("/portal", expect_errors=True)
    return res.status_int == 200


def test_idle_session_expires_after_thirty_minutes(app, member, clock):
    login(app, member.account)
    clock(29 * 60)
    assert _signed_in(app)
    clock(29 * 60)  # busy sessions stay: 58 minutes after login, 29 idle
    assert _signed_in(app)
    clock(31 * 60)
    assert not _signed_in(app)
    assert app.get("/portal").location.startswith("http://localhost/login")


def test_idle_timeout_is_a_setting(make_app, member, clock):
    app = make_app(**{"kjgl.session_timeout": "300"})
    login(app, member.account)
    clock(301)
    assert not _signed_in(app)


def test_session_ends_after_its_absolute_lifetime_however_busy(app, member, clock):
    login(app, member.account)
    step = 29 * 60  # a request every 29 minutes: never idle long enough to time out
    elapsed = 0
    while elapsed + step <= 8 * 3600:
        clock(step)
        elapsed += step
        assert _signed_in(app), elapsed
    clock(step)
    assert not _signed_in(app)


def test_absolute_lifetime_is_a_setting_and_counts_from_login(make_app, member, clock):
    app = make_app(**{"kjgl.session_max_age": "600"})
    login(app, member.account)
    clock(500)
    assert _signed_in(app)
    clock(200)
    assert not _signed_in(app)
    login(app, member.account)  # a fresh login starts a fresh lifetime
    assert _signed_in(app)


def test_changing_the_password_does_not_extend_the_lifetime(make_app, member, clock):
    from .helpers import change_password

    app = make_app(**{"kjgl.session_max_age": "600"})
    login(app, member.account)
    clock(500)
    change_password(app, "Passw0rd!", "Longer#2026", status=303)
    clock(200)
    assert not _signed_in(app)


def test_logout_clears_the_session_and_a_copied_cookie_stops_working(app, member):
    login(app, member.account)
    copied = app.cookies["kjgl_session"]
    token = app.get("/portal").html.find("input", {"name": "csrf_token"})["value"]
    app.post("/logout", {"csrf_token": token}, status=303)
    assert not _signed_in(app)
    app.set_cookie("kjgl_session", copied)  # someone replays the cookie from before the logout
    assert not _signed_in(app)


def _session_cookie_header(res) -> str:
    headers = [v for k, v in res.headerlist if k == "Set-Cookie" and v.startswith("kjgl_session=")]
    assert headers, "the login sets the session cookie"
    return headers[-1]


def test_cookie_is_httponly_and_samesite_lax(app, member):
    header = _session_cookie_header(login(app, member.account))
    attributes = [a.strip().lower() for a in header.split(";")]
    assert "httponly" in attributes and "samesite=lax" in attributes
    assert "secure" not in attributes  # plain HTTP in development


def test_cookie_is_secure_when_served_over_https(make_app, member):
    app = make_app(**{"kjgl.cookie_secure": "true"})
    res = app.get("/login", extra_environ={"wsgi.url_scheme": "https"})  # the page starts a session (CSRF)
    attributes = [a.strip().lower() for a in _session_cookie_header(res).split(";")]
    assert "secure" in attributes and "httponly" in attributes and "samesite=lax" in attributes


def test_ping_keeps_an_idle_session(app, member, clock):
    login(app, member.account)
    clock(29 * 60)
    assert app.get("/session/ping").json == {"ok": True, "timeout": 1800}
    clock(29 * 60)
    assert _signed_in(app)


def test_ping_is_for_logged_in_users_only(app):
    app.get("/session/ping", headers={"Accept": "application/json"}, status=403)
