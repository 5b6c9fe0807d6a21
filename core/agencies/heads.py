"""The agency's head (负责人): the one staff account of an agency who
assigns its records to named reviewers (分派, :mod:`kjgl.core.review.assignment`).

An agency has at most one head (the agency is the table's key); marking a
new head replaces the old one. The system admin, who manages agency staff,
marks and unmarks; every change is audited with the head before and after.
"""
from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy import DateTime, ForeignKey, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from ..accounts.models import User
from ..audit.services import record
from ..db import Base, utcnow


class AgencyHead(Base):
    __tablename__ = "agency_head"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class HeadRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def head_id(db, agency_id: int | None) -> int | None:
    if agency_id is None:
        return None
    return db.scalar(_head_of(), {"agency_id": agency_id})


@functools.cache
def _head_of():
    # asked on every reviewer's list: built once per process
    return select(AgencyHead.user_id).where(AgencyHead.agency_id == bindparam("agency_id"))


def is_head(db, user) -> bool:
    """Whether ``user`` is the head of their own agency."""
    if user is None or getattr(user, "kind", None) != "agency" or user.agency_id is None:
        return False
    return head_id(db, user.agency_id) == user.id


def _name(db, user_id: int | None) -> str:
    user = db.get(User, user_id) if user_id else None
    return f"{user.name}（{user.account}）" if user is not None else ""


def set_head(db, actor, staff: User, head: bool, *, request=None) -> bool:
    """Mark ``staff`` the head of their agency (``head``) or no longer;
    returns False when nothing changed."""
    if staff.kind != "agency" or staff.agency_id is None:
        raise HeadRefused("只有主管部门用户可以设为负责人")
    row = db.get(AgencyHead, staff.agency_id)
    before = row.user_id if row is not None else None
    if head:
        if staff.status != "active":
            raise HeadRefused("已禁用的用户不能设为负责人，请先启用")
        if before == staff.id:
            return False
        if row is None:
            row = AgencyHead(agency_id=staff.agency_id, user_id=staff.id, set_by_id=getattr(actor, "id", None))
            db.add(row)
        else:
            row.user_id, row.set_by_id, row.set_at = staff.id, getattr(actor, "id", None), utcnow()
    else:
        if before != staff.id:
            return False
        db.delete(row)
    before_name = _name(db, before)
    db.flush()
    after = head_id(db, staff.agency_id)
    record(db, request, "agency_head_change", user=actor, object_type="user", object_id=staff.id,
           target_account=staff.account, agency=staff.agency.name,
           changes={"agency_head": [before_name, _name(db, after)]})
    return True
