"""Detail tables (明细表) of a tabbed document: a row schema of typed columns,
per-row rules declared as data, proof slots per row, and the plugin table
that stores one database row per table row.

The rules are data so that the server enforces them and the page reflects
them from the same declaration (``data-rules`` on the table, read by
``tables.js``):

- :class:`NotFillable` — cells that must stay empty while a condition holds
  (a value sent anyway is refused with the cell's message);
- :class:`RequiredWhen` — cells that must be filled while a condition holds
  (checked at 提交; 保存 keeps partial rows);
- :class:`InBatchWindow` — a date inside a window taken from the batch;
- :class:`FromTable` — a value chosen among another table's values;
- :class:`PartsNotAbove` — parts of a row whose sum may not exceed its whole;
- :class:`ProofRequired` — a row's proof slot that must hold a file
  (always, or while a condition holds), checked at 提交.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping, Sequence

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..attachments.services import Slot
from ..forms import Field, convert

ROW_TOKEN = re.compile(r"^[a-z0-9]{1,12}$")
MAX_ROWS = 500


@dataclass(frozen=True)
class When:
    """A condition on a row: ``cell`` holds one of ``values``, or any value
    when ``values`` is empty."""

    cell: str
    values: tuple[str, ...] = ()

    def holds(self, row: Mapping[str, Any]) -> bool:
        value = row.get(self.cell)
        text = "" if value is None else str(value).strip()
        return bool(text) if not self.values else text in self.values

    @property
    def spec(self) -> str:
        """``cell=v1|v2`` (or ``cell`` for "has a value"): the page's form of it."""
        return f"{self.cell}={'|'.join(self.values)}" if self.values else self.cell


@dataclass(frozen=True)
class NotFillable:
    cells: tuple[str, ...]
    when: When
    reason: str  # 在孵的创业团队 … → "…为不可填项目"


@dataclass(frozen=True)
class RequiredWhen:
    cells: tuple[str, ...]
    when: When
    reason: str  # 获得投融资的创业团队 …


@dataclass(frozen=True)
class InBatchWindow:
    """``cell`` (a date) must lie within the batch's dates named by
    ``start`` and ``end`` (attributes of :class:`~kjgl.core.review.models.Batch`;
    either may be None for an open end)."""

    cell: str
    start: str | None = "window_start"
    end: str | None = "window_end"


@dataclass(frozen=True)
class FromTable:
    """``cell`` must equal a ``column`` value of a row of table ``table``."""

    cell: str
    table: str
    column: str


@dataclass(frozen=True)
class PartsNotAbove:
    parts: tuple[str, ...]
    whole: str


@dataclass(frozen=True)
class ProofRequired:
    slot: str
    when: When | None = None
    reason: str = ""  # "所有创业团队均须" → "…均须上传入驻协议"; empty → "请上传…"


@dataclass(frozen=True)
class DetailTable:
    key: str
    title: str
    columns: tuple[Field, ...]
    model: Any  # the plugin's table (a DetailRow subclass) with one column per field
    rules: tuple = ()
    slots: tuple[Slot, ...] = ()  # proof slots of each row
    note: str = ""  # the rules as the page states them
    min_rows: int = 0  # rows required at 提交
    label_column: str = ""  # the column that names a row in messages (team name …)

    @property
    def by_name(self) -> dict[str, Field]:
        return {c.name: c for c in self.columns}

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    def not_fillable(self, row: Mapping[str, Any]) -> dict[str, NotFillable]:
        locked: dict[str, NotFillable] = {}
        for rule in self.rules:
            if isinstance(rule, NotFillable) and rule.when.holds(row):
                for cell in rule.cells:
                    locked.setdefault(cell, rule)
        return locked

    def page_rules(self) -> list[dict]:
        """The rules the page applies while a row changes (tables.js)."""
        out = []
        for rule in self.rules:
            if isinstance(rule, (NotFillable, RequiredWhen)):
                out.append({"type": "locked" if isinstance(rule, NotFillable) else "required",
                            "cells": list(rule.cells), "when": rule.when.cell, "values": list(rule.when.values)})
            elif isinstance(rule, ProofRequired) and rule.when is not None:
                out.append({"type": "required", "cells": [rule.slot], "when": rule.when.cell,
                            "values": list(rule.when.values)})
        return out


class DetailRow:
    """Mixin of a plugin's detail-table model: ``class TeamRow(DetailRow, Base)``
    with one typed column per declared field."""

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


def row_label(table: DetailTable, index: int, row: Mapping[str, Any]) -> str:
    name = row.get(table.label_column) if table.label_column else None
    return f"{table.title}第{index + 1}行" + (f"（{name}）" if name else "")


# --- what the page posts --------------------------------------------------------

def posted_rows(table: DetailTable, params) -> tuple[list[tuple[str, dict]], str | None]:
    """The rows posted for ``table`` in page order: ``[(token, raw cells)]``.

    The page posts ``{table}-rows`` once per row (its token, in order) and the
    cells as ``{table}-{token}-{column}``; ``{table}-{token}-id`` names a stored row."""
    tokens = [t for t in params.getall(f"{table.key}-rows") if isinstance(t, str)]
    if len(tokens) > MAX_ROWS:
        return [], f"{table.title}最多{MAX_ROWS}行"
    if len(set(tokens)) != len(tokens) or not all(ROW_TOKEN.match(t) for t in tokens):
        return [], f"{table.title}的行数据格式不正确，请刷新页面后重新填写"
    rows = []
    for token in tokens:
        raw = {}
        for name in [c.name for c in table.columns] + ["id"]:
            values = params.getall(f"{table.key}-{token}-{name}")
            values = [v for v in values if isinstance(v, str)]
            raw[name] = values[0] if len(values) == 1 else (values or None)
        rows.append((token, raw))
    return rows, None


def cell_key(table: DetailTable, token: str, name: str) -> str:
    return f"{table.key}-{token}-{name}"


# --- validation ---------------------------------------------------------------

def _has_value(raw: Any) -> bool:
    return raw not in (None, "", []) and not (isinstance(raw, str) and not raw.strip())


def validate_row(table: DetailTable, token: str, raw: Mapping[str, Any], index: int, *, batch,
                 others: Mapping[str, Sequence[Mapping[str, Any]]], partial: bool,
                 files: Mapping[str, Sequence[Any]] | None = None) -> tuple[dict, dict[str, str]]:
    """Clean one posted row: ``(values, {cell key: message})``.

    ``others`` holds the cleaned rows of every table of the document (for
    :class:`FromTable`); ``files`` the row's stored files by slot (for
    :class:`ProofRequired`, checked only when not ``partial``)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    where = row_label(table, index, {})
    for column in table.columns:
        value, message = convert(column, raw.get(column.name))
        if message is None and value is not None:
            for check in column.checks:
                message = check(value)
                if message:
                    break
        if message:
            errors[cell_key(table, token, column.name)] = f"{where}：{message}"
            value = None
        values[column.name] = value
    where = row_label(table, index, values)
    locked = table.not_fillable({k: raw.get(k) for k in raw})
    for cell, rule in locked.items():
        if _has_value(raw.get(cell)):
            label = table.by_name[cell].label if cell in table.by_name else cell
            errors[cell_key(table, token, cell)] = f"{where}：{rule.reason}“{label}”为不可填项目，请清空"
        values[cell] = None
    for rule in table.rules:
        if isinstance(rule, RequiredWhen) and not partial and rule.when.holds(values):
            for cell in rule.cells:
                if values.get(cell) is None and cell_key(table, token, cell) not in errors:
                    errors[cell_key(table, token, cell)] = \
                        f"{where}：{rule.reason}须填写“{table.by_name[cell].label}”"
        elif isinstance(rule, InBatchWindow):
            _window(table, token, rule, values, batch, where, errors)
        elif isinstance(rule, FromTable):
            value = values.get(rule.cell)
            if value is not None:
                choices = {str(r.get(rule.column) or "").strip() for r in others.get(rule.table, ())}
                if str(value).strip() not in choices - {""}:
                    errors[cell_key(table, token, rule.cell)] = \
                        f"{where}：“{table.by_name[rule.cell].label}”须从已填写的团队中选择（“{value}”不在列表中）"
        elif isinstance(rule, PartsNotAbove):
            whole = values.get(rule.whole)
            parts = [values.get(p) for p in rule.parts]
            if whole is not None and all(p is not None for p in parts) and sum(parts) > whole:
                labels = "、".join(table.by_name[p].label for p in rule.parts)
                errors[cell_key(table, token, rule.parts[0])] = \
                    f"{where}：{labels}之和（{_num(sum(parts))}）不能大于{table.by_name[rule.whole].label}（{_num(whole)}）"
        elif isinstance(rule, ProofRequired) and not partial and files is not None:
            if (rule.when is None or rule.when.holds(values)) and not files.get(rule.slot):
                slot = table.slot(rule.slot)
                title = slot.title if slot else rule.slot
                errors[cell_key(table, token, rule.slot)] = \
                    f"{where}：{rule.reason}上传{title}" if rule.reason else f"{where}：请上传{title}"
    if not partial:
        for column in table.columns:
            if column.required and values.get(column.name) is None and column.name not in locked \
                    and cell_key(table, token, column.name) not in errors:
                errors[cell_key(table, token, column.name)] = f"{where}：请填写“{column.label}”"
    return values, errors


def _num(value) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _window(table, token, rule: InBatchWindow, values, batch, where, errors):
    value = values.get(rule.cell)
    if value is None or batch is None:
        return
    start = getattr(batch, rule.start) if rule.start else None
    end = getattr(batch, rule.end) if rule.end else None
    if (start and value < start) or (end and value > end):
        span = f"{_date(start) if start else '不限'}至{_date(end) if end else '不限'}"
        errors[cell_key(table, token, rule.cell)] = \
            f"{where}：“{table.by_name[rule.cell].label}”须在{span}之间（填写的是{_date(value)}）"


def _date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"
