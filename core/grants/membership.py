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


# one answer for every refusal: it must not tell whose id was sent
NOT_CHOSEN = "所选单位不存在、尚未通过主管部门审核，或与输入的管理单位全称不一致，请重新查询"


def choose_organisation(dbsession, user, org_id: int, full_name: str) -> tuple[Organisation, set[str]]:
    """Set the individual's organisation: the active one with id ``org_id``
    whose full name is ``full_name`` (compared as the search compares), so
    that an id alone — another organisation's, guessed — joins nothing.
    Changing from one organisation to another removes all the user's module
    grants. Returns (organisation, grants removed)."""
    org = next((o for o in find_active_by_full_name(dbsession, full_name) if o.id == org_id), None)
    if org is None:
        raise ChoiceRefused(NOT_CHOSEN)
    if user.organisation_id == org.id:
        return org, set()
    removed = revoke_all(dbsession, user.id)
    user.organisation = org
    return org, removed
