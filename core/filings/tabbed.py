"""The rules of a tabbed document: save one tab, compute its figures, list
what stops 提交, submit to a chosen agency.

Services take a :class:`Context` (database, actor, settings, storage) and
plain values, and record their own audit events, so a page, a JSON client,
a command and a test get the same rules and the same trail.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Mapping

from pyramid.settings import aslist
from sqlalchemy import bindparam, select

from ..agencies.models import Agency
from ..attachments import services as attachments
from ..attachments.models import Attachment
from ..audit.services import changes, record
from ..forms import Schema
from ..review import services as review
from ..review.models import Submission
from . import services
from .tables import DetailTable, cell_key, posted_rows, row_label, validate_row
from .tabs import Tab, compute
from .types import FilingType


@dataclass
class Context:
    db: Any
    actor: Any
    settings: Mapping[str, Any]
    storage: Any = None
    txn: Any = None  # the transaction a stored file is discarded with if it aborts
    ip: str | None = None

    @classmethod
    def of(cls, request) -> "Context":
        return cls(db=request.dbsession, actor=request.identity, settings=request.registry.settings,
                   storage=request.registry.get("kjgl.storage"), txn=request.tm.get(), ip=request.remote_addr)

    def audit(self, event: str, **detail):
        return record(self.db, None, event, user=self.actor, ip=self.ip, **detail)


@dataclass
class Outcome:
    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


@dataclass(frozen=True)
class Problem:
    tab: str
    key: str  # the field, cell (table-token-column) or slot it is about
    message: str


# --- reading ---------------------------------------------------------------------

def row_objects(db, table: DetailTable, sub_id: int) -> list:
    model = table.model
    return list(db.scalars(select(model).where(model.submission_id == sub_id)
                           .order_by(model.position, model.id)))


def row_values(table: DetailTable, obj) -> dict[str, Any]:
    return {"id": obj.id, **{c.name: getattr(obj, c.name) for c in table.columns}}


def stored_rows(db, filing: FilingType, sub_id: int) -> dict[str, list[dict]]:
    return {t.key: [row_values(t, o) for o in row_objects(db, t, sub_id)] for t in filing.tables}


def row_files(db, filing: FilingType, table: DetailTable, row_ids) -> dict[int, dict[str, list[Attachment]]]:
    """The proofs of each row: ``{row id: {slot: [files]}}``."""
    out: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    if not row_ids or not table.slots:
        return out
    for att in db.scalars(select(Attachment).where(Attachment.owner_type == filing.row_owner_type(table),
                                                   Attachment.owner_id.in_(list(row_ids)))
                          .order_by(Attachment.id)):
        out[att.owner_id][att.slot].append(att)
    return out


def token(row_id: int) -> str:
    """The page's token of a stored row."""
    return f"r{row_id}"


def shown_rows(db, filing: FilingType, table: DetailTable, stored: list[dict]) -> list[dict]:
    """The stored rows of ``table`` as pages and documents show them: token,
    id, the cells as text and the proofs by slot."""
    files = row_files(db, filing, table, [r["id"] for r in stored])
    return [{"token": token(r["id"]), "id": r["id"],
             "cells": {c.name: services.raw_value(r.get(c.name)) or "" for c in table.columns},
             "files": files.get(r["id"], {})} for r in stored]


def stored_values(db, filing: FilingType, sub: Submission) -> dict[str, Any]:
    """Every stored value of the document as the strings a person typed:
    the JSON content (tabs without a typed table, computed figures) and the
    rows of the tabs that declare a typed table (``Tab.model``)."""
    data = dict(services.content(db, filing, sub).data or {}) if filing.model is not None else {}
    for tab in filing.tabs:
        if tab.model is None:
            continue
        row = db.get(tab.model, sub.id)
        for f in tab.fields:
            value = getattr(row, f.name, None) if row is not None else None
            if value is not None:
                data[f.name] = services.raw_value(value)
    return data


def typed_row(db, model, sub_id: int):
    """The typed table's row of a document, made if it is missing."""
    row = db.get(model, sub_id)
    if row is None:
        row = model(submission_id=sub_id)
        db.add(row)
        db.flush()
    return row


def _write_fields(db, filing: FilingType, sub: Submission, tab: Tab, values: Mapping[str, Any],
                  figures: Mapping[str, str]) -> None:
    """Store one tab's clean values: in its typed table when it declares
    one, else in the JSON content; figures go to the JSON content."""
    if tab.model is not None:
        row = typed_row(db, tab.model, sub.id)
        for f in tab.fields:
            setattr(row, f.name, values.get(f.name))
    if filing.model is None:
        return
    content = services.content(db, filing, sub)
    names = {f.name for f in tab.fields}
    data = {k: v for k, v in (content.data or {}).items() if k not in names}
    if tab.model is None:
        data.update(services.serialise_fields(tab.fields, values))
    data.update(figures)
    content.data = data


# --- saving one tab ------------------------------------------------------------------

def _figures(filing: FilingType, rows: Mapping[str, list]) -> dict[str, str]:
    values = compute(filing.figures, rows)
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def save_tab(ctx: Context, filing: FilingType, sub: Submission, tab: Tab, params,
             expected_version: int | None) -> Outcome:
    """保存 one tab: its fields, its tables' rows (added, changed, removed,
    in page order) and the files posted for its rows and slots. Nothing of
    the other tabs is touched; every figure is recomputed from the rows."""
    review.ensure_editable(sub)
    db = ctx.db
    errors: dict[str, str] = {}
    before = stored_values(db, filing, sub)
    # a read-only field is filled by the system (from the carrier, the
    # organisation): what the client sends for it is ignored
    raw = {f.name: before.get(f.name) if f.readonly else params.get(f.name) for f in tab.fields}
    result = Schema(*tab.fields).validate(raw, partial=True)
    errors.update(result.errors)

    stored = stored_rows(db, filing, sub.id)
    posted: dict[str, list[tuple[str, dict]]] = {}
    for table in tab.tables:
        rows, message = posted_rows(table, params)
        if message:
            errors[table.key] = message
        posted[table.key] = rows
    # a row may name a row of another table (a team): the page's values for
    # tables of this tab, the stored ones for the others
    others = dict(stored)
    others.update({k: [r for _, r in rows] for k, rows in posted.items()})
    clean: dict[str, list[tuple[str, int | None, dict]]] = {}
    for table in tab.tables:
        known = {r["id"] for r in stored[table.key]}
        clean[table.key] = []
        for index, (tok, raw_row) in enumerate(posted[table.key]):
            values, row_errors = validate_row(table, tok, raw_row, index, batch=sub.batch, others=others,
                                              partial=True)
            errors.update(row_errors)
            row_id = None
            if raw_row.get("id"):
                row_id = int(raw_row["id"]) if str(raw_row["id"]).isdigit() else -1
                if row_id not in known:
                    errors[cell_key(table, tok, "id")] = f"{row_label(table, index, values)}已被删除或不属于本申报书，请刷新页面"
            clean[table.key].append((tok, row_id, values))
    if errors:
        return Outcome(False, errors, "本页内容未保存，请修改标红的内容后重新保存（已选择的附件需重新选择）")

    upload_errors: dict[str, str] = {}
    row_changes: dict[str, Any] = {}
    for table in tab.tables:
        objects = {o.id: o for o in row_objects(db, table, sub.id)}
        kept = []
        for position, (tok, row_id, values) in enumerate(clean[table.key]):
            obj = objects.pop(row_id, None) if row_id else None
            if obj is None:
                obj = table.model(submission_id=sub.id)
                db.add(obj)
            for name, value in values.items():
                setattr(obj, name, value)
            obj.position = position
            kept.append((tok, obj))
        for obj in objects.values():  # removed on the page
            for att in db.scalars(select(Attachment).where(Attachment.owner_type == filing.row_owner_type(table),
                                                           Attachment.owner_id == obj.id)):
                attachments.delete(db, ctx.storage, att, ctx.txn)
            db.delete(obj)
        db.flush()
        row_changes[table.key] = [len(stored[table.key]), len(kept)]
        for tok, obj in kept:
            for slot in table.slots:
                upload_errors.update(_store(ctx, filing.row_owner_type(table), obj.id, slot,
                                            params, cell_key(table, tok, slot.name)))
    for slot in tab.slots:
        upload_errors.update(_store(ctx, filing.owner_type, sub.id, slot, params, slot.name))
    review.touch_draft(db, sub, expected_version)
    _write_fields(db, filing, sub, tab, result.data, _figures(filing, stored_rows(db, filing, sub.id)))
    db.flush()
    data = stored_values(db, filing, sub)
    ctx.audit("filing_save", object_type=filing.owner_type, object_id=sub.id, tab=tab.key,
              changes=services.data_changes(filing, before, data),
              rows={k: v for k, v in row_changes.items() if v[0] != v[1]})
    if upload_errors:
        return Outcome(False, upload_errors, "本页已保存，但部分附件未上传成功")
    return Outcome(True, message=f"“{tab.title}”已保存")


def _store(ctx: Context, owner_type: str, owner_id: int, slot, params, name: str) -> dict[str, str]:
    """The files posted as ``name`` into ``slot``; a single-file slot's new
    file replaces the one it held."""
    files = attachments.uploads_in(params, name)
    if not files:
        return {}
    stored, messages = attachments.store_files(ctx.db, ctx.storage, ctx.settings, owner_type=owner_type,
                                               owner_id=owner_id, slot=slot, files=files, user=ctx.actor,
                                               txn=ctx.txn, ip=ctx.ip)
    if stored and not slot.multiple:  # the old file goes only once the new one is in
        for old in ctx.db.scalars(select(Attachment).where(
                Attachment.owner_type == owner_type, Attachment.owner_id == owner_id,
                Attachment.slot == slot.name, Attachment.id.not_in([a.id for a in stored]))):
            attachments.delete(ctx.db, ctx.storage, old, ctx.txn)
    return {name: "；".join(messages)} if messages else {}


# --- completeness and 提交 ----------------------------------------------------------

def problems(db, filing: FilingType, sub: Submission) -> list[Problem]:
    """Every problem that stops 提交, tab by tab, in page order."""
    data = stored_values(db, filing, sub)
    rows = stored_rows(db, filing, sub.id)
    doc_files = attachments.files_for(db, filing.owner_type, sub.id)
    out: list[Problem] = []
    for tab in filing.tabs:
        result = Schema(*tab.fields).validate({f.name: data.get(f.name) for f in tab.fields})
        out += [Problem(tab.key, name, message) for name, message in result.errors.items()]
        for table in tab.tables:
            table_rows = rows[table.key]
            if len(table_rows) < table.min_rows:
                out.append(Problem(tab.key, table.key, f"请在“{table.title}”中至少填写{table.min_rows}行"))
            files = row_files(db, filing, table, [r["id"] for r in table_rows])
            for index, row in enumerate(table_rows):
                raw = {k: services.raw_value(v) for k, v in row.items()}
                _, errs = validate_row(table, token(row["id"]), raw, index, batch=sub.batch, others=rows,
                                       partial=False, files=files.get(row["id"], {}))
                out += [Problem(tab.key, key, message) for key, message in errs.items()]
        for slot in tab.slots:
            if slot.required and not doc_files.get(slot.name):
                out.append(Problem(tab.key, slot.name, f"请上传{slot.title}"))
    return out


def completeness(db, filing: FilingType, sub: Submission) -> dict[str, int]:
    """Open problems per tab (0: complete), for the tab bar."""
    counts = {t.key: 0 for t in filing.tabs}
    for problem in problems(db, filing, sub):
        counts[problem.tab] += 1
    return counts


def accepting_tokens(settings: Mapping[str, Any], module_key: str) -> list[str]:
    """``kjgl.accepting.<module>``: agency codes, or ``level:city`` for every agency of a level."""
    return aslist(settings.get(f"kjgl.accepting.{module_key}", ""))


def accepting_agencies(db, settings: Mapping[str, Any], module_key: str) -> list[Agency]:
    """The agencies this deployment lets applicants choose for ``module_key``
    (``kjgl.accepting.<module>``: agency codes, or ``level:city`` for every
    agency of a level), in the order listed."""
    tokens = accepting_tokens(settings, module_key)
    if not tokens:
        return []
    return pick_accepting(tokens, db.scalars(agencies_statement(False, tuple(sorted(set(tokens))))))


def pick_accepting(tokens: list[str], candidates) -> list[Agency]:
    """The accepting agencies of ``tokens`` among ``candidates`` (which hold
    every agency a token names): in the order listed, a level's by path."""
    candidates = sorted(candidates, key=lambda a: a.path)
    out: list[Agency] = []
    for token in tokens:
        if token.startswith("level:"):
            found = [a for a in candidates if a.level == token[6:]]
        else:
            found = [a for a in candidates if a.code == token]
        out += [a for a in found if a not in out]
    return out


@functools.cache
def agencies_statement(with_province: bool, tokens: tuple[str, ...]):
    """One SELECT of the agencies ``tokens`` name (and, ``with_province``,
    the city-level bureaus of the region ``:region``). Asked on every page
    of agency staff (the filings' menu rules): built once per process and
    deployment setting."""
    from sqlalchemy import and_, false, or_

    levels = [t[6:] for t in tokens if t.startswith("level:")]
    codes = [t for t in tokens if not t.startswith("level:")]
    wanted = [Agency.level.in_(levels)] if levels else []
    wanted += [Agency.code.in_(codes)] if codes else []
    if with_province:
        wanted.append(and_(Agency.level == "city", Agency.region == bindparam("region")))
    return select(Agency).where(or_(*wanted) if wanted else false()).order_by(Agency.path)


def submit(ctx: Context, filing: FilingType, chain, sub: Submission, agency_id: Any = None
           ) -> tuple[Outcome, list[Problem]]:
    """提交申报材料: every tab valid, an accepting agency chosen (a chain
    whose first step is decided by the record's own district needs none);
    then locked."""
    review.ensure_editable(sub)
    found = problems(ctx.db, filing, sub)
    if found:
        return Outcome(False, message=f"提交失败：还有{len(found)}处需要完善，请逐项修改后重新提交"), found
    number = None
    if filing.versioned:  # the paper copy must carry the version that is submitted
        from .application import stale

        latest = stale(ctx.db, filing, sub)
        if not latest:
            message = ("尚未生成申报书，请先点击“下载材料”生成申报书，核对无误后再提交" if latest is None else
                       "申报内容在最近一次“下载材料”之后有修改，请重新点击“下载材料”生成最新版本的申报书，核对无误后再提交")
            return Outcome(False, {"document": message}, message), []
        number = latest.number
    if chain.step(0).level != review.CHOSEN:
        before = {"state": sub.state, "document_number": sub.document_number}
        try:
            review.submit(ctx.db, chain, sub, ctx.actor)
        except review.InvalidDecision as exc:
            return Outcome(False, {exc.field or "agency": exc.message}, exc.message), []
        sub.document_number = number
        first = review.step_agency(ctx.db, sub, chain, 0)
        ctx.audit("filing_submit", object_type=filing.owner_type, object_id=sub.id, agency=first.name,
                  changes=changes(before, {"state": sub.state, "document_number": sub.document_number}))
        return Outcome(True, message=f"已提交至{first.name}，{filing.submitted_message}"), []
    choices = {a.id: a for a in accepting_agencies(ctx.db, ctx.settings, filing.module_key)}
    chosen = choices.get(int(agency_id)) if str(agency_id or "").isdigit() else None
    if chosen is None:
        return Outcome(False, {"agency": "请选择受理机构"}, "请选择受理机构"), []
    before = {"state": sub.state, "document_number": sub.document_number}
    review.submit(ctx.db, chain, sub, ctx.actor, chosen=chosen)
    sub.document_number = number
    ctx.audit("filing_submit", object_type=filing.owner_type, object_id=sub.id, agency=chosen.name,
              changes=changes(before, {"state": sub.state, "document_number": sub.document_number}))
    return Outcome(True, message=f"已提交至{chosen.name}，提交后不能修改申报内容"), []


def create(ctx: Context, filing: FilingType, *, title: str, today: dt.date | None = None) -> Submission:
    """A new draft of the batch open today, named after its carrier."""
    batch = review.open_batch_for(ctx.db, filing.module_key, today)
    sub = review.create_draft(ctx.db, module_key=filing.module_key, kind=filing.kind, batch=batch,
                              organisation=ctx.actor.organisation, applicant=ctx.actor, title=title, today=today)
    if filing.model is not None:
        services.content(ctx.db, filing, sub).data = _figures(filing, {t.key: [] for t in filing.tables})
    ctx.audit("filing_create", object_type=filing.owner_type, object_id=sub.id, title=title)
    return sub
