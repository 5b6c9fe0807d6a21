"""The individual's portal (申报系统选择界面) and the landing page of a module."""
from __future__ import annotations

from pyramid.view import view_config


def modules_for(request):
    """The enabled modules this individual holds a grant for."""
    return [m for m in request.registry["kjgl.modules"] if m.key in request.granted_modules]


@view_config(route_name="portal", renderer="kjgl.core:templates/portal.pt", permission="core:portal")
def portal(request):
    user = request.identity
    org = user.organisation
    return {
        "page_title": "申报系统选择",
        "org": org,
        "modules": modules_for(request) if org is not None and org.status == "active" else [],
        "notices": latest_notices(request),
    }


def latest_notices(request, limit: int = 5):
    """The notices the user is in the audience of, (notice, read_at): unread first, newest first."""
    from ..notices import services as notices

    return notices.latest_visible(request.dbsession, request.identity, limit)


def module_home(request, module):
    """The landing page of a module whose pages are not built yet: what it
    will be, and plainly that nothing can be done here yet (no empty list
    that looks like a finished page).

    Plugins call this from their own home view until they list real records."""
    return {"page_title": module.title, "module": module}
