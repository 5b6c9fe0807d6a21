"""Who may see which filing record: the applicant's organisation (its granted
individuals) and the reviewers whose subtree holds the record's district.
Anything else is "not found", so ids can't be probed."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from sqlalchemy import select

from ..attachments.owners import Refusal
from ..review import services as review
from ..review.models import Submission


def applicant_may_see(request, filing, sub: Submission | None) -> bool:
    user = request.identity
    return (sub is not None and user is not None and user.kind == "individual"
            and sub.module_key == filing.module_key and sub.kind == filing.kind and sub.organisation_id == user.organisation_id
            and filing.module_key in request.granted_modules)


def reviewer_may_see(request, filing, sub: Submission | None) -> bool:
    user = request.identity
    if sub is None or user is None or user.kind != "agency" or user.agency is None:
        return False
    if sub.module_key != filing.module_key or sub.kind != filing.kind:
        return False
    stmt = review.reviewer_scope(select(Submission.id).where(Submission.id == sub.id), user)
    return request.dbsession.scalar(stmt) is not None


def applicant_record(request, filing) -> Submission:
    sub = request.dbsession.get(Submission, int(request.matchdict["id"]))
    if not applicant_may_see(request, filing, sub):
        raise HTTPNotFound()
    return sub


def reviewer_record(request, filing) -> Submission:
    sub = request.dbsession.get(Submission, int(request.matchdict["id"]))
    if not reviewer_may_see(request, filing, sub):
        raise HTTPNotFound()
    return sub


def attachment_viewer(filing):
    def can_view(request, owner_id: int) -> bool:
        sub = request.dbsession.get(Submission, owner_id)
        return applicant_may_see(request, filing, sub) or reviewer_may_see(request, filing, sub)
    return can_view


def attachment_changer(filing):
    def can_change(request, owner_id: int):
        sub = request.dbsession.get(Submission, owner_id)
        if not applicant_may_see(request, filing, sub):
            return Refusal(403, "您没有修改此附件的权限。")
        if not sub.editable:
            return Refusal(409, "已提交的申报材料不能修改附件（如需修改，请等待审核退回）")
        return None
    return can_change


def row_attachment_rules(filing, table):
    """A detail-table row's proofs follow the rules of the record holding the row."""
    def record_of(request, row_id):
        row = request.dbsession.get(table.model, row_id)
        return request.dbsession.get(Submission, row.submission_id) if row is not None else None

    def can_view(request, owner_id: int) -> bool:
        sub = record_of(request, owner_id)
        return applicant_may_see(request, filing, sub) or reviewer_may_see(request, filing, sub)

    def can_change(request, owner_id: int):
        sub = record_of(request, owner_id)
        if not applicant_may_see(request, filing, sub):
            return Refusal(403, "您没有修改此附件的权限。")
        if not sub.editable:
            return Refusal(409, "已提交的申报材料不能修改附件（如需修改，请等待审核退回）")
        return None
    return can_view, can_change
