"""An application document (申报书) with its version number on every page.

The document is rendered from a plain-data snapshot, so that what was
printed can be compared later with what was submitted
(:mod:`kjgl.core.filings.snapshots`)::

    {"title": "…申报书", "subtitle": "申报机构：…  载体：…",
     "tabs": [{"key": "venues", "title": "服务场地",
               "fields":  [{"name", "label", "value", "long"?}],  # scalars; text sections ("long": true)
               "figures": [{"name", "label", "unit", "value"}],  # computed from the tables
               "tables":  [{"key", "title", "columns": [{"name", "label"}],
                            "rows": [{"id", "cells": {name: text}, "files": [filename]}]}],
               "files":   [{"slot", "title", "filenames": [filename]}]}]}

A4 pages: the title, then each tab as a numbered heading with its fields
as a label | value table (a field marked ``"long": true``, or multi-line,
or longer than :data:`SHORT_VALUE`, as a text section of indented
paragraphs), its
figures with units under "由下表数据自动汇总生成", each detail table
bordered with 序号 and a 证明材料 column (a table of more than
:data:`LANDSCAPE_COLUMNS` columns gets a landscape section of its own) and
the tab's files. Every section has its own page header carrying the version
number twice — a line "版本号：V000123" and a large light-grey diagonal
watermark — so every page of the Word file and of a PDF made from it shows
it.
"""
from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any, Mapping, Sequence
from xml.sax.saxutils import quoteattr

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.shared import Cm, Pt, RGBColor

from .docx_builder import (CHINESE_CHAR, NO_FILES, NOT_FILLED, PAGE_HEIGHT, PAGE_WIDTH,
                           _attachment_table, _cell_lines, _cell_text, _field, _field_table,
                           _fixed_widths, _heading, _label_cell, _paragraph, _repeat_header, _row_height,
                           _set_up, _subheading, _text_block, _title, chinese_numeral)
from .fonts import LATIN, SONG, WUHAO, XIAOSI, XIAOWU, set_run_font

# a detail table with more columns than this is laid out on landscape pages
LANDSCAPE_COLUMNS = 6
# a field value longer than this, or on several lines, is a text section
SHORT_VALUE = 60
SERIAL_WIDTH = Cm(1.2)
PROOFS = "证明材料"
COMPUTED = "由下表数据自动汇总生成"
WATERMARK_GREY = "D9D9D9"
PLATFORM = "科技管理信息平台"  # the document's author in its properties


def version_label(number: str) -> str:
    return f"版本号：{number}"


def docx_for(snapshot: Mapping[str, Any], version_number: str, *, generated_at: dt.datetime | None = None) -> bytes:
    """The .docx bytes of the application ``snapshot``, every page marked
    with ``version_number``."""
    document = Document()
    title = str(snapshot.get("title") or "申报书")
    _set_up(document, title, PLATFORM, (generated_at or dt.datetime.now()).replace(microsecond=0))
    _mark(document.sections[0], version_number, 1)

    _title(document, title)
    if snapshot.get("subtitle"):
        _paragraph(document, str(snapshot["subtitle"]), size=XIAOSI, align=WD_ALIGN_PARAGRAPH.CENTER,
                   space_after=Pt(12))

    pages = _Pages(document, version_number)
    for number, tab in enumerate(snapshot.get("tabs") or [], 1):
        pages.portrait()
        _heading(document, f"{chinese_numeral(number)}、{tab.get('title') or ''}")
        _fields(document, tab.get("fields") or [], str(tab.get("title") or ""))
        _figures(document, tab.get("figures") or [])
        for table in tab.get("tables") or []:
            wide = len(table.get("columns") or []) > LANDSCAPE_COLUMNS
            pages.landscape() if wide else pages.portrait()
            _detail_table(document, table, pages.text_width)
        if tab.get("files"):
            pages.portrait()
            _files(document, tab["files"])

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- page set-up and the version mark ---------------------------------------------

class _Pages:
    """The current section's orientation; switching starts a new section
    (on a new page) with its own header and footer carrying the version."""

    def __init__(self, document, number: str):
        self.document, self.number, self.is_landscape = document, number, False

    @property
    def text_width(self):
        section = self.document.sections[-1]
        return section.page_width - section.left_margin - section.right_margin

    def portrait(self) -> None:
        if self.is_landscape:
            self._switch(False)

    def landscape(self) -> None:
        if not self.is_landscape:
            self._switch(True)

    def _switch(self, landscape: bool) -> None:
        section = self.document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        long_side, short_side = PAGE_HEIGHT, PAGE_WIDTH
        section.page_width, section.page_height = (long_side, short_side) if landscape else (short_side, long_side)
        _mark(section, self.number, len(self.document.sections))
        self.is_landscape = landscape


def _mark(section, number: str, serial: int) -> None:
    """The version in the section's own header (a line and a watermark) and
    its footer (with the page number)."""
    label = version_label(number)
    header = section.header
    header.is_linked_to_previous = False
    line = header.paragraphs[0]
    line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_run_font(line.add_run(label), SONG, LATIN, XIAOWU)
    line.runs[0]._r.addnext(parse_xml(_watermark_xml(label, serial)))

    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for part in (f"{label}　　第 ", "PAGE", " 页  共 ", "NUMPAGES", " 页"):
        if part in ("PAGE", "NUMPAGES"):
            _field(paragraph, part)
        else:
            set_run_font(paragraph.add_run(part), SONG, LATIN, XIAOWU)


def _watermark_xml(text: str, serial: int) -> str:
    """Word's own text watermark (设计 → 水印): a VML WordArt shape in the
    header, centred on the page behind the text, light grey, at 45°;
    Word and LibreOffice both show it on every page of the section.
    ``serial`` keeps the shape's ids distinct from one section to the next,
    as Word's own are."""
    return (
        '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        '<w:rPr><w:noProof/></w:rPr><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e">'
        '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
        '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/>'
        '<v:f eqn="if @0 21600 @1"/><v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/>'
        '<v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/><v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/>'
        '<v:f eqn="sum @6 0 @5"/></v:formulas>'
        '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
        'o:connectangles="270,180,90,0"/>'
        '<v:textpath on="t" fitshape="t"/><v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/>'
        '</v:handles><o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
        f'<v:shape id="PowerPlusWaterMarkObject{serial}" o:spid="_x0000_s{2048 + serial}" type="#_x0000_t136" '
        'style="position:absolute;margin-left:0;margin-top:0;width:420pt;height:84pt;rotation:315;'
        'z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
        'mso-position-vertical:center;mso-position-vertical-relative:margin" '
        f'o:allowincell="f" fillcolor="#{WATERMARK_GREY}" stroked="f">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;{SONG}&quot;;font-size:1pt" string={quoteattr(text)}/>'
        '</v:shape></w:pict></w:r>'
    )


# -- a tab's parts ------------------------------------------------------------------

def _is_section_text(field: Mapping) -> bool:
    value = _value(field)
    return bool(field.get("long")) or "\n" in value or len(value) > SHORT_VALUE


def _fields(document, fields: Sequence[Mapping], tab_title: str = "") -> None:
    """Short values as a label | value table (in order), long or multi-line
    ones (服务能力, 发展思路 …) as a heading — unless it only repeats the
    tab's — and indented paragraphs."""
    short = [f for f in fields if not _is_section_text(f)]
    if short:
        _field_table(document, [(_label(f), _value(f) or NOT_FILLED, False) for f in short])
    for f in fields:
        if not _is_section_text(f):
            continue
        if _label(f) != tab_title:
            _subheading(document, _label(f))
        _text_block(document, _value(f))


def _figures(document, figures: Sequence[Mapping]) -> None:
    if not figures:
        return
    note = _subheading(document, COMPUTED, font=SONG, size=XIAOWU)
    note.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    _field_table(document, [(_label(f), _with_unit(f), False) for f in figures])


def _with_unit(figure: Mapping) -> str:
    value = _value(figure) or "—"
    unit = figure.get("unit")
    return f"{value} {unit}" if unit and value != "—" else value


def _detail_table(document, table: Mapping, text_width) -> None:
    """序号, the table's columns, and 证明材料 when its rows carry proofs;
    the header row repeats on every page; an empty table says 无."""
    columns = list(table.get("columns") or [])
    rows = list(table.get("rows") or [])
    proofs = any("files" in row for row in rows) or bool(table.get("proofs"))
    headers = ["序号", *[_label(c) for c in columns], *([PROOFS] if proofs else [])]
    texts = [["", *[_plain((r.get("cells") or {}).get(c.get("name"))) for c in columns],
              *(["\n".join(r.get("files") or [])] if proofs else [])] for r in rows]
    widths = _widths(headers, texts, text_width)
    size = XIAOWU if len(headers) > LANDSCAPE_COLUMNS else WUHAO

    _subheading(document, str(table.get("title") or ""))
    grid = document.add_table(rows=1 + max(len(rows), 1), cols=len(headers))
    grid.style = document.styles["Table Grid"]
    _fixed_widths(grid, widths)
    _repeat_header(grid.rows[0])
    for cell, text in zip(grid.rows[0].cells, headers):
        _label_cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
        _resize(cell, size)
    if not rows:
        empty = grid.rows[1].cells
        empty[0].merge(empty[-1])
        _cell_text(empty[0], NO_FILES, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        return
    for i, (row, data) in enumerate(zip(grid.rows[1:], rows), 1):
        _row_height(row, Cm(0.75))
        cells = row.cells
        _cell_text(cells[0], str(i), size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        for cell, text in zip(cells[1:], texts[i - 1][1:len(columns) + 1]):
            _cell_text(cell, text, size=size)
        if proofs:
            _cell_lines(cells[-1], list(data.get("files") or []) or [NO_FILES])
            _resize(cells[-1], size)


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]], text_width) -> list:
    """序号 narrow; the other columns share the rest by how much they hold
    (a header may wrap on two lines, an address more than a number)."""
    weights = []
    for i in range(1, len(headers)):
        longest = max([_ems(headers[i]) / 2, *(_ems(row[i]) for row in rows)], default=0)
        weights.append(min(max(longest, 3.0), 14.0))
    rest = text_width - SERIAL_WIDTH
    return [SERIAL_WIDTH] + [int(rest * w / sum(weights)) for w in weights]


def _ems(text: str) -> float:
    return sum(1.0 if CHINESE_CHAR.match(ch) else 0.55 for ch in max(text.splitlines() or [""], key=len))


def _resize(cell, size: float) -> None:
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size)


def _files(document, files: Sequence[Mapping]) -> None:
    _subheading(document, "附件材料")
    slots = [SimpleNamespace(name=str(i), title=str(f.get("title") or f.get("slot") or "")) for i, f in enumerate(files)]
    names = {str(i): [SimpleNamespace(filename=str(n)) for n in (f.get("filenames") or [])]
             for i, f in enumerate(files)}
    _attachment_table(document, slots, names)


def _label(item: Mapping) -> str:
    return str(item.get("label") or item.get("name") or "")


def _value(item: Mapping) -> str:
    return _plain(item.get("value"))


def _plain(value) -> str:
    return "" if value is None else str(value).strip()
