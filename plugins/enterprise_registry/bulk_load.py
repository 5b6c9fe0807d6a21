"""Loading millions of rows into PostgreSQL (``kjgl generate-enterprises``).

Most of the cost of a large ``COPY`` is not the rows but their upkeep:
every row checks each of its foreign keys with a query and enters every
secondary index (the trigram GIN ones are the dearest). A large load
therefore

1. reads the secondary indexes, unique constraints and foreign keys of the
   tables it writes from the catalogue (their definitions, so an index or a
   column another migration added later is kept too) and drops them;
2. ``COPY``s the rows (the caller's block);
3. ``ANALYZE``s the tables and builds everything again: each index in one
   sorted pass, each foreign key and unique constraint checked once over
   the whole table (a duplicate or a dangling reference fails the load).

All of it happens inside one ``SAVEPOINT`` of the caller's transaction
(:func:`without_upkeep`). DDL is transactional in PostgreSQL, so a load that
fails or is interrupted — an exception, Ctrl-C, a killed process or lost
connection, a constraint that does not hold when it is rebuilt — leaves the
tables exactly as they were, indexes and constraints included: nothing can
be left half-dropped. The price: until it commits, the load holds exclusive
locks on the tables it writes and the tables their foreign keys name
(agencies, users, batches), so run it on a benchmark database or out of
hours, not beside users.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Mapping, Sequence

# what the index builds and the foreign key checks may use (both run once, on the whole tables)
REBUILD_SETTINGS = {"maintenance_work_mem": "512MB", "work_mem": "256MB"}


@dataclass(frozen=True)
class Upkeep:
    """An index or constraint dropped for a load: how to drop and build it again."""

    table: str
    name: str
    kind: str  # "index", "unique", "foreign key"
    drop: str
    create: str

    @property
    def title(self) -> str:
        return f"{KIND_TITLES[self.kind]} {self.name}"


KIND_TITLES = {"index": "索引", "unique": "唯一约束", "foreign key": "外键"}


_INDEXES = """
SELECT x.indrelid::regclass::text, x.indexrelid::regclass::text, pg_get_indexdef(x.indexrelid)
FROM pg_index x
WHERE x.indrelid = ANY(CAST(%(tables)s AS regclass[])) AND NOT x.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid)
ORDER BY 1, 2
"""
# foreign keys, and unique constraints unless a foreign key of a table not being loaded refers to them
_CONSTRAINTS = """
SELECT k.conrelid::regclass::text, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint k
WHERE k.conrelid = ANY(CAST(%(tables)s AS regclass[])) AND k.contype IN ('f', 'u')
  AND NOT (k.contype = 'u' AND EXISTS (
      SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = k.conindid
        AND f.conrelid <> ALL(CAST(%(tables)s AS regclass[]))))
ORDER BY 1, 2
"""


def upkeep_of(raw, tables: Sequence[str]) -> list[Upkeep]:
    """The secondary indexes, unique constraints and foreign keys of ``tables``, in the order
    they are built again (indexes, unique constraints, then the foreign keys that may need them)."""
    quote = _quote
    out = []
    with raw.cursor() as cur:
        for table, index, definition in cur.execute(_INDEXES, {"tables": list(tables)}).fetchall():
            out.append(Upkeep(table, index, "index", f"DROP INDEX {index}", definition))
        for table, name, kind, definition in cur.execute(_CONSTRAINTS, {"tables": list(tables)}).fetchall():
            out.append(Upkeep(table, name, "unique" if kind == "u" else "foreign key",
                              f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}",
                              f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"))
    rank = {"index": 0, "unique": 1, "foreign key": 2}
    return sorted(out, key=lambda u: rank[u.kind])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def _settings(raw, values: Mapping[str, str]):
    """``values`` for the rest of the block (``SET LOCAL``), then what was set before."""
    with raw.cursor() as cur:
        before = {k: cur.execute("SELECT current_setting(%s)", (k,)).fetchone()[0] for k in values}
        for key, value in values.items():
            cur.execute("SELECT set_config(%s, %s, true)", (key, value))
        yield
        # (after an error the savepoint's rollback undoes the SET LOCAL)
        for key, value in before.items():
            cur.execute("SELECT set_config(%s, %s, true)", (key, value))


@contextlib.contextmanager
def without_upkeep(session, tables: Sequence[str], *, note=None):
    """The block's writes to ``tables`` with their secondary indexes and constraints dropped, all
    built again after it, the whole inside a savepoint of ``session``'s transaction (see the module)."""
    note = note or (lambda message: None)
    with session.begin_nested():
        raw = session.connection().connection.driver_connection
        dropped = upkeep_of(raw, tables)
        note(f"写入期间暂不维护 {len(dropped)} 个索引和约束，写入后重建")
        with raw.cursor() as cur:
            for u in reversed(dropped):
                cur.execute(u.drop)
        yield dropped
        with raw.cursor() as cur:
            note(f"统计已写入的表 (ANALYZE {', '.join(tables)})")
            for table in tables:
                cur.execute(f"ANALYZE {table}")
            with _settings(raw, REBUILD_SETTINGS):
                for u in dropped:
                    note(f"重建{u.title}")
                    cur.execute(u.create)
