"""The organisation's life cycle: 信息补全 (save / submit) and the competent
agency's decision.

incomplete ─submit─▶ pending ─approve─▶ active
returned ◀─return── pending;  returned ─submit─▶ pending
"""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from ..agencies.models import Agency
from ..agencies.services import in_subtree
from ..attachments.services import empty_slots
from .. import masking
from ..audit.services import changes, record, snapshot
from ..db import utcnow
from ..search import contains
from .choices import competent_agency
from .models import Organisation, OrganisationReview
from .schemas import OWNER_TYPE, SLOTS

EDITABLE = ("incomplete", "returned")
LOCKED_MESSAGES = {
    "pending": "单位信息已提交，正在等待主管部门审核，审核完成前不能修改。",
    "active": "单位信息已审核通过，不能再修改。如需变更请联系主管部门。",
}
ALREADY_DECIDED = "该单位已被审核"

# the form's fields that are plain columns of the same name
COLUMNS = ("legal_nature", "legal_type", "contact_name", "contact_mobile", "contact_email",
           "reg_district", "reg_address", "loc_district", "loc_address",
           "bank_account_name", "bank_name", "bank_account_no")
NOT_NULL = {"legal_type"}  # set at registration; an empty 暂存 keeps it
AUDIT_MASKS = {"contact_mobile": masking.mobile, "contact_email": masking.email,
               "bank_account_no": masking.id_number}


class Locked(Exception):
    """The organisation's information cannot be changed in its state."""


class AlreadyDecided(Exception):
    pass


def editable(org: Organisation) -> bool:
    return org.status in EDITABLE


def ensure_editable(org: Organisation) -> None:
    if not editable(org):
        raise Locked(LOCKED_MESSAGES.get(org.status, "单位信息当前不能修改。"))


def form_data(org: Organisation) -> dict[str, str]:
    """The stored values as the form shows them."""
    values = {name: getattr(org, name) or "" for name in COLUMNS}
    values["agency"] = org.agency.code if org.agency is not None and org.agency.level == "district" else ""
    return values


def apply(dbsession, org: Organisation, data: dict) -> None:
    ensure_editable(org)
    for name in COLUMNS:
        value = data.get(name)
        if value is None and name in NOT_NULL:
            continue
        setattr(org, name, value)
    org.agency = competent_agency(dbsession, data.get("agency"))


def save_draft(dbsession, org: Organisation, data: dict) -> None:
    """暂存: what is filled is stored, gaps are allowed."""
    apply(dbsession, org, data)


def missing_files(dbsession, org: Organisation):
    return empty_slots(dbsession, OWNER_TYPE, org.id, SLOTS)


def submit(dbsession, request, org: Organisation, data: dict) -> None:
    """提交: ``data`` has passed the full validation and every slot holds a
    file (the caller checked :func:`missing_files`)."""
    before = {**form_data(org), "status": org.status}
    apply(dbsession, org, data)
    org.status = "pending"
    org.submitted_at = utcnow()
    dbsession.flush()
    record(dbsession, request, "org_submit", object_type=OWNER_TYPE, object_id=org.id,
           agency=org.agency.code if org.agency else None,
           changes=changes(before, {**form_data(org), "status": org.status}, masks=AUDIT_MASKS))


def reviewable(reviewer_agency: Agency, *, status: str | None = "pending", name: str = ""):
    """The organisations a reviewer of ``reviewer_agency`` sees: those whose
    competent agency lies in its subtree (decided in the query)."""
    stmt = (select(Organisation).where(in_subtree(Organisation.agency_id, reviewer_agency))
            .options(joinedload(Organisation.agency)))
    if status:
        stmt = stmt.where(Organisation.status == status)
    if name:
        stmt = stmt.where(contains(Organisation.name, name))
    return stmt.order_by(Organisation.submitted_at.desc().nulls_last(), Organisation.id.desc())


def reviewable_one(dbsession, reviewer_agency: Agency | None, org_id: int) -> Organisation | None:
    if reviewer_agency is None:
        return None
    return dbsession.scalars(
        select(Organisation).where(Organisation.id == org_id,
                                   in_subtree(Organisation.agency_id, reviewer_agency))
    ).first()


def decide(dbsession, request, org: Organisation, reviewer, decision: str, opinion: str) -> OrganisationReview:
    """审核通过 / 审核不通过. Only a pending organisation can be decided; the
    state check is the UPDATE itself, so of two reviewers deciding at once
    exactly one changes the row and the other gets :class:`AlreadyDecided`."""
    now = utcnow()
    before = snapshot(org, ("status",))
    result = dbsession.execute(
        update(Organisation)
        .where(Organisation.id == org.id, Organisation.status == "pending")
        .values(status="active" if decision == "approve" else "returned", reviewed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AlreadyDecided(ALREADY_DECIDED)
    dbsession.refresh(org)
    review = OrganisationReview(organisation=org, reviewer_id=reviewer.id, decision=decision,
                                opinion=opinion or "", at=now)
    dbsession.add(review)
    dbsession.flush()
    record(dbsession, request, "org_review", object_type=OWNER_TYPE, object_id=org.id,
           decision=decision, opinion=opinion or "", changes=changes(before, snapshot(org, ("status",))))
    return review
