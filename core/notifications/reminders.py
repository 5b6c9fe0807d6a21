"""Deadline and waiting reminders, run daily by ``kjgl reminders INI``.

- N days before an open batch's deadline (``kjgl.reminder_days``, default
  ``7 1``) every record still with its filer (暂存 or returned) reminds the
  filer: at the smallest threshold not yet passed, so a run missed on the
  day itself still reminds once, and never twice for the same threshold.
- A record waiting at a review step longer than ``kjgl.review_wait_days``
  (default 7) reminds the reviewers of that step, once per step reached.

Every reminder carries its identity (``Notification.dedupe_key``), so the
command is idempotent: run it as often as you like.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pyramid.settings import aslist
from sqlalchemy import func, select

from ..accounts.models import User
from ..review import services as review
from ..review.models import EDITABLE_STATES, Batch, ReviewEvent, Submission
from . import services as notifications

DEFAULT_DEADLINE_DAYS = (7, 1)
DEFAULT_WAIT_DAYS = 7


@dataclass
class Sent:
    filers: int = 0
    reviewers: int = 0


def deadline_days(settings) -> tuple[int, ...]:
    raw = aslist(settings.get("kjgl.reminder_days", "")) or DEFAULT_DEADLINE_DAYS
    days = sorted({int(d) for d in raw})
    if not days or days[0] < 0:
        raise ValueError("kjgl.reminder_days: whole days ≥ 0, e.g. 7 1")
    return tuple(days)


def wait_days(settings) -> int:
    return int(settings.get("kjgl.review_wait_days", DEFAULT_WAIT_DAYS))


def threshold(days_left: int, days: tuple[int, ...]) -> int | None:
    """The reminder due with ``days_left`` to go: the smallest threshold not
    yet passed (None once the deadline is passed or before the first)."""
    if days_left < 0:
        return None
    due = [d for d in days if days_left <= d]
    return min(due) if due else None


def send(db, chains: dict, *, today: dt.date, now: dt.datetime, days: tuple[int, ...], wait: int) -> Sent:
    sent = Sent()
    for batch in db.scalars(select(Batch).where(Batch.status == "open", Batch.deadline >= today)):
        due = threshold((batch.deadline - today).days, days)
        if due is None:
            continue
        rows = db.execute(select(Submission, User).join(User, User.id == Submission.applicant_id).where(
            Submission.batch_id == batch.id, Submission.state.in_(EDITABLE_STATES))).all()
        for sub, filer in rows:
            left = (batch.deadline - today).days
            sent.filers += len(notifications.notify(
                db, [filer], kind="reminder_deadline",
                title=f"“{sub.title}”尚未提交，{batch.title}填报将于{batch.deadline:%Y-%m-%d}截止",
                body=f"距{batch.title}填报截止还有{left}天（{batch.deadline:%Y-%m-%d}），"
                     f"“{sub.title}”尚未提交，请尽快完善并提交。",
                object_type="submission", object_id=sub.id, module_key=sub.module_key,
                dedupe=f"deadline:{batch.id}:{due}:{sub.id}"))
    reached = (select(ReviewEvent.submission_id, func.max(ReviewEvent.at).label("at"))
               .group_by(ReviewEvent.submission_id).subquery())
    waiting = db.execute(select(Submission, reached.c.at).join(reached, reached.c.submission_id == Submission.id)
                         .where(Submission.state == "submitted", reached.c.at < now - dt.timedelta(days=wait))).all()
    for sub, since in waiting:
        chain = chains.get(sub.kind)
        if chain is None:
            continue
        agency = review.step_agency(db, sub, chain, sub.step)
        if agency is None:
            continue
        step = chain.step(sub.step)
        sent.reviewers += len(notifications.notify(
            db, notifications.agency_staff(db, agency.id), kind="reminder_waiting",
            title=f"【{chain.title}】“{sub.title}”已等待{step.title}超过{wait}天",
            body=f"“{sub.title}”于{since:%Y-%m-%d}进入{step.title}，至今已超过{wait}天，请及时审核。",
            object_type="submission", object_id=sub.id, module_key=sub.module_key,
            dedupe=f"waiting:{sub.id}:{sub.version}"))
    return sent
