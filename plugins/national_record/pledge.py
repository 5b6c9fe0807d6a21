"""承诺书模板 (seed 003 §四(三)4): a Word file the operator prints, signs,
seals and uploads as a PDF scan."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kjgl.core.exports.fonts import FANGSONG, HEI, set_run_font

PROMISES = (
    "本单位自愿申报国家备案众创空间，对所提交的申报材料的真实性、准确性、完整性负责，信息系统中填报的信息与报送的纸质申报材料内容一致。",
    "本单位运营的众创空间遵守国家法律法规，近三年内无严重失信行为，未发生重大安全、质量事故和环境违法行为。",
    "所提供的场地、人员、入驻团队和企业、投融资及活动等证明材料均真实有效，如有虚假，愿意承担相应责任并接受相关部门的处理。",
    "本单位同意科技管理部门对申报材料进行核查，并积极配合实地考察等工作。",
)


def _paragraph(document, text, *, size=16, bold=False, font=FANGSONG, align=None, space_after=8):
    p = document.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    set_run_font(run, font, size_pt=size)
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.line_spacing = 1.5
    if align is not None:
        p.alignment = align
    return p


def template(operator: str, carrier: str, year: int) -> bytes:
    document = Document()
    _paragraph(document, "承 诺 书", size=22, bold=True, font=HEI, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=18)
    _paragraph(document, f"本单位（{operator}）申报{year}年国家备案众创空间（载体名称：{carrier}），郑重承诺如下：")
    for i, promise in enumerate(PROMISES, 1):
        _paragraph(document, f"{i}. {promise}").paragraph_format.first_line_indent = Pt(32)
    for line in ("", f"申报单位（盖章）：{operator}", "法定代表人（签字）：", "日期：　　　　年　　月　　日"):
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT if line else None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
