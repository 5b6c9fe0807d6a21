"""List exports to Excel (导出Excel), streamed in bounded memory.

:func:`write_rows` writes with xlsxwriter's ``constant_memory`` mode: each
row goes to a temporary file as soon as the next one starts, so 100,000
submissions cost no more memory than ten. Values are written by the column's
kind — numbers as numbers, dates as real Excel dates — never as text that
Excel would have to guess at.

:func:`filing_columns` turns a :class:`FilingType`'s fields into columns;
:func:`submission_columns` and :func:`submission_row` add the review
engine's columns (序号, 年度, 单位名称, 所在区 … 状态, 评价等级, 评分, 提交时间,
审批意见) around them.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable, Iterable, Mapping, Sequence

from ..forms import Field

KINDS = ("text", "int", "decimal", "amount", "date", "datetime")  # amount: money, two decimals always shown
# Field.kind → column kind; every other kind (select, radio, textarea, …) is text
FIELD_KINDS = {"int": "int", "decimal": "decimal", "date": "date"}
DEFAULT_WIDTHS = {"text": 14, "int": 10, "decimal": 12, "amount": 14, "date": 12, "datetime": 17}
MAX_WIDTH = 50
HEADER_FILL = "#DDEBF7"

WORKBOOK_OPTIONS = {
    "constant_memory": True,  # rows are flushed to disk in order: bounded memory
    "in_memory": False,  # in_memory would switch constant_memory off
    # a value is data, never a formula or a link (an opinion starting with "=" stays text)
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


@dataclass(frozen=True)
class Column:
    key: Any  # the key of a dict row (a tuple row is in column order)
    header: str  # Chinese header, with the unit: 场地总面积（m²）
    kind: str = "text"  # text int decimal date datetime
    width: float | None = None  # in characters; None: from the header and kind
    places: int | None = None  # a decimal column's fixed decimal places (万元: 2 → 0.00)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")

    @property
    def display_width(self) -> float:
        if self.width is not None:
            return self.width
        return min(MAX_WIDTH, max(DEFAULT_WIDTHS[self.kind], text_width(self.header) + 2))


def text_width(text: str) -> int:
    """Width in Excel character units: a Chinese character takes two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def write_rows(stream_or_path: str | BinaryIO, columns: Sequence[Column], rows: Iterable[Mapping | Sequence],
               sheet_title: str = "Sheet1") -> int:
    """Write a header row and ``rows`` (dicts keyed by ``Column.key`` or
    tuples in column order) as one sheet; return the number of data rows.

    ``stream_or_path`` is a file path or a binary file object (the workbook
    is written to it when done; use a temporary file for very large lists)."""
    # imported at first use, not at start-up: xlsxwriter alone is about 0.05 s of every start (issue 9)
    import xlsxwriter

    workbook = xlsxwriter.Workbook(stream_or_path, WORKBOOK_OPTIONS)
    try:
        sheet = workbook.add_worksheet(sheet_name(sheet_title))
        formats = _Formats(workbook)
        for c, column in enumerate(columns):
            sheet.set_column(c, c, column.display_width, formats.column(column.kind, column.places))
        sheet.set_row(0, 30)
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.header, formats.header)
        sheet.freeze_panes(1, 0)
        count = 0
        for count, row in enumerate(rows, 1):
            values = [row.get(column.key) for column in columns] if isinstance(row, Mapping) else row
            for c, (column, value) in enumerate(zip(columns, values)):
                _write_cell(sheet, count, c, column.kind, value, formats, column.places)
        if columns:
            sheet.autofilter(0, 0, count, len(columns) - 1)
    finally:
        workbook.close()
    return count


def sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, not blank."""
    name = re.sub(r"[\[\]:*?/\\]", "_", title).strip("'").strip()[:31]
    return name or "Sheet1"


class _Formats:
    def __init__(self, workbook):
        self.header = workbook.add_format({
            "bold": True, "bg_color": HEADER_FILL, "border": 1, "text_wrap": True,
            "align": "center", "valign": "vcenter", "font_name": "宋体", "font_size": 11,
        })
        body = {"font_name": "宋体", "font_size": 11, "valign": "top"}
        self.by_kind = {
            "text": workbook.add_format({**body, "text_wrap": False}),
            "int": workbook.add_format({**body, "num_format": "0"}),
            "decimal": workbook.add_format({**body, "num_format": "General"}),
            "amount": workbook.add_format({**body, "num_format": "#,##0.00"}),
            "date": workbook.add_format({**body, "num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({**body, "num_format": "yyyy-mm-dd hh:mm"}),
        }

        self._workbook, self._body, self._places = workbook, body, {}

    def column(self, kind: str, places: int | None = None):
        if kind == "decimal" and places is not None:
            if places not in self._places:
                self._places[places] = self._workbook.add_format(
                    {**self._body, "num_format": "0." + "0" * places if places else "0"})
            return self._places[places]
        return self.by_kind[kind]


def _write_cell(sheet, row: int, col: int, kind: str, value: Any, formats: _Formats,
                places: int | None = None) -> None:
    if value is None or value == "":
        return  # a blank cell: nothing to write
    fmt = formats.column(kind, places)
    if kind in ("int", "decimal", "amount"):
        number = _number(value)
        if number is not None:
            sheet.write_number(row, col, number, fmt)
            return
    elif kind == "date":
        day = _date(value)
        if day is not None:
            sheet.write_datetime(row, col, day, fmt)
            return
    elif kind == "datetime":
        moment = _datetime(value)
        if moment is not None:
            sheet.write_datetime(row, col, moment, fmt)
            return
    # text, or a value that does not read as its column's kind: shown as given
    sheet.write_string(row, col, _text(value), formats.by_kind["text"])


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, decimal.Decimal)):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(decimal.Decimal(value.strip().replace(",", "")))
        except decimal.InvalidOperation:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _datetime(value: Any) -> dt.datetime | dt.date | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# -- filings and the review engine ----------------------------------------------

def field_header(f: Field) -> str:
    return f"{f.label}（{f.unit}）" if f.unit else f.label


def field_column(f: Field) -> Column:
    return Column(f.name, field_header(f), FIELD_KINDS.get(f.kind, "text"), places=f.places)


def filing_columns(filing, exclude: Iterable[str] = ()) -> list[Column]:
    """One column per field of ``filing``, in declaration order."""
    skip = set(exclude)
    return [field_column(f) for f in filing.fields if f.name not in skip]


def filing_values(filing, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` keyed by field name for :func:`write_rows`; a field whose
    condition does not hold is left blank whatever is stored for it."""
    return {f.name: (data.get(f.name) if f.applies(data) else None) for f in filing.fields}


# the review engine's columns; their keys are prefixed so they never clash with a field's
SERIAL = Column("_serial", "序号", "int", 6)
YEAR = Column("_year", "年度", "int", 8)
ORGANISATION = Column("_organisation", "单位名称", "text", 30)
DISTRICT = Column("_district", "所在区", "text", 14)
STATE = Column("_state", "状态", "text", 12)
GRADE = Column("_grade", "评价等级", "text", 10)
SCORE = Column("_score", "评分", "decimal", 8)
SUBMITTED_AT = Column("_submitted_at", "提交时间", "datetime", 17)
OPINIONS = Column("_opinions", "审批意见", "text", 60)

LEADING_COLUMNS = (SERIAL, YEAR, ORGANISATION, DISTRICT)
TRAILING_COLUMNS = (STATE, GRADE, SCORE, SUBMITTED_AT, OPINIONS)


def submission_columns(filing) -> list[Column]:
    """序号, 年度, 单位名称, 所在区, every field of ``filing`` (its own 所在区
    field is the 所在区 column, its organisation-name field the 单位名称 column), then 状态, 评价等级, 评分, 提交时间, 审批意见."""
    skip = (filing.district_field, getattr(filing, "organisation_field", ""))
    return [*LEADING_COLUMNS, *filing_columns(filing, exclude=skip), *TRAILING_COLUMNS]


def submission_row(serial: int, submission, data: Mapping[str, Any], filing, *,
                   events: Sequence[Any] | None = None,
                   to_local: Callable[[dt.datetime | None], dt.datetime | None] = lambda t: t) -> dict[str, Any]:
    """The row of one :class:`Submission` for :func:`submission_columns`.

    With ``events`` (its :class:`ReviewEvent` rows) 审批意见 lists every
    opinion given, oldest first; without, it is the last opinion. ``to_local``
    turns the stored UTC times into the time shown (e.g. Beijing time)."""
    row = filing_values(filing, data)
    district = data.get(filing.district_field) if filing.district_field else None
    if not district and submission.agency is not None:
        district = submission.agency.name
    row.update({
        "_serial": serial,
        "_year": submission.batch.year if submission.batch is not None else None,
        "_organisation": submission.organisation.name if submission.organisation is not None else None,
        "_district": district,
        "_state": submission.state_title,
        "_grade": submission.grade,
        "_score": submission.score,
        "_submitted_at": to_local(submission.submitted_at),
        "_opinions": opinions_text(events, to_local) if events is not None else submission.last_opinion,
    })
    return row


def opinions_text(events: Sequence[Any], to_local: Callable = lambda t: t) -> str:
    """``2026-03-02 10:15 区科技局初审 审核不通过：请补充场地证明`` per opinion, one a line."""
    lines = []
    for event in events:
        if not event.opinion:
            continue
        at = to_local(event.at)
        who = " ".join(x for x in (event.step_title, event.decision_title) if x)
        lines.append(f"{at:%Y-%m-%d %H:%M} {who}：{event.opinion}" if at else f"{who}：{event.opinion}")
    return "\n".join(lines)
