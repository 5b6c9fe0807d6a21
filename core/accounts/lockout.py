"""Failure counters that lock: wrong passwords of an account (known or not)
and wrong security answers.

A failure is counted by one statement that adds one and sets the lock when
the new count reaches the limit (``UPDATE … SET n = n + 1 … RETURNING``, an
upsert for account names without a row), so concurrent failures in several
app processes can neither lose a count nor slip past the limit: once one of
them has set the lock, the others' statement no longer matches the row.

Where a counter keeps the time of its last failure, failures older than the
lock period stop counting (the next one starts again at 1). That makes a
stale ``unknown_account_login`` row indistinguishable from no row, so
:func:`purge_unknown` can delete it without the login page answering an
unknown account differently from a known one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, case, delete, func, literal, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from .models import UnknownAccountLogin, UnknownAccountRecovery, User

# rows an opportunistic purge deletes at most, so a failed login stays cheap
PURGE_BATCH = 50


@dataclass(frozen=True)
class Counter:
    """The columns of ``model`` counting failures and holding the lock."""
    model: type
    failures: str
    locked_until: str
    last_failed_at: str | None = None
    create_missing: bool = False  # an upsert: the row may not exist yet


LOGINS = Counter(User, "failed_logins", "locked_until", "last_failed_at")
UNKNOWN_LOGINS = Counter(UnknownAccountLogin, "failed_logins", "locked_until", "last_failed_at",
                         create_missing=True)
RECOVERY = Counter(User, "recover_failures", "recover_locked_until", "recover_last_failed_at")
UNKNOWN_RECOVERY = Counter(UnknownAccountRecovery, "failures", "locked_until", "last_failed_at",
                           create_missing=True)


def unknown_key(account: str) -> str:
    """The row of an account name that has no account (or no questions)."""
    return account.lower()[:30]


def lock_in_force(dbsession, counter: Counter, key, *, now: dt.datetime) -> dt.datetime | None:
    """The lock of the row ``key`` while it holds (none for a missing row)."""
    obj = dbsession.get(counter.model, key)
    until = getattr(obj, counter.locked_until) if obj is not None else None
    return until if until is not None and until > now else None


@dataclass(frozen=True)
class Counted:
    failures: int
    locked_until: dt.datetime | None


def count_failure(dbsession, counter: Counter, key, *, now: dt.datetime, limit: int,
                  period: dt.timedelta) -> Counted:
    """Count one failure for the row ``key`` and lock it for ``period`` when
    the count reaches ``limit``. A lock already in force (set by a concurrent
    failure) is returned unchanged."""
    table = counter.model.__table__
    failures, locked = table.c[counter.failures], table.c[counter.locked_until]
    # whole seconds, so the time on the page is exactly when it ends
    until = literal((now + period).replace(microsecond=0), locked.type)
    restart = and_(locked.is_not(None), locked <= now)
    if counter.last_failed_at:
        restart = or_(restart, table.c[counter.last_failed_at] < now - period)
    new_count = case((restart, 1), else_=func.coalesce(failures, 0) + 1)
    values = {counter.failures: new_count, counter.locked_until: case((new_count >= limit, until), else_=null())}
    if counter.last_failed_at:
        values[counter.last_failed_at] = now
    not_locked = or_(locked.is_(None), locked <= now)
    pk = table.primary_key.columns.values()[0]
    if counter.create_missing:
        first = {pk.name: key, counter.failures: 1, counter.locked_until: until if limit <= 1 else None}
        if counter.last_failed_at:
            first[counter.last_failed_at] = now
        dialect = postgresql if dbsession.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(table).values(first).on_conflict_do_update(
            index_elements=[pk], set_=values, where=not_locked)
    else:
        stmt = update(table).where(pk == key, not_locked).values(values)
    row = dbsession.execute(stmt.returning(failures, locked)).first()
    if row is None:  # locked meanwhile by a concurrent failure
        row = (limit, dbsession.scalar(select(locked).where(pk == key)))
    counted = Counted(row[0], row[1])
    _sync(dbsession, counter, key, counted, now)
    return counted


def clear(dbsession, counter: Counter, key, *, now: dt.datetime) -> dt.datetime | None:
    """Reset the count after a success, unless a concurrent failure has just
    locked the row: then that lock is returned and the success must not count."""
    table = counter.model.__table__
    locked = table.c[counter.locked_until]
    pk = table.primary_key.columns.values()[0]
    stmt = (update(table).where(pk == key, or_(locked.is_(None), locked <= now))
            .values({counter.failures: 0, counter.locked_until: None}).returning(pk))
    if dbsession.execute(stmt).first() is not None:
        _sync(dbsession, counter, key, Counted(0, None))
        return None
    obj = dbsession.identity_map.get(identity_key(counter.model, key))
    if obj is not None:
        dbsession.expire(obj, [counter.failures, counter.locked_until])
    return dbsession.scalar(select(locked).where(pk == key))


def _sync(dbsession, counter: Counter, key, counted: Counted, now: dt.datetime | None = None) -> None:
    """Show the stored values on the row's object, if the session holds it."""
    obj = dbsession.identity_map.get(identity_key(counter.model, key))
    if obj is None:
        return
    set_committed_value(obj, counter.failures, counted.failures)
    set_committed_value(obj, counter.locked_until, counted.locked_until)
    if counter.last_failed_at and now is not None:
        set_committed_value(obj, counter.last_failed_at, now)


def purge_unknown(dbsession, *, now: dt.datetime, period: dt.timedelta, batch: int | None = PURGE_BATCH,
                  counter: Counter = UNKNOWN_LOGINS) -> int:
    """Delete the rows of unknown account names (``unknown_account_login``,
    or ``counter``'s table) whose lock is not in force and whose last failure
    is older than ``period``: their next failure would start again at 1,
    exactly like a missing row. ``batch`` bounds the work (rows another
    transaction holds are skipped); ``None`` deletes them all."""
    t = counter.model.__table__
    locked, last = t.c[counter.locked_until], t.c[counter.last_failed_at]
    pk = t.primary_key.columns.values()[0]
    stale = and_(or_(locked.is_(None), locked <= now), or_(last.is_(None), last < now - period))
    stmt = delete(t).where(stale)
    if batch is not None:
        doomed = select(pk).where(stale).limit(batch).with_for_update(skip_locked=True)
        stmt = stmt.where(pk.in_(doomed))
    return dbsession.execute(stmt).rowcount
