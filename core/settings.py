"""Typed access to the deployment settings (the ``[app:main]`` section)."""
from __future__ import annotations

import datetime as dt
import os
import re

from pyramid.settings import asbool, aslist

from . import crypto


class SettingsError(Exception):
    pass


def _env_or_value(value: str | None) -> str | None:
    """``env:NAME`` reads the environment so production.ini holds no secrets."""
    if value and value.startswith("env:"):
        name = value[4:]
        if name not in os.environ:
            raise SettingsError(f"环境变量 {name} 未设置 (needed by the deployment settings)")
        return os.environ[name]
    return value


def normalise(settings: dict) -> dict:
    s = dict(settings)
    for key in list(s):
        if isinstance(s[key], str):
            s[key] = _env_or_value(s[key])
    if not s.get("sqlalchemy.url"):
        raise SettingsError("sqlalchemy.url is required")
    secret = s.get("kjgl.secret")
    if not secret or len(secret) < 16:
        raise SettingsError("kjgl.secret must be set (at least 16 characters)")
    # personal data is sealed under these keys (see kjgl.core.crypto); the
    # keyring is process-wide because column types have no request
    try:
        crypto.configure(s)
    except crypto.CryptoError as exc:
        raise SettingsError(str(exc)) from None
    configure_audit_and_passwords(s)
    s["kjgl.plugins"] = aslist(s.get("kjgl.plugins", ""))
    # ``kjgl.captcha = off`` switches the graphic captcha and the SMS code checks
    # off, for automated tests and local demos only.
    s["kjgl.captcha"] = asbool(s.get("kjgl.captcha", "on"))
    s["kjgl.title"] = s.get("kjgl.title") or "科技管理信息平台"
    s["kjgl.province"] = s.get("kjgl.province") or "天津市"
    s["kjgl.agency_tree"] = s.get("kjgl.agency_tree") or "tianjin"
    s["kjgl.storage_dir"] = s.get("kjgl.storage_dir") or os.path.join(os.getcwd(), "var", "files")
    s["kjgl.upload_max_bytes"] = int(s.get("kjgl.upload_max_bytes") or 10 * 1024 * 1024)
    s["kjgl.upload_max_files"] = whole_number(s, "kjgl.upload_max_files", 20)
    s["kjgl.realname_hours"] = parse_hours(s.get("kjgl.realname_hours") or "08:00-18:00")
    s["kjgl.cookie_secure"] = asbool(s.get("kjgl.cookie_secure", False))
    # second factor (TOTP) for agency and admin accounts (kjgl.core.accounts.totp)
    s["kjgl.totp"] = asbool(s.get("kjgl.totp", "off"))
    # SMS codes sent per mobile number and per client address within the window
    for key, default in SMS_LIMITS.items():
        s[key] = whole_number(s, key, default)
    s["kjgl.sms_sender"] = s.get("kjgl.sms_sender") or "outbox"
    s["kjgl.mail_sender"] = s.get("kjgl.mail_sender") or "outbox"
    # compiled templates kept between starts (kjgl.core.warmup); unset: compiled at every start
    s["kjgl.template_cache"] = s.get("kjgl.template_cache") or None
    return s


SMS_LIMITS = {"kjgl.sms_per_mobile": 5, "kjgl.sms_per_address": 20, "kjgl.sms_window_minutes": 60}


def whole_number(s: dict, key: str, default: int) -> int:
    """``s[key]`` as a whole number of at least 1 (``default`` when unset);
    a bad value stops the start naming the setting."""
    raw = s.get(key)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise SettingsError(f"{key} must be a whole number, got {raw!r}") from None
    if value < 1:
        raise SettingsError(f"{key} must be at least 1, got {value}")
    return value


AUDIT_KEY_MIN_LENGTH = 32


def configure_audit_and_passwords(s: dict) -> None:
    """The audit chain's HMAC key and the argon2 cost, both per process."""
    from .accounts import passwords
    from .audit import chain

    audit_key = s.get("kjgl.audit_key")
    if not audit_key or len(audit_key) < AUDIT_KEY_MIN_LENGTH:
        raise SettingsError(f"kjgl.audit_key must be set (at least {AUDIT_KEY_MIN_LENGTH} characters, "
                            "e.g. env:KJGL_AUDIT_KEY): it keys the audit log's hash chain")
    chain.configure(audit_key)
    try:
        passwords.configure(s)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


_HOURS = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def parse_hours(value: str):
    """``08:00-18:00`` → (time, time); ``always`` → None (always open)."""
    value = value.strip()
    if value == "always":
        return None
    m = _HOURS.match(value)
    if not m:
        raise SettingsError(f"kjgl.realname_hours: expected HH:MM-HH:MM or 'always', got {value!r}")
    h1, m1, h2, m2 = map(int, m.groups())
    end = dt.time(23, 59, 59) if (h2, m2) == (24, 0) else dt.time(h2, m2)
    return dt.time(h1, m1), end
