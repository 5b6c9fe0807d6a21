"""Serving and deleting attachments.

A file the current user may not see is "not found" (404), so that its
existence does not leak; the owner type's rules decide (see ``owners``).
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import FileIter, Response
from pyramid.view import view_config

from .. import errors
from ..audit.services import record
from ..security import local_path
from ..layout import flash
from . import services
from .filenames import content_disposition
from .models import Attachment
from .owners import change_refusal, may_view


def _visible_attachment(request) -> Attachment:
    attachment = request.dbsession.get(Attachment, int(request.matchdict["id"]))
    if attachment is None or not may_view(request, attachment.owner_type, attachment.owner_id):
        raise HTTPNotFound()
    return attachment


@view_config(route_name="attachment.download", request_method="GET", permission="core:account:self")
def download(request):
    attachment = _visible_attachment(request)
    try:
        stored = request.registry["kjgl.storage"].open(attachment.storage_key)
    except FileNotFoundError:
        raise HTTPNotFound() from None
    response = Response(
        app_iter=FileIter(stored),
        content_type=attachment.content_type,
        content_length=attachment.size,
    )
    response.headers["Content-Disposition"] = content_disposition(attachment.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, no-store"
    return response


@view_config(route_name="attachment.delete", request_method="POST", permission="core:account:self")
def delete(request):
    attachment = _visible_attachment(request)
    refused = change_refusal(request, attachment.owner_type, attachment.owner_id)
    if refused is not None:
        return errors.refusal(request, refused.message, refused.status, page_title="不能删除附件", error="refused")
    record(request.dbsession, request, "attachment_delete", object_type=attachment.owner_type,
           object_id=attachment.owner_id, slot=attachment.slot, attachment_id=attachment.id,
           filename=attachment.filename)
    filename = attachment.filename
    services.delete(request.dbsession, request.registry["kjgl.storage"], attachment, txn=request.tm.get())
    if errors.wants_json(request):
        return Response(json_body={"deleted": True, "filename": filename})
    flash(request, f"已删除附件“{filename}”")
    return HTTPSeeOther(local_path(request.params.get("next")) or request.route_url("home"))
