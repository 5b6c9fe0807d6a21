"""The audit log page (permission ``core:audit:read``). Read-only."""
from __future__ import annotations

from pyramid.view import view_config

from ..accounts.models import KINDS
from ..forms import form_values
from ..pagination import paginate
from . import REGISTRY_KEY, services
from .localtime import show as show_time
from .readable import Reader
from .schemas import RESULTS, filter_schema

PAGE_SIZE = 20


def filters_of(request) -> dict | None:
    """The query string's filters as :func:`services.search` arguments, or
    None when one of them is invalid."""
    result = filter_schema(request.registry[REGISTRY_KEY]).validate(request.GET)  # every filter is optional
    if not result.ok:
        return None
    data = dict(result.data)
    success = data.pop("success")
    return {**data, "success": None if success is None else success == "1"}


@view_config(route_name="admin.audit", renderer="kjgl.core:templates/admin/audit.pt",
             permission="core:audit:read", request_method="GET")
def audit_log(request):
    events = request.registry[REGISTRY_KEY]
    schema = filter_schema(events)
    result = schema.validate(request.GET)
    page = None
    if result.ok:
        page = paginate(request.dbsession, services.search(**filters_of(request)), request, PAGE_SIZE)
    return {
        "page_title": "审计日志",
        "page": page,
        "errors": result.errors,
        "values": form_values(schema, request.GET),
        "events": events,
        "object_types": services.object_type_titles(request.registry["kjgl.modules"],
                                                    request.GET.get("object_type", "").strip()[:64]),
        "results": RESULTS,
        "kinds": KINDS,
        "show_time": show_time,
        "reader": Reader(request.dbsession, request.registry, page.items if page is not None else ()),
    }
