"""A user's earlier generated documents: only the user who generated one may
download it again; for anybody else it does not exist (404)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound
from pyramid.view import view_config

from sqlalchemy import or_, select

from ..audit.localtime import show as show_time
from ..pagination import paginate
from . import services
from .models import GeneratedDocument
from .sweep import retention_days

KIND_TITLES = {"filing_word": "Word文档", "filing_excel": "Excel列表导出", "audit_excel": "审计日志导出",
               "risk_letter": "风险承诺书模板"}


@view_config(route_name="documents.mine", renderer="kjgl.core:templates/documents/mine.pt",
             permission="core:account:self", request_method="GET")
def mine(request):
    """The current user's exports still kept, newest first: only those made
    under a permission the user still holds (as for a download)."""
    user = request.identity
    own = GeneratedDocument.created_by_id == user.id
    made_under = request.dbsession.scalars(select(GeneratedDocument.permission).where(own).distinct())
    held = [p for p in made_under if p and request.has_permission(p)]
    stmt = (select(GeneratedDocument).where(own, or_(GeneratedDocument.permission.is_(None),
                                                     GeneratedDocument.permission.in_(held)))
            .order_by(GeneratedDocument.id.desc()))
    return {"page_title": "我的导出文件", "page": paginate(request.dbsession, stmt, request),
            "kind_titles": KIND_TITLES, "show_time": show_time,
            "retention_days": retention_days(request.registry.settings)}


@view_config(route_name="document.download", request_method="GET", permission="core:account:self")
def download(request):
    document = services.owned(request, int(request.matchdict["id"]))
    if document is None:
        raise HTTPNotFound()
    return services.serve_again(request, document)
