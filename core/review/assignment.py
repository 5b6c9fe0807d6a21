"""Reviewer assignment within an agency (分派) and conflicts of interest (回避).

A record at a step can be assigned, by the head (负责人) of the agency
deciding that step and by no one else, to one named reviewer of it; reassignment replaces the assignee and is audited with
both names. A reviewer who declares a conflict of interest on a record is
removed from it: the assignment is dropped and they can no longer decide it
(the engine's can_decide/decidable consult :func:`recused`).
"""
from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import DateTime, ForeignKey, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from ..accounts.models import User
from ..audit.services import record
from ..db import Base, utcnow
from .models import Submission


class Assignment(Base):
    __tablename__ = "review_assignment"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Recusal(Base):
    """A reviewer's declared conflict of interest on a record."""

    __tablename__ = "review_recusal"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(200))
    declared_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AssignmentError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotHead(AssignmentError):
    """The actor is not the head of their agency."""


def recused(db, submission_ids, user_id: int) -> set[int]:
    ids = list(submission_ids)
    if not ids:
        return set()
    return set(db.scalars(_recused(), {"ids": ids, "uid": user_id}))


def assignees(db, submission_ids) -> dict[int, User]:
    ids = list(submission_ids)
    if not ids:
        return {}
    return {sid: user for sid, user in db.execute(_assignees(), {"ids": ids}).all()}


def colleagues(db, agency_id: int) -> list[User]:
    """The agency's active staff (their sealed numbers left unread: the list shows names)."""
    return list(db.scalars(_colleagues(), {"agency_id": agency_id}))


# the reviewer's list asks these on every page: built once per process (a
# statement built per call cost about as much again as running it)
@functools.cache
def _recused():
    return select(Recusal.submission_id).where(Recusal.submission_id.in_(bindparam("ids", expanding=True)),
                                               Recusal.user_id == bindparam("uid"))


@functools.cache
def _assignees():
    from ..crypto import defer_sealed

    return (select(Assignment.submission_id, User).options(*defer_sealed(User))
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.submission_id.in_(bindparam("ids", expanding=True))))


@functools.cache
def _colleagues():
    from ..crypto import defer_sealed

    return (select(User).options(*defer_sealed(User))
            .where(User.kind == "agency", User.agency_id == bindparam("agency_id"), User.status == "active")
            .order_by(User.name, User.id))


def assign(db, chain, subs: list[Submission], actor, assignee_id: int, *, ip=None) -> tuple[list, list]:
    """Assign each record the actor's agency decides now to ``assignee_id``
    (a colleague of that agency). Returns (assigned, skipped with reasons)."""
    from ..agencies.heads import is_head
    from ..notifications import services as notifications
    from . import services as review

    if not is_head(db, actor):
        raise NotHead("只有本单位负责人可以分派审核记录")
    assignee = db.get(User, assignee_id)
    if assignee is None or assignee.kind != "agency" or assignee.agency_id != getattr(actor, "agency_id", None) \
            or assignee.status != "active":
        raise AssignmentError("请选择本单位的审核人员")
    blocked = recused(db, [s.id for s in subs], assignee.id)
    current = assignees(db, [s.id for s in subs])
    done, skipped = [], []
    for sub in subs:
        agency = review.step_agency(db, sub, chain, sub.step) if sub.state == "submitted" else None
        if agency is None or agency.id != actor.agency_id:
            skipped.append((sub, "不在本单位的审核环节"))
            continue
        if sub.id in blocked:
            skipped.append((sub, f"{assignee.name}已声明回避"))
            continue
        before = current.get(sub.id)
        if before is not None and before.id == assignee.id:
            skipped.append((sub, f"已分派给{assignee.name}"))
            continue
        row = db.get(Assignment, sub.id)
        if row is None:
            db.add(Assignment(submission_id=sub.id, user_id=assignee.id, assigned_by_id=actor.id))
        else:
            row.user_id, row.assigned_by_id, row.assigned_at = assignee.id, actor.id, utcnow()
        record(db, None, "review_assign", user=actor, ip=ip, object_type=f"{sub.module_key}.submission",
               object_id=sub.id, changes={"assignee": [before.name if before else "", assignee.name]})
        notifications.notify(db, [assignee], kind="review_todo",
                             title=f"【{chain.title}】“{sub.title}”已分派给您审核",
                             body=f"{actor.name}将“{sub.title}”分派给您，请及时审核。",
                             object_type="submission", object_id=sub.id, module_key=sub.module_key)
        done.append(sub)
    db.flush()
    return done, skipped


def declare_conflict(db, sub: Submission, actor, reason: str, *, ip=None) -> Recusal:
    """回避: the actor steps away from the record (and its assignment)."""
    reason = (reason or "").strip()
    if not reason:
        raise AssignmentError("请填写回避原因")
    if len(reason) > 200:
        raise AssignmentError("回避原因不能超过200字")
    if db.get(Recusal, (sub.id, actor.id)) is not None:
        raise AssignmentError("您已对该记录声明回避")
    row = Recusal(submission_id=sub.id, user_id=actor.id, reason=reason)
    db.add(row)
    assigned = db.get(Assignment, sub.id)
    if assigned is not None and assigned.user_id == actor.id:
        db.delete(assigned)
    record(db, None, "review_recuse", user=actor, ip=ip, object_type=f"{sub.module_key}.submission",
           object_id=sub.id, reason=reason)
    db.flush()
    return row
