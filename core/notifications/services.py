"""Who hears of what: in-app messages (站内消息) and, where the user wants it,
e-mail through the mail sender joined to the transaction.

Every function takes the database session and plain values. A message is a
row written in the caller's transaction, and its e-mail goes through
:func:`kjgl.core.messaging.mail_for` (the sender bound to that same
transaction), so a rolled-back request leaves neither a message nor a mail.
"""
from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, select, update

from ..accounts.models import User
from ..db import utcnow
from ..messaging import mail_for
from .models import Notification, NotificationPreference

# the kinds a user can choose to receive by e-mail, in the order the
# preferences page lists them
KINDS = {
    "review_todo": "有记录提交到我单位审核",
    "review_approved": "我的申报通过审核（或转入下一审核环节）",
    "review_returned": "我的申报被退回修改",
    "review_graded": "我的申报评价完成（等级、评分）",
    "org_review": "单位信息审核结果",
    "grant_change": "子系统使用授权变更",
    "reminder_deadline": "填报截止日期提醒",
    "reminder_waiting": "待审核记录超期提醒",
}

MAIL_FOOTER = "\n\n请登录平台，在“站内消息”中查看详情。本邮件由系统自动发送，请勿回复。"


def _unique_active(users) -> list[User]:
    seen, result = set(), []
    for user in users:
        if user is None or user.id in seen or user.status != "active":
            continue
        seen.add(user.id)
        result.append(user)
    return result


def email_wanted(db, user_ids, kind: str) -> set[int]:
    """Those of ``user_ids`` who take ``kind`` by e-mail (the default)."""
    ids = list(user_ids)
    if not ids:
        return set()
    declined = set(db.scalars(select(NotificationPreference.user_id).where(
        NotificationPreference.user_id.in_(ids), NotificationPreference.kind == kind,
        NotificationPreference.email.is_(False))))
    return set(ids) - declined


def notify(db, users, *, kind: str, title: str, body: str = "", object_type: str | None = None,
           object_id: int | None = None, module_key: str | None = None,
           dedupe: str | None = None) -> list[Notification]:
    """One message to each active user in ``users``, e-mailed to those with
    an address who did not decline ``kind``. With ``dedupe`` (a reminder's
    identity) a user who already got that message gets nothing."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = _unique_active(users)
    if dedupe is not None:
        keys = {u.id: f"{dedupe}:{u.id}" for u in recipients}
        sent = set(db.scalars(select(Notification.dedupe_key).where(
            Notification.dedupe_key.in_(list(keys.values()))))) if keys else set()
        recipients = [u for u in recipients if keys[u.id] not in sent]
    rows = [Notification(user_id=u.id, kind=kind, title=title[:200], body=body, object_type=object_type,
                         object_id=object_id, module_key=module_key,
                         dedupe_key=f"{dedupe}:{u.id}" if dedupe is not None else None)
            for u in recipients]
    db.add_all(rows)
    db.flush()
    mail = mail_for(db)
    if mail is not None:
        wanted = email_wanted(db, [u.id for u in recipients if u.email], kind)
        for user in recipients:
            if user.id in wanted:
                mail.send(db, user.email, title, body + MAIL_FOOTER)
    return rows


# --- recipients ---------------------------------------------------------------

def agency_staff(db, agency_id: int | None) -> list[User]:
    if agency_id is None:
        return []
    return list(db.scalars(select(User).where(User.kind == "agency", User.agency_id == agency_id,
                                              User.status == "active").order_by(User.id)))


def organisation_admins(db, organisation_id: int | None) -> list[User]:
    if organisation_id is None:
        return []
    return list(db.scalars(select(User).where(User.kind == "org_admin", User.organisation_id == organisation_id,
                                              User.status == "active").order_by(User.id)))


def applicant_side(db, sub) -> list[User]:
    """The applicant of a record and its organisation's admins."""
    return [db.get(User, sub.applicant_id), *organisation_admins(db, sub.organisation_id)]


# --- the events ---------------------------------------------------------------

def review_event(db, chain, sub, event, *, reviewers_of=None) -> list[Notification]:
    """What a transition of the review engine tells whom. ``reviewers_of`` is
    the agency now deciding the record (the step it was sent to), if any."""
    label = f"【{chain.title}】“{sub.title}”"
    about = {"object_type": "submission", "object_id": sub.id, "module_key": sub.module_key}
    sent: list[Notification] = []
    if sub.state == "submitted" and reviewers_of is not None:
        step = chain.step(sub.step)
        body = (f"{label}已提交至{reviewers_of.name}，等待{step.title}。"
                f"提交单位：{sub.organisation.name if sub.organisation else ''}。")
        sent += notify(db, agency_staff(db, reviewers_of.id), kind="review_todo",
                       title=f"{label}待{step.title}", body=body, **about)
    if event.decision == "submit":
        return sent
    opinion = f"审批意见：{event.opinion.rstrip('。.')}" if event.opinion else "审批意见：无"  # one full stop
    who = f"{event.agency_name or ''}（{event.step_title}）"
    if event.decision == "return":
        sent += notify(db, applicant_side(db, sub), kind="review_returned",
                       title=f"{label}审核不通过，已退回修改",
                       body=f"{who}退回了{label}。{opinion}。请按意见修改后重新提交。", **about)
    elif event.decision == "conclude":
        sent += notify(db, applicant_side(db, sub), kind="review_graded",
                       title=f"{label}评价完成：{sub.grade or ''}",
                       body=f"{who}完成评价。评价等级：{sub.grade or ''}；评分：{sub.score}。{opinion}。", **about)
    elif sub.state == "approved":
        sent += notify(db, applicant_side(db, sub), kind="review_approved", title=f"{label}已审核通过",
                       body=f"{who}审核通过，审核流程已完成。{opinion}。", **about)
    else:
        where = f"{reviewers_of.name}" if reviewers_of is not None else "下一审核单位"
        sent += notify(db, applicant_side(db, sub), kind="review_approved",
                       title=f"{label}已通过{event.step_title}，已转至{where}",
                       body=f"{who}审核通过，记录已转至{where}进行{chain.step(sub.step).title}。{opinion}。",
                       **about)
    return sent


def organisation_reviewed(db, org, decision: str, opinion: str) -> list[Notification]:
    if decision == "approve":
        title, body = f"单位“{org.name}”的信息已审核通过", "单位信息已审核通过，单位用户可以开始使用各子系统。"
    else:
        title = f"单位“{org.name}”的信息审核不通过"
        body = f"审核意见：{opinion or '无'}。请修改单位信息后重新提交。"
    return notify(db, organisation_admins(db, org.id), kind="org_review", title=title, body=body,
                  object_type="organisation", object_id=org.id)


def grants_changed(db, user, added: dict[str, str], removed: dict[str, str]) -> list[Notification]:
    """``added``/``removed``: module key → title."""
    parts = []
    if added:
        parts.append("已授权使用：" + "、".join(added.values()))
    if removed:
        parts.append("已取消授权：" + "、".join(removed.values()))
    if not parts:
        return []
    text = "；".join(parts)
    return notify(db, [user], kind="grant_change", title=f"子系统授权变更：{text}",
                  body=f"单位管理员调整了您的子系统使用授权。{text}。", object_type="user", object_id=user.id)


# --- reading ------------------------------------------------------------------

def unread_count(db, user_id: int) -> int:
    return db.scalar(_unread_count(), {"user_id": user_id}) or 0


@functools.cache
def _unread_count():
    # the header's bell asks on every page: a statement built once runs in
    # about a third of the CPU of one built per call (no construction, its
    # cache key memoised)
    return select(func.count()).select_from(Notification).where(
        Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))


def mark_read(db, user_id: int, ids=None) -> int:
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    return db.execute(stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def preferences(db, user_id: int) -> dict[str, bool]:
    stored = dict(db.execute(select(NotificationPreference.kind, NotificationPreference.email)
                             .where(NotificationPreference.user_id == user_id)).all())
    return {kind: stored.get(kind, True) for kind in KINDS}


def set_preferences(db, user_id: int, email_kinds: set[str]) -> dict[str, list[bool]]:
    """Store the kinds taken by e-mail; returns what changed ({kind: [old, new]})."""
    current = preferences(db, user_id)
    rows = {p.kind: p for p in db.scalars(select(NotificationPreference).where(
        NotificationPreference.user_id == user_id))}
    changed = {}
    for kind in KINDS:
        wanted = kind in email_kinds
        if current[kind] != wanted:
            changed[kind] = [current[kind], wanted]
        if kind in rows:
            rows[kind].email = wanted
        else:
            db.add(NotificationPreference(user_id=user_id, kind=kind, email=wanted))
    db.flush()
    return changed
