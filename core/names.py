"""Comparing the names of organisations and carriers.

天津某某（集团）有限公司 and 天津某某(集团)有限公司 are one organisation: every
place that compares names — registration's duplicate check, choosing an
organisation by its full name, the bank account name of 信息补全, a carrier's
one record per batch — compares :func:`name_key` of both sides."""
from __future__ import annotations

import difflib
import unicodedata

from sqlalchemy import func


def name_key(name: str | None) -> str:
    """NFKC (full-width letters, digits, brackets and spaces become
    half-width), no whitespace, lower case."""
    text = unicodedata.normalize("NFKC", name or "")
    return "".join(text.split()).lower()


def same_name(a: str | None, b: str | None) -> bool:
    return name_key(a) == name_key(b)


def stored_name_key(column):
    """:func:`name_key` in SQL, for a stored name column, covering what names
    contain in practice: spaces, the ideographic space, full-width brackets
    and ASCII case."""
    expr = column
    for old, new in ((" ", ""), ("\u3000", ""), ("\t", ""), ("（", "("), ("）", ")")):
        expr = func.replace(expr, old, new)
    return func.lower(expr)


def name_difference(given: str, expected: str, *, given_label: str, expected_label: str, limit: int = 3) -> str:
    """What differs between two names once full-width/half-width and spaces
    no longer count, as a person reads it: ``填写为“团体”，单位名称为“集团”``."""
    a, b = name_key(given), name_key(expected)
    spans: list[list[int]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if spans and i1 - spans[-1][1] < 2 and j1 - spans[-1][3] < 2:
            spans[-1][1], spans[-1][3] = i2, j2  # one character in common is no landmark: one change
        else:
            spans.append([i1, i2, j1, j2])
    parts = []
    for i1, i2, j1, j2 in spans:
        if i1 == i2:
            parts.append(f"{given_label}缺少“{b[j1:j2]}”")
        elif j1 == j2:
            parts.append(f"{given_label}多出“{a[i1:i2]}”")
        else:
            parts.append(f"{given_label}为“{a[i1:i2]}”，{expected_label}为“{b[j1:j2]}”")
    shown = parts[:limit] + (["……"] if len(parts) > limit else [])
    return "；".join(shown)
