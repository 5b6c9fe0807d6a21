"""The choice lists of 信息补全, read from the agency tree of the deployment."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..agencies.models import Agency
from ..agencies.services import province_bureau


@dataclass(frozen=True)
class AgencyGroup:
    title: str  # the parent agency (天津市科学技术局)
    agencies: tuple[Agency, ...]


def competent_agencies(dbsession) -> list[AgencyGroup]:
    """局级（区县）主管部门: every district-level agency in use (districts and
    functional zones; not a retired one), grouped under its parent, in tree order."""
    rows = dbsession.scalars(
        select(Agency).where(Agency.level == "district", Agency.status == "active")
        .order_by(Agency.parent_id, Agency.sort, Agency.id)
    )
    groups: dict[int | None, list[Agency]] = {}
    for agency in rows:
        groups.setdefault(agency.parent_id, []).append(agency)
    parents = {a.id: a for a in dbsession.scalars(select(Agency).where(Agency.id.in_([p for p in groups if p])))}
    ordered = sorted(groups.items(), key=lambda item: parents[item[0]].path if item[0] in parents else "")
    return [AgencyGroup(parents[pid].name if pid in parents else "", tuple(agencies))
            for pid, agencies in ordered]


def competent_agency(dbsession, code: str | None) -> Agency | None:
    if not code:
        return None
    agency = dbsession.scalars(select(Agency).where(Agency.code == code)).first()
    return agency if agency is not None and agency.level == "district" and not agency.retired else None


def province_districts(dbsession, province: str) -> list[str]:
    """The districts of the deployment's province (``kjgl.province``): the
    regions of the district bureaus under the province's city bureau.
    Functional zones are not administrative districts and are left out."""
    bureau = province_bureau(dbsession, province)
    if bureau is None:
        return []
    return list(dbsession.scalars(
        select(Agency.region).where(Agency.parent_id == bureau.id, Agency.level == "district",
                                    Agency.kind == "district").order_by(Agency.sort, Agency.id)
    ))
