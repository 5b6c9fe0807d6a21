"""Proving the current password again from inside a session (the password
change form): a wrong one is audited and counts toward the login lock, so a
session left open cannot be used to guess the password."""
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login

from .helpers import change_password, field_error, form_error

WRONG = "Wrong-pass1"


def test_wrong_old_password_counts_toward_the_lock_and_is_audited(app, dbsession):
    user = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    login(app, user.account)
    res = change_password(app, WRONG, "Longer#2026", status=200)
    assert field_error(res, "old_password") == "原密码不正确，还可尝试4次"
    dbsession.refresh(user)
    assert user.failed_logins == 1
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_change")).all()
    assert [(e.user_id, e.success) for e in events] == [(user.id, False)]
    assert "原密码不正确" in events[0].detail


def test_the_fifth_wrong_old_password_locks_and_ends_the_session(app, dbsession):
    user = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    login(app, user.account)
    for left in (4, 3, 2, 1):
        res = change_password(app, WRONG, "Longer#2026", status=200)
        assert field_error(res, "old_password").endswith(f"还可尝试{left}次")
    res = change_password(app, WRONG, "Longer#2026", status=303)
    assert res.location == "http://localhost/login"
    assert "账号已锁定" in res.follow().html.select_one(".flash").get_text()
    dbsession.refresh(user)
    assert user.locked_until is not None
    assert app.get("/portal", status=302).location.startswith("http://localhost/login")
    assert "账号已锁定" in form_error(login(app, user.account, status=200))  # right password, still locked
