"""``kjgl keys rotate``: every sealed value re-encrypted under the current
(first) data key, every keyed-hash column recomputed under the index key.

Sealed values are found by walking the tables given (the core's and the
enabled plugins'): ``EncryptedString`` columns, and the sealed keys of
``SealedJSON`` columns (filing content). A value already under the current key
is left as it is, so a second run changes nothing; a plaintext value written
before sealing was switched on is sealed. See docs/keys.md.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import JSON, String, select, type_coerce, update

from . import crypto


@dataclass
class RotationCounts:
    resealed: int = 0  # values moved from an older key to the current one
    sealed: int = 0  # plaintext values (written before sealing) now sealed
    current: int = 0  # values already under the current key, left alone
    hashes: int = 0  # keyed hashes recomputed because they differed

    def as_dict(self) -> dict:
        return asdict(self)


def _where_pk(table, row):
    return [c == row._mapping[c.name] for c in table.primary_key.columns]


def _columns(tables, type_):
    return [(t, c) for t in tables for c in t.columns if isinstance(c.type, type_)]


def _classify(ring, value, counts) -> bool:
    """Whether ``value`` needs writing again; counts it."""
    key_id = ring.key_id_of(value)
    if key_id == ring.current_id:
        counts.current += 1
        return False
    if key_id is None:
        counts.sealed += 1
    else:
        counts.resealed += 1
    return True


def _rotate_strings(conn, ring, table, column, counts) -> None:
    pk = list(table.primary_key.columns)
    raw = type_coerce(column, String).label("raw")
    for row in conn.execute(select(*pk, raw).where(raw.is_not(None), raw != "")).all():
        if _classify(ring, row.raw, counts):
            plain = ring.open(row.raw, column.type.context) if crypto.is_sealed(row.raw) else row.raw
            # bound through the column's type: sealed under the current key
            conn.execute(update(table).where(*_where_pk(table, row)).values({column.name: plain}))


def _rotate_json(conn, ring, table, column, counts) -> None:
    pk = list(table.primary_key.columns)
    raw = type_coerce(column, JSON).label("raw")
    context = column.type.context
    for row in conn.execute(select(*pk, raw)).all():
        data = row.raw
        if not isinstance(data, dict):
            continue
        changed = dict(data)
        for key in column.type.sealed_keys():
            value = data.get(key)
            if isinstance(value, str) and value and _classify(ring, value, counts):
                plain = ring.open(value, f"{context}.{key}") if crypto.is_sealed(value) else value
                changed[key] = ring.seal(plain, f"{context}.{key}")
        if changed != data:  # written as it is: the values are sealed already
            conn.execute(update(table).where(*_where_pk(table, row)).values({column.name: type_coerce(changed, JSON)}))


def _recompute_hashes(conn, tables, counts) -> None:
    names = {t.name for t in tables}
    for attribute, hash_name, context in crypto.INDEXED:
        table = attribute.class_.__table__
        if table.name not in names:
            continue
        source, hashed = attribute.property.columns[0], table.c[hash_name]
        pk = list(table.primary_key.columns)
        for row in conn.execute(select(*pk, source.label("plain"), hashed.label("hashed"))).all():
            wanted = crypto.blind_index(row.plain, context)
            if wanted != row.hashed:
                conn.execute(update(table).where(*_where_pk(table, row)).values({hash_name: wanted}))
                counts.hashes += 1


def rotate(conn, tables) -> RotationCounts:
    """Re-seal and re-index ``tables`` on ``conn`` (one transaction, the
    caller's). Raises :class:`crypto.CryptoError` for a value no listed key opens."""
    ring = crypto.keyring()
    tables = list(tables)
    counts = RotationCounts()
    for table, column in _columns(tables, crypto.EncryptedString):
        _rotate_strings(conn, ring, table, column, counts)
    for table, column in _columns(tables, crypto.SealedJSON):
        _rotate_json(conn, ring, table, column, counts)
    _recompute_hashes(conn, tables, counts)
    return counts
