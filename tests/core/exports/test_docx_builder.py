"""The Word document of a filing, parsed back with python-docx."""
import datetime as dt
import io
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kjgl.core.exports.docx_builder import chinese_numeral, filing_document

from .sample_filing import DATA, FILING, attachment

CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
GENERATED = dt.datetime(2026, 3, 1, 9, 30)


def build(data=DATA, attachments=None):
    if attachments is None:
        attachments = {"venue": [attachment("venue", "场地租赁合同.pdf"), attachment("venue", "房产证.jpg")],
                       "signature": [attachment("signature", "签章页.pdf")]}
    blob = filing_document(FILING, data, year=2025, organisation_name="天津市某某科技发展有限公司",
                           credit_code="91120116MA05JXXX0X", attachments=attachments,
                           state_title="暂存", generated_at=GENERATED)
    return Document(io.BytesIO(blob))


def cells_of(table):
    for row in table.rows:
        yield [cell.text for cell in row.cells]


def label_values(document):
    """{label: value} from every label | value pair of the field tables."""
    found = {}
    for table in document.tables:
        for texts in cells_of(table):
            for i in range(0, len(texts) - 1, 2):
                found.setdefault(texts[i], texts[i + 1])
    return found


def body_texts(document):
    return [p.text for p in document.paragraphs]


def all_runs(document):
    def in_paragraphs(paragraphs):
        for p in paragraphs:
            yield from p.runs

    def in_tables(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from in_paragraphs(cell.paragraphs)
                    yield from in_tables(cell.tables)

    yield from in_paragraphs(document.paragraphs)
    yield from in_tables(document.tables)
    for section in document.sections:
        yield from in_paragraphs(section.footer.paragraphs)


def test_title_and_organisation_line():
    document = build()
    assert document.paragraphs[0].text == "2025年度天津市测试空间绩效评估表"
    first_row = next(cells_of(document.tables[0]))
    assert first_row == ["填报单位：天津市某某科技发展有限公司", "统一社会信用代码：91120116MA05JXXX0X"]


def test_every_field_with_its_unit_and_value():
    values = label_values(build())
    assert values["测试空间名称"] == DATA["name"]
    assert values["所在区"] == "滨海高新区"
    assert values["成立时间"] == "2018-05-01"
    assert values["认定级别"] == "市级"
    assert values["是否为专业化众创空间"] == "否"
    assert values["场地总面积（m²）"] == "1200.50"
    assert values["工位数（个）"] == "120"
    assert values["总收入（万元）"] == "356.8"


def test_sections_are_numbered_headings_with_their_note():
    texts = body_texts(build())
    assert "一、基本情况" in texts
    assert "名称与营业执照一致" in texts
    assert "二、服务情况" in texts
    assert "三、附件清单" in texts


def test_a_field_whose_condition_does_not_hold_shows_a_dash_not_its_stale_value():
    document = build()
    assert label_values(document)["专业领域"] == "—"
    assert all("遗留的旧值" not in t for t in body_texts(document))
    specialised = build({**DATA, "specialised": "是", "domain": "人工智能"})
    assert label_values(specialised)["专业领域"] == "人工智能"


def test_an_empty_value_is_blank():
    assert label_values(build({**DATA, "income": None}))["总收入（万元）"] == ""


def test_work_summary_as_indented_paragraphs():
    document = build()
    texts = body_texts(document)
    assert "（一）工作开展情况及成效" in texts
    assert "（二）下一年度工作计划" in texts
    # one paragraph per line of the text, blank lines dropped, the typed indent replaced by the style's
    first = texts.index("全年服务创业团队四十个，举办活动二十场。")
    assert texts[first + 1] == "新增注册企业十二家，带动就业三百人。"
    body = document.paragraphs[first]
    assert body.paragraph_format.first_line_indent == Pt(24)
    assert body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert texts[texts.index("（二）下一年度工作计划") + 1] == "（未填写）"


def test_attachment_list_names_each_file_or_none():
    document = build()
    rows = [r for t in document.tables for r in cells_of(t) if r[0] == "序号"]
    assert rows == [["序号", "附件类别", "文件名称"]]
    listing = {r[1]: r[2] for t in document.tables for r in cells_of(t) if r[0] in ("1", "2")}
    assert listing == {"场地证明材料": "场地租赁合同.pdf\n房产证.jpg", "其他材料": "无"}
    # the signed page is this very document once printed: not an attachment of it
    assert "签章页" not in listing


def test_control_characters_pasted_into_the_form_do_not_break_the_document():
    document = build({**DATA, "name": "某某\x01众创空间", "work": "第一段\x0b续\n第二段\x1f"},
                     {"venue": [attachment("venue", "合同\x07.pdf")]})
    texts = body_texts(document)
    assert label_values(document)["测试空间名称"] == "某某众创空间"
    assert "第一段续" in texts and "第二段" in texts
    assert any(r[-1] == "合同.pdf" for t in document.tables for r in cells_of(t))


def test_signature_and_seal_block_ends_the_document():
    document = build()
    last = [cell for row in document.tables[-1].rows for cell in row.cells]
    texts = [cell.text for cell in last]
    assert texts == ["单位负责人（签字）：", "单位（盖章）：", "", "年　　月　　日"]


def test_footer_says_state_and_when():
    footer = build().sections[0].footer.paragraphs[0].text
    assert "状态：暂存" in footer and "导出时间：2026-03-01 09:30" in footer


def test_every_chinese_run_has_an_east_asian_font():
    document = build()
    checked = 0
    for run in all_runs(document):
        if not CHINESE.search(run.text):
            continue
        fonts = run._element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体", "仿宋"), run.text
        checked += 1
    assert checked > 30
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(qn("w:eastAsia")) == "宋体"


def test_fonts_by_role():
    document = build()
    title = document.paragraphs[0].runs[0]
    assert title._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert title.font.size == Pt(18)
    summary = next(p for p in document.paragraphs if p.text.startswith("全年服务"))
    assert summary.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


def test_a4_page_and_tables_fit_within_the_margins():
    document = build()
    section = document.sections[0]
    assert abs(section.page_width - Cm(21.0)) < Cm(0.01)  # stored in twips
    assert abs(section.page_height - Cm(29.7)) < Cm(0.01)
    text_width = section.page_width - section.left_margin - section.right_margin
    for table in document.tables:
        grid = table._tbl.tblGrid
        total = sum(int(col.get(qn("w:w"))) for col in grid.findall(qn("w:gridCol")))
        assert total * 635 <= text_width  # twips → EMU


def test_long_text_spans_the_row_and_short_values_pair_up():
    document = build()
    rows = [[c.text for c in row.cells] for row in document.tables[1].rows]
    assert rows[0] == ["测试空间名称"] + [DATA["name"]] * 3  # declared long
    assert rows[1] == ["运营主体统一社会信用代码"] + ["91120116MA05JXXX0X"] * 3  # would wrap in half a row
    assert rows[2] == ["所在区", "滨海高新区", "成立时间", "2018-05-01"]
    short_code = build({**DATA, "credit_code": "12345"})
    assert [c.text for c in short_code.tables[1].rows[1].cells] == ["运营主体统一社会信用代码", "12345", "所在区", "滨海高新区"]


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (12, "十二"), (20, "二十"), (31, "三十一")])
def test_chinese_numerals(n, text):
    assert chinese_numeral(n) == text
