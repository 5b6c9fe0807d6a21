"""Who may see and change an organisation's attachments (registered with
the attachment feature for owner type ``organisation``)."""
from __future__ import annotations

from ..attachments.owners import Refusal
from .models import Organisation
from .services import LOCKED_MESSAGES, editable


def can_view(request, org_id: int) -> bool:
    user = request.identity
    if user is None:
        return False
    if user.kind == "org_admin":
        return user.organisation_id == org_id
    if user.kind == "agency":
        org = request.dbsession.get(Organisation, org_id)
        return org is not None and user.agency is not None and user.agency.contains(org.agency)
    return False


def can_change(request, org_id: int) -> Refusal | None:
    user = request.identity
    if user is None or user.kind != "org_admin" or user.organisation_id != org_id:
        return Refusal(403, "只有本单位的法人用户可以修改单位信息的附件。")
    org = request.dbsession.get(Organisation, org_id)
    if not editable(org):
        return Refusal(409, LOCKED_MESSAGES.get(org.status, "单位信息当前不能修改。"))
    return None
