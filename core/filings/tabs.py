"""Tabs of a document type and the figures computed from its detail tables.

A :class:`Tab` holds scalar fields (in sections), computed figures shown above
its tables, detail tables, document-level attachment slots, or a page of
instructions. Each tab is saved on its own; a figure is computed on the
server at every save (never taken from the client) and shown read-only with
"由下表数据自动汇总生成".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping, Sequence

from ..attachments.services import Slot
from ..forms import Field
from .tables import DetailTable

FIGURES_NOTE = "由下表数据自动汇总生成"
NO_RATIO = "—"  # a ratio over a zero total


@dataclass(frozen=True)
class Count:
    table: str


@dataclass(frozen=True)
class Sum:
    table: str
    column: str


@dataclass(frozen=True)
class Total:
    """The sum of other figures."""

    figures: tuple[str, ...]


@dataclass(frozen=True)
class Ratio:
    """(sum of ``numerators``) / ``denominator`` as a percentage."""

    numerators: tuple[str, ...]
    denominator: str
    places: int = 1


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    source: Count | Sum | Total | Ratio
    unit: str = ""
    places: int = 0  # decimals shown (areas 2, counts 0)

    @property
    def field(self) -> Field:
        """The figure as a read-only field (Excel columns, audit titles)."""
        kind = "int" if self.places == 0 and not isinstance(self.source, Ratio) else "decimal"
        return Field(self.name, self.label, kind, required=False, unit=self.unit, readonly=True)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[Field, ...]
    note: str = ""


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    sections: tuple[Section, ...] = ()
    figures: tuple[Figure, ...] = ()
    figures_title: str = ""
    tables: tuple[DetailTable, ...] = ()
    slots: tuple[Slot, ...] = ()
    instructions: tuple[str, ...] = ()  # a page to read (填报说明): paragraphs, "## " starts a heading
    downloads: tuple[tuple[str, str], ...] = ()  # (label, route name taking id=) e.g. 承诺书模板
    note: str = ""
    # a typed table keyed by ``submission_id`` with one column per field of
    # this tab: its values are stored there (filterable, summable) instead of
    # in the document's JSON content; several tabs may share one table
    model: Any = None

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)

    @property
    def savable(self) -> bool:
        return bool(self.sections or self.tables or self.slots)


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def compute(figures: Sequence[Figure], rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, Any]:
    """Every figure's value from the tables' rows (``{table key: [row values]}``):
    counts and sums first, then totals of them, then ratios, whatever the
    order they are shown in. A ratio over a zero or missing total is ``None``
    (shown "—")."""
    out: dict[str, Any] = {}
    stage = {Count: 0, Sum: 0, Total: 1, Ratio: 2}
    for figure in sorted(figures, key=lambda f: stage[type(f.source)]):
        source = figure.source
        if isinstance(source, Count):
            value: Any = len(rows.get(source.table, ()))
        elif isinstance(source, Sum):
            cells = [r.get(source.column) for r in rows.get(source.table, ())]
            value = sum((Decimal(str(c)) for c in cells if c is not None), Decimal(0))
            value = _quantize(value, figure.places) if figure.places else int(value)
        elif isinstance(source, Total):
            value = sum((Decimal(str(out.get(n) or 0)) for n in source.figures), Decimal(0))
            value = _quantize(value, figure.places) if figure.places else int(value)
        else:
            total = Decimal(str(out.get(source.denominator) or 0))
            part = sum((Decimal(str(out.get(n) or 0)) for n in source.numerators), Decimal(0))
            value = _quantize(part * 100 / total, source.places) if total > 0 else None
        out[figure.name] = value
    return {f.name: out[f.name] for f in figures}


def shown(figure: Figure, value: Any) -> str:
    if value is None or value == "":
        return NO_RATIO if isinstance(figure.source, Ratio) else "0"
    if isinstance(figure.source, Ratio):
        return f"{Decimal(str(value)):.{figure.source.places}f} %"
    if figure.places:
        return f"{Decimal(str(value)):.{figure.places}f}"
    return str(value)
