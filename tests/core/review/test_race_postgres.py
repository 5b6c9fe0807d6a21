"""Two reviewers decide the same record at the same moment, each in a real
transaction of its own: exactly one decision is stored."""
import datetime as dt

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.organisations.models import Organisation
from kjgl.core.review import services as review
from kjgl.core.review.models import Batch, ReviewEvent, Submission
from kjgl.core.testing import race

from .test_engine import CHAIN


@pytest.fixture
def committed_world(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the two-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    with Session(engine) as s, s.begin():
        org = factories.organisation(s, name="并发测试众创空间运营公司")
        applicant = factories.user(s, "individual", organisation=org)
        r1 = factories.user(s, "agency", agency_code="tj-d01")
        r2 = factories.user(s, "agency", agency_code="tj-d01")
        batch = review.open_batch(s, "race", 2031, dt.date(2099, 1, 1), r1)
        sub = review.create_draft(s, module_key="race", kind="race", batch=batch, organisation=org,
                                  applicant=applicant, title="并发测试")
        review.touch_draft(s, sub, sub.version, agency_id=factories.agency(s, "tj-d01").id)
        review.submit(s, CHAIN, sub, applicant)
        ids = dict(sub=sub.id, r1=r1.id, r2=r2.id, org=org.id, batch=batch.id,
                   users=[applicant.id, r1.id, r2.id] + [u.id for u in s.scalars(
                       select(User).where(User.organisation_id == org.id))])
    yield ids
    with Session(engine) as s, s.begin():
        s.execute(delete(ReviewEvent).where(ReviewEvent.submission_id == ids["sub"]))
        s.execute(delete(Submission).where(Submission.id == ids["sub"]))
        s.execute(delete(Batch).where(Batch.id == ids["batch"]))
        s.execute(delete(User).where(User.id.in_(ids["users"])))
        s.execute(delete(Organisation).where(Organisation.id == ids["org"]))


def test_two_reviewers_at_once_exactly_one_wins(engine, committed_world):
    w = committed_world

    def reviewer(name, decision, opinion):
        def act(s, ready):
            sub = s.get(Submission, w["sub"])
            user = s.get(User, w[name])
            seen = sub.version
            ready()  # both have read the same version before either writes
            try:
                review.decide(s, CHAIN, sub, user, decision=decision, opinion=opinion, expected_version=seen)
                return "won"
            except review.AlreadyDecided as exc:
                return exc.message
        return act

    outcomes = dict(zip(("r1", "r2"), race(engine, reviewer("r1", "approve", "同意"),
                                           reviewer("r2", "return", "材料不全"))))
    assert sorted(v == "won" for v in outcomes.values()) == [False, True], outcomes
    loser = next(v for v in outcomes.values() if v != "won")
    assert "已被其他审核人员处理" in loser
    with Session(engine) as s:
        decisions = s.scalars(select(ReviewEvent.decision).where(
            ReviewEvent.submission_id == w["sub"], ReviewEvent.decision != "submit")).all()
        assert len(decisions) == 1
