"""Password hashing with argon2id (argon2-cffi).

The cost is a deployment setting (``kjgl.argon2_time_cost``,
``kjgl.argon2_memory_kib``, ``kjgl.argon2_parallelism``; defaults are
argon2-cffi's, RFC 9106's low-memory profile: t=3, 64 MiB, p=4). Hashes made
with other parameters still verify, since each hash carries its own, and are
rehashed at the next successful login (:func:`needs_rehash`). The hasher is
per process, set by :func:`configure` when the settings are read.
"""
from __future__ import annotations

import base64
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

COST_SETTINGS = {
    "kjgl.argon2_time_cost": ("time_cost", 3),
    "kjgl.argon2_memory_kib": ("memory_cost", 65536),
    "kjgl.argon2_parallelism": ("parallelism", 4),
}

def _dummy(hasher: PasswordHasher) -> str:
    """A well-formed argon2id hash at the hasher's cost that no password
    matches, verified against when the account does not exist so that timing
    does not tell: verifying it costs a full hash, like a real one. Built,
    not hashed, so that starting a process costs no argon2 run."""
    def b64(n: int) -> str:
        return base64.b64encode(secrets.token_bytes(n)).decode().rstrip("=")

    return (f"$argon2id$v=19$m={hasher.memory_cost},t={hasher.time_cost},p={hasher.parallelism}"
            f"${b64(hasher.salt_len)}${b64(hasher.hash_len)}")


_hasher = PasswordHasher(**{arg: default for arg, default in COST_SETTINGS.values()})
_DUMMY = _dummy(_hasher)


def cost(settings) -> dict[str, int]:
    """The argon2 parameters of the settings; ValueError names a bad one."""
    params = {}
    for key, (arg, default) in COST_SETTINGS.items():
        raw = settings.get(key)
        try:
            value = default if raw in (None, "") else int(raw)
        except (TypeError, ValueError):
            raise ValueError(f"{key} must be a whole number, got {raw!r}") from None
        if value < 1:
            raise ValueError(f"{key} must be at least 1, got {value}")
        params[arg] = value
    if params["memory_cost"] < 8 * params["parallelism"]:
        raise ValueError("kjgl.argon2_memory_kib must be at least 8 × kjgl.argon2_parallelism (argon2's minimum)")
    return params


def configure(settings) -> None:
    global _hasher, _DUMMY
    params = cost(settings)
    if (_hasher.time_cost, _hasher.memory_cost, _hasher.parallelism) == (
            params["time_cost"], params["memory_cost"], params["parallelism"]):
        return
    _hasher = PasswordHasher(**params)
    _DUMMY = _dummy(_hasher)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)
