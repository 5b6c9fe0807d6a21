"""An individual's 管理单位: found by the organisation's full name, among
active organisations only, and chosen.

The search is an exact match on the full name (ignoring case, spaces and
full-width/half-width differences) so that nobody can list the registered
organisations by typing a fragment.
"""
from __future__ import annotations

from sqlalchemy import select

from ..names import name_key
from ..names import stored_name_key
from ..organisations.models import Organisation
from .services import revoke_all

NAME_MAX_LENGTH = 200
ADVICE_NOT_FOUND = "如果查不到管理单位，需先联系所属单位，注册法人用户。"


class ChoiceRefused(Exception):
    """Raised with the message the profile page shows."""


def find_active_by_full_name(dbsession, name: str) -> list[Organisation]:
    key = name_key(name or "")
    if not key:
        return []
    stmt = (
        select(Organisation)
        .where(Organisation.status == "active", stored_name_key(Organisation.name) == key)
        .order_by(Organisation.id)
    )
    return list(dbsession.scalars(stmt))


def choose_organisation(dbsession, user, org_id: int) -> tuple[Organisation, set[str]]:
    """Set the individual's organisation. Changing from one organisation to
    another removes all the user's module grants. Returns (organisation,
    grants removed)."""
    org = dbsession.get(Organisation, org_id)
    if org is None or org.status != "active":
        raise ChoiceRefused("所选单位不存在或尚未通过主管部门审核，请重新查询")
    if user.organisation_id == org.id:
        return org, set()
    removed = revoke_all(dbsession, user.id)
    user.organisation = org
    return org, removed
