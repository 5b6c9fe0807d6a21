"""The deployment's authentication limits (等保三级 身份鉴别), read from the
settings with the defaults the level-3 checklist asks for."""
from __future__ import annotations

import datetime as dt

from pyramid.settings import asbool

DEFAULTS = {
    "kjgl.lockout_attempts": 5,
    "kjgl.lockout_minutes": 30,
    "kjgl.password_max_age_days": 90,
    "kjgl.password_warn_days": 7,
    "kjgl.password_history": 5,
    "kjgl.session_timeout": 1800,
    "kjgl.session_max_age": 8 * 3600,
}


def _int(settings, key: str) -> int:
    value = settings.get(key)
    return DEFAULTS[key] if value in (None, "") else int(value)


def lockout_attempts(settings) -> int:
    return _int(settings, "kjgl.lockout_attempts")


def lockout_period(settings) -> dt.timedelta:
    return dt.timedelta(minutes=_int(settings, "kjgl.lockout_minutes"))


def password_max_age(settings) -> dt.timedelta:
    return dt.timedelta(days=_int(settings, "kjgl.password_max_age_days"))


def password_warn_period(settings) -> dt.timedelta:
    return dt.timedelta(days=_int(settings, "kjgl.password_warn_days"))


def password_history_size(settings) -> int:
    """How many of the latest passwords (the current one included) may not be reused."""
    return _int(settings, "kjgl.password_history")


def session_max_age(settings) -> int:
    return _int(settings, "kjgl.session_max_age")


def session_timeout(settings) -> int:
    return _int(settings, "kjgl.session_timeout")


# the kinds that need a second factor when the deployment switches it on
SECOND_FACTOR_KINDS = frozenset({"admin", "security_admin", "audit_admin", "agency"})


def second_factor_required(user, settings) -> bool:
    return asbool(settings.get("kjgl.totp", False)) and user.kind in SECOND_FACTOR_KINDS
