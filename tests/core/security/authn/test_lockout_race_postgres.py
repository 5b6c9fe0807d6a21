"""Failed logins at the same moment, each in a real transaction of its own
(PostgreSQL): every failure is counted and the lock is set at the limit, not
later. Each contender reads the account before any of them writes, as
concurrent requests do while argon2 checks their passwords."""
import datetime as dt

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts import lockout
from kjgl.core.accounts.models import UnknownAccountLogin, User
from kjgl.core.accounts.services import AccountLocked, LoginRefused, authenticate
from kjgl.core.db import utcnow
from kjgl.core.testing import TEST_PASSWORD, race

LIMIT = 5
SETTINGS = {"kjgl.lockout_attempts": str(LIMIT)}
STRANGER = "no_such_account_race"


@pytest.fixture
def committed_user(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the concurrent-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    with Session(engine) as s, s.begin():
        user = factories.user(s, "individual")
        ids = dict(id=user.id, account=user.account)
    yield ids
    with Session(engine) as s, s.begin():
        s.execute(delete(User).where(User.id == ids["id"]))
        s.execute(delete(UnknownAccountLogin).where(UnknownAccountLogin.account == STRANGER))


def wrong_password(account, user_id=None):
    def act(s, ready):
        # held, so the session keeps what it read (its identity map is weak)
        seen = s.get(User, user_id) if user_id is not None else s.get(UnknownAccountLogin, account)  # noqa: F841
        ready()
        try:
            authenticate(s, account, "Wrong-pass1", SETTINGS)
        except AccountLocked:
            return "locked"
        except LoginRefused as refused:
            return str(refused)
        return "logged in"
    return act


def remaining(outcomes):
    return sorted(o for o in outcomes if o != "locked")


@pytest.mark.parametrize("attempts", [LIMIT, LIMIT + 3])
def test_concurrent_wrong_passwords_are_all_counted_and_lock_at_the_limit(engine, committed_user, attempts):
    outcomes = race(engine, *[wrong_password(committed_user["account"], committed_user["id"])] * attempts)
    assert remaining(outcomes) == [f"账号或密码不正确，还可尝试{n}次" for n in (1, 2, 3, 4)], outcomes
    assert outcomes.count("locked") == attempts - (LIMIT - 1)
    with Session(engine) as s:
        user = s.get(User, committed_user["id"])
        assert user.failed_logins == LIMIT
        assert user.locked_until is not None and user.locked_until > utcnow()


def test_concurrent_failures_of_an_unknown_account_are_counted_alike(engine, committed_user):
    outcomes = race(engine, *[wrong_password(STRANGER)] * LIMIT)
    assert remaining(outcomes) == [f"账号或密码不正确，还可尝试{n}次" for n in (1, 2, 3, 4)], outcomes
    assert outcomes.count("locked") == 1
    with Session(engine) as s:
        row = s.get(UnknownAccountLogin, STRANGER)
        assert row.failed_logins == LIMIT and row.locked_until is not None


def test_concurrent_wrong_security_answers_lock_at_the_limit(engine, committed_user):
    def wrong_answer(s, ready):
        seen = s.get(User, committed_user["id"])  # noqa: F841  (held: the session keeps what it read)
        ready()
        return lockout.count_failure(s, lockout.RECOVERY, committed_user["id"], now=utcnow(), limit=LIMIT,
                                     period=dt.timedelta(minutes=30))

    outcomes = race(engine, *[wrong_answer] * (LIMIT + 2))
    assert sorted(o.failures for o in outcomes) == [1, 2, 3, 4, 5, 5, 5], outcomes
    assert sum(o.locked_until is not None for o in outcomes) == 3
    with Session(engine) as s:
        failures, until = s.execute(select(User.recover_failures, User.recover_locked_until)
                                    .where(User.id == committed_user["id"])).one()
        assert failures == LIMIT and until is not None


def test_the_right_password_read_before_a_concurrent_lock_does_not_log_in(engine, committed_user):
    with Session(engine) as s, s.begin():
        seen = s.get(User, committed_user["id"])  # held: the session keeps what it read
        assert seen.locked_until is None
        with Session(engine) as other, other.begin():  # the limit-th failure commits meanwhile
            with pytest.raises(AccountLocked):
                authenticate(other, committed_user["account"], "Wrong-pass1", {"kjgl.lockout_attempts": "1"})
        with pytest.raises(AccountLocked):
            authenticate(s, committed_user["account"], TEST_PASSWORD, SETTINGS)
