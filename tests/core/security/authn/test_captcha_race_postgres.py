"""One solved captcha image replayed by several requests at the same moment,
each in a real transaction of its own (PostgreSQL), as app processes behind a
proxy would run them: exactly one gets its answer checked."""
from types import SimpleNamespace

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from kjgl.core import captcha
from kjgl.core.accounts.models import CaptchaChallenge
from kjgl.core.testing import TEST_SECRET, race

SETTINGS = {"kjgl.captcha": True, "kjgl.secret": TEST_SECRET}


def _request(db, session):
    return SimpleNamespace(dbsession=db, session=session, registry=SimpleNamespace(settings=SETTINGS))


@pytest.fixture
def solved(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the concurrent-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    cookie = {}
    with Session(engine) as s, s.begin():
        answer = captcha.new_answer(_request(s, cookie))
    yield cookie[captcha.SESSION_KEY], answer
    with Session(engine) as s, s.begin():
        s.execute(delete(CaptchaChallenge).where(CaptchaChallenge.id == cookie[captcha.SESSION_KEY]))


def test_a_replayed_image_answers_one_of_many_concurrent_requests(engine, solved):
    challenge_id, answer = solved

    def replay(s, ready):
        ready()
        return captcha.check(_request(s, {captcha.SESSION_KEY: challenge_id}), answer) or "right"

    outcomes = race(engine, *[replay] * 6)
    assert sorted(outcomes) == sorted(["right"] + [captcha.EXPIRED] * 5), outcomes
