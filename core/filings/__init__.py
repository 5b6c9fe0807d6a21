"""Yearly filings declared by plugins (``config.include_filing(FILING, prefix)``)."""
from __future__ import annotations

from ..security import kind_is
from .types import FilingType

REGISTRY_KEY = "kjgl.filings"


def agency_at_level(*levels):
    def pred(request, user):
        return user is not None and user.kind == "agency" and user.agency is not None \
            and user.agency.level in levels
    pred.__name__ = "agency_at_" + "_".join(levels)
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
    config.add_permission_rule(f"{k}:review:decide", kind_is("agency"))
    config.add_permission_rule(f"{k}:batch:manage", agency_at_level("city", "national"))
    # 导出完整联系方式: the city bureau, which concludes the review and contacts the carriers
    config.add_permission_rule(f"{k}:export:full", agency_at_level("city"))
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


def filing_menu_items(filing: FilingType, order: int = 50):
    """The menu entries of a filing, each shown only to those holding its permission."""
    from ..hookspecs import MenuItem

    k = filing.module_key
    return [
        MenuItem(filing.title, f"{k}.home", f"{k}:module:use", order),
        MenuItem(filing.review_title or f"{filing.noun}审核", f"{k}.review", f"{k}:review:decide", order),
        MenuItem(f"{filing.noun}填报批次", f"{k}.batches", f"{k}:batch:manage", order + 1),
    ]
