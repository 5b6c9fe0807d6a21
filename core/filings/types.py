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
from .tables import DetailTable
from .tabs import Figure, Section, Tab

__all__ = ["FilingType", "Section", "Tab"]


@dataclass(frozen=True)
class ListFilter:
    """A filter of the reviewers' list declared by the plugin (载体类型, 所属区市 …):
    ``choices(db, scoped)`` gives ``[(value, title)]`` from the reviewer's
    scoped statement, ``apply(stmt, value)`` narrows a ``select(Submission)``."""

    name: str
    label: str
    choices: Callable[[Any, Any], list]
    apply: Callable[[Any, str], Any]


@dataclass(frozen=True)
class FilingType:
    module_key: str  # the plugin's module key, also its URL/route prefix
    kind: str  # the review chain's kind
    title: str  # 天津市众创空间绩效评估
    noun: str  # 众创空间 (the carrier being evaluated)
    document_title: str  # "{year}年度天津市众创空间绩效评估表"
    sections: tuple[Section, ...] = ()  # a one-page form (saved whole) …
    slots: tuple[Slot, ...] = ()  # the attachment slots (附件), each multi-file
    signature_slot: Slot | None = None  # 签章页: PDF only, required to submit
    name_field: str = ""  # the field holding the carrier's name (the record's title)
    district_field: str = ""  # the field holding 所在区; chooses the reviewing district agency
    checks: tuple[Callable[[dict], dict], ...] = ()  # cross-field rules: data -> {field: message}
    prefill: Callable[[Any], dict] | None = None  # organisation -> initial values
    # content model (a plugin table with submission_id + data JSON), set by the plugin
    model: Any = None
    tabs: tuple[Tab, ...] = ()  # … or tabs, each saved on its own
    batch_fields: tuple[Field, ...] = ()
    batch_levels: tuple[str, ...] = ("city", "national")  # the agency levels that open and manage batches  # dates a batch carries for this document (Batch columns)
    list_filters: tuple[ListFilter, ...] = ()
    versioned: bool = False  # 下载材料 makes a numbered application document; 提交 needs the latest one
    name_label: str = ""  # the record's name in lists (default: "{noun}名称")
    review_title: str = ""  # the reviewers' menu title (default: "{noun}审核")
    submitted_message: str = "已提交审核，提交后不能修改申报内容"
    list_note: str = ""  # how to fill and submit, under the applicant's list

    def __post_init__(self):
        if self.model is not None:  # personal data in the content JSON is stored sealed
            seal_fields(self.model.__tablename__, (f.name for f in self.fields if f.kind in SEALED_KINDS))

    @property
    def all_sections(self) -> tuple[Section, ...]:
        return self.sections + tuple(s for t in self.tabs for s in t.sections)

    @property
    def input_fields(self) -> tuple[Field, ...]:
        """The fields a person fills (computed figures excluded)."""
        return tuple(f for s in self.all_sections for f in s.fields)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(fig for t in self.tabs for fig in t.figures)

    @property
    def tables(self) -> tuple[DetailTable, ...]:
        return tuple(table for t in self.tabs for table in t.tables)

    # derived once per declaration (per process), not at every access: a
    # save reads the schema several times per request
    @functools.cached_property
    def fields(self) -> tuple[Field, ...]:
        """Every value of the document: what is filled, then what is computed."""
        return self.input_fields + tuple(fig.field for fig in self.figures)

    @functools.cached_property
    def schema(self) -> Schema:
        return Schema(*self.input_fields, checks=self.checks)

    @functools.cached_property
    def all_slots(self) -> tuple[Slot, ...]:
        tab_slots = tuple(s for t in self.tabs for s in t.slots)
        return self.slots + tab_slots + ((self.signature_slot,) if self.signature_slot else ())

    def tab(self, key: str) -> Tab | None:
        return next((t for t in self.tabs if t.key == key), None)

    def row_owner_type(self, table: DetailTable) -> str:
        """The attachments' owner type of a detail table's rows."""
        return f"{self.module_key}.{table.key}"

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
