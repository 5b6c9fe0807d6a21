"""The tamper-evident audit chain.

Each record's ``hash`` is HMAC-SHA256, under the deployment's
``kjgl.audit_key``, of a canonical serialisation of its fields and
``prev_hash``, the hash of the record before it in id order. A changed field
no longer matches its hash; a deleted or inserted record breaks the next
record's ``prev_hash``. Because the hash is keyed, someone who can write to
the database but does not hold the key cannot recompute the chain after an
edit. The key is per process (:func:`configure`, called by
``settings.normalise``), like the data keys of :mod:`kjgl.core.crypto`. :func:`purge` removes old records from the
front of the chain and keeps an :class:`AuditAnchor` with the last purged
hash, so the chain still verifies from there.

Appending is serialised: on PostgreSQL a transaction-level advisory lock is
taken before the last hash is read and held until commit; SQLite has a single
writer, and a transaction whose read went stale cannot write at all."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text

from ..db import utcnow
from .localtime import day_start_utc
from .models import AuditAnchor, AuditEvent

ADVISORY_LOCK_KEY = 0x6B6A676C_0A0D17  # "kjgl" + "audit": any constant shared by all processes
MIN_RETENTION_DAYS = 184


def canonical(row: AuditEvent) -> bytes:
    at = row.at.isoformat(timespec="microseconds") if row.at is not None else None
    fields = [at, row.user_id, row.account, row.role, row.ip, row.event, row.object_type,
              row.object_id, bool(row.success), row.detail, row.prev_hash]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_key: bytes | None = None


def configure(key: str) -> None:
    """Set the chain's HMAC key (``kjgl.audit_key``). Changing it breaks
    verification of every record sealed under the old key."""
    global _key
    _key = key.encode("utf-8")


def digest(row: AuditEvent) -> str:
    if _key is None:
        raise RuntimeError("kjgl.audit_key is not configured (kjgl.core.settings.normalise sets it)")
    return hmac.new(_key, canonical(row), hashlib.sha256).hexdigest()


def _anchor_hash(dbsession) -> str | None:
    return dbsession.scalar(select(AuditAnchor.last_hash).order_by(AuditAnchor.id.desc()).limit(1))


def last_hash(dbsession) -> str | None:
    """The hash the next record chains to: the newest record of this
    transaction not yet flushed, else the newest stored record, else the
    last purge's anchor."""
    pending = [o for o in dbsession.new if isinstance(o, AuditEvent) and o.hash is not None]
    if pending:
        return max(pending, key=lambda o: getattr(o, "_kjgl_seq", 0)).hash
    with dbsession.no_autoflush:
        stored = dbsession.execute(
            select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
        if stored is not None:
            return stored[0]
        return _anchor_hash(dbsession)


_sequence = itertools.count(1)


def seal(dbsession, row: AuditEvent) -> None:
    """Set ``at``, ``prev_hash`` and ``hash`` of a new record and add it."""
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    if row.at is None:
        row.at = utcnow()
    if row.success is None:
        row.success = True
    if row.detail is None:
        row.detail = "{}"
    row.prev_hash = last_hash(dbsession)
    row.hash = digest(row)
    row._kjgl_seq = next(_sequence)  # insertion order among this session's pending records
    dbsession.add(row)


@dataclass(frozen=True)
class Problem:
    row_id: int
    kind: str  # "changed" or "link"

    @property
    def message(self) -> str:
        if self.kind == "changed":
            return f"审计记录 #{self.row_id} 的内容已被修改"
        return f"审计记录 #{self.row_id} 之前的记录被删除或插入了记录"


@dataclass(frozen=True)
class Verification:
    checked: int
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(dbsession, batch: int = 1000) -> Verification:
    """Walk the chain in id order; stop at the first record whose content or
    link does not match."""
    expected = _anchor_hash(dbsession)
    checked = 0
    stmt = select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=batch)
    for row in dbsession.scalars(stmt):
        if row.prev_hash != expected:
            return Verification(checked, Problem(row.id, "link"))
        if digest(row) != row.hash:
            return Verification(checked, Problem(row.id, "changed"))
        expected = row.hash
        checked += 1
    return Verification(checked, None)


class PurgeRefused(ValueError):
    pass


def purge(dbsession, before: dt.date, *, today: dt.date | None = None) -> int:
    """Delete the records of Beijing days before ``before``, from the front
    of the chain only (a younger record stops the purge there), and never a
    record younger than :data:`MIN_RETENTION_DAYS`. Return how many went."""
    today = today or (utcnow() + dt.timedelta(hours=8)).date()
    latest = today - dt.timedelta(days=MIN_RETENTION_DAYS)
    if before > latest:
        raise PurgeRefused(f"审计记录至少保留{MIN_RETENTION_DAYS}天，截止日期不能晚于 {latest.isoformat()}")
    cutoff = day_start_utc(before)
    if dbsession.get_bind().dialect.name == "postgresql":
        dbsession.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    first_kept = dbsession.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.at >= cutoff))
    doomed = select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.at < cutoff)
    if first_kept is not None:
        doomed = doomed.where(AuditEvent.id < first_kept)
    last = dbsession.execute(doomed.order_by(AuditEvent.id.desc()).limit(1)).first()
    if last is None:
        return 0
    count = dbsession.scalar(select(func.count()).select_from(
        select(AuditEvent.id).where(AuditEvent.id <= last.id).subquery()))
    dbsession.add(AuditAnchor(before=before, last_id=last.id, last_hash=last.hash, purged=count))
    dbsession.flush()
    dbsession.execute(delete(AuditEvent).where(AuditEvent.id <= last.id),
                      execution_options={"synchronize_session": False})
    return count
