"""Word and Excel responses of a filing, over the shared builders in core/exports;
each is kept as a generated document and served verified (core/documents)."""
from __future__ import annotations

import tempfile

from pyramid.response import Response
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import masking
from ..attachments import services as attachments
from ..audit.localtime import to_local
from ..db import utcnow
from ..documents import services as documents
from ..documents.services import DOCX, XLSX
from ..exports.xlsx_builder import submission_columns, submission_row, write_rows
from ..review.models import ReviewEvent, Submission
from . import services


def word_response(request, filing, sub: Submission, full: bool = True) -> Response:
    """The record as a Word document: the applicant's own copy in full, a
    reviewer's copy (``full=False``) with personal fields masked."""
    row = services.content(request.dbsession, filing, sub)
    data = services.typed(filing, row.data)
    if not full:
        data = masked(filing, data)
    org = sub.organisation
    # imported at first use, not at start-up: python-docx alone is about 0.2 s of every start (issue 9)
    from ..exports.docx_builder import filing_document

    files = attachments.files_for(request.dbsession, filing.owner_type, sub.id)
    filename = f"{filing.document_title.format(year=sub.batch.year)}-{sub.title}.docx"
    # what the document shows, all but the time it is made: the same again reuses the kept one
    made_from = documents.content_hash(
        filing_document, filing.module_key, filing.kind, data, sub.batch.year, org.name, org.credit_code,
        {slot: [(a.id, a.filename) for a in kept] for slot, kept in files.items()}, sub.state_title, filename)
    return documents.export_unless_unchanged(
        request, lambda: filing_document(
            filing, data, year=sub.batch.year, organisation_name=org.name, credit_code=org.credit_code,
            attachments=files, state_title=sub.state_title, generated_at=to_local(utcnow())),
        content_sha256=made_from, kind="filing_word", content_type=DOCX, filename=filename,
        object_type=filing.owner_type, object_id=sub.id)


def masked(filing, data: dict) -> dict:
    """``data`` with every personal field (by its kind) masked."""
    return {**data, **{f.name: masking.field_value(f, data.get(f.name))
                       for f in filing.fields if masking.is_personal(f)}}


def personal_fields(filing) -> list[str]:
    return [f.name for f in filing.fields if masking.is_personal(f)]


def _rows(request, filing, stmt, full: bool):
    """One row per record, read 500 at a time (bounded memory for long lists);
    personal fields masked unless ``full``."""
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
            data = services.typed(filing, contents.get(sid) or {})
            yield submission_row(serial, subs[sid], data if full else masked(filing, data), filing,
                                 events=events.get(sid, []), to_local=to_local)


def xlsx_response(request, filing, stmt, full: bool = False) -> tuple[Response, int]:
    """The filtered list as a workbook (personal fields masked unless
    ``full``), and how many rows it holds."""
    spool = tempfile.TemporaryFile()
    count = write_rows(spool, submission_columns(filing), _rows(request, filing, stmt, full), filing.title)
    spool.seek(0)
    with spool:
        response = documents.export(request, spool, kind="filing_excel", content_type=XLSX,
                                    filename=f"{filing.title}-导出.xlsx", object_type=filing.owner_type)
    return response, count
