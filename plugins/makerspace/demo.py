"""Demo data: this year's evaluation batch and one draft of the demo
organisation (``kjgl demo``). Running it again adds nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kjgl.core.accounts.models import User
from kjgl.core.filings import services as filings
from kjgl.core.review import services as review
from kjgl.core.review.models import Batch, Submission

from .samples import evaluation_sample
from .schemas import FILING


def current_batch(db, today: dt.date | None = None) -> Batch:
    """This year's batch (deadline 31 December), opened by the city bureau's demo reviewer."""
    year = (today or dt.date.today()).year
    city = db.scalars(select(User).where(User.account == "tjkjj")).first()
    return review.ensure_batch(db, FILING.module_key, year, dt.date(year, 12, 31), city)


def load(db, context: dict) -> None:
    batch = current_batch(db)
    org, applicant = context["organisations"]["hp"], context["users"]["zhangmin"]
    raw = evaluation_sample()
    raw.update(FILING.prefill(org))
    result = FILING.schema.validate(raw)
    exists = db.scalar(select(Submission.id).where(
        Submission.batch_id == batch.id, Submission.organisation_id == org.id,
        Submission.carrier_key == review.carrier_key(raw[FILING.name_field])))
    if exists is not None:
        return
    sub = review.create_draft(db, module_key=FILING.module_key, kind=FILING.kind, batch=batch, organisation=org,
                              applicant=applicant, title=raw[FILING.name_field])
    agency = filings.district_agency(db, {"kjgl.province": "天津市"}, raw[FILING.district_field])
    sub.agency_id = agency.id if agency else None
    db.add(FILING.model(submission_id=sub.id, data=filings.serialise(FILING, result.data)))
    db.flush()
