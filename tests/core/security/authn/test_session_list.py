"""Sessions kept on the server: the cookie is opaque, a user sees their
logged-in sessions and ends the others, the security admin sees who is
online and logs a session out."""
import base64

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login

from .helpers import change_password

CHROME = {"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"}


def _member(dbsession):
    return factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))


def _signed_in(app) -> bool:
    return app.get("/portal", status="*").status_int == 200


def _browser(make_app, user, ip="127.0.0.1"):
    app = make_app()
    app.extra_environ = dict(app.extra_environ, REMOTE_ADDR=ip, HTTP_USER_AGENT=CHROME["User-Agent"])
    login(app, user.account)
    return app


def _token(page) -> str:
    return page.html.find("input", {"name": "csrf_token"})["value"]


def _events(dbsession, name):
    return dbsession.scalars(select(AuditEvent).where(AuditEvent.event == name)).all()


def test_the_cookie_is_opaque_and_a_changed_one_does_not_open(app, dbsession):
    user = _member(dbsession)
    login(app, user.account)
    token = _token(app.get("/portal"))
    cookie = app.cookies["kjgl_session"].strip('"')
    raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    for readable in (b"uid", b"auth_version", b"csrf", b"login_at", b"sid", token.encode()):
        assert readable not in raw
    flipped = cookie[:-3] + ("A" if cookie[-3] != "A" else "B") + cookie[-2:]
    app.set_cookie("kjgl_session", flipped)
    assert not _signed_in(app)


def test_a_user_sees_their_sessions_and_ends_the_others(make_app, dbsession):
    user = _member(dbsession)
    laptop, phone = _browser(make_app, user, "10.0.0.1"), _browser(make_app, user, "10.0.0.2")
    page = laptop.get("/account/sessions")
    rows = page.html.select("#my-sessions tbody tr")
    assert len(rows) == 2
    assert {r.select("td")[1].get_text(strip=True) for r in rows} == {"10.0.0.1", "10.0.0.2"}
    assert "Chrome / Windows" in rows[0].get_text()
    assert "当前会话" in next(r for r in rows if "10.0.0.1" in r.get_text()).get_text()
    res = page.forms["end-others"].submit(status=303).follow()
    assert "已结束其他1个会话" in res.html.select_one(".flash").get_text()
    assert _signed_in(laptop) and not _signed_in(phone)
    assert len(laptop.get("/account/sessions").html.select("#my-sessions tbody tr")) == 1
    assert [(e.user_id, e.success) for e in _events(dbsession, "session_end")] == [(user.id, True)]


def test_a_user_ends_one_session_but_not_another_users(make_app, dbsession):
    user, other = _member(dbsession), _member(dbsession)
    laptop, phone = _browser(make_app, user, "10.0.0.1"), _browser(make_app, user, "10.0.0.2")
    elsewhere = factories.user_session(dbsession, other)
    page = laptop.get("/account/sessions")
    form = next(f for f in page.forms.values() if f.action.endswith("/end") and "sessions/" in f.action)
    form.submit(status=303)
    assert _signed_in(laptop) and not _signed_in(phone)
    laptop.post(f"/account/sessions/{elsewhere.id}/end", {"csrf_token": _token(page)}, status=404)
    dbsession.refresh(elsewhere)
    assert elsewhere.ended_at is None


def test_logout_ends_this_session_only(make_app, dbsession):
    user = _member(dbsession)
    laptop, phone = _browser(make_app, user), _browser(make_app, user)
    laptop.post("/logout", {"csrf_token": _token(laptop.get("/portal"))}, status=303)
    assert not _signed_in(laptop) and _signed_in(phone)


def test_a_password_change_ends_the_other_sessions_and_they_leave_the_list(make_app, dbsession):
    user = _member(dbsession)
    laptop, phone = _browser(make_app, user), _browser(make_app, user)
    change_password(laptop, "Passw0rd!", "Longer#2026", status=303)
    assert _signed_in(laptop) and not _signed_in(phone)
    assert len(laptop.get("/account/sessions").html.select("#my-sessions tbody tr")) == 1


def test_the_security_admin_sees_who_is_online_and_forces_a_logout(make_app, dbsession):
    user = _member(dbsession)
    phone = _browser(make_app, user, "10.0.0.2")
    admin = _browser(make_app, factories.user(dbsession, "security_admin"))
    page = admin.get("/admin/sessions")
    row = next(r for r in page.html.select("#online-sessions tbody tr") if user.account in r.get_text())
    assert "10.0.0.2" in row.get_text() and user.name in row.get_text()
    action = row.find("form")["action"]
    res = admin.post(action, {"csrf_token": _token(page)}, status=303).follow()
    assert f"已强制账号 {user.account} 的该会话下线" in res.html.select_one(".flash").get_text()
    assert not _signed_in(phone)
    assert user.account not in admin.get("/admin/sessions").html.select_one("#online-sessions").get_text()
    [event] = _events(dbsession, "session_force_end")
    assert user.account in event.detail
    admin.post(action, {"csrf_token": _token(page)}, status=404)  # already ended


def test_idle_and_old_sessions_leave_the_online_list(make_app, dbsession, monkeypatch):
    import datetime as dt

    from kjgl.core.accounts import sessions

    user = _member(dbsession)
    _browser(make_app, user)
    admin = _browser(make_app, factories.user(dbsession, "security_admin"))
    assert user.account in admin.get("/admin/sessions").text
    real = sessions.utcnow
    monkeypatch.setattr(sessions, "utcnow", lambda: real() + dt.timedelta(minutes=31))
    listed = dbsession.scalars(sessions.live_sessions({})).all()
    assert user.id not in {s.user_id for s in listed}
