"""Encryption at rest of personal data (ID numbers, mobiles, TOTP secrets).

Values are sealed with AES-256-GCM (``cryptography``'s AESGCM) under a keyring
from the settings:

    kjgl.data_keys = 2:<base64 32 bytes> 1:<base64 32 bytes>
    kjgl.index_key = <base64 32 bytes>

The first data key encrypts; every key listed decrypts, so rotation is: put a
new key first, keep the old one, run ``kjgl keys rotate`` (re-encrypts every
sealed column under the new key), then drop the old key. A stored value reads
``enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>``; its column name is the
GCM associated data, so a value copied into another column does not open.

Equality search on a sealed value goes through a keyed hash (HMAC-SHA256 under
``kjgl.index_key``, see :func:`blind_index`) kept in a column of its own.

The keyring is per process (SQLAlchemy column types have no request), set by
:func:`configure` when the app or a command starts.
"""
from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import json
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import JSON, String, event
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

PREFIX = "enc1"
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")


class CryptoError(Exception):
    """A missing, malformed or unknown key (names the setting)."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]
    index_key: bytes

    def seal(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        body = AESGCM(self.keys[self.current_id]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{PREFIX}:{self.current_id}:{base64.urlsafe_b64encode(nonce + body).decode('ascii')}"

    def open(self, stored: str, context: str) -> str:
        try:
            prefix, key_id, payload = stored.split(":", 2)
        except ValueError:
            raise CryptoError("not an encrypted value") from None
        if prefix != PREFIX:
            raise CryptoError("not an encrypted value")
        key = self.keys.get(key_id)
        if key is None:
            raise CryptoError(f"kjgl.data_keys has no key {key_id!r}: the value was encrypted under a key "
                            "that has been removed")
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
        try:
            return AESGCM(key).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
        except InvalidTag:
            raise CryptoError(f"a value of {context} does not open under key {key_id!r} "
                            "(changed, or copied from another column)") from None

    def key_id_of(self, stored: str) -> str | None:
        parts = stored.split(":", 2)
        return parts[1] if len(parts) == 3 and parts[0] == PREFIX else None

    def index(self, value: str, context: str) -> str:
        return hmac.new(self.index_key, f"{context}\0{value}".encode("utf-8"), hashlib.sha256).hexdigest()


_keyring: Keyring | None = None


def _decode_key(text: str, setting: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise CryptoError(f"{setting}: a key is not valid base64") from None
    if len(key) != 32:
        raise CryptoError(f"{setting}: a key must be 32 bytes (base64 of 32 random bytes), got {len(key)}")
    return key


def parse_keyring(data_keys: str | None, index_key: str | None) -> Keyring:
    if not data_keys or not data_keys.strip():
        raise CryptoError("kjgl.data_keys must be set: `kjgl keys new` prints one")
    if not index_key or not index_key.strip():
        raise CryptoError("kjgl.index_key must be set: `kjgl keys new` prints one")
    keys: dict[str, bytes] = {}
    order: list[str] = []
    for item in re.split(r"[\s,]+", data_keys.strip()):
        key_id, sep, text = item.partition(":")
        if not sep or not _KEY_ID.match(key_id):
            raise CryptoError("kjgl.data_keys: each key is written <id>:<base64>, the id 1–16 letters or digits")
        if key_id in keys:
            raise CryptoError(f"kjgl.data_keys: key id {key_id!r} appears twice")
        keys[key_id] = _decode_key(text, "kjgl.data_keys")
        order.append(key_id)
    return Keyring(current_id=order[0], keys=keys, index_key=_decode_key(index_key, "kjgl.index_key"))


def configure(settings: dict) -> Keyring:
    """Install the keyring named by the settings for this process."""
    global _keyring
    _keyring = parse_keyring(settings.get("kjgl.data_keys"), settings.get("kjgl.index_key"))
    return _keyring


def keyring() -> Keyring:
    if _keyring is None:
        raise CryptoError("the data keys are not configured (kjgl.crypto.configure was not called)")
    return _keyring


def new_key() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


def blind_index(value: str | None, context: str) -> str | None:
    """Keyed hash of ``value`` for equality search; ``context`` keeps the hashes
    of different kinds of value apart (say ``"mobile"``)."""
    if value is None or value == "":
        return None
    return keyring().index(value, context)


# comparisons that can never match a sealed value (each seal has a fresh nonce)
_NO_MATCH_OPS = {operators.eq, operators.ne, operators.in_op, operators.not_in_op, operators.like_op,
                 operators.ilike_op, operators.contains_op, operators.startswith_op, operators.endswith_op}


class EncryptedString(TypeDecorator):
    """A string column stored sealed. ``context`` (the column's name, by
    convention ``table.column``) is the associated data."""

    impl = String  # the class: an instance here would ignore ``length``
    cache_ok = True

    class comparator_factory(String.Comparator):
        def operate(self, op, *other, **kwargs):
            if op in _NO_MATCH_OPS:
                raise TypeError(f"{self.expr} is sealed: search it through its keyed-hash column "
                                "(kjgl.core.crypto.blind_index)")
            return super().operate(op, *other, **kwargs)

    def __init__(self, context: str, length: int = 255):
        super().__init__(length)
        self.context = context

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return value
        return keyring().seal(str(value), self.context)

    def process_result_value(self, value, dialect):
        if value is None or value == "" or not value.startswith(PREFIX + ":"):
            # rows written before encryption was switched on: `kjgl keys rotate`
            # seals them; until then they read as they are
            return value
        return keyring().open(value, self.context)


# (mapped attribute, hash attribute name, context) of every keyed-hash column
# kept by :func:`index_on_set`, so `kjgl keys rotate` can recompute them
INDEXED: list[tuple] = []


@functools.cache
def defer_sealed(model) -> tuple:
    """Loader options leaving the model's sealed columns unread until used:
    a page that does not show them does not pay for opening them (each is
    an AES-GCM decryption per row). Made once per model and process."""
    from sqlalchemy.orm import defer

    return tuple(defer(getattr(model, prop.key)) for prop in model.__mapper__.column_attrs
                 if isinstance(prop.columns[0].type, EncryptedString))


def index_on_set(attribute, hash_attribute: str, context: str) -> None:
    """Keep ``hash_attribute`` the keyed hash of ``attribute`` whenever the
    attribute is set (constructor included): the one place such hashes are made."""
    def on_set(target, value, oldvalue, initiator):
        setattr(target, hash_attribute, blind_index(value, context))

    event.listen(attribute, "set", on_set)
    INDEXED.append((attribute, hash_attribute, context))


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX + ":")


class SealedJSON(TypeDecorator):
    """A JSON object column some of whose keys hold personal data: those keys'
    string values are stored sealed (associated data ``<context>.<key>``).
    ``sealed_keys`` is a callable so the keys can be declared after the table
    (a filing's schema names them by field kind)."""

    impl = JSON
    cache_ok = True

    def __init__(self, context: str, sealed_keys):
        super().__init__()
        self.context = context
        self.sealed_keys = sealed_keys

    def process_bind_param(self, value, dialect):
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key in self.sealed_keys():
            text = out.get(key)
            if isinstance(text, str) and text:
                out[key] = keyring().seal(text, f"{self.context}.{key}")
        return out

    def process_result_value(self, value, dialect):
        # only the declared keys: text typed into another field that merely
        # looks sealed is left as it is
        if not isinstance(value, dict):
            return value
        out = dict(value)
        for key in self.sealed_keys():
            if is_sealed(out.get(key)):
                out[key] = keyring().open(out[key], f"{self.context}.{key}")
        return out


class SessionCookieSerializer:
    """The session cookie's content encrypted and authenticated (AES-256-GCM
    under a key derived from ``kjgl.secret``), so the browser holds an
    opaque value: neither the session token, nor the CSRF token, nor the
    times can be read from it, and a changed cookie does not open. A
    serializer for Pyramid's ``BaseCookieSessionFactory``."""

    CONTEXT = b"kjgl_session"

    def __init__(self, secret: str):
        self._aead = AESGCM(hashlib.sha256(b"kjgl.session-cookie\0" + secret.encode("utf-8")).digest())

    def dumps(self, appstruct) -> bytes:
        nonce = os.urandom(12)
        body = self._aead.encrypt(nonce, json.dumps(appstruct, separators=(",", ":")).encode("utf-8"),
                                  self.CONTEXT)
        return base64.urlsafe_b64encode(nonce + body).rstrip(b"=")

    def loads(self, bstruct: bytes):
        try:
            raw = base64.urlsafe_b64decode(bstruct + b"=" * (-len(bstruct) % 4))
            return json.loads(self._aead.decrypt(raw[:12], raw[12:], self.CONTEXT))
        except (ValueError, binascii.Error, InvalidTag) as exc:
            raise ValueError("the session cookie does not open") from exc
