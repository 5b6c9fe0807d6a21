"""Searching by text a user typed: one helper for every search box.

A search box matches a fragment anywhere in a column, ignoring case, and
takes the fragment literally: ``%`` and ``_`` are LIKE's wildcards, so
``/admin/totp?q=%`` matched every account while each list built its own
pattern (one escaped them, one did not). Every search uses :func:`contains`.
"""
from __future__ import annotations

LIKE_ESCAPE = "\\"


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards and the escape character itself made literal."""
    return text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_")


def contains(column, text: str):
    """``column`` holds ``text`` (case-insensitive; ``%``, ``_`` and ``\\`` literal)."""
    return column.ilike(f"%{escape_like(text)}%", escape=LIKE_ESCAPE)
