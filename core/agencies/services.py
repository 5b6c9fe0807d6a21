"""The agency tree: seeding it and scoping queries to a subtree."""
from __future__ import annotations

from pyramid.settings import aslist
from sqlalchemy import select

from .models import Agency
from .tree_data import tree_for


def seed_tree(dbsession, settings: dict) -> Agency:
    """Create the deployment's agency tree (idempotent: existing codes are kept)."""
    root = tree_for(aslist(settings.get("kjgl.agency_tree", "tianjin")))
    existing = {a.code: a for a in dbsession.scalars(select(Agency))}

    def add(node, parent, sort):
        code, name, level, kind, region, children = node
        agency = existing.get(code)
        if agency is None:
            agency = Agency(code=code, name=name, level=level, kind=kind, parent=parent, sort=sort)
            dbsession.add(agency)
            dbsession.flush()
            agency.path = (parent.path if parent else "/") + f"{agency.id}/"
            existing[code] = agency
        agency.region = region
        for i, child in enumerate(children):
            add(child, agency, i)
        return agency

    return add(root, None, 0)


def in_subtree(column_agency_id, agency: Agency):
    """A WHERE clause: the row's agency lies in ``agency``'s subtree."""
    sub = select(Agency.id).where(Agency.path.startswith(agency.path))
    return column_agency_id.in_(sub)


def districts(dbsession, within: Agency | None = None) -> list[Agency]:
    """District-level agencies (in ``within``'s subtree) in their official
    order: by their city's place in the tree, then their own. (Ordering by
    the path string put /1/10/ before /1/2/: 滨海新区 before 河东区.)"""
    from sqlalchemy.orm import aliased, contains_eager

    city = aliased(Agency)
    stmt = (select(Agency).join(city, Agency.parent).options(contains_eager(Agency.parent, alias=city))
            .where(Agency.level == "district").order_by(city.sort, city.id, Agency.sort, Agency.id))
    if within is not None:
        stmt = stmt.where(Agency.path.startswith(within.path))
    return list(dbsession.scalars(stmt))


def by_code(dbsession, code: str) -> Agency | None:
    return dbsession.scalars(select(Agency).where(Agency.code == code)).first()
