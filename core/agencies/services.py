"""The agency tree: seeding it and scoping queries to a subtree."""
from __future__ import annotations

from pyramid.settings import aslist
from sqlalchemy import select

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
    return dbsession.scalars(select(Agency).where(Agency.level == "city", Agency.region == province)
                             .order_by(Agency.id)).first()


def districts(dbsession) -> list[Agency]:
    return list(dbsession.scalars(select(Agency).where(Agency.level == "district").order_by(Agency.path, Agency.sort)))


def by_code(dbsession, code: str) -> Agency | None:
    return dbsession.scalars(select(Agency).where(Agency.code == code)).first()
