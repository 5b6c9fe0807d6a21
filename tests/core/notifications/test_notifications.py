"""Who hears of what (in-app and e-mail), preferences, and nothing on rollback."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import transaction
import zope.sqlalchemy
from sqlalchemy import select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.hookspecs import ReviewChain, ReviewStep
from kjgl.core.messaging import bind
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.messaging.senders import OutboxMail, SmtpMail
from kjgl.core.notifications import services as notifications
from kjgl.core.notifications.models import Notification
from kjgl.core.review import services as review

CHAIN = ReviewChain("demo", "演示评估", (
    ReviewStep("district", "区科技局初审", "district"),
    ReviewStep("city", "市科技局评价", "city", grades=("优秀", "良好", "合格", "不合格")),
))
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def world(dbsession):
    bind(dbsession, OutboxMail(), None)
    org = factories.organisation(dbsession)
    w = dict(
        org=org,
        applicant=factories.user(dbsession, "individual", organisation=org),
        admin=factories.org_admin(dbsession, org),
        colleague=factories.user(dbsession, "individual", organisation=org),
        district=factories.user(dbsession, "agency", agency_code="tj-d01"),
        district2=factories.user(dbsession, "agency", agency_code="tj-d01"),
        other=factories.user(dbsession, "agency", agency_code="tj-d02"),
        city=factories.user(dbsession, "agency", agency_code="tj"),
    )
    w["batch"] = review.open_batch(dbsession, "demo", 2025, dt.date(2026, 3, 31), w["city"])
    sub = review.create_draft(dbsession, module_key="demo", kind="demo", batch=w["batch"], organisation=org,
                              applicant=w["applicant"], title="测试众创空间", today=TODAY)
    review.touch_draft(dbsession, sub, sub.version, agency_id=factories.agency(dbsession, "tj-d01").id)
    w["sub"] = sub
    return w


def inbox(db, user):
    return [(n.kind, n.title) for n in db.scalars(select(Notification).where(Notification.user_id == user.id)
                                                  .order_by(Notification.id))]


def mails(db, user):
    return [m.subject for m in db.scalars(select(OutboxMessage).where(OutboxMessage.to(user.email))
                                          .order_by(OutboxMessage.id))]


def test_each_review_event_reaches_whom_it_concerns(dbsession, world):
    w, db, sub = world, dbsession, world["sub"]
    review.submit(db, CHAIN, sub, w["applicant"])
    # submitted → every reviewer of the first step's agency, nobody else
    for reviewer in (w["district"], w["district2"]):
        assert inbox(db, reviewer) == [("review_todo", "【演示评估】“测试众创空间”待区科技局初审")]
        assert mails(db, reviewer) == ["【演示评估】“测试众创空间”待区科技局初审"]
    for bystander in (w["other"], w["city"], w["applicant"], w["admin"], w["colleague"]):
        assert inbox(db, bystander) == []

    review.decide(db, CHAIN, sub, w["district"], decision="approve", opinion="同意上报",
                  expected_version=sub.version)
    # approved at the district → the city's reviewers; the applicant and the org admin learn where it went
    assert inbox(db, w["city"]) == [("review_todo", "【演示评估】“测试众创空间”待市科技局评价")]
    moved = ("review_approved", "【演示评估】“测试众创空间”已通过区科技局初审，已转至天津市科学技术局")
    assert inbox(db, w["applicant"]) == [moved] and inbox(db, w["admin"]) == [moved]
    assert inbox(db, w["colleague"]) == []
    assert len(inbox(db, w["district"])) == 1  # the decider is not told of their own decision

    review.decide(db, CHAIN, sub, w["city"], decision="approve", grade="优秀", score=Decimal("92.5"),
                  expected_version=sub.version)
    graded = ("review_graded", "【演示评估】“测试众创空间”评价完成：优秀")
    assert inbox(db, w["applicant"])[-1] == graded and inbox(db, w["admin"])[-1] == graded
    body = db.scalars(select(Notification.body).where(Notification.kind == "review_graded")).first()
    assert "评分：92.5" in body
    assert mails(db, w["applicant"]) == [moved[1], graded[1]]


def test_return_tells_the_applicant_side_with_the_opinion(dbsession, world):
    w, db, sub = world, dbsession, world["sub"]
    review.submit(db, CHAIN, sub, w["applicant"])
    review.decide(db, CHAIN, sub, w["district"], decision="return", opinion="场地证明不清晰",
                  expected_version=sub.version)
    returned = ("review_returned", "【演示评估】“测试众创空间”审核不通过，已退回修改")
    assert inbox(db, w["applicant"]) == [returned] and inbox(db, w["admin"]) == [returned]
    n = db.scalars(select(Notification).where(Notification.user_id == w["applicant"].id)).one()
    assert "场地证明不清晰" in n.body and (n.object_type, n.object_id, n.module_key) == ("submission", sub.id, "demo")


def test_email_preferences_are_honoured(dbsession, world):
    w, db, sub = world, dbsession, world["sub"]
    notifications.set_preferences(db, w["applicant"].id, set(notifications.KINDS) - {"review_returned"})
    review.submit(db, CHAIN, sub, w["applicant"])
    review.decide(db, CHAIN, sub, w["district"], decision="return", opinion="请补充", expected_version=sub.version)
    assert [k for k, _ in inbox(db, w["applicant"])] == ["review_returned"]  # still in-app
    assert mails(db, w["applicant"]) == []  # but not mailed
    assert len(mails(db, w["admin"])) == 1  # the admin kept the default
    assert notifications.preferences(db, w["applicant"].id)["review_returned"] is False


def test_disabled_users_and_users_without_address(dbsession, world):
    w, db = world, dbsession
    w["district2"].status = "disabled"
    w["district"].email = None
    review.submit(db, CHAIN, w["sub"], w["applicant"])
    assert inbox(db, w["district2"]) == []
    assert len(inbox(db, w["district"])) == 1 and db.scalars(select(OutboxMessage)).all() == []


class StubSmtp:
    def __init__(self):
        self.sent = []

    def send(self, sender, recipients, message):
        self.sent.append((recipients, message))


@pytest.fixture
def smtp_session(connection):
    """A session joined to its own transaction manager, as a request's is,
    with the SMTP sender whose delivery a stub records."""
    from pyramid_mailer.mailer import Mailer

    tm = transaction.TransactionManager(explicit=True)
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    zope.sqlalchemy.register(session, transaction_manager=tm)
    mail = SmtpMail({})
    stub = StubSmtp()
    mail.mailer = Mailer(smtp_mailer=stub)
    bind(session, mail, tm)
    yield session, tm, stub
    session.close()


def test_nothing_is_sent_or_kept_when_the_transaction_rolls_back(smtp_session):
    session, tm, stub = smtp_session
    with tm:
        user = factories.user(session, "individual")
        user_id = user.id
    tm.begin()
    notifications.notify(session, [session.get(type(user), user_id)], kind="grant_change", title="授权变更")
    session.flush()
    assert stub.sent == []  # nothing leaves before the commit
    tm.abort()
    assert stub.sent == []
    with tm:
        assert session.scalars(select(Notification).where(Notification.user_id == user_id)).all() == []

    with tm:
        notifications.notify(session, [session.get(type(user), user_id)], kind="grant_change", title="授权变更")
    assert len(stub.sent) == 1 and set(stub.sent[0][0]) == {user.email}
    with tm:
        assert len(session.scalars(select(Notification).where(Notification.user_id == user_id)).all()) == 1


def test_smtp_refuses_a_session_without_a_transaction(dbsession):
    mail = SmtpMail({})
    with pytest.raises(RuntimeError, match="outside a transaction"):
        mail.send(dbsession, "a@example.cn", "s", "b")


def test_reminder_key_sends_once(dbsession, world):
    w, db = world, dbsession
    for _ in range(2):
        notifications.notify(db, [w["applicant"], w["admin"]], kind="reminder_deadline", title="截止提醒",
                             dedupe="deadline:1:7")
    assert len(inbox(db, w["applicant"])) == 1 and len(inbox(db, w["admin"])) == 1
    assert len(mails(db, w["applicant"])) == 1
