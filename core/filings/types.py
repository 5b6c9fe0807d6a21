"""What a plugin declares to get a yearly filing (an applicant fills a
sectioned form with attachments, exports it to Word, uploads the signed page,
submits; agencies review along the plugin's chain).

makerspace and incubator are two :class:`FilingType` declarations over the
same machinery (core/filings): list page, form, attachments widget, Word
builder, review pages and Excel export are shared.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..attachments.services import Slot
from ..forms import Field, Schema
from .models import SEALED_KINDS, seal_fields


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""  # a line shown under the section title (and in the Word file)


@dataclass(frozen=True)
class FilingType:
    module_key: str  # the plugin's module key, also its URL/route prefix
    kind: str  # the review chain's kind
    title: str  # 天津市众创空间绩效评估
    noun: str  # 众创空间 (the carrier being evaluated)
    document_title: str  # "{year}年度天津市众创空间绩效评估表"
    sections: tuple[Section, ...]
    slots: tuple[Slot, ...]  # the attachment slots (附件), each multi-file
    signature_slot: Slot  # 签章页: PDF only, required to submit
    name_field: str  # the field holding the carrier's name (the record's title)
    district_field: str  # the field holding 所在区; chooses the reviewing district agency
    checks: tuple[Callable[[dict], dict], ...] = ()  # cross-field rules: data -> {field: message}
    prefill: Callable[[Any], dict] | None = None  # organisation -> initial values
    # content model (a plugin table with submission_id + data JSON), set by the plugin
    model: Any = None

    def __post_init__(self):
        if self.model is not None:  # personal data in the content JSON is stored sealed
            seal_fields(self.model.__tablename__, (f.name for f in self.fields if f.kind in SEALED_KINDS))

    # derived once per declaration (per process), not at every access: a
    # save reads the schema several times per request
    @functools.cached_property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    @functools.cached_property
    def schema(self) -> Schema:
        return Schema(*self.fields, checks=self.checks)

    @functools.cached_property
    def all_slots(self) -> tuple[Slot, ...]:
        return self.slots + (self.signature_slot,)

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.all_slots if s.name == name), None)

    @property
    def owner_type(self) -> str:
        """The attachments' owner type for this filing's records."""
        return f"{self.module_key}.submission"

    def display(self, data: Mapping[str, Any], f: Field) -> str:
        """A value as a person reads it (Word, Excel, detail page)."""
        value = data.get(f.name)
        if value is None or value == "":
            return ""
        if f.kind == "checkbox":
            return "是" if value else "否"
        return str(value)
