"""``kjgl storage sweep``: what a crash or time leaves in storage.

- unfinished writes (``.part``: an upload or export killed mid-way);
- stored files no row references (written, then the transaction was lost);
- generated documents past ``kjgl.document_retention_days``, row and file.

Files younger than the grace period are never touched, since a request may
be writing them and not have committed its row yet; a file a row references
is never removed (the references are read after the files are listed, so a
row committed meanwhile is seen).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import select

from ..attachments.models import Attachment
from ..audit.services import cli_actor, record
from ..db import utcnow
from ..settings import SettingsError
from .models import GeneratedDocument

DEFAULT_GRACE_HOURS = 24
DEFAULT_RETENTION_DAYS = 30


def retention_days(settings: dict) -> int:
    raw = str(settings.get("kjgl.document_retention_days") or DEFAULT_RETENTION_DAYS).strip()
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"kjgl.document_retention_days: expected a whole number of days ≥ 1, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class SweepResult:
    partial: int  # unfinished writes removed
    orphans: int  # unreferenced stored files removed
    documents: int  # expired generated documents removed


def purge_documents(session, storage, retention: dt.timedelta) -> int:
    """Delete the generated documents older than ``retention``: the rows in
    one committed transaction, then their files."""
    cutoff = utcnow() - retention
    with session.begin():
        old = list(session.scalars(select(GeneratedDocument).where(GeneratedDocument.created_at < cutoff)))
        keys = [d.storage_key for d in old]
        for document in old:
            session.delete(document)
    for key in keys:
        storage.delete(key)
    return len(keys)


def sweep_files(session, storage, grace: dt.timedelta, now: float | None = None) -> tuple[int, int]:
    """Remove ``.part`` files and unreferenced stored files last changed
    before ``grace`` ago: (partial, orphans) removed."""
    cutoff = (time.time() if now is None else now) - grace.total_seconds()
    stale = [(key, partial) for key, partial, mtime in storage.files() if mtime < cutoff]
    with session.begin():
        referenced = set(session.scalars(select(Attachment.storage_key)))
        referenced.update(session.scalars(select(GeneratedDocument.storage_key)))
    partial = orphans = 0
    for key, is_partial in stale:
        if is_partial:
            storage.delete_partial(key)
            partial += 1
        elif key not in referenced:
            storage.delete(key)
            orphans += 1
    return partial, orphans


def sweep(session, storage, *, grace: dt.timedelta, retention: dt.timedelta) -> SweepResult:
    documents = purge_documents(session, storage, retention)
    partial, orphans = sweep_files(session, storage, grace)
    result = SweepResult(partial, orphans, documents)
    with session.begin():
        record(session, None, "storage_sweep", user=cli_actor(), grace_hours=grace.total_seconds() / 3600,
               retention_days=retention.days, partial=partial, orphans=orphans, documents=documents)
    return result
