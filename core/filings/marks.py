"""Field-level return (标记退回): when returning a record the reviewer marks
fields and attachment slots with a comment; the applicant sees the marks
next to those fields and listed at the top, and on resubmission the
reviewer sees what changed since the return.

What the record held when it was returned is kept with the marks, so the
difference is computed from stored values, not from the history of saves.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from ..attachments import services as attachments
from ..db import Base, utcnow
from . import services

COMMENT_MAX = 200


class ReturnMarks(Base):
    """The marks of one return (审核不通过) and the record as it was then."""

    __tablename__ = "filing_return_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("review_event.id", ondelete="CASCADE"))
    # {field or slot name: the reviewer's comment} — free text keyed by the declared names
    marks: Mapped[dict] = mapped_column(JSON, default=dict)
    # the values (as stored) and files ({slot: [[filename, sha256]]}) at the return
    values: Mapped[dict] = mapped_column(JSON, default=dict)
    files: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def titles(filing) -> dict[str, str]:
    """What can be marked: every filled field and every attachment slot, by name."""
    found = {f.name: f.label for f in filing.input_fields if not f.readonly}
    found.update({s.name: s.title for s in filing.all_slots})
    return found


def posted(filing, params) -> tuple[dict[str, str], dict[str, str]]:
    """The marks of the decision form (``mark`` = a name, ``mark_note.<name>``
    = its comment) and the errors naming what is wrong."""
    known = titles(filing)
    marks, errors = {}, {}
    for name in params.getall("mark") if hasattr(params, "getall") else params.get("mark", []):
        if name not in known:
            continue  # a name the form does not offer: ignored
        note = (params.get(f"mark_note.{name}") or "").strip()
        if len(note) > COMMENT_MAX:
            errors["marks"] = f"“{known[name]}”的标记说明不能超过{COMMENT_MAX}字"
        marks[name] = note or "请修改"
    return marks, errors


def files_now(db, filing, sub) -> dict[str, list[list[str]]]:
    found = attachments.files_for(db, filing.owner_type, sub.id)
    return {slot: sorted([a.filename, a.sha256 or ""] for a in items) for slot, items in found.items() if items}


def keep(db, filing, sub, event, marks: dict[str, str]) -> ReturnMarks:
    """Store the marks of the return ``event`` with the record as it is now."""
    row = ReturnMarks(submission_id=sub.id, event_id=event.id, marks=marks,
                      values=dict(services.content(db, filing, sub).data or {}), files=files_now(db, filing, sub))
    db.add(row)
    db.flush()
    return row


def latest(db, sub) -> ReturnMarks | None:
    return db.scalars(select(ReturnMarks).where(ReturnMarks.submission_id == sub.id)
                      .order_by(ReturnMarks.id.desc()).limit(1)).first()


def open_marks(db, sub) -> dict[str, str]:
    """The marks the applicant still has to act on: those of the last return,
    while the record is back with the applicant."""
    if sub.state not in ("returned", "draft"):
        return {}
    found = latest(db, sub)
    return dict(found.marks) if found is not None else {}


def changes_since_return(db, filing, sub) -> list[str] | None:
    """What changed since the last return, as readable lines (None: the
    record was never returned)."""
    found = latest(db, sub)
    if found is None:
        return None
    now = dict(services.content(db, filing, sub).data or {})
    before_typed, now_typed = services.typed(filing, found.values), services.typed(filing, now)
    lines = []
    for f in filing.input_fields:
        old, new = filing.display(before_typed, f), filing.display(now_typed, f)
        if old != new:
            mark = "（已标记）" if f.name in found.marks else ""
            lines.append(f"{f.label}{mark}：{old or '空'} → {new or '空'}")
    files = files_now(db, filing, sub)
    for slot in filing.all_slots:
        old = {tuple(x) for x in found.files.get(slot.name, [])}
        new = {tuple(x) for x in files.get(slot.name, [])}
        mark = "（已标记）" if slot.name in found.marks else ""
        for name, _ in sorted(new - old):
            lines.append(f"{slot.title}{mark}：新增文件 {name}")
        for name, _ in sorted(old - new):
            lines.append(f"{slot.title}{mark}：删除文件 {name}")
    untouched = [titles(filing).get(k, k) for k in found.marks
                 if not any(line.startswith(titles(filing).get(k, k)) for line in lines)]
    if untouched:
        lines.append("已标记但未修改：" + "、".join(untouched))
    return lines
