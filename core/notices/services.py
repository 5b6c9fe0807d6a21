"""Who a notice reaches, its states (草稿 → 已发布 → 已撤回) and read tracking.

The audience is decided in the query: a published notice reaches the users
in its publisher's subtree (agency staff of the subtree, and the users of
organisations whose competent agency lies in it), narrowed to the
individuals holding one module's grant, or to the users of organisations
of one 法人类型.
"""
from __future__ import annotations

import functools

from sqlalchemy import String, and_, bindparam, exists, false, literal, or_, select
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..agencies.models import Agency
from ..audit.services import record
from ..db import utcnow
from ..grants.models import ModuleGrant
from .models import TARGETS, Notice, NoticeRead


class NoticeError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def check(values: dict, modules: dict[str, str], org_types) -> dict[str, str]:
    errors = {}
    title, body = (values.get("title") or "").strip(), (values.get("body") or "").strip()
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > 200:
        errors["title"] = "标题不能超过200字"
    if not body:
        errors["body"] = "请填写正文"
    elif len(body) > 20000:
        errors["body"] = "正文不能超过20000字"
    target = values.get("target") or ""
    if target not in TARGETS:
        errors["target"] = "请选择发布范围"
    elif target == "module" and values.get("target_value") not in modules:
        errors["target_value"] = "请选择子系统"
    elif target == "org_type" and values.get("target_value") not in org_types:
        errors["target_value"] = "请选择单位类型"
    return errors


def save(db, actor, values: dict, notice: Notice | None = None, *, ip=None) -> Notice:
    """Create or change a draft of the actor's agency."""
    if notice is not None and notice.status != "draft":
        raise NoticeError("已发布或已撤回的通知不能修改")
    fields = dict(title=values["title"].strip(), body=values["body"].strip(), target=values["target"],
                  target_value=values.get("target_value") if values["target"] != "subtree" else None)
    if notice is None:
        notice = Notice(agency_id=actor.agency_id, created_by_id=actor.id, status="draft", **fields)
        db.add(notice)
        db.flush()
        record(db, None, "notice_save", user=actor, ip=ip, object_type="notice", object_id=notice.id,
               title=notice.title)
    else:
        for k, v in fields.items():
            setattr(notice, k, v)
        record(db, None, "notice_save", user=actor, ip=ip, object_type="notice", object_id=notice.id,
               title=notice.title)
    return notice


def publish(db, actor, notice: Notice, *, ip=None) -> None:
    if notice.status != "draft":
        raise NoticeError("只有草稿可以发布")
    notice.status, notice.published_at = "published", utcnow()
    record(db, None, "notice_publish", user=actor, ip=ip, object_type="notice", object_id=notice.id,
           title=notice.title)


def withdraw(db, actor, notice: Notice, *, ip=None) -> None:
    if notice.status != "published":
        raise NoticeError("只有已发布的通知可以撤回")
    notice.status, notice.withdrawn_at = "withdrawn", utcnow()
    record(db, None, "notice_withdraw", user=actor, ip=ip, object_type="notice", object_id=notice.id,
           title=notice.title)


def reaches(user):
    """The condition on ``Notice`` joined with its publisher ``Agency``
    selecting the published notices whose audience holds ``user``."""
    if user.kind == "agency":
        if user.agency is None:
            return false()
        # staff of the publisher's subtree: the publisher's path starts theirs
        return and_(Notice.status == "published", Notice.target == "subtree",
                    literal(user.agency.path).startswith(Agency.path))
    org = user.organisation
    if org is None or org.agency is None:
        return false()
    audience = [Notice.target == "subtree",
                and_(Notice.target == "org_type", Notice.target_value == org.legal_type)]
    if user.kind == "individual":
        audience.append(and_(Notice.target == "module", exists(select(ModuleGrant.id).where(
            ModuleGrant.user_id == user.id, ModuleGrant.module_key == Notice.target_value))))
    return and_(Notice.status == "published", literal(org.agency.path).startswith(Agency.path), or_(*audience))


def visible(db, user):
    """The notices ``user`` may read, unread first, newest first: (notice, read_at)."""
    read = select(NoticeRead.notice_id, NoticeRead.read_at).where(NoticeRead.user_id == user.id).subquery()
    stmt = (select(Notice, read.c.read_at).join(Agency, Agency.id == Notice.agency_id)
            .outerjoin(read, read.c.notice_id == Notice.id).where(reaches(user))
            .order_by(read.c.read_at.is_not(None), Notice.published_at.desc(), Notice.id.desc()))
    return stmt


def with_publisher(stmt):
    """:func:`visible`'s rows with their publisher (发布单位, which the lists
    show) from the join already there, not one query per publishing agency."""
    return stmt.options(contains_eager(Notice.agency))


def latest_visible(db, user, limit: int) -> list[tuple[Notice, object]]:
    """The first ``limit`` rows of :func:`visible` (the portal's notices) as
    (notice, read_at), each notice with its agency, in one statement built
    once per process and kind of audience: building this one per request cost
    about ten times running it."""
    if user.kind == "agency":
        if user.agency is None:
            return []
        variant, params = "agency", {"path": user.agency.path}
    else:
        org = user.organisation
        if org is None or org.agency is None:
            return []
        if org.legal_type is None:  # compares with IS NULL: the statement built for it
            return [tuple(row) for row in db.execute(with_publisher(visible(db, user)).limit(limit))]
        variant = "individual" if user.kind == "individual" else "organisation"
        params = {"path": org.agency.path, "legal_type": org.legal_type}
    return [tuple(row) for row in db.execute(_latest_visible(variant, limit), {**params, "uid": user.id})]


@functools.cache
def _latest_visible(variant: str, limit: int):
    """:func:`visible` and :func:`reaches` with bind parameters: ``uid``,
    ``path`` (the user's agency or organisation's agency) and ``legal_type``."""
    uid, path = bindparam("uid"), bindparam("path", type_=String())
    if variant == "agency":
        audience = and_(Notice.status == "published", Notice.target == "subtree", path.startswith(Agency.path))
    else:
        targets = [Notice.target == "subtree",
                   and_(Notice.target == "org_type", Notice.target_value == bindparam("legal_type"))]
        if variant == "individual":
            targets.append(and_(Notice.target == "module", exists(select(ModuleGrant.id).where(
                ModuleGrant.user_id == uid, ModuleGrant.module_key == Notice.target_value))))
        audience = and_(Notice.status == "published", path.startswith(Agency.path), or_(*targets))
    read = select(NoticeRead.notice_id, NoticeRead.read_at).where(NoticeRead.user_id == uid).subquery()
    return with_publisher(select(Notice, read.c.read_at).join(Agency, Agency.id == Notice.agency_id)
                          .outerjoin(read, read.c.notice_id == Notice.id).where(audience)
                          .order_by(read.c.read_at.is_not(None), Notice.published_at.desc(), Notice.id.desc())
                          .limit(limit))


def readable(db, user, notice_id: int) -> Notice | None:
    return db.scalars(select(Notice).join(Agency, Agency.id == Notice.agency_id)
                      .where(Notice.id == notice_id, reaches(user))).first()


def read_ids(db, user, notice_ids) -> set[int]:
    ids = list(notice_ids)
    if not ids:
        return set()
    return set(db.scalars(select(NoticeRead.notice_id).where(NoticeRead.user_id == user.id,
                                                             NoticeRead.notice_id.in_(ids))))


def mark_read(db, user, notice: Notice) -> None:
    if db.get(NoticeRead, (notice.id, user.id)) is None:
        db.add(NoticeRead(notice_id=notice.id, user_id=user.id))
        db.flush()


def unread_count(db, user) -> int:
    from sqlalchemy import func

    stmt = visible(db, user).subquery()
    return db.scalar(select(func.count()).select_from(stmt).where(stmt.c.read_at.is_(None))) or 0


def readers(db, notice: Notice) -> list[tuple[User, object]]:
    return list(db.execute(select(User, NoticeRead.read_at).join(NoticeRead, NoticeRead.user_id == User.id)
                           .where(NoticeRead.notice_id == notice.id).order_by(NoticeRead.read_at)).all())


def managed(db, actor):
    """The notices of the actor's agency (drafts included), newest first."""
    return select(Notice).where(Notice.agency_id == actor.agency_id).order_by(Notice.id.desc())



def publish_for_batch(db, actor, batch, module_title: str, title: str, body: str, *, ip=None) -> Notice:
    """A batch opening's notice (开放填报通知), published in the same step to
    the users of the batch's module in the opener's subtree."""
    values = {"title": title, "body": body, "target": "module", "target_value": batch.module_key}
    errors = check(values, {batch.module_key: module_title}, ())
    if errors:
        field, message = next(iter(errors.items()))
        raise NoticeError(message, field="notice_" + field)
    notice = save(db, actor, values, ip=ip)
    publish(db, actor, notice, ip=ip)
    return notice
