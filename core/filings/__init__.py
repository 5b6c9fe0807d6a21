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
    return _agency_roots(request)["root"]


def record_roots(request, filing: FilingType) -> list:
    """The agencies under which ``filing``'s records lie: the accepting
    agencies (``kjgl.accepting.<module>``) when its chain has a step the
    applicant's chosen agency decides, else :func:`records_root`."""
    roots = _agency_roots(request)
    if filing.module_key in roots["accepting"]:
        return roots["accepting"][filing.module_key]
    return [roots["root"]] if roots["root"] is not None else []


ROOTS_KEY = "kjgl.agency_roots"


def _agency_roots(request) -> dict:
    """The province's bureau (``root``, the first city-level agency of the
    region ``kjgl.province``) and, by module, the accepting agencies of every
    filing whose chain has a step the applicant's chosen agency decides: read
    in one statement, once per request (the menu decides every filing's rules
    on every page of agency staff)."""
    found = request.__dict__.get(ROOTS_KEY)
    if found is None:
        from ..review.services import CHOSEN
        from .tabbed import accepting_tokens, agencies_statement, pick_accepting

        settings, registry = request.registry.settings, request.registry
        chains = registry.get("kjgl.review_chains", {})
        chosen = {f.module_key: accepting_tokens(settings, f.module_key)
                  for f in registry.get(REGISTRY_KEY, {}).values()
                  if f.kind in chains and any(step.level == CHOSEN for step in chains[f.kind].steps)}
        province = settings.get("kjgl.province") or None
        tokens = tuple(sorted({t for ts in chosen.values() for t in ts}))
        candidates = []
        if province is not None or tokens:
            candidates = list(request.dbsession.scalars(agencies_statement(province is not None, tokens),
                                                        {"region": province}))
        bureaus = [a for a in candidates if a.level == "city" and a.region == province]
        found = request.__dict__[ROOTS_KEY] = {
            "root": min(bureaus, key=lambda a: a.id) if bureaus else None,
            "accepting": {key: pick_accepting(ts, candidates) for key, ts in chosen.items()}}
    return found


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
