"""Many stored files as one zip download (打印材料: every proof of an
application, a folder per tab).

Files are copied from storage a chunk at a time into the zip being written
(to a temporary file the caller serves), so memory stays constant however
many files there are. Each file is checked on the way against the size and
SHA-256 recorded when it was uploaded; one that fails stops the zip
(:class:`ProofIntegrityFailure`), since a zip with an altered proof in it
must not be handed out.

Names inside the zip are the readable Chinese names, stored as UTF-8 (the
zip's language-encoding flag, which Windows Explorer, macOS and unzip
honour); each folder part and file name is cleaned like an uploaded
filename, so ``..``, absolute paths and backslashes cannot climb out of the
folder it is unpacked into, and a name met twice becomes ``名称(2).pdf``.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from typing import BinaryIO, Iterable, Sequence

from ..attachments.filenames import sanitize
from ..attachments.storage import CHUNK_BYTES
from ..documents.integrity import IntegrityFailure

FALLBACK_FOLDER = "材料"
FALLBACK_FILE = "附件"


class ProofIntegrityFailure(IntegrityFailure):
    """A stored file did not match its recorded size or SHA-256."""

    def __init__(self, reason: str, attachment, size: int, sha256: str):
        super().__init__(reason, size, sha256)
        self.attachment = attachment


def safe_path(folder: str, name: str) -> str:
    """``folder/name`` with every part cleaned: no empty, ``.`` or ``..``
    part, no drive or root, no character Windows refuses."""
    parts = [sanitize(part, FALLBACK_FOLDER) for part in re.split(r"[/\\]+", folder or "") if part.strip(" .")]
    return "/".join([*parts, sanitize(name, FALLBACK_FILE)])


def _numbered(path: str, n: int) -> str:
    stem, ext = os.path.splitext(path)
    return f"{stem}({n}){ext}"


def proofs_zip(storage, entries: Iterable[tuple[str, str, object]], out_file: BinaryIO) -> Sequence[str]:
    """Write a zip of ``entries`` — (folder, display name, attachment row)
    — to ``out_file`` (a binary file open for writing, e.g. a
    ``tempfile.TemporaryFile``); returns the names written, in order."""
    taken: set[str] = set()
    written: list[str] = []
    with zipfile.ZipFile(out_file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1,
                         allowZip64=True) as archive:
        for folder, name, attachment in entries:
            path = safe_path(folder, name)
            unique, n = path, 1
            while unique.casefold() in taken:  # Windows folders ignore case
                n += 1
                unique = _numbered(path, n)
            taken.add(unique.casefold())
            _copy(storage, attachment, archive, unique)
            written.append(unique)
    return written


def _copy(storage, attachment, archive: zipfile.ZipFile, path: str) -> None:
    digest, size = hashlib.sha256(), 0
    try:
        source = storage.open(attachment.storage_key)
    except FileNotFoundError:
        raise ProofIntegrityFailure("missing", attachment, 0, "") from None
    with source, archive.open(path, "w", force_zip64=True) as target:
        for chunk in iter(lambda: source.read(CHUNK_BYTES), b""):
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    if size != attachment.size or digest.hexdigest() != attachment.sha256:
        raise ProofIntegrityFailure("size" if size != attachment.size else "sha256", attachment, size,
                                    digest.hexdigest())
