import datetime as dt
from decimal import Decimal

import pytest

from kjgl.core import factories
from kjgl.core.hookspecs import ReviewChain, ReviewStep
from kjgl.core.review import services as review
from kjgl.core.review.models import ReviewEvent

CHAIN = ReviewChain("demo", "演示", (
    ReviewStep("district", "区科技局初审", "district"),
    ReviewStep("city", "市科技局评价", "city", grades=("优秀", "良好", "合格", "不合格")),
))
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def world(dbsession):
    org = factories.organisation(dbsession)
    applicant = factories.user(dbsession, "individual", organisation=org)
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    other_district = factories.user(dbsession, "agency", agency_code="tj-d02")
    city = factories.user(dbsession, "agency", agency_code="tj")
    batch = review.open_batch(dbsession, "demo", 2025, dt.date(2026, 3, 31), city)
    return dict(org=org, applicant=applicant, district=district, other=other_district, city=city, batch=batch)


def new_submission(dbsession, w, title="测试众创空间"):
    sub = review.create_draft(dbsession, module_key="demo", kind="demo", batch=w["batch"], organisation=w["org"],
                              applicant=w["applicant"], title=title, today=TODAY)
    review.touch_draft(dbsession, sub, sub.version, agency_id=factories.agency(dbsession, "tj-d01").id)
    return sub


def test_full_chain_district_then_city_grade(dbsession, world):
    sub = new_submission(dbsession, world)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    assert sub.state == "submitted" and sub.step == 0
    assert not review.can_decide(dbsession, CHAIN, sub, world["city"])  # not the city's step yet
    assert not review.can_decide(dbsession, CHAIN, sub, world["other"])
    review.decide(dbsession, CHAIN, sub, world["district"], decision="approve", opinion="同意上报",
                  expected_version=sub.version)
    assert sub.step == 1 and sub.state == "submitted"
    with pytest.raises(review.InvalidDecision, match="评价等级"):
        review.decide(dbsession, CHAIN, sub, world["city"], decision="approve", expected_version=sub.version)
    review.decide(dbsession, CHAIN, sub, world["city"], decision="approve", grade="优秀", score=Decimal("92.5"),
                  expected_version=sub.version)
    assert (sub.state, sub.grade, sub.score) == ("approved", "优秀", Decimal("92.5"))
    decisions = [(e.step_key, e.decision) for e in review.history(dbsession, sub)]
    assert decisions == [("district", "submit"), ("district", "approve"), ("city", "conclude")]


def test_return_needs_opinion_then_applicant_edits_and_resubmits(dbsession, world):
    sub = new_submission(dbsession, world)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    with pytest.raises(review.InvalidDecision, match="审批意见"):
        review.decide(dbsession, CHAIN, sub, world["district"], decision="return", opinion="  ",
                      expected_version=sub.version)
    review.decide(dbsession, CHAIN, sub, world["district"], decision="return", opinion="场地证明不清晰",
                  expected_version=sub.version)
    assert sub.state == "returned" and sub.last_opinion == "场地证明不清晰"
    review.touch_draft(dbsession, sub, sub.version)  # editable again
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    assert sub.state == "submitted" and sub.step == 0


def test_submitted_record_is_locked(dbsession, world):
    sub = new_submission(dbsession, world)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    with pytest.raises(review.NotEditable):
        review.touch_draft(dbsession, sub, sub.version)
    with pytest.raises(review.NotEditable):
        review.submit(dbsession, CHAIN, sub, world["applicant"])


def test_stale_version_is_refused(dbsession, world):
    sub = new_submission(dbsession, world)
    seen = sub.version
    review.touch_draft(dbsession, sub, seen)  # first tab saves
    with pytest.raises(review.AlreadyDecided, match="其他窗口"):
        review.touch_draft(dbsession, sub, seen)  # second tab, stale


def test_decision_on_stale_version_is_already_decided(dbsession, world):
    sub = new_submission(dbsession, world)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    seen = sub.version
    review.decide(dbsession, CHAIN, sub, world["district"], decision="approve", expected_version=seen)
    with pytest.raises(review.AlreadyDecided):
        review.decide(dbsession, CHAIN, sub, world["district"], decision="return", opinion="x",
                      expected_version=seen)


def test_batch_rules(dbsession, world):
    new_submission(dbsession, world, "星火众创空间")
    with pytest.raises(review.DuplicateCarrier):
        new_submission(dbsession, world, " 星火 众创空间 ")
    with pytest.raises(review.BatchClosed):
        review.create_draft(dbsession, module_key="demo", kind="demo", batch=world["batch"],
                            organisation=world["org"], applicant=world["applicant"], title="另一个",
                            today=dt.date(2026, 4, 1))
    world["batch"].status = "closed"
    with pytest.raises(review.BatchClosed):
        review.create_draft(dbsession, module_key="demo", kind="demo", batch=world["batch"],
                            organisation=world["org"], applicant=world["applicant"], title="另一个", today=TODAY)
    with pytest.raises(review.InvalidDecision):
        review.open_batch(dbsession, "demo", 2025, dt.date(2026, 5, 1), world["city"])


def test_reviewer_scope_is_in_the_query(dbsession, world):
    from sqlalchemy import select

    from kjgl.core.review.models import Submission

    sub = new_submission(dbsession, world)
    draft_only = new_submission(dbsession, world, "仍在暂存")
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    seen = lambda reviewer: set(dbsession.scalars(review.reviewer_scope(select(Submission.id), reviewer)))  # noqa: E731
    assert sub.id in seen(world["district"]) and sub.id in seen(world["city"])
    assert sub.id not in seen(world["other"])
    assert draft_only.id not in seen(world["district"])


def test_the_list_opinion_is_the_latest_steps(dbsession, world):
    sub = new_submission(dbsession, world)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    review.decide(dbsession, CHAIN, sub, world["district"], decision="return", opinion="请补充场地证明",
                  expected_version=sub.version)
    review.submit(dbsession, CHAIN, sub, world["applicant"])
    assert sub.last_opinion is None  # resubmitted: the old opinion is history now
    review.decide(dbsession, CHAIN, sub, world["district"], decision="approve", expected_version=sub.version)
    assert sub.last_opinion is None
    assert [e.opinion for e in review.history(dbsession, sub) if e.opinion] == ["请补充场地证明"]
