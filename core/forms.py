"""Declared form schemas: one list of fields drives the HTML form, the
server-side validation, the JSON API, and the document/Excel exports.

A :class:`Field` says what a value is (label, kind, limits, choices, help
text, when it applies); a :class:`Schema` validates a submitted mapping and
returns clean values plus a ``{field: message}`` dict of every problem.
"""
from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any, Callable, Mapping

Check = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    # text textarea password select radio int decimal date email mobile id_number bank_account checkbox
    # (mobile, id_number and bank_account are personal data: masked in exports, see masking.BY_KIND)
    kind: str = "text"
    required: bool = True
    max_length: int | None = None
    min_value: decimal.Decimal | int | None = None
    max_value: decimal.Decimal | int | None = None
    choices: tuple[str, ...] = ()
    help: str = ""
    placeholder: str = ""
    unit: str = ""
    checks: tuple[Check, ...] = ()
    # the field applies only when this returns true for the raw data
    when: Callable[[Mapping[str, Any]], bool] | None = None
    # the common case of ``when`` as data, so the page can show/hide the field
    # too: "other_field=value" or "other_field=v1|v2"
    show_when: str = ""
    secret: bool = False  # never echoed back into a re-rendered form
    readonly: bool = False  # shown but filled by the system (e.g. from the organisation)
    # decimal places a decimal is shown with everywhere (page, Word, Excel): amounts 2 → 520.00
    places: int | None = None
    # the browser's autofill hint; a password field defaults to new-password
    autocomplete: str = ""

    def shown(self, value) -> str:
        """A value as people read it: a decimal with its ``places``."""
        if value is None or value == "":
            return ""
        if self.kind == "decimal" and self.places is not None:
            try:
                return f"{decimal.Decimal(str(value)):.{self.places}f}"
            except decimal.InvalidOperation:
                return str(value)
        return str(value)

    def applies(self, data: Mapping[str, Any]) -> bool:
        if self.show_when:
            name, _, wanted = self.show_when.partition("=")
            if str(data.get(name) or "").strip() not in wanted.split("|"):
                return False
        return self.when is None or bool(self.when(data))


@dataclass
class Result:
    data: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


class Schema:
    def __init__(self, *fields: Field, checks: tuple[Callable[[dict], dict], ...] = ()):
        self.fields = fields
        self.by_name = {f.name: f for f in fields}
        self.checks = checks  # whole-form rules: data -> {field: message}

    def __iter__(self):
        return iter(self.fields)

    def validate(self, raw: Mapping[str, Any], partial: bool = False) -> Result:
        """Convert and check ``raw``. With ``partial`` (暂存) empty required
        fields are allowed, but what is filled must still be well formed."""
        data: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in self.fields:
            if not f.applies(raw):
                data[f.name] = None
                continue
            value, message = convert(f, raw.get(f.name))
            if message:
                errors[f.name] = message
                continue
            if value is None:
                if f.required and not partial:
                    errors[f.name] = f"{f.label}不能为空" if f.kind not in ("select", "radio") else f"请选择{f.label}"
                data[f.name] = None
                continue
            for check in f.checks:
                message = check(value)
                if message:
                    errors[f.name] = message
                    break
            data[f.name] = value
        # Whole-form rules (a part ≤ its whole …) run alongside the field rules
        # so that 提交 lists every problem at once; a rule skips values still
        # missing. 暂存 (partial) stores an unfinished draft as it is: they run at 提交.
        if not partial:
            for check in self.checks:
                for name, message in (check(data) or {}).items():
                    errors.setdefault(name, message)
        return Result(data, errors)


def convert(f: Field, raw: Any) -> tuple[Any, str | None]:
    """Return (value, error). Empty input is ``None``."""
    if f.kind == "checkbox":
        return bool(raw) and raw not in ("0", "false", "off"), None
    if isinstance(raw, (list, tuple)):
        return None, f"{f.label}只能填写一个值"
    if raw is None:
        return None, None
    if not isinstance(raw, (str, int, float, decimal.Decimal)):
        return None, f"{f.label}格式不正确"
    text = str(raw).strip()
    if "\x00" in text:
        return None, f"{f.label}包含非法字符"
    if text == "":
        return None, None
    if f.kind in ("text", "textarea", "password", "email", "mobile", "id_number", "bank_account"):
        if f.max_length and len(text) > f.max_length:
            return None, f"{f.label}最多{f.max_length}个字符（当前{len(text)}个）"
        if f.kind == "password":
            text = str(raw)  # passwords are not stripped
        return text, None
    if f.kind in ("select", "radio"):
        if f.choices and text not in f.choices:
            return None, f"{f.label}的取值无效"
        return text, None
    if f.kind == "int":
        try:
            value = int(text)
        except ValueError:
            return None, f"{f.label}须为整数"
        return _bounded(f, value)
    if f.kind == "decimal":
        try:
            value = decimal.Decimal(text)
        except decimal.InvalidOperation:
            return None, f"{f.label}须为数字"
        if not value.is_finite():
            return None, f"{f.label}须为数字"
        return _bounded(f, value)
    if f.kind == "date":
        try:
            return dt.date.fromisoformat(text), None
        except ValueError:
            return None, f"{f.label}须为日期（年-月-日）"
    raise ValueError(f"unknown field kind {f.kind}")


def _bounded(f: Field, value):
    if f.min_value is not None and value < f.min_value:
        return None, f"{f.label}不能小于{f.min_value}"
    if f.max_value is not None and value > f.max_value:
        return None, f"{f.label}不能大于{f.max_value}"
    return value, None


def form_values(schema: Schema, raw: Mapping[str, Any]) -> dict[str, str]:
    """What to put back into a re-rendered form: the user's input, never secrets."""
    return {
        f.name: ("" if f.secret else str(raw.get(f.name, "") or ""))
        for f in schema.fields
    }


def error_items(errors: Mapping[str, str], *sources) -> list[tuple[str, str, str]]:
    """The error summary at the top of a form: (anchor, field title, message)
    for every error, so each item names its field and jumps to it (two
    fields with the same message stay told apart). ``sources`` give the
    titles: a :class:`Schema`, a filing type (its fields and attachment
    slots) or a plain ``{name: title}``. An error of the whole form
    (``form``) is shown on its own and is not an item."""
    titles: dict[str, str] = {}
    for source in sources:
        if source is None:
            continue
        if isinstance(source, Mapping):
            titles.update(source)
            continue
        for f in getattr(source, "fields", ()):
            titles.setdefault(f.name, f.label)
        for slot in getattr(source, "all_slots", ()):
            titles.setdefault(slot.name, slot.title)
    items = []
    for name, message in errors.items():
        if name == "form" or not message:
            continue
        title = titles.get(name, "")
        items.append((f"field-{name}", title, message))
    return items
