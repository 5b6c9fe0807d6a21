"""One TOTP code sent twice at the same moment (PostgreSQL, a real
transaction each): exactly one request is let in; the other finds the time
step already used (the conditional UPDATE of ``User.totp_last_step``)."""
import pyotp
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts import totp
from kjgl.core.accounts.models import User
from kjgl.core.testing import race

NOW = 1_800_000_000.0


@pytest.fixture
def enrolled(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the concurrent-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    key = pyotp.random_base32()
    with Session(engine) as s, s.begin():
        user_id = factories.user(s, "agency", agency_code="tj-d01", totp_secret=key).id
    yield user_id, key
    with Session(engine) as s, s.begin():
        s.execute(delete(User).where(User.id == user_id))


def test_the_same_code_twice_at_once_lets_one_in(engine, enrolled):
    user_id, key = enrolled
    code = pyotp.TOTP(key).at(NOW)

    def give(s, ready):
        user = s.get(User, user_id)
        ready()
        return totp.check(s, user, code, now=NOW)

    outcomes = race(engine, give, give, give)
    assert sorted(outcomes) == [totp.OK, totp.REPLAYED, totp.REPLAYED], outcomes
