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


def bank_account(value: str | None) -> str:
    """A bank account number: first 6 and last 4 digits, like an ID number."""
    return id_number(value)


# Field.kind → how its values are masked; a plugin's field gets masked
# everywhere (exports, audit changes) by declaring one of these kinds
BY_KIND = {"mobile": mobile, "id_number": id_number, "bank_account": bank_account}


def is_personal(field) -> bool:
    return field.kind in BY_KIND


def field_value(field, value):
    """``value`` of ``field`` masked when its kind holds personal data."""
    if value is None or value == "" or not is_personal(field):
        return value
    return BY_KIND[field.kind](str(value))
