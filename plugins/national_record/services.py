"""The operator's carriers and new applications: plain-argument services
(db, actor, values) that audit themselves."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kjgl.core.audit.services import changes, record, snapshot
from kjgl.core.filings import tabbed
from kjgl.core.filings.versions import DocumentVersion
from kjgl.core.forms import Field, Schema
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission

from .models import CARRIER_KINDS, CARRIER_LEVELS, Application, Carrier
from .schemas import FILING

CARRIER = Schema(
    Field("name", "载体名称", max_length=100, help="孵化器、众创空间或大学科技园的全称。"),
    Field("kind", "载体类型", "radio", choices=CARRIER_KINDS),
    Field("address", "地址", max_length=200),
    Field("founded_on", "成立时间", "date"),
    Field("level", "认定级别", "select", choices=CARRIER_LEVELS),
)
CARRIER_FIELDS = ("name", "kind", "address", "founded_on", "level")


def carriers_of(db, organisation_id: int) -> list[Carrier]:
    return list(db.scalars(select(Carrier).where(Carrier.organisation_id == organisation_id).order_by(Carrier.id)))


def save_carrier(db, actor, values, carrier: Carrier | None = None, ip=None) -> tuple[Carrier | None, dict]:
    result = CARRIER.validate(values)
    errors = dict(result.errors)
    if not errors and result.data["founded_on"] > dt.date.today():
        errors["founded_on"] = "成立时间不能晚于今天"
    if not errors:
        key = review.carrier_key(result.data["name"])
        clash = [c for c in carriers_of(db, actor.organisation_id)
                 if review.carrier_key(c.name) == key and c is not carrier]
        if clash:
            errors["name"] = f"本单位已有名为“{result.data['name']}”的载体"
    if errors:
        return None, errors
    before = snapshot(carrier, CARRIER_FIELDS) if carrier is not None else {}
    if carrier is None:
        carrier = Carrier(organisation_id=actor.organisation_id)
        db.add(carrier)
    for name in CARRIER_FIELDS:
        setattr(carrier, name, result.data[name])
    db.flush()
    record(db, None, "carrier_save", user=actor, ip=ip, object_type="national_record.carrier",
           object_id=carrier.id, changes=changes(before, snapshot(carrier, CARRIER_FIELDS)))
    return carrier, {}


def applications_of(db, organisation_id: int) -> list[tuple[Submission, Carrier | None]]:
    """The operator's applications with their carriers and batches (a row shows its year)."""
    rows = db.execute(
        select(Submission, Carrier).options(joinedload(Submission.batch))
        .join(Application, Application.submission_id == Submission.id)
        .outerjoin(Carrier, Carrier.id == Application.carrier_id)
        .where(Submission.module_key == FILING.module_key, Submission.organisation_id == organisation_id)
        .order_by(Submission.id.desc())).all()
    return [(s, c) for s, c in rows]


def latest_numbers(db, submission_ids) -> dict[int, str]:
    """The newest document version number of each application, in one query."""
    if not submission_ids:
        return {}
    newest = (select(func.max(DocumentVersion.id)).where(DocumentVersion.submission_id.in_(list(submission_ids)))
              .group_by(DocumentVersion.submission_id))
    return dict(db.execute(select(DocumentVersion.submission_id, DocumentVersion.number)
                           .where(DocumentVersion.id.in_(newest))).all())


def start_application(ctx: tabbed.Context, carrier: Carrier, today: dt.date | None = None) -> Submission:
    """新建众创空间国家备案申报书 for ``carrier`` in the batch open today;
    its basic information starts from the carrier and the operator."""
    sub = tabbed.create(ctx, FILING, title=carrier.name, today=today)
    content = ctx.db.get(Application, sub.id)
    content.carrier_id = carrier.id
    content.data = {**content.data, "name": carrier.name, "operator": ctx.actor.organisation.name,
                    "address": carrier.address, "founded_on": carrier.founded_on.isoformat()}
    return sub
