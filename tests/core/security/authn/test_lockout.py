"""Failed logins: five in a row lock the account for thirty minutes, counted
in the database; the page says how many attempts remain and until when the
lock holds; unknown accounts answer exactly like known ones."""
import datetime as dt
import re

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.accounts.models import UnknownAccountLogin
from kjgl.core.audit.localtime import show
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login

from .helpers import form_error, shift_clock

WRONG = "Wrong-pass1"


def fail(app, account, times=1):
    res = None
    for _ in range(times):
        res = login(app, account, WRONG, status=200)
    return form_error(res)


def test_remaining_attempts_are_counted_down(app, dbsession):
    user = factories.user(dbsession, "individual")
    assert [fail(app, user.account) for _ in range(4)] == [
        f"账号或密码不正确，还可尝试{n}次" for n in (4, 3, 2, 1)]
    dbsession.refresh(user)
    assert user.failed_logins == 4 and user.locked_until is None


def test_fifth_failure_locks_for_thirty_minutes_even_with_the_right_password(app, dbsession, monkeypatch):
    user = factories.user(dbsession, "individual")
    message = fail(app, user.account, times=5)
    dbsession.refresh(user)
    assert user.locked_until is not None
    assert dt.timedelta(minutes=29) < user.locked_until - user.updated_at <= dt.timedelta(minutes=31)
    assert message == f"连续登录失败次数过多，账号已锁定，请于{show(user.locked_until)}（北京时间）后再试"
    # the time shown is Beijing time (UTC+8)
    shown = dt.datetime.strptime(re.search(r"请于(.+?)（", message).group(1), "%Y-%m-%d %H:%M:%S")
    assert shown - user.locked_until == dt.timedelta(hours=8)
    res = login(app, user.account, status=200)  # right password, still locked
    assert "账号已锁定" in form_error(res)
    assert app.get("/portal", status=302).location.startswith("http://localhost/login")

    shift_clock(monkeypatch, dt.timedelta(minutes=31))
    assert login(app, user.account).status_int == 303
    dbsession.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


def test_lock_is_stored_in_the_database_and_holds_in_another_process(app, make_app, dbsession):
    user = factories.user(dbsession, "individual")
    fail(app, user.account, times=4)
    other = make_app(**{"kjgl.title": "另一个应用进程"})  # a separate app instance on the same database
    assert "账号已锁定" in fail(other, user.account)
    dbsession.refresh(user)
    assert user.locked_until is not None


def test_a_successful_login_resets_the_count(app, dbsession):
    user = factories.user(dbsession, "individual")
    fail(app, user.account, times=4)
    login(app, user.account)
    app.reset()
    assert fail(app, user.account) == "账号或密码不正确，还可尝试4次"


def test_limits_are_settings(make_app, dbsession, monkeypatch):
    app = make_app(**{"kjgl.lockout_attempts": "2", "kjgl.lockout_minutes": "5"})
    user = factories.user(dbsession, "individual")
    assert fail(app, user.account) == "账号或密码不正确，还可尝试1次"
    assert "账号已锁定" in fail(app, user.account)
    shift_clock(monkeypatch, dt.timedelta(minutes=6))
    assert login(app, user.account).status_int == 303


def test_unknown_account_reads_like_a_known_one(app, dbsession):
    user = factories.user(dbsession, "individual")
    known = [fail(app, user.account) for _ in range(6)]
    unknown = [fail(app, "nobody_here") for _ in range(6)]
    dbsession.refresh(user)
    stranger = dbsession.get(UnknownAccountLogin, "nobody_here")
    assert [m.replace(show(user.locked_until), "T") for m in known] == \
           [m.replace(show(stranger.locked_until), "T") for m in unknown]
    assert known[:4] == [f"账号或密码不正确，还可尝试{n}次" for n in (4, 3, 2, 1)]


def test_locked_attempts_are_audited(app, dbsession):
    user = factories.user(dbsession, "individual")
    fail(app, user.account, times=6)
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "login_failed",
                                                        AuditEvent.account == user.account)
                               .order_by(AuditEvent.id)).all()
    assert len(events) == 6
    assert [e.success for e in events] == [False] * 6
    assert ["账号已锁定" in e.detail for e in events] == [False] * 4 + [True, True]
