"""导出 of the filtered audit log as a workbook; the export is itself audited
with its filters, row count and columns."""
from __future__ import annotations

import tempfile

from pyramid.renderers import render_to_response
from pyramid.view import view_config

from ..accounts.models import KINDS
from ..db import utcnow
from ..documents import services as documents
from ..documents.services import XLSX
from ..exports.xlsx_builder import Column, write_rows
from . import services
from .localtime import to_local
from .readable import Reader
from .views import audit_log, filters_of

COLUMNS = (
    Column("at", "时间", "datetime"),
    Column("account", "账号", width=16),
    Column("role", "角色"),
    Column("ip", "IP", width=16),
    Column("event", "事件"),
    Column("object_type", "对象类型"),
    Column("object_id", "对象编号"),
    Column("result", "结果", width=8),
    Column("detail", "详情", width=60),
)


CHUNK = 500


def _rows(request, stmt, object_types):
    """The rows as the page shows them (the same Reader), 500 at a time: the
    names of the objects of each chunk are read in one query per kind."""
    chunk: list = []
    for row in request.dbsession.scalars(stmt.execution_options(yield_per=CHUNK)):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield from _shown(request, chunk, object_types)
            chunk = []
    yield from _shown(request, chunk, object_types)


def _shown(request, rows, object_types):
    reader = Reader(request.dbsession, request.registry, rows)
    for row in rows:
        yield {
            "at": to_local(row.at),
            "account": row.account or "",
            "role": KINDS.get(row.role, row.role) if row.role else "",
            "ip": row.ip or "",
            "event": reader.event_title(row),
            "object_type": object_types.get(row.object_type, row.object_type) if row.object_type else "",
            "object_id": row.object_id or "",
            "result": "成功" if row.success else "失败",
            "detail": reader.text(row),
        }


@view_config(route_name="admin.audit.export", permission="core:audit:read", request_method="GET")
def audit_export(request):
    filters = filters_of(request)
    if filters is None:  # the page shows what is wrong with the filters
        return render_to_response("kjgl.core:templates/admin/audit.pt", audit_log(request), request)
    stmt = services.search(**filters)
    object_types = services.object_type_titles(request.registry["kjgl.modules"], filters.get("object_type"))
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, COLUMNS, _rows(request, stmt, object_types), "审计日志")
    spool.seek(0)
    shown = {k: ("成功" if v else "失败") if k == "success" else v
             for k, v in filters.items() if v is not None and v != ""}
    services.record(request.dbsession, request, "audit_export", filters=shown, rows=count,
                    columns=[c.header for c in COLUMNS])
    stamp = to_local(utcnow()).strftime("%Y%m%d%H%M")
    with spool:
        return documents.export(request, spool, kind="audit_excel", content_type=XLSX,
                                filename=f"审计日志-{stamp}.xlsx")
