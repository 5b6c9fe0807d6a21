"""The review engine's rules, shared by every subsystem.

draft --submit--> submitted(step 0) --approve--> submitted(step 1) … --approve/conclude--> approved
                       \\--return (opinion required)--> returned --submit--> submitted(step 0)

Every write is a conditional UPDATE naming the state, step and version it
read, so two reviewers deciding the same record at once cannot both win: the
second UPDATE matches no row and gets :class:`AlreadyDecided`.
"""
from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from sqlalchemy import and_, bindparam, exists, select, update

from ..agencies.models import Agency
from ..audit.services import changes, record, snapshot
from ..db import utcnow
from ..hookspecs import ReviewChain
from ..names import name_key
from .assignment import recused
from .models import EDITABLE_STATES, Batch, ReviewEvent, Submission, SubmissionRoute

CHOSEN = "chosen"  # ReviewStep.level of a step decided by the agency the applicant chooses


class ReviewError(Exception):
    status = 409

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotEditable(ReviewError):
    """The applicant tried to change a record that is locked."""


class AlreadyDecided(ReviewError):
    """Somebody else changed the record since it was read."""


class InvalidDecision(ReviewError):
    status = 400

    def __init__(self, message: str, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message, field)
        self.errors = errors or ({field: message} if field else {})


class BatchClosed(ReviewError):
    status = 400


class DuplicateCarrier(ReviewError):
    status = 400


def carrier_key(title: str) -> str:
    """One record per carrier per batch: names compared as everywhere (kjgl.core.names)."""
    return name_key(title)


# --- batches -----------------------------------------------------------------

def open_batch(db, module_key: str, year: int, deadline: dt.date, opened_by, title: str | None = None,
               **dates) -> Batch:
    """A new batch, owned by the opener's agency (its jurisdiction); ``dates``
    sets the batch's cut-off and window (``cutoff_on``, ``window_start``,
    ``window_end``)."""
    existing = db.scalars(select(Batch).where(Batch.module_key == module_key, Batch.year == year)).first()
    if existing is not None:
        raise InvalidDecision(f"{year}年度的批次已存在（已关闭的批次可以重新开放或延长截止日期）", field="year")
    if dates.get("window_start") and dates.get("window_end") and dates["window_start"] > dates["window_end"]:
        raise InvalidDecision("活动时间范围的开始日期不能晚于结束日期", field="window_end")
    batch = Batch(module_key=module_key, year=year, deadline=deadline, status="open",
                  opened_by_id=getattr(opened_by, "id", None), title=title or f"{year}年度",
                  owner_agency_id=getattr(opened_by, "agency_id", None), **dates)
    db.add(batch)
    db.flush()
    return batch


def ensure_batch(db, module_key: str, year: int, deadline: dt.date, opened_by) -> Batch:
    """The module's batch of ``year``, opened now if there is none (demo data, set-up scripts)."""
    batch = db.scalars(select(Batch).where(Batch.module_key == module_key, Batch.year == year)).first()
    return batch if batch is not None else open_batch(db, module_key, year, deadline, opened_by)


def reaches(agency: Agency | None, root: Agency | None) -> bool:
    """Whether records kept under ``root``'s subtree can lie in ``agency``'s
    subtree: ``agency`` is ``root``, one of its ancestors or inside it. A
    bureau of another province reaches nothing of this one."""
    return agency is not None and root is not None and (agency.contains(root) or root.contains(agency))


def may_manage_batch(actor, batch: Batch) -> bool:
    """A batch is managed (closed, reopened, extended) by the agency that
    owns it and by that agency's ancestors — never by a sibling or another
    province's bureau."""
    agency = getattr(actor, "agency", None)
    owner = batch.owner_agency
    return getattr(actor, "kind", None) == "agency" and agency is not None and owner is not None \
        and agency.contains(owner)


class NotYours(ReviewError):
    status = 403


def _managed(actor, batch: Batch) -> None:
    if not may_manage_batch(actor, batch):
        owner = batch.owner_agency.name if batch.owner_agency is not None else "其他单位"
        raise NotYours(f"{batch.title}批次由{owner}开放，只有该单位及其上级单位可以管理")


def close_batch(db, batch: Batch, actor, request=None) -> None:
    """关闭: no new records and no more saving, whatever the deadline."""
    _managed(actor, batch)
    if batch.status == "closed":
        raise InvalidDecision(f"{batch.title}批次已关闭")
    before = snapshot(batch, ("status",))
    batch.status = "closed"
    db.flush()
    record(db, request, "batch_close", user=actor, object_type="review_batch", object_id=batch.id,
           changes=changes(before, snapshot(batch, ("status",))))


def reopen_batch(db, batch: Batch, actor, deadline: dt.date, *, today: dt.date, request=None) -> str:
    """A closed batch opened again until ``deadline`` (重新开放), or an open
    one's deadline moved later (延长截止日期). Returns the audited event."""
    _managed(actor, batch)
    if deadline < today:
        raise InvalidDecision("新的截止日期不能早于今天", field="deadline")
    if batch.status == "open" and deadline <= batch.deadline:
        raise InvalidDecision(f"新的截止日期须晚于当前截止日期{batch.deadline:%Y-%m-%d}", field="deadline")
    event = "batch_reopen" if batch.status == "closed" else "batch_extend"
    before = snapshot(batch, ("status", "deadline"))
    batch.status, batch.deadline = "open", deadline
    db.flush()
    record(db, request, event, user=actor, object_type="review_batch", object_id=batch.id,
           changes=changes(before, snapshot(batch, ("status", "deadline"))))
    return event


def open_batch_for(db, module_key: str, today: dt.date | None = None) -> Batch | None:
    """The batch accepting new records today, if any (the newest open one)."""
    today = today or dt.date.today()
    for batch in db.scalars(_open_batches(), {"module_key": module_key}):
        if batch.is_open(today):
            return batch
    return None


@functools.cache
def _open_batches():
    # asked by every applicant's list and form: built once per process
    return (select(Batch).where(Batch.module_key == bindparam("module_key"), Batch.status == "open")
            .order_by(Batch.year.desc()))


# --- the applicant's side ----------------------------------------------------------

def create_draft(db, *, module_key: str, kind: str, batch: Batch | None, organisation, applicant,
                 title: str, today: dt.date | None = None) -> Submission:
    if batch is None or not batch.is_open(today or dt.date.today()):
        raise BatchClosed("当前没有开放的申报批次，或已过截止日期，不能新增")
    title = (title or "").strip()
    if not title:
        raise InvalidDecision("请填写名称", field="title")
    key = carrier_key(title)
    duplicate = db.scalar(select(Submission.id).where(
        Submission.batch_id == batch.id, Submission.organisation_id == organisation.id,
        Submission.carrier_key == key))
    if duplicate is not None:
        raise DuplicateCarrier(f"“{title}”在{batch.title}已有一条记录，同一载体每个批次只能填报一次", field="title")
    sub = Submission(module_key=module_key, kind=kind, batch=batch, organisation_id=organisation.id,
                     applicant_id=applicant.id, title=title, carrier_key=key, state="draft")
    db.add(sub)
    db.flush()
    return sub


def ensure_editable(sub: Submission) -> None:
    if sub.state not in EDITABLE_STATES:
        raise NotEditable("已提交的申报材料不能修改（如需修改，请等待审核退回）")


def _conditional_update(db, sub: Submission, expect: dict, values: dict, message: str) -> None:
    stmt = update(Submission).where(Submission.id == sub.id)
    for column, value in expect.items():
        col = getattr(Submission, column)
        stmt = stmt.where(col.in_(value) if isinstance(value, (tuple, list)) else col == value)
    values = dict(values, version=Submission.version + 1)
    result = db.execute(stmt.values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.expire(sub)
        raise AlreadyDecided(message)
    db.refresh(sub)


def touch_draft(db, sub: Submission, expected_version: int | None = None, *, title: str | None = None,
                agency_id: int | None | bool = False) -> None:
    """Record that the applicant saved the draft (暂存). Refused once submitted,
    and refused when the draft changed since ``expected_version`` was read
    (another tab or person saved in between)."""
    ensure_editable(sub)
    expect = {"state": EDITABLE_STATES}
    if expected_version is not None:
        expect["version"] = expected_version
    values: dict = {"updated_at": utcnow()}
    if title is not None:
        values["title"] = title
        values["carrier_key"] = carrier_key(title)
    if agency_id is not False:
        values["agency_id"] = agency_id
    _conditional_update(db, sub, expect, values,
                        "该记录已在其他窗口或由他人修改，请刷新后重新编辑（您本次的修改未保存）")


def submit(db, chain: ReviewChain, sub: Submission, actor, chosen: Agency | None = None) -> ReviewEvent:
    """Lock the record, fix its route (the agency of every step) and send it
    to the first step. The caller has already validated the whole document
    and, for a chain with a ``chosen`` step, that ``chosen`` accepts it."""
    ensure_editable(sub)
    route = plan_route(db, chain, sub, chosen)
    values = {"state": "submitted", "step": 0, "submitted_at": utcnow(), "updated_at": utcnow(),
              "last_opinion": None}  # earlier opinions stay in the history
    if sub.agency_id is None or chain.step(0).level == CHOSEN:
        values["agency_id"] = route[0].id  # the agency whose subtree lists the record
    _conditional_update(db, sub, {"id": sub.id, "state": EDITABLE_STATES, "version": sub.version}, values,
                        "该记录状态已变化，请刷新后重试")
    db.execute(SubmissionRoute.__table__.delete().where(SubmissionRoute.submission_id == sub.id))
    db.add_all(SubmissionRoute(submission_id=sub.id, step=i, agency_id=a.id) for i, a in enumerate(route))
    db.flush()
    return _tell(db, chain, sub, _event(db, sub, actor, None, chain.step(0).key, "提交", "submit", ""))


def plan_route(db, chain: ReviewChain, sub: Submission, chosen: Agency | None = None) -> list[Agency]:
    """The agency of each step: the chosen one for a ``chosen`` step, else the
    record's agency or its ancestor of the step's level (for a step after a
    chosen one: the chosen agency's ancestor)."""
    base = db.get(Agency, sub.agency_id) if sub.agency_id else None
    route = []
    for step in chain.steps:
        if step.level == CHOSEN:
            if chosen is None:
                raise InvalidDecision("请选择受理机构", field="agency")
            base = agency = chosen
        else:
            agency = base
            while agency is not None and agency.level != step.level:
                agency = agency.parent
        if agency is None:
            raise InvalidDecision("请先选择所在区，以确定审核单位", field="district")
        route.append(agency)
    return route


# --- the reviewers' side -------------------------------------------------------

def step_agency(db, sub: Submission, chain: ReviewChain, index: int) -> Agency | None:
    """The agency deciding step ``index``, as stored when the record was
    submitted (a record put in review without :func:`submit`, as set-up
    scripts do, follows the tree as it is)."""
    agency_id = db.scalar(select(SubmissionRoute.agency_id).where(
        SubmissionRoute.submission_id == sub.id, SubmissionRoute.step == index))
    if agency_id is not None:
        return db.get(Agency, agency_id)
    if chain.step(index).level == CHOSEN:
        return None
    agency = db.get(Agency, sub.agency_id) if sub.agency_id else None
    while agency is not None and agency.level != chain.step(index).level:
        agency = agency.parent
    return agency


def can_decide(db, chain: ReviewChain, sub: Submission, reviewer) -> bool:
    if reviewer is None or reviewer.kind != "agency" or sub.state != "submitted":
        return False
    target = step_agency(db, sub, chain, sub.step)
    return target is not None and reviewer.agency is not None and reviewer.agency.id == target.id \
        and not recused(db, [sub.id], reviewer.id)  # a declared conflict of interest


def decidable(db, chain: ReviewChain, subs, reviewer) -> dict[int, bool]:
    """:func:`can_decide` for a list of records that :func:`reviewer_scope`
    has already limited to the reviewer's subtree, in one query: the stored
    route of each record's current step is compared with the reviewer's
    agency (a record without a stored route: the step is the reviewer's
    exactly when it is of the reviewer's level)."""
    agency = reviewer.agency if reviewer is not None and reviewer.kind == "agency" else None
    pending = [s.id for s in subs if s.state == "submitted"]
    routed: dict[int, int] = {}
    stepped_away: set[int] = set()
    if agency is not None and pending:
        for sid, routed_to, away in db.execute(_routes_and_recusals(), {"ids": pending, "uid": reviewer.id}):
            if routed_to is not None:
                routed[sid] = routed_to
            if away:
                stepped_away.add(sid)

    def mine(s) -> bool:
        if agency is None or s.state != "submitted" or s.id in stepped_away:
            return False
        if s.id in routed:
            return routed[s.id] == agency.id
        return chain.step(s.step).level == agency.level

    return {s.id: mine(s) for s in subs}


@functools.cache
def _routes_and_recusals():
    """Each record's stored route of its current step (if any) and whether
    the reviewer ``uid`` declared a conflict on it, for the records ``ids``:
    one statement, built once per process."""
    from .assignment import Recusal

    away = exists().where(Recusal.submission_id == Submission.id, Recusal.user_id == bindparam("uid"))
    return (select(Submission.id, SubmissionRoute.agency_id, away)
            .outerjoin(SubmissionRoute, and_(SubmissionRoute.submission_id == Submission.id,
                                             SubmissionRoute.step == Submission.step))
            .where(Submission.id.in_(bindparam("ids", expanding=True))))


def decide(db, chain: ReviewChain, sub: Submission, reviewer, *, decision: str, opinion: str = "",
           expected_version: int, grade: str | None = None, score: Decimal | None = None) -> ReviewEvent:
    opinion = (opinion or "").strip()
    if not can_decide(db, chain, sub, reviewer) or sub.version != expected_version:
        if sub.state != "submitted" or sub.version != expected_version:
            raise AlreadyDecided("该记录已被审核或状态已变化，您的操作未生效，请刷新查看最新状态")
        raise InvalidDecision("您无权审核该环节")
    step = chain.step(sub.step)
    expect = {"state": "submitted", "step": sub.step, "version": expected_version}
    if decision == "return":
        if not opinion:
            raise InvalidDecision("审核不通过时必须填写审批意见", field="opinion")
        values = {"state": "returned", "step": 0, "last_opinion": opinion}
    elif decision == "approve":
        if step.grades:
            problems = grading_problems(step, grade, score)
            if problems:  # every problem at once, not one per try
                raise InvalidDecision("；".join(problems.values()), field=next(iter(problems)), errors=problems)
            decision = "conclude"
        if sub.step < chain.last_index:
            values = {"step": sub.step + 1}
        else:
            values = {"state": "approved", "concluded_at": utcnow(), "grade": grade, "score": score}
        values["last_opinion"] = opinion or None  # the list shows the latest step's opinion only
    else:
        raise InvalidDecision("未知的审核操作", field="decision")
    _conditional_update(db, sub, expect, values,
                        "该记录已被其他审核人员处理，您的操作未生效，请刷新查看最新状态")
    event = _event(db, sub, reviewer, reviewer.agency, step.key, step.title, decision, opinion, grade, score)
    return _tell(db, chain, sub, event)


def grading_problems(step, grade, score) -> dict[str, str]:
    """What is missing or wrong in the grade and score of a grading step."""
    problems = {}
    if grade not in step.grades:
        problems["grade"] = "请选择评价等级"
    if score is None or not (Decimal(0) <= score <= Decimal(100)):
        problems["score"] = "请填写0-100之间的评分"
    return problems


def _tell(db, chain, sub, event):
    """Notify whom the transition concerns (the next step's reviewers, the
    applicant's side) in the same transaction."""
    from ..notifications import services as notifications

    deciding = step_agency(db, sub, chain, sub.step) if sub.state == "submitted" else None
    notifications.review_event(db, chain, sub, event, reviewers_of=deciding)
    return event


def _event(db, sub, actor, agency, step_key, step_title, decision, opinion, grade=None, score=None):
    event = ReviewEvent(submission_id=sub.id, actor_id=actor.id, actor_name=actor.name,
                        agency_name=getattr(agency, "name", None), step_key=step_key,
                        step_title=step_title, decision=decision, opinion=opinion, grade=grade, score=score)
    db.add(event)
    db.flush()
    return event


def reviewer_scope(stmt, reviewer):
    """Restrict a ``select(Submission)`` to what an agency reviewer may see:
    non-draft records whose agency (the district, or the agency chosen at
    submission) lies in the reviewer's subtree."""
    sub_agencies = select(Agency.id).where(Agency.path.startswith(reviewer.agency.path))
    return stmt.where(Submission.agency_id.in_(sub_agencies), Submission.state != "draft")


def history(db, sub: Submission) -> list[ReviewEvent]:
    return list(db.scalars(select(ReviewEvent).where(ReviewEvent.submission_id == sub.id)
                           .order_by(ReviewEvent.id)))
