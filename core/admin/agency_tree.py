"""The agency tree as the admin pages show it: every agency in tree order
(for the 所属主管部门 chooser) and each agency's full name from the root
(天津市科学技术局 / 和平区科学技术局), read from the materialised path."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..agencies.models import Agency

SEPARATOR = " / "


@dataclass(frozen=True)
class AgencyOption:
    code: str
    name: str
    depth: int
    full_name: str
    agency: Agency | None = None  # the row, for the agency management page


def _ancestor_ids(agency: Agency) -> list[int]:
    return [int(part) for part in agency.path.strip("/").split("/") if part]


def tree_options(dbsession, *, active_only: bool = False) -> list[AgencyOption]:
    """All agencies, parents before their children, siblings in seeded order;
    with ``active_only`` a retired agency and its subtree are left out."""
    agencies = list(dbsession.scalars(select(Agency)))
    children: dict[int | None, list[Agency]] = {}
    for agency in agencies:
        children.setdefault(agency.parent_id, []).append(agency)
    for siblings in children.values():
        siblings.sort(key=lambda a: (a.sort, a.id))
    options: list[AgencyOption] = []

    def walk(parent_id, depth, prefix):
        for agency in children.get(parent_id, []):
            if active_only and agency.retired:
                continue
            full = prefix + [agency.name]
            options.append(AgencyOption(agency.code, agency.name, depth, SEPARATOR.join(full), agency))
            walk(agency.id, depth + 1, full)

    walk(None, 0, [])
    return options


def full_names(dbsession, agencies) -> dict[int, str]:
    """``{agency.id: "root / … / agency"}`` for the given agencies, in one query."""
    agencies = [a for a in agencies if a is not None]
    wanted = {i for a in agencies for i in _ancestor_ids(a)}
    if not wanted:
        return {}
    names = dict(dbsession.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted))).all())
    return {a.id: SEPARATOR.join(names.get(i, "?") for i in _ancestor_ids(a)) for a in agencies}
