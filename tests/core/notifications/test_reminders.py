"""Deadline and waiting reminders: who is reminded, once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.db import utcnow
from kjgl.core.hookspecs import ReviewChain, ReviewStep
from kjgl.core.messaging import bind
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.messaging.senders import OutboxMail
from kjgl.core.notifications import reminders
from kjgl.core.notifications.models import Notification
from kjgl.core.review import services as review
from kjgl.core.review.models import ReviewEvent

CHAIN = ReviewChain("remind", "提醒测试", (ReviewStep("district", "区科技局初审", "district"),))
TODAY = dt.date(2031, 6, 1)


@pytest.fixture
def world(dbsession):
    bind(dbsession, OutboxMail(), None)
    org = factories.organisation(dbsession)
    w = dict(filer=factories.user(dbsession, "individual", organisation=org),
             other=factories.user(dbsession, "individual", organisation=org),
             reviewer=factories.user(dbsession, "agency", agency_code="tj-d01"),
             city=factories.user(dbsession, "agency", agency_code="tj"), org=org)
    w["batch"] = review.open_batch(dbsession, "remind", 2031, TODAY + dt.timedelta(days=7), w["city"])
    district = factories.agency(dbsession, "tj-d01")

    def record(title, who):
        sub = review.create_draft(dbsession, module_key="remind", kind="remind", batch=w["batch"], organisation=org,
                                  applicant=w[who], title=title, today=TODAY)
        review.touch_draft(dbsession, sub, sub.version, agency_id=district.id)
        return sub
    w["draft"] = record("草稿记录", "filer")
    w["sent"] = record("已提交记录", "other")
    review.submit(dbsession, CHAIN, w["sent"], w["other"])
    return w


def run(db, today, now=None):
    return reminders.send(db, {"remind": CHAIN}, today=today, now=now or utcnow(), days=(7, 1), wait=7)


def kinds(db, user):
    return [n.kind for n in db.scalars(select(Notification).where(Notification.user_id == user.id,
                                                                 Notification.kind.like("reminder%")))]


def test_drafts_remind_their_filer_once_per_threshold(dbsession, world):
    w, db = world, dbsession
    assert run(db, TODAY - dt.timedelta(days=1)).filers == 0  # 8 days left: not yet
    assert run(db, TODAY).filers == 1  # 7 days left
    assert run(db, TODAY).filers == 0 and run(db, TODAY + dt.timedelta(days=3)).filers == 0  # once for 7
    assert kinds(db, w["filer"]) == ["reminder_deadline"] and kinds(db, w["other"]) == []  # submitted: no
    assert run(db, TODAY + dt.timedelta(days=6)).filers == 1  # 1 day left
    assert run(db, TODAY + dt.timedelta(days=6)).filers == 0
    assert run(db, TODAY + dt.timedelta(days=8)).filers == 0  # deadline passed
    assert len(kinds(db, w["filer"])) == 2
    assert len(db.scalars(select(OutboxMessage).where(OutboxMessage.to(w["filer"].email))).all()) == 2


def test_a_missed_day_still_reminds_once(dbsession, world):
    assert run(dbsession, TODAY + dt.timedelta(days=3)).filers == 1  # the run on day 7 was missed
    assert run(dbsession, TODAY + dt.timedelta(days=4)).filers == 0


def test_records_waiting_too_long_remind_the_steps_reviewers_once(dbsession, world):
    w, db = world, dbsession
    assert run(db, TODAY).reviewers == 0  # just submitted
    later = utcnow() + dt.timedelta(days=8)
    assert run(db, TODAY, later).reviewers == 1
    assert run(db, TODAY, later).reviewers == 0
    assert kinds(db, w["reviewer"]) == ["reminder_waiting"] and kinds(db, w["city"]) == []
