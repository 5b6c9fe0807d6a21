"""Keeping generated documents: :func:`export` is what every Word and Excel
export returns — the file is written to storage with its SHA-256 recorded in
a :class:`GeneratedDocument` row, then served through the verifying download
(:func:`serve`). The bytes go if the request's transaction aborts.

A document made again from unchanged inputs is not stored again:
:func:`export_unless_unchanged` looks for the user's document of the same
kind and object whose :func:`content_hash` (a digest of the inputs and of the
builder's code — the bytes themselves carry the time they were made) is the
same, and serves it while its stored file still verifies."""
from __future__ import annotations

import functools
import hashlib
import inspect
import json
from typing import BinaryIO, Callable

from sqlalchemy import select

from pyramid.response import Response

from ..attachments.filenames import sanitize
from ..attachments.storage import CHUNK_BYTES, discard_unless_committed
from ..audit.services import record
from .integrity import IntegrityFailure, open_verified, verified_download
from .models import GeneratedDocument

OBJECT_TYPE = "generated_document"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def _chunks(source: bytes | BinaryIO):
    if isinstance(source, (bytes, bytearray)):
        for start in range(0, len(source), CHUNK_BYTES):
            yield bytes(source[start:start + CHUNK_BYTES])
    else:
        yield from iter(lambda: source.read(CHUNK_BYTES), b"")


def save_hashed(storage, source: bytes | BinaryIO) -> tuple[str, int, str]:
    """Write ``source`` to ``storage`` in chunks, hashing on the way:
    (key, size, SHA-256)."""
    digest, size = hashlib.sha256(), 0

    def hashed():
        nonlocal size
        for chunk in _chunks(source):
            digest.update(chunk)
            size += len(chunk)
            yield chunk

    key = storage.save(hashed())
    return key, size, digest.hexdigest()


def store(request, source: bytes | BinaryIO, *, kind: str, filename: str, content_type: str,
          object_type: str | None = None, object_id: int | None = None,
          content_sha256: str | None = None) -> GeneratedDocument:
    """Write ``source`` (bytes, or a binary file read from where it stands)
    to storage and record it with its size and SHA-256, made by the current
    user; the creation is audited with the hash."""
    return keep(request.dbsession, request.registry["kjgl.storage"], source, actor=request.identity,
                txn=request.tm.get(), request=request, permission=getattr(request, "view_permission", None),
                kind=kind, filename=filename, content_type=content_type,
                object_type=object_type, object_id=object_id, content_sha256=content_sha256)


def keep(db, storage, source: bytes | BinaryIO, *, actor, kind: str, filename: str, content_type: str,
         permission: str | None = None, object_type: str | None = None, object_id: int | None = None,
         txn=None, request=None, content_sha256: str | None = None) -> GeneratedDocument:
    """:func:`store` with plain arguments (a service, a CLI command, a job):
    ``actor`` made it, downloading it again needs ``permission``; with a
    transaction ``txn`` the bytes go if it aborts (without one, ``kjgl
    storage sweep`` removes bytes no committed row names)."""
    key, size, sha256 = save_hashed(storage, source)
    if txn is not None:
        discard_unless_committed(txn, storage, key)
    document = GeneratedDocument(
        kind=kind, filename=sanitize(filename, "导出文件"), content_type=content_type, size=size,
        sha256=sha256, storage_key=key, created_by_id=getattr(actor, "id", None),
        permission=permission, object_type=object_type, object_id=object_id,
        content_sha256=content_sha256,
    )
    db.add(document)
    db.flush()
    record(db, request, "document_generate", user=actor, object_type=OBJECT_TYPE, object_id=document.id,
           kind=kind, filename=document.filename, size=size, sha256=document.sha256,
           source_type=object_type, source_id=object_id)
    return document


def serve(request, document: GeneratedDocument) -> Response:
    return verified_download(request, storage_key=document.storage_key, sha256=document.sha256,
                             size=document.size, filename=document.filename,
                             content_type=document.content_type, object_type=OBJECT_TYPE, object_id=document.id)


def export(request, source: bytes | BinaryIO, **kw) -> Response:
    """Store ``source`` as a generated document (see :func:`store`) and
    answer with it, verified like any later download."""
    return serve(request, store(request, source, **kw))


@functools.lru_cache(maxsize=None)
def _source_digest(path: str) -> str:
    with open(path, "rb") as source:
        return hashlib.sha256(source.read()).hexdigest()


def content_hash(builder: Callable, *inputs) -> str:
    """The digest of what a document is made from: ``inputs`` (anything JSON
    can show, in order) and the source of the module holding ``builder``, so
    that a changed layout makes documents anew."""
    text = json.dumps([_source_digest(inspect.getsourcefile(builder)), builder.__qualname__, *inputs],
                      ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unchanged(request, *, kind: str, object_type: str | None, object_id: int | None,
              content_sha256: str) -> GeneratedDocument | None:
    """The current user's newest document of ``kind`` made from the same
    inputs under the same permission, if its stored file is still intact."""
    permission = getattr(request, "view_permission", None)
    document = request.dbsession.scalars(
        select(GeneratedDocument).where(
            GeneratedDocument.created_by_id == getattr(request.identity, "id", None),
            GeneratedDocument.kind == kind, GeneratedDocument.object_type == object_type,
            GeneratedDocument.object_id == object_id, GeneratedDocument.content_sha256 == content_sha256,
            GeneratedDocument.permission.is_(None) if permission is None
            else GeneratedDocument.permission == permission)
        .order_by(GeneratedDocument.id.desc()).limit(1)).first()
    if document is None:
        return None
    try:
        open_verified(request.registry["kjgl.storage"], document.storage_key, document.sha256,
                      document.size).close()
    except IntegrityFailure:
        return None  # made anew; the damaged one is reported when someone asks for it
    return document


def export_unless_unchanged(request, build: Callable[[], bytes | BinaryIO], *, content_sha256: str,
                            kind: str, object_type: str | None = None, object_id: int | None = None,
                            **kw) -> Response:
    """Serve the user's unchanged document again (audited as a download), or
    ``build()`` it and :func:`export` it with its content hash."""
    document = unchanged(request, kind=kind, object_type=object_type, object_id=object_id,
                         content_sha256=content_sha256)
    if document is None:
        return export(request, build(), kind=kind, object_type=object_type, object_id=object_id,
                      content_sha256=content_sha256, **kw)
    return serve_again(request, document, reused=True)


def serve_again(request, document: GeneratedDocument, **detail) -> Response:
    """A kept document served once more, audited as ``document_download``."""
    response = serve(request, document)
    record(request.dbsession, request, "document_download", object_type=OBJECT_TYPE, object_id=document.id,
           success=response.status_int == 200, kind=document.kind, filename=document.filename,
           sha256=document.sha256, **detail)
    return response


def owned(request, document_id: int) -> GeneratedDocument | None:
    """The document if the current user generated it and still holds the
    permission it was made under; nobody else may see it."""
    document = request.dbsession.get(GeneratedDocument, document_id)
    user = request.identity
    if document is None or user is None or document.created_by_id != user.id:
        return None
    if document.permission and not request.has_permission(document.permission):
        return None
    return document

