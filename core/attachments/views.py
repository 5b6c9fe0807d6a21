"""Serving and deleting attachments.

A file the current user may not see is "not found" (404), so that its
existence does not leak; the owner type's rules decide (see ``owners``).
A download is sent only after the stored bytes match the SHA-256 recorded
at upload (``documents.integrity``).
"""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.view import view_config

from .. import errors
from ..audit.services import changes, record
from ..documents.integrity import verified_download
from ..security import local_path
from ..layout import flash
from . import services
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
    return verified_download(request, storage_key=attachment.storage_key, sha256=attachment.sha256,
                             size=attachment.size, filename=attachment.filename,
                             content_type=attachment.content_type, object_type="attachment",
                             object_id=attachment.id)


@view_config(route_name="attachment.delete", request_method="POST", permission="core:account:self")
def delete(request):
    attachment = _visible_attachment(request)
    refused = change_refusal(request, attachment.owner_type, attachment.owner_id)
    if refused is not None:
        return errors.refusal(request, refused.message, refused.status, page_title="不能删除附件", error="refused")
    record(request.dbsession, request, "attachment_delete", object_type=attachment.owner_type,
           object_id=attachment.owner_id, slot=attachment.slot, attachment_id=attachment.id,
           filename=attachment.filename, changes=changes({"attachment": attachment.filename}, {}))
    filename = attachment.filename
    services.delete(request.dbsession, request.registry["kjgl.storage"], attachment, txn=request.tm.get())
    if errors.wants_json(request):
        return Response(json_body={"deleted": True, "filename": filename})
    flash(request, f"已删除附件“{filename}”")
    return HTTPSeeOther(local_path(request.params.get("next")) or request.route_url("home"))
