"""Failed-login rows of unknown account names do not pile up: a row whose
lock is not in force and whose last failure is older than the lock period is
purged, a few at each failed login and all of them by ``kjgl accounts purge``.
Failures older than the lock period stop counting for every account, so a
purged row answers exactly like a known account."""
import datetime as dt

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts import lockout
from kjgl.core.accounts.models import UnknownAccountLogin
from kjgl.core.cli import main
from kjgl.core.db import utcnow

from .helpers import shift_clock
from .test_lockout import fail

MINUTES = 30  # the default lock period


def ago(minutes):
    return utcnow() - dt.timedelta(minutes=minutes)


def seed(session):
    """One row of each kind; the names say which must go."""
    session.add_all([
        UnknownAccountLogin(account="stale_count", failed_logins=3, last_failed_at=ago(MINUTES + 1)),
        UnknownAccountLogin(account="stale_lock", failed_logins=5, locked_until=ago(1),
                            last_failed_at=ago(MINUTES + 1)),
        UnknownAccountLogin(account="keep_locked", failed_logins=5, locked_until=ago(-10),
                            last_failed_at=ago(MINUTES + 5)),
        UnknownAccountLogin(account="keep_recent", failed_logins=2, last_failed_at=ago(MINUTES - 5)),
    ])
    session.flush()


def accounts(session):
    return set(session.scalars(select(UnknownAccountLogin.account)))


def test_a_failed_login_purges_stale_unknown_accounts(app, dbsession):
    seed(dbsession)
    user = factories.user(dbsession, "individual")
    fail(app, user.account)
    dbsession.expire_all()
    assert accounts(dbsession) == {"keep_locked", "keep_recent"}


def test_the_purge_at_login_is_bounded(app, dbsession):
    dbsession.add_all([UnknownAccountLogin(account=f"stale{n}", failed_logins=1, last_failed_at=ago(MINUTES + 1))
                       for n in range(lockout.PURGE_BATCH + 7)])
    dbsession.flush()
    fail(app, "someone_new")
    dbsession.expire_all()
    assert len(accounts(dbsession) - {"someone_new"}) == 7
    fail(app, "someone_new")
    dbsession.expire_all()
    assert accounts(dbsession) == {"someone_new"}


def test_old_failures_stop_counting_alike_for_known_and_unknown_accounts(app, dbsession, monkeypatch):
    user = factories.user(dbsession, "individual")
    assert fail(app, user.account, times=3) == fail(app, "nobody_here", times=3) == "账号或密码不正确，还可尝试2次"
    shift_clock(monkeypatch, dt.timedelta(minutes=MINUTES - 1))
    assert fail(app, user.account) == fail(app, "nobody_here") == "账号或密码不正确，还可尝试1次"
    shift_clock(monkeypatch, dt.timedelta(minutes=2 * MINUTES))  # the last failure is now 31 minutes old
    lockout.purge_unknown(dbsession, now=utcnow() + dt.timedelta(minutes=2 * MINUTES),
                          period=dt.timedelta(minutes=MINUTES))
    assert dbsession.get(UnknownAccountLogin, "nobody_here") is None
    assert fail(app, user.account) == fail(app, "nobody_here") == "账号或密码不正确，还可尝试4次"


@pytest.fixture
def deployment(write_ini, sqlite_url, capsys):
    ini = str(write_ini("development.ini"))
    assert main(["db", "upgrade", ini]) == 0
    engine = create_engine(sqlite_url)
    with Session(engine) as session, session.begin():
        seed(session)
    capsys.readouterr()
    yield ini, engine
    engine.dispose()


def test_the_purge_command_deletes_every_stale_row_and_nothing_else(deployment, capsys):
    ini, engine = deployment
    assert main(["accounts", "purge", ini]) == 0
    assert "2 条" in capsys.readouterr().out
    with Session(engine) as session:
        assert accounts(session) == {"keep_locked", "keep_recent"}
        assert session.scalar(select(func.count()).select_from(UnknownAccountLogin)) == 2
