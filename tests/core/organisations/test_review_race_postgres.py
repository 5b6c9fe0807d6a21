"""Two reviewers decide the same organisation at the same moment, each in a
real transaction of its own: exactly one decision is stored."""
import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.audit.models import AuditEvent
from kjgl.core.organisations import services
from kjgl.core.organisations.models import Organisation, OrganisationReview
from kjgl.core.testing import race


@pytest.fixture
def committed_org(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the two-transaction race runs on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    with Session(engine) as s, s.begin():
        org = factories.organisation(s, name="并发审核测试单位", status="pending")
        r1 = factories.user(s, "agency", agency_code="tj-d01")
        r2 = factories.user(s, "agency", agency_code="tj-d01")
        ids = dict(org=org.id, r1=r1.id, r2=r2.id,
                   users=[r1.id, r2.id, factories.org_admin(s, org).id])
    yield ids
    with Session(engine) as s, s.begin():
        s.execute(delete(OrganisationReview).where(OrganisationReview.organisation_id == ids["org"]))
        s.execute(delete(AuditEvent).where(AuditEvent.object_type == "organisation",
                                           AuditEvent.object_id == str(ids["org"])))
        s.execute(delete(User).where(User.id.in_(ids["users"])))
        s.execute(delete(Organisation).where(Organisation.id == ids["org"]))


def test_two_reviewers_at_once_exactly_one_decision_sticks(engine, committed_org):
    ids = committed_org

    def reviewer(name, decision, opinion):
        def act(s, ready):
            org = s.get(Organisation, ids["org"])
            user = s.get(User, ids[name])
            assert org.status == "pending"
            ready()  # both saw it pending before either writes
            try:
                services.decide(s, None, org, user, decision, opinion)
                return "won"
            except services.AlreadyDecided as refused:
                return str(refused)
        return act

    outcomes = dict(zip(("r1", "r2"), race(engine, reviewer("r1", "approve", "同意"),
                                           reviewer("r2", "return", "材料不全"))))
    assert sorted(outcomes.values()) == ["won", "该单位已被审核"], outcomes
    with Session(engine) as s:
        reviews = s.scalars(select(OrganisationReview).where(OrganisationReview.organisation_id == ids["org"])).all()
        org = s.get(Organisation, ids["org"])
        assert len(reviews) == 1
        assert org.status == {"approve": "active", "return": "returned"}[reviews[0].decision]
