"""Word and Excel responses of a filing, over the shared builders in core/exports."""
from __future__ import annotations

import tempfile

from pyramid.response import FileIter, Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..attachments import services as attachments
from ..attachments.filenames import content_disposition
from ..audit.localtime import to_local
from ..db import utcnow
from ..exports.docx_builder import filing_document
from ..exports.xlsx_builder import submission_columns, submission_row, write_rows
from ..review.models import ReviewEvent, Submission
from . import services

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def word_response(request, filing, sub: Submission) -> Response:
    row = services.content(request.dbsession, filing, sub)
    data = services.typed(filing, row.data)
    org = sub.organisation
    body = filing_document(
        filing, data, year=sub.batch.year, organisation_name=org.name, credit_code=org.credit_code,
        attachments=attachments.files_for(request.dbsession, filing.owner_type, sub.id),
        state_title=sub.state_title, generated_at=to_local(utcnow()),
    )
    response = Response(body=body, content_type=DOCX)
    response.headers["Content-Disposition"] = content_disposition(
        f"{filing.document_title.format(year=sub.batch.year)}-{sub.title}.docx")
    response.cache_control = "private, no-store"
    return response


def _rows(request, filing, stmt):
    """One row per record, read 500 at a time (bounded memory for long lists)."""
    db = request.dbsession
    model = filing.model
    ids = list(db.scalars(stmt.with_only_columns(Submission.id)))  # keeps the list's order
    serial = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        subs = {s.id: s for s in db.scalars(
            select(Submission).where(Submission.id.in_(chunk))
            .options(selectinload(Submission.batch), selectinload(Submission.organisation),
                     selectinload(Submission.agency)))}
        contents = dict(db.execute(select(model.submission_id, model.data)
                                   .where(model.submission_id.in_(chunk))).all())
        events: dict[int, list] = {}
        for event in db.scalars(select(ReviewEvent).where(ReviewEvent.submission_id.in_(chunk))
                                .order_by(ReviewEvent.id)):
            events.setdefault(event.submission_id, []).append(event)
        for sid in chunk:
            serial += 1
            yield submission_row(serial, subs[sid], services.typed(filing, contents.get(sid) or {}), filing,
                                 events=events.get(sid, []), to_local=to_local)


def xlsx_response(request, filing, stmt) -> tuple[Response, int]:
    """The filtered list as a workbook, and how many rows it holds."""
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, submission_columns(filing), _rows(request, filing, stmt), filing.title)
    size = spool.tell()
    spool.seek(0)
    response = Response(app_iter=FileIter(spool), content_type=XLSX, content_length=size)
    response.headers["Content-Disposition"] = content_disposition(f"{filing.title}-导出.xlsx")
    response.cache_control = "private, no-store"
    return response, count
