"""Standing records: a document an organisation keeps for years (an
enterprise's basic information) rather than files once a year.

Each change is a new *version*: a :class:`~kjgl.core.review.models.Submission`
of the module's standing batch (year 0, never closing) that goes through the
review chain like any filing. The newest approved version is the record as
everyone sees it; a newer version in draft, under review or returned does not
replace it until it is approved; every version and its review history is kept.

A new version starts as a copy of the approved one (its typed rows, JSON
content and detail-table rows), so the applicant changes only what changed.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, select

from ..review import services as review
from ..review.models import Batch, Submission
from . import services, tabbed
from .types import FilingType

STANDING_YEAR = 0
STANDING_TITLE = "常设记录"
STANDING_DEADLINE = dt.date(9999, 12, 31)


def standing_batch(db, module_key: str) -> Batch:
    """The module's batch holding every version of its standing records."""
    batch = db.scalars(select(Batch).where(Batch.module_key == module_key, Batch.year == STANDING_YEAR)).first()
    if batch is None:
        batch = Batch(module_key=module_key, year=STANDING_YEAR, title=STANDING_TITLE, deadline=STANDING_DEADLINE,
                      status="open")
        db.add(batch)
        db.flush()
    return batch


def versions(db, filing: FilingType, organisation_id: int) -> list[Submission]:
    """Every version of the organisation's record, newest first."""
    return list(db.scalars(
        select(Submission).join(Batch)
        .where(Submission.module_key == filing.module_key, Submission.kind == filing.kind,
               Batch.year == STANDING_YEAR, Submission.organisation_id == organisation_id)
        .order_by(Submission.id.desc())))


def approved(all_versions: list[Submission]) -> Submission | None:
    """The version everyone sees: the newest approved one."""
    return next((v for v in all_versions if v.state == "approved"), None)


def working(all_versions: list[Submission]) -> Submission | None:
    """The version being changed or reviewed, newer than the approved one."""
    newest = all_versions[0] if all_versions else None
    return newest if newest is not None and newest.state != "approved" else None


def version_number(sub: Submission) -> int:
    return int(sub.carrier_key[1:]) if sub.carrier_key.startswith("v") and sub.carrier_key[1:].isdigit() else 0


def start_version(ctx: tabbed.Context, filing: FilingType, organisation, title: str) -> Submission:
    """A new draft version, copied from the approved one. Refused while a
    version is still a draft, under review or returned (one change at a time)."""
    db = ctx.db
    found = versions(db, filing, organisation.id)
    if working(found) is not None:
        raise review.InvalidDecision("已有一个正在修改或审核中的版本，请在该版本上修改", field="version")
    number = (version_number(found[0]) if found else 0) + 1
    batch = standing_batch(db, filing.module_key)
    sub = Submission(module_key=filing.module_key, kind=filing.kind, batch=batch, organisation_id=organisation.id,
                     applicant_id=ctx.actor.id, title=title, carrier_key=f"v{number}", state="draft")
    db.add(sub)
    db.flush()
    base = approved(found)
    if base is not None:
        _copy(db, filing, base, sub)
    ctx.audit("standing_version_start", object_type=filing.owner_type, object_id=sub.id, version=number,
              based_on=base.id if base is not None else None)
    return sub


def _copy(db, filing: FilingType, source: Submission, target: Submission) -> None:
    models = []
    for tab in filing.tabs:
        if tab.model is not None and tab.model not in models:
            models.append(tab.model)
    for model in models:
        row = db.get(model, source.id)
        if row is None:
            continue
        columns = [c.key for c in inspect(model).column_attrs if c.key != "submission_id"]
        copy = model(submission_id=target.id, **{c: getattr(row, c) for c in columns})
        db.add(copy)
    if filing.model is not None:
        services.content(db, filing, target).data = dict(services.content(db, filing, source).data or {})
    for table in filing.tables:
        for row in tabbed.row_objects(db, table, source.id):
            db.add(table.model(submission_id=target.id, position=row.position,
                               **{c.name: getattr(row, c.name) for c in table.columns}))
    db.flush()
