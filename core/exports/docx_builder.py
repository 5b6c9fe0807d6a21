"""A filing as a printable A4 Word document (导出Word): the applicant prints
it, signs and seals it, and uploads the scan as the 签章页.

Everything comes from the :class:`~kjgl.core.filings.types.FilingType`
declaration: the title, each section as a heading and a bordered
label | value table (units in the labels), the work-summary textareas as
indented paragraphs, the attachment list and the signature and seal block.
A field whose condition does not hold (``Field.when``) is shown as "—".
"""
from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, Iterable, Mapping, Sequence

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from ..forms import Field
from .fonts import (FANGSONG, HEI, LATIN, SIHAO, SONG, WUHAO, XIAOER, XIAOSI, XIAOWU,
                    set_run_font, set_style_font)

CHINESE_CHAR = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")

# characters XML 1.0 cannot hold (pasted from other programs); lxml refuses them
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

NOT_APPLICABLE = "—"
NOT_FILLED = "（未填写）"
NO_FILES = "无"

PAGE_WIDTH, PAGE_HEIGHT = Cm(21.0), Cm(29.7)
MARGIN_TOP = MARGIN_BOTTOM = Cm(2.54)
MARGIN_SIDE = Cm(2.5)
# the text width is 16 cm: label | value | label | value
LABEL_WIDTH, VALUE_WIDTH = Cm(4.5), Cm(3.5)
LABEL_SHADE = "F2F2F2"
# a text field declared longer than this gets a whole table row
NARROW_TEXT_MAX = 30
CELL_PADDING = Cm(0.4)  # Word's default left + right cell margins


def filing_document(filing, data: Mapping[str, Any], *, year: int, organisation_name: str,
                    credit_code: str, attachments: Mapping[str, Sequence[Any]],
                    state_title: str, generated_at: dt.datetime) -> bytes:
    """The .docx bytes of one filing. ``attachments`` maps a slot name to its
    files (objects with a ``filename``, e.g. :class:`Attachment` rows)."""
    document = Document()
    title = filing.document_title.format(year=year)
    _set_up(document, title, organisation_name, generated_at)
    _footer(document, state_title, generated_at)

    _title(document, title)
    _organisation_line(document, organisation_name, credit_code)

    number = 0
    for section in filing.sections:
        number += 1
        _heading(document, f"{chinese_numeral(number)}、{section.title}")
        if section.note:
            _paragraph(document, section.note, font=FANGSONG, size=WUHAO, space_after=Pt(4))
        table_fields = [f for f in section.fields if f.kind != "textarea"]
        if table_fields:
            _field_table(document, [(field_label(f), field_value(filing, data, f), _is_wide(f))
                                    for f in table_fields])
        texts = [f for f in section.fields if f.kind == "textarea"]
        for i, f in enumerate(texts, 1):
            _summary(document, filing, data, f, f"（{chinese_numeral(i)}）" if len(texts) > 1 else "")

    number += 1
    _heading(document, f"{chinese_numeral(number)}、附件清单")
    _attachment_table(document, filing.slots, attachments)

    _signature_block(document)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers up to 99)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def field_label(f: Field) -> str:
    return f"{f.label}（{f.unit}）" if f.unit else f.label


def field_value(filing, data: Mapping[str, Any], f: Field) -> str:
    if not f.applies(data):
        return NOT_APPLICABLE
    return filing.display(data, f)


# -- page, title, footer ------------------------------------------------------

def _set_up(document, title: str, organisation_name: str, generated_at: dt.datetime) -> None:
    set_style_font(document, SONG, LATIN, XIAOSI)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(0)
    normal.line_spacing = 1.0
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin = section.right_margin = MARGIN_SIDE
    section.footer_distance = Cm(1.2)
    props = document.core_properties
    props.title = title
    props.author = organisation_name
    props.last_modified_by = organisation_name
    props.comments = ""
    props.language = "zh-CN"
    if isinstance(generated_at, dt.datetime):
        props.created = props.modified = generated_at.replace(tzinfo=None)


def _title(document, title: str) -> None:
    _paragraph(document, title, font=HEI, ascii=HEI, size=XIAOER, align=WD_ALIGN_PARAGRAPH.CENTER,
               space_before=Pt(6), space_after=Pt(18))


def _organisation_line(document, organisation_name: str, credit_code: str) -> None:
    """填报单位 | 统一社会信用代码 on one line; a borderless table so that a
    long organisation name wraps within its half instead of pushing the
    code onto a broken line."""
    table = document.add_table(rows=1, cols=2)
    _fixed_widths(table, [Cm(8.0), Cm(8.0)])
    left, right = table.rows[0].cells
    _cell_text(left, f"填报单位：{organisation_name}", size=WUHAO)
    _cell_text(right, f"统一社会信用代码：{credit_code}", size=WUHAO, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, "", size=WUHAO)


def _footer(document, state_title: str, generated_at: dt.datetime) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    stamp = generated_at.strftime("%Y-%m-%d %H:%M") if generated_at else ""
    for part in (f"状态：{state_title}　　导出时间：{stamp}　　第 ", "PAGE", " 页  共 ", "NUMPAGES", " 页"):
        if part in ("PAGE", "NUMPAGES"):
            _field(paragraph, part)
        else:
            set_run_font(paragraph.add_run(part), SONG, LATIN, XIAOWU)


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) whose result Word and LibreOffice fill in."""
    def run_with(element):
        run = paragraph.add_run()
        set_run_font(run, SONG, LATIN, XIAOWU)
        run._element.append(element)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    set_run_font(paragraph.add_run("1"), SONG, LATIN, XIAOWU)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


# -- sections -------------------------------------------------------------------

def _heading(document, text: str) -> None:
    p = _paragraph(document, text, font=HEI, ascii=HEI, size=SIHAO, space_before=Pt(12), space_after=Pt(6))
    p.paragraph_format.keep_with_next = True


def _field_table(document, items: Sequence[tuple[str, str, bool]]) -> None:
    """``items`` are (label, value, declared wide) in declaration order."""
    rows = list(_pair_up(items))
    table = document.add_table(rows=len(rows), cols=4)
    table.style = document.styles["Table Grid"]
    _fixed_widths(table, [LABEL_WIDTH, VALUE_WIDTH, LABEL_WIDTH, VALUE_WIDTH])
    for row, pair in zip(table.rows, rows):
        _row_height(row, Cm(0.75))
        cells = row.cells
        _label_cell(cells[0], pair[0][0])
        _cell_text(cells[1], pair[0][1])
        if len(pair) == 2:
            _label_cell(cells[2], pair[1][0])
            _cell_text(cells[3], pair[1][1])
        else:
            cells[1].merge(cells[3])


def _pair_up(items: Iterable[tuple[str, str, bool]]) -> Iterable[tuple]:
    """Two narrow items per row; a wide one — declared long, or a value that
    would wrap in a narrow cell (a credit code, an e-mail address) — on a row
    of its own; declaration order is kept."""
    pending = None
    for item in items:
        if item[2] or not _fits(item[1], VALUE_WIDTH - CELL_PADDING):
            if pending is not None:
                yield (pending,)
                pending = None
            yield (item,)
        elif pending is None:
            pending = item
        else:
            yield (pending, item)
            pending = None
    if pending is not None:
        yield (pending,)


def _is_wide(f: Field) -> bool:
    return f.kind == "text" and (f.max_length is None or f.max_length > NARROW_TEXT_MAX)


def _fits(text: str, width, size_pt: float = WUHAO) -> bool:
    """Whether ``text`` fits on one line of ``width`` (EMU): a Chinese
    character is one em wide, any other at most about 0.62 em (Times New
    Roman's capitals; digits are 0.5)."""
    ems = sum(1.0 if CHINESE_CHAR.match(ch) else 0.62 for ch in text)
    return Pt(ems * size_pt) <= width


def _summary(document, filing, data: Mapping[str, Any], f: Field, prefix: str) -> None:
    _subheading(document, f"{prefix}{field_label(f)}")
    _text_block(document, filing.display(data, f) if f.applies(data) else NOT_APPLICABLE)


def _subheading(document, text: str, *, font: str = HEI, size: float = XIAOSI):
    """A line above a table or a text (kept on the page of what follows)."""
    p = _paragraph(document, text, font=font, ascii=font if font == HEI else LATIN, size=size,
                   space_before=Pt(6), space_after=Pt(3))
    p.paragraph_format.keep_with_next = True
    return p


def _text_block(document, text: str) -> None:
    """A long text as 仿宋 paragraphs, one per line, first lines indented
    two characters; blank lines dropped; （未填写） when empty."""
    lines = [line.strip(" \t\u3000") for line in re.split(r"\r\n|\r|\n", _clean(text))]
    for line in [line for line in lines if line] or [NOT_FILLED]:
        body = _paragraph(document, line, font=FANGSONG, size=XIAOSI, line_spacing=1.5)
        _indent_two_characters(body, XIAOSI)


def _attachment_table(document, slots, attachments: Mapping[str, Sequence[Any]]) -> None:
    table = document.add_table(rows=1 + len(slots), cols=3)
    table.style = document.styles["Table Grid"]
    _fixed_widths(table, [Cm(1.5), Cm(5.0), Cm(9.5)])
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, ("序号", "附件类别", "文件名称")):
        _label_cell(cell, text, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for i, (row, slot) in enumerate(zip(table.rows[1:], slots), 1):
        _row_height(row, Cm(0.75))
        _cell_text(row.cells[0], str(i), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell_text(row.cells[1], slot.title)
        names = [a.filename for a in attachments.get(slot.name, ())]
        _cell_lines(row.cells[2], names or [NO_FILES])


def _signature_block(document) -> None:
    """单位负责人（签字） and 单位（盖章） with room to sign, then the date;
    kept together on one page."""
    lead = _paragraph(document, "", size=XIAOSI, space_before=Pt(24))
    lead.paragraph_format.keep_with_next = True
    table = document.add_table(rows=2, cols=2)
    _fixed_widths(table, [Cm(8.0), Cm(8.0)])
    top, bottom = table.rows
    _row_height(top, Cm(2.2))
    _row_height(bottom, Cm(1.0))
    _cell_text(top.cells[0], "单位负责人（签字）：", size=XIAOSI, vertical=WD_CELL_VERTICAL_ALIGNMENT.TOP)
    _cell_text(top.cells[1], "单位（盖章）：", size=XIAOSI, vertical=WD_CELL_VERTICAL_ALIGNMENT.TOP)
    _cell_text(bottom.cells[0], "", size=XIAOSI)
    _cell_text(bottom.cells[1], "年　　月　　日", size=XIAOSI, align=WD_ALIGN_PARAGRAPH.RIGHT)
    for cell in top.cells:
        cell.paragraphs[0].paragraph_format.keep_with_next = True


# -- low-level helpers ----------------------------------------------------------

def _paragraph(container, text: str, *, font: str = SONG, ascii: str = LATIN, size: float = XIAOSI,
               align=None, space_before=None, space_after=None, line_spacing=None):
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if space_before is not None:
        fmt.space_before = space_before
    if space_after is not None:
        fmt.space_after = space_after
    if line_spacing is not None:
        fmt.line_spacing = line_spacing
    if text:
        set_run_font(p.add_run(_clean(text)), font, ascii, size)
    return p


def _clean(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


def _indent_two_characters(paragraph, size_pt: float) -> None:
    """首行缩进2字符: ``firstLineChars`` for Word (which then follows the font
    size), ``firstLine`` in twips for readers that ignore it."""
    paragraph.paragraph_format.first_line_indent = Pt(size_pt * 2)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "200")


def _cell_text(cell, text: str, *, size: float = WUHAO, align=None, bold: bool | None = None,
               vertical=WD_CELL_VERTICAL_ALIGNMENT.CENTER) -> None:
    cell.vertical_alignment = vertical
    p = cell.paragraphs[0]
    if align is not None:
        p.alignment = align
    if text:
        set_run_font(p.add_run(_clean(text)), SONG, LATIN, size, bold=bold)


def _cell_lines(cell, lines: Sequence[str]) -> None:
    _cell_text(cell, lines[0])
    for line in lines[1:]:
        p = cell.add_paragraph()
        set_run_font(p.add_run(_clean(line)), SONG, LATIN, WUHAO)


def _label_cell(cell, text: str, *, align=None, bold: bool | None = None) -> None:
    _shade(cell, LABEL_SHADE)
    _cell_text(cell, text, align=align, bold=bold)


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    _insert_in_order(cell._tc.get_or_add_tcPr(), shading, _TCPR_ORDER)


def _fixed_widths(table, widths) -> None:
    """Fixed layout with explicit grid and cell widths: Word reads the cells'
    widths, LibreOffice the grid's."""
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width


def _row_height(row, height) -> None:
    row.height = height
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    # a row is never split across two pages
    _insert_in_order(row._tr.get_or_add_trPr(), OxmlElement("w:cantSplit"), _TRPR_ORDER)


def _repeat_header(row) -> None:
    _insert_in_order(row._tr.get_or_add_trPr(), OxmlElement("w:tblHeader"), _TRPR_ORDER)


# the schema's child order (Word refuses a file whose elements are out of order)
_TRPR_ORDER = ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
               "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden")
_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
               "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


def _insert_in_order(parent, child, order: Sequence[str]) -> None:
    name = child.tag.rsplit("}", 1)[1]
    later = {qn(f"w:{n}") for n in order[order.index(name) + 1:]}
    for existing in parent:
        if existing.tag in later:
            existing.addprevious(child)
            return
    parent.append(child)
