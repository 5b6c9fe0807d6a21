"""Yearly filings declared by plugins (``config.include_filing(FILING, prefix)``)."""
from __future__ import annotations

from .types import FilingType

REGISTRY_KEY = "kjgl.filings"


def agency_at_level(*levels):
    def pred(request, user):
        return user is not None and user.kind == "agency" and user.agency is not None \
            and user.agency.level in levels
    pred.__name__ = "agency_at_" + "_".join(levels)
    return pred


def records_root(request):
    """The agency under which a filing's records lie: the bureau of the
    deployment's province (``kjgl.province``), whose districts
    ``services.district_agency`` routes records to. None when the tree has no
    such bureau."""
    from ..agencies.services import province_bureau

    return province_bureau(request.dbsession, request.registry.settings.get("kjgl.province"))


def record_roots(request, filing: FilingType) -> list:
    """The agencies under which ``filing``'s records lie: the accepting
    agencies (``kjgl.accepting.<module>``) when its chain has a step the
    applicant's chosen agency decides, else :func:`records_root`. Read once
    per request and filing."""
    cache = request.__dict__.setdefault("_kjgl_record_roots", {})
    if filing.module_key not in cache:
        from ..review.services import CHOSEN
        from .tabbed import accepting_agencies

        chain = request.registry.get("kjgl.review_chains", {}).get(filing.kind)
        if chain is not None and any(step.level == CHOSEN for step in chain.steps):
            cache[filing.module_key] = accepting_agencies(request.dbsession, request.registry.settings,
                                                          filing.module_key)
        else:
            cache[filing.module_key] = [request.records_root] if request.records_root is not None else []
    return cache[filing.module_key]


def agency_in_jurisdiction(filing: FilingType, *levels):
    """Agency staff (of ``levels``, if given) whose subtree the filing's
    records can reach: the province's bureaus and their ancestors (or the
    accepting agencies and theirs), not another province's (their menus,
    lists and batches stay hidden)."""
    def pred(request, user):
        from ..review.services import reaches

        if user is None or user.kind != "agency" or user.agency is None:
            return False
        if levels and user.agency.level not in levels:
            return False
        return any(reaches(user.agency, root) for root in record_roots(request, filing))
    pred.__name__ = "agency_in_jurisdiction_" + "_".join(levels or ("any",))
    return pred


def include_filing(config, filing: FilingType, prefix: str):
    """Register a filing's routes, views, permissions and attachment rules."""
    from ..audit.services import add_field_titles
    from . import access, review_views, tab_views, views

    filings = config.registry.setdefault(REGISTRY_KEY, {})
    if filing.module_key in filings:
        raise ValueError(f"filing declared twice: {filing.module_key}")
    filings[filing.module_key] = filing
    k = filing.module_key
    config.add_permission_rule(f"{k}:review:decide", agency_in_jurisdiction(filing))
    config.add_permission_rule(f"{k}:batch:manage", agency_in_jurisdiction(filing, *filing.batch_levels))
    # 导出完整联系方式: the city bureau, which concludes the review and contacts the carriers
    config.add_permission_rule(f"{k}:export:full", agency_in_jurisdiction(filing, "city"))
    add_field_titles(filing.owner_type, {f.name: f.label for f in filing.fields})
    config.add_attachment_owner(filing.owner_type, access.attachment_viewer(filing), access.attachment_changer(filing))
    for table in filing.tables:
        config.add_attachment_owner(filing.row_owner_type(table), *access.row_attachment_rules(filing, table))
    if filing.tabs:
        tab_views.register(config, filing, prefix)
    else:
        views.register(config, filing, prefix)
    review_views.register(config, filing, prefix)


def includeme(config):
    config.add_directive("include_filing", include_filing)
    config.add_request_method(records_root, "records_root", reify=True)


def filing_menu_items(filing: FilingType, order: int = 50):
    """The menu entries of a filing, each shown only to those holding its permission."""
    from ..hookspecs import MenuItem

    k = filing.module_key
    return [
        MenuItem(filing.title, f"{k}.home", f"{k}:module:use", order),
        MenuItem(filing.review_title or f"{filing.noun}审核", f"{k}.review", f"{k}:review:decide", order),
        MenuItem(f"{filing.noun}填报批次", f"{k}.batches", f"{k}:batch:manage", order + 1),
    ]
