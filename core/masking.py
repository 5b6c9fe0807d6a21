"""Masking of personal data in lists: 138****2210, 110105********002X."""
from __future__ import annotations


def mobile(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * (len(value) - 2)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def email(value: str | None) -> str:
    if not value or "@" not in value:
        return value or ""
    local, domain = value.split("@", 1)
    return (local[:2] + "***") + "@" + domain
