"""A user's earlier generated documents: only the user who generated one may
download it again; for anybody else it does not exist (404)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from ..audit.services import record
from . import services


@view_config(route_name="document.download", request_method="GET", permission="core:account:self")
def download(request):
    document = services.owned(request, int(request.matchdict["id"]))
    if document is None:
        raise HTTPNotFound()
    response = services.serve(request, document)
    record(request.dbsession, request, "document_download", object_type=services.OBJECT_TYPE,
           object_id=document.id, success=response.status_int == 200, kind=document.kind,
           filename=document.filename, sha256=document.sha256)
    return response
