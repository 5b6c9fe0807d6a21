"""The agency tree: seeding it and scoping queries to a subtree."""
from __future__ import annotations

import functools

from pyramid.settings import aslist
from sqlalchemy import bindparam, select

from .models import Agency
from .tree_data import tree_for


def seed_tree(dbsession, settings: dict, created: list | None = None) -> Agency:
    """Create the deployment's agency tree (``kjgl.agency_tree``).

    Idempotent, agency by agency: a code already present is left as it is —
    renamed, moved or retired by the system admin, it stays so — and only
    missing codes are added (under their seeded parent). The codes created
    are appended to ``created`` when given."""
    root = tree_for(aslist(settings.get("kjgl.agency_tree", "tianjin")))
    existing = {a.code: a for a in dbsession.scalars(select(Agency))}

    def add(node, parent, sort):
        code, name, level, kind, region, children = node
        agency = existing.get(code)
        if agency is None:
            agency = Agency(code=code, name=name, level=level, kind=kind, parent=parent, sort=sort,
                            region=region, status="active")
            dbsession.add(agency)
            dbsession.flush()
            agency.path = (parent.path if parent else "/") + f"{agency.id}/"
            existing[code] = agency
            if created is not None:
                created.append(code)
        for i, child in enumerate(children):
            add(child, agency, i)
        return agency

    return add(root, None, 0)


def seed_deployment(dbsession, settings: dict, actor) -> list[str]:
    """``kjgl db upgrade`` (and ``serve``, ``create-admin``): the deployment's
    agency tree, so that registrants have a 主管部门 to choose without demo
    data. Audited (as the command's actor) when it added anything."""
    from ..audit.services import record

    created: list[str] = []
    seed_tree(dbsession, settings, created)
    if created:
        record(dbsession, None, "agency_seed", user=actor, object_type="agency",
               tree=settings.get("kjgl.agency_tree", "tianjin"), created=len(created))
    return created


def in_subtree(column_agency_id, agency: Agency):
    """A WHERE clause: the row's agency lies in ``agency``'s subtree."""
    sub = select(Agency.id).where(Agency.path.startswith(agency.path))
    return column_agency_id.in_(sub)


def province_bureau(dbsession, province: str | None) -> Agency | None:
    """The city-level bureau governing ``province`` (天津市 → 天津市科学技术局)."""
    if not province:
        return None
    return dbsession.scalars(_province_bureau(), {"region": province}).first()


@functools.cache
def _province_bureau():
    # asked on every page of agency staff (the filings' menu rules): built once per process
    return select(Agency).where(Agency.level == "city", Agency.region == bindparam("region")).order_by(Agency.id)


def districts(dbsession, within: Agency | None = None) -> list[Agency]:
    """District-level agencies (in ``within``'s subtree) in their official
    order: by their city's place in the tree, then their own. (Ordering by
    the path string put /1/10/ before /1/2/: 滨海新区 before 河东区.)"""
    if within is None:
        return list(dbsession.scalars(_districts(False)))
    return list(dbsession.scalars(_districts(True), {"prefix": within.path}))


@functools.cache
def _districts(within: bool):
    # the district filter of every reviewer's list: built once per process
    from sqlalchemy.orm import aliased, contains_eager

    city = aliased(Agency)
    stmt = (select(Agency).join(city, Agency.parent).options(contains_eager(Agency.parent, alias=city))
            .where(Agency.level == "district").order_by(city.sort, city.id, Agency.sort, Agency.id))
    if within:
        stmt = stmt.where(Agency.path.startswith(bindparam("prefix")))
    return stmt


def by_code(dbsession, code: str) -> Agency | None:
    return dbsession.scalars(select(Agency).where(Agency.code == code)).first()
