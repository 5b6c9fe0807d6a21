"""The rules of a yearly filing (增加, 暂存, 提交 …) on top of the review engine.

Values are kept as the strings a person typed, once they are well formed
(``serialise``), so a draft re-opens exactly as it was saved, and the schema
turns them back into typed values for checks and exports (``typed``).
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from .. import masking
from ..agencies.models import Agency
from ..attachments import services as attachments
from ..audit.services import changes
from ..forms import Schema
from ..review import services as review
from ..review.models import Batch, Submission
from .types import FilingType


@dataclass
class Outcome:
    ok: bool
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""


def raw_value(value) -> str | None:
    """A typed value as the string a person would have typed."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else ""
    return str(value)


def serialise_fields(fields, data: dict) -> dict[str, str]:
    return {f.name: raw_value(data[f.name]) for f in fields if data.get(f.name) is not None}


def serialise(filing: FilingType, data: dict) -> dict[str, str]:
    return serialise_fields(filing.input_fields, data)


# a long text is logged by its first characters (the record keeps the whole text)
AUDIT_TEXT_LIMIT = 60


def data_changes(filing: FilingType, before: dict | None, after: dict | None) -> dict:
    """The stored values that differ, for the audit log: personal fields
    masked by their kind, long texts cut."""
    masks = {f.name: (lambda v, f=f: masking.field_value(f, v)) for f in filing.fields if masking.is_personal(f)}
    return changes(before or {}, after or {}, masks=masks, limit=AUDIT_TEXT_LIMIT)


def typed(filing: FilingType, stored: dict) -> dict:
    """The stored strings as typed values (malformed ones can't be stored),
    computed figures included."""
    return Schema(*filing.fields).validate(stored or {}, partial=True).data


def content(db, filing: FilingType, sub: Submission):
    row = db.get(filing.model, sub.id)
    if row is None:
        row = filing.model(submission_id=sub.id, data={})
        db.add(row)
    return row


def district_agency(db, settings: dict, district: str | None) -> Agency | None:
    """The district-level agency of this deployment's province governing ``district``."""
    if not district:
        return None
    province = settings.get("kjgl.province")
    candidates = db.scalars(select(Agency).where(Agency.level == "district", Agency.region == district))
    for agency in candidates:
        if agency.parent is not None and agency.parent.region == province:
            return agency
    return None


def chain_for(request, filing: FilingType):
    return request.registry["kjgl.review_chains"][filing.kind]


def records_of(db, filing: FilingType, organisation_id: int) -> list[Submission]:
    return list(db.scalars(_records_of(), {"module_key": filing.module_key, "organisation_id": organisation_id}))


@functools.cache
def _records_of():
    # the applicant's list: built once per process (no construction, cached key)
    return (select(Submission).join(Batch).options(contains_eager(Submission.batch))
            .where(Submission.module_key == bindparam("module_key"),
                   Submission.organisation_id == bindparam("organisation_id"))
            .order_by(Batch.year.desc(), Submission.id.desc()))


def _validate(request, filing: FilingType, raw, partial: bool, organisation):
    data = {k: v for k, v in raw.items() if k in filing.schema.by_name and not hasattr(v, "file")}
    if filing.prefill:  # operator name / credit code come from the organisation, not from the form
        data.update(filing.prefill(organisation))
    return data, filing.schema.validate(data, partial=partial)


def create(request, filing: FilingType, raw, today: dt.date | None = None) -> tuple[Submission | None, Outcome]:
    """增加 + first 暂存: create the draft from the posted form."""
    user = request.identity
    org = user.organisation
    data, result = _validate(request, filing, raw, True, org)
    name = result.data.get(filing.name_field)
    errors = dict(result.errors)
    if not name and filing.name_field not in errors:
        errors[filing.name_field] = f"请先填写{filing.schema.by_name[filing.name_field].label}再暂存"
    if errors:
        return None, Outcome(False, errors, "暂存失败，请修改标红的内容")
    batch = review.open_batch_for(request.dbsession, filing.module_key, today)
    try:
        sub = review.create_draft(request.dbsession, module_key=filing.module_key, kind=filing.kind, batch=batch,
                                  organisation=org, applicant=user, title=name, today=today)
    except review.ReviewError as exc:
        return None, Outcome(False, {exc.field or filing.name_field: exc.message}, exc.message)
    agency = district_agency(request.dbsession, request.registry.settings, result.data.get(filing.district_field))
    sub.agency_id = agency.id if agency else None
    content(request.dbsession, filing, sub).data = serialise(filing, result.data)
    return sub, Outcome(True, message="已暂存")


def save(request, filing: FilingType, sub: Submission, raw, expected_version: int | None) -> Outcome:
    """暂存: store the well-formed form values and any files posted with them.

    A save refused for its fields stores nothing, its files included; files
    are stored once the fields are, and a refused file does not undo the save."""
    review.ensure_editable(sub)
    data, result = _validate(request, filing, raw, True, sub.organisation)
    errors = dict(result.errors)
    name = result.data.get(filing.name_field)
    if not name and filing.name_field not in errors:
        errors[filing.name_field] = f"{filing.schema.by_name[filing.name_field].label}不能为空"
    if name and review.carrier_key(name) != sub.carrier_key:
        clash = request.dbsession.scalar(select(Submission.id).where(
            Submission.batch_id == sub.batch_id, Submission.organisation_id == sub.organisation_id,
            Submission.carrier_key == review.carrier_key(name), Submission.id != sub.id))
        if clash is not None:
            errors[filing.name_field] = f"“{name}”在本批次已有一条记录，同一载体每个批次只能填报一次"
    if errors:
        return Outcome(False, errors, "表单内容未保存，请修改标红的内容后重新暂存" +
                       ("（所选附件也未上传，请重新选择）" if attachments.posted(raw, filing.all_slots) else ""))
    agency = district_agency(request.dbsession, request.registry.settings, result.data.get(filing.district_field))
    review.touch_draft(request.dbsession, sub, expected_version, title=name,
                       agency_id=agency.id if agency else None)
    content(request.dbsession, filing, sub).data = serialise(filing, result.data)
    _, upload_errors = attachments.save_uploads(request, filing.owner_type, sub.id, filing.all_slots)
    if upload_errors:
        return Outcome(False, upload_errors, "表单已暂存，但部分附件未上传成功")
    return Outcome(True, message="已暂存")


def problems_before_submit(request, filing: FilingType, sub: Submission) -> dict[str, str]:
    """Every problem that stops 提交, by field or slot name."""
    stored = content(request.dbsession, filing, sub).data or {}
    data, result = _validate(request, filing, stored, False, sub.organisation)
    errors = dict(result.errors)
    for slot in attachments.empty_slots(request.dbsession, filing.owner_type, sub.id, filing.all_slots):
        if slot is filing.signature_slot:
            errors[slot.name] = f"请上传{slot.title}" + (f"（{slot.help}）" if slot.help else "")
        else:
            errors[slot.name] = f"请上传{slot.title}"
    if sub.agency_id is None and filing.district_field not in errors:
        errors[filing.district_field] = "所在区没有对应的审核单位，请重新选择"
    return errors


def submit(request, filing: FilingType, sub: Submission) -> Outcome:
    review.ensure_editable(sub)
    errors = problems_before_submit(request, filing, sub)
    if errors:
        return Outcome(False, errors, "提交失败：以下内容需要完善，请修改后重新提交")
    review.submit(request.dbsession, chain_for(request, filing), sub, request.identity)
    return Outcome(True, message=filing.submitted_message)
