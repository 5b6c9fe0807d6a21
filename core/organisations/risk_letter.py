"""The 风险承诺书 template (seed 001 图2-5: 下载模板，签字盖章) as a Word
document with the organisation's name filled in."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ..exports.fonts import set_run_font, set_style_font

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"

PROMISES = (
    "本单位在科技管理信息平台注册及补充的单位信息、上传的证照和账户材料真实、准确、完整，"
    "不存在虚假、隐瞒或误导性内容。",
    "本单位填报的账户（收款单位）与单位名称一致，开户银行及银行账户信息准确无误，"
    "因账户信息有误造成的后果由本单位承担。",
    "本单位妥善保管平台账号和密码，对使用本单位账号进行的全部操作负责；"
    "单位信息发生变化时及时向主管部门报告并更新。",
    "本单位自觉遵守国家和地方科技计划、科技资金管理的有关规定，"
    "如违反上述承诺，愿意承担相应的法律责任，并接受主管部门依规作出的处理。",
)


def _paragraph(doc, text: str, *, font=BODY_FONT, size=15.0, bold=False, align=None, indent=True, space=10):
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(space)
    fmt.line_spacing = 1.5
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    set_run_font(p.add_run(text), east_asia=font, size_pt=size, bold=bold)
    return p


def build(org_name: str) -> bytes:
    doc = Document()
    set_style_font(doc, east_asia=BODY_FONT)

    _paragraph(doc, "风险承诺书", font=TITLE_FONT, size=22, bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, space=24)
    _paragraph(doc, f"本单位（{org_name}）郑重承诺：", indent=False)
    for i, promise in enumerate(PROMISES, 1):
        _paragraph(doc, f"{i}. {promise}")
    _paragraph(doc, "", indent=False, space=30)
    for line in (f"单位名称（盖章）：{org_name}", "法定代表人（签字）：", "日        期：        年    月    日"):
        _paragraph(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
