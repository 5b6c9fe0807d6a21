"""显示完整信息: pages show personal numbers masked; ``?full=1`` shows them
in full to whoever may see the page, and each such view is audited
(``pii_view``, naming the object and the fields shown)."""
from __future__ import annotations

from .audit.services import record

PARAM = "full"


def reveal(request, route_name: str, *, object_type: str, object_id, fields, note: str, **route_kw) -> dict:
    """What a page needs to mask and reveal (``full_ids``, ``reveal_url``,
    ``reveal_note`` for ``forms.macros['pii-reveal']``); records the view
    when the request asks for full values. Call it after the access check."""
    full = request.GET.get(PARAM) == "1"
    if full:
        record(request.dbsession, request, "pii_view", object_type=object_type, object_id=object_id,
               fields=list(fields))
    return {"full_ids": full, "reveal_note": note,
            "reveal_url": request.route_url(route_name, _query={PARAM: "1"}, **route_kw)}
