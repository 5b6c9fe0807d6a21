"""The one download path for stored files (attachments and generated
documents): the bytes are read once and checked against the size and
SHA-256 recorded when they were stored, and only then sent. A file that
changed, shrank or vanished on disk is refused with a page saying so, its
bytes are never sent, and the failure is audited (``integrity_failure``)."""
from __future__ import annotations

import hashlib
from typing import BinaryIO

from pyramid.response import FileIter, Response

from .. import errors
from ..attachments.filenames import content_disposition
from ..attachments.storage import CHUNK_BYTES
from ..audit.services import record


class IntegrityFailure(Exception):
    def __init__(self, reason: str, size: int | None = None, sha256: str | None = None):
        super().__init__(reason)
        self.reason, self.size, self.sha256 = reason, size, sha256


def open_verified(storage, key: str, sha256: str, size: int) -> BinaryIO:
    """The stored file, open at its start, once its bytes hash to ``sha256``
    and number ``size``; :class:`IntegrityFailure` otherwise. The same open
    file is hashed and then served, so a file renamed over it meanwhile is
    not what gets sent."""
    try:
        stored = storage.open(key)
    except FileNotFoundError:
        raise IntegrityFailure("missing") from None
    try:
        digest, found = hashlib.sha256(), 0
        for chunk in iter(lambda: stored.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            found += len(chunk)
        if found != size or digest.hexdigest() != sha256:
            raise IntegrityFailure("size" if found != size else "sha256", found, digest.hexdigest())
        stored.seek(0)
    except BaseException:
        stored.close()
        raise
    return stored


def verified_download(request, *, storage_key: str, sha256: str, size: int, filename: str,
                      content_type: str, object_type: str, object_id: int) -> Response:
    """The stored file as a download (``Content-Disposition: attachment``,
    ``nosniff``, not cached), or the refusal page when it fails its check."""
    try:
        stored = open_verified(request.registry["kjgl.storage"], storage_key, sha256, size)
    except IntegrityFailure as failure:
        record(request.dbsession, request, "integrity_failure", object_type=object_type, object_id=object_id,
               success=False, filename=filename, reason=failure.reason, expected_size=size,
               expected_sha256=sha256, found_size=failure.size, found_sha256=failure.sha256)
        return errors.refusal(
            request,
            f"文件“{filename}”未通过完整性校验：服务器上保存的文件"
            f"{'已不存在' if failure.reason == 'missing' else '与保存时记录的SHA-256校验值不一致，可能已被篡改或损坏'}。"
            "为保证数据真实，系统拒绝提供下载。此事件已记入审计日志，请联系系统管理员。",
            409, page_title="文件完整性校验失败", error="integrity_failure")
    response = Response(app_iter=FileIter(stored), content_type=content_type, content_length=size)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control = "private, no-store"
    return response
