"""Field-level return (标记退回): when returning a record the reviewer marks
fields and attachment slots with a comment; the applicant sees the marks
next to those fields and listed at the top, and on resubmission the
reviewer sees what changed since the return.

What the record held when it was returned is kept with the marks, so the
difference is computed from stored values, not from the history of saves.

A tabbed document is marked the same way, on any tab: its fields and
document slots by name, a detail-table row as ``row.<table>.<row id>`` and
a row's proof as ``proof.<table>.<row id>.<slot>``. What is kept at the
return is the document's snapshot (:func:`kjgl.core.filings.application.
snapshot`), and the difference is :func:`kjgl.core.filings.snapshots.diff`
of it and the snapshot now: fields, rows and files across the tabs.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Target:
    """Something a reviewer can mark on a tabbed document, and where it is shown."""

    name: str
    title: str
    tab: str  # the tab's key
    anchor: str  # the element's id on the tab's page


def titles(filing, targets_of: list[Target] | None = None) -> dict[str, str]:
    """What can be marked: every filled field and every attachment slot, by
    name (and, given a tabbed document's targets, its rows and proofs)."""
    if targets_of is not None:
        return {t.name: t.title for t in targets_of}
    found = {f.name: f.label for f in filing.input_fields if not f.readonly}
    found.update({s.name: s.title for s in filing.all_slots})
    return found


def row_name(table, row_id) -> str:
    return f"row.{table.key}.{row_id}"


def proof_name(table, row_id, slot) -> str:
    return f"proof.{table.key}.{row_id}.{slot.name}"


def _row_title(table, number: int, cells) -> str:
    label = cells.get(table.label_column) if table.label_column else ""
    if not label and table.columns:
        label = cells.get(table.columns[0].name) or ""
    return f"{table.title}第{number}行" + (f"（{label}）" if label else "")


def targets(db, filing, sub) -> list[Target]:
    """Everything of a tabbed document a reviewer can mark, tab by tab in
    page order: fields, each row of each detail table and its proofs, the
    document slots."""
    from . import tabbed
    from .tables import cell_key

    stored = tabbed.stored_rows(db, filing, sub.id)
    out: list[Target] = []
    for tab in filing.tabs:
        if not tab.savable:
            continue
        where = f"{tab.title} · "
        out += [Target(f.name, where + f.label, tab.key, f"field-{f.name}") for f in tab.fields if not f.readonly]
        for table in tab.tables:
            for number, row in enumerate(stored[table.key], 1):
                tok = tabbed.token(row["id"])
                title = _row_title(table, number, {k: services.raw_value(v) for k, v in row.items()})
                out.append(Target(row_name(table, row["id"]), where + title, tab.key, f"row-{table.key}-{tok}"))
                out += [Target(proof_name(table, row["id"], slot), f"{where}{title} · {slot.title}", tab.key,
                               f"field-{cell_key(table, tok, slot.name)}") for slot in table.slots]
        out += [Target(slot.name, where + slot.title, tab.key, f"field-{slot.name}") for slot in tab.slots]
    return out


def posted(filing, params, known: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The marks of the decision form (``mark`` = a name, ``mark_note.<name>``
    = its comment) and the errors naming what is wrong; ``known`` is what
    can be marked (default: the one-page form's fields and slots)."""
    known = known if known is not None else titles(filing)
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
    """Store the marks of the return ``event`` with the record as it is now
    (a tabbed document: its whole snapshot)."""
    if filing.tabs:
        from .application import snapshot

        row = ReturnMarks(submission_id=sub.id, event_id=event.id, marks=marks, values=snapshot(db, filing, sub),
                          files={})
    else:
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
    if filing.tabs:
        return _tabbed_changes(db, filing, sub, found)
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


@dataclass(frozen=True)
class Shown:
    """The marks of a tabbed document as its applicant's pages show them."""

    notes: dict  # {name: comment}
    listed: list  # [(target, comment)] in page order
    per_tab: dict  # {tab key: count}


def shown_marks(db, filing, sub) -> Shown | None:
    """The open marks of a tabbed document with where each is (None: none)."""
    notes = open_marks(db, sub)
    if not notes:
        return None
    where = {t.name: t for t in targets(db, filing, sub)}
    listed, per_tab = [], {}
    for target in where.values():
        if target.name in notes:
            listed.append((target, notes[target.name]))
            per_tab[target.tab] = per_tab.get(target.tab, 0) + 1
    # a marked row removed since: still listed (its tab, no anchor)
    for name, note in notes.items():
        if name not in where:
            parts = name.split(".")
            table = next((t for t in filing.tables if len(parts) > 1 and t.key == parts[1]), None)
            tab = next((t for t in filing.tabs if table is not None and table in t.tables), None)
            if tab is not None:
                listed.append((Target(name, f"{tab.title} · {table.title}（已删除的行）", tab.key, ""), note))
                per_tab[tab.key] = per_tab.get(tab.key, 0) + 1
    return Shown(notes, listed, per_tab)


def _items(snap: dict) -> dict[str, object]:
    """What each markable name held in a snapshot, to tell whether it changed."""
    out: dict[str, object] = {}
    for tab in snap.get("tabs") or []:
        for f in tab.get("fields") or []:
            out[f["name"]] = f.get("value")
        for table in tab.get("tables") or []:
            for row in table.get("rows") or []:
                out[f"row.{table['key']}.{row.get('id')}"] = (row.get("cells"), row.get("files"))
                out[f"proofs.{table['key']}.{row.get('id')}"] = row.get("files")
        for slot in tab.get("files") or []:
            out[slot["slot"]] = slot.get("filenames")
    return out


def _tabbed_changes(db, filing, sub, found: ReturnMarks) -> list[str]:
    from .application import snapshot
    from .snapshots import diff

    now = snapshot(db, filing, sub)
    lines = diff(found.values or {}, now)
    before, after = _items(found.values or {}), _items(now)
    known = titles(filing, targets(db, filing, sub))
    changed, untouched = [], []
    for name in found.marks:
        key = "proofs." + ".".join(name.split(".")[1:3]) if name.startswith("proof.") else name
        title = known.get(name) or _gone_title(filing, name)
        (changed if before.get(key) != after.get(key) else untouched).append(title)
    if changed:
        lines.append("已标记并已修改：" + "、".join(changed))
    if untouched:
        lines.append("已标记但未修改：" + "、".join(untouched))
    return lines


def _gone_title(filing, name: str) -> str:
    parts = name.split(".")
    table = next((t for t in filing.tables if len(parts) > 1 and t.key == parts[1]), None)
    return f"{table.title}（已删除的行）" if table is not None else name
