"""The application document: every tab, table row, figure and proof, and
the version number in the page header of every section, so on every page
of the Word file and of its PDF."""
import io
import os
import re
import shutil
import zipfile

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from lxml import etree

from kjgl.core.exports import pdf as pdf_module
from kjgl.core.exports.application_docx import COMPUTED, docx_for
from kjgl.core.exports.pdf import ConversionFailed, pdf_from_docx

from .sample_application import snapshot, venue

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NUMBER = "V000123"
needs_soffice = pytest.mark.skipif(
    pdf_module.soffice() is None and os.environ.get("KJGL_REQUIRE_SOFFICE") != "1",
    reason="LibreOffice not installed (apt-get install libreoffice-writer-nogui fonts-noto-cjk)")


def parts(body: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return {name: z.read(name) for name in z.namelist()}


def section_headers(body: bytes) -> list[str]:
    """The text of the default header of every section (sectPr), following
    each section's headerReference to its part."""
    files = parts(body)
    rels = etree.fromstring(files["word/_rels/document.xml.rels"])
    targets = {r.get("Id"): "word/" + r.get("Target") for r in rels}
    document = etree.fromstring(files["word/document.xml"])
    headers = []
    for sect in document.iter(f"{{{W}}}sectPr"):
        ref = [h for h in sect.findall(f"{{{W}}}headerReference") if h.get(f"{{{W}}}type") == "default"]
        assert len(ref) == 1, "every section has its own default header"
        headers.append(files[targets[ref[0].get(f"{{{R}}}id")]].decode())
    return headers


def wide_snapshot():
    """Enough rows that the landscape table runs over more than one page."""
    data = snapshot()
    rows = data["tabs"][1]["tables"][0]["rows"]
    rows.extend(venue(100 + i, f"天津市和平区南京路{i}号", "1.00", "2", [f"证明{i}.pdf"]) for i in range(3, 40))
    return data


def test_the_version_is_in_the_header_of_every_section():
    body = docx_for(wide_snapshot(), NUMBER)
    headers = section_headers(body)
    assert len(headers) >= 3  # portrait, the wide table's landscape section, portrait again
    for header in headers:
        assert f"版本号：{NUMBER}" in header  # a line of text
        assert f'string="版本号：{NUMBER}"' in header  # the grey diagonal watermark


def test_every_section_page_footer_names_the_version_and_counts_pages():
    document = Document(io.BytesIO(docx_for(wide_snapshot(), NUMBER)))
    for section in document.sections:
        assert not section.footer.is_linked_to_previous
        xml = section.footer._element.xml
        assert f"版本号：{NUMBER}" in section.footer.paragraphs[0].text and " PAGE " in xml and " NUMPAGES " in xml


def test_a_wide_table_gets_landscape_pages_and_the_rest_stays_portrait():
    document = Document(io.BytesIO(docx_for(snapshot(), NUMBER)))
    orientations = [s.orientation for s in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    landscape = document.sections[1]
    assert landscape.page_width > landscape.page_height


def test_everything_of_the_snapshot_is_in_the_document():
    document = Document(io.BytesIO(docx_for(snapshot(), NUMBER)))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "2026年国家备案众创空间申报书"
    assert "申报机构：天津和平创客空间管理有限公司　　载体：和平创客空间" in paragraphs
    assert {"一、基础信息", "二、服务场地", "三、服务能力"} <= set(paragraphs)
    assert COMPUTED in paragraphs
    assert "二、与五家投资机构签订合作协议，定期举办项目路演。" in paragraphs  # a text section, line by line
    assert "服务能力" not in paragraphs  # its label only repeated the tab's title
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    cells = [c for t in tables for row in t for c in row]
    assert {"众创空间服务场地总面积", "10.00 m²", "30.0 %", "主流媒体报道次数", "3"} <= set(cells)
    venues = next(t for t in tables if t[0][1] == "孵化场地地址")
    assert venues[0] == ["序号", "孵化场地地址", "众创空间面积（m²）", "创业团队和企业场地面积（m²）",
                         "公共服务场地面积（m²）", "自用场地面积（m²）", "其它面积（m²）", "创业工位数", "产权情况",
                         "证明材料"]
    assert venues[1] == ["1", "天津市和平区南京路1号", "6.00", "2.00", "1.00", "1.00", "0.00", "12", "租赁",
                         "房产证明.pdf"]
    assert venues[2][-1] == "租赁合同.pdf\n补充协议.pdf"
    files = next(t for t in tables if t[0] == ["序号", "附件类别", "文件名称"])
    assert files[1] == ["1", "承诺书", "承诺书（签章）.pdf"]


def test_a_row_without_proofs_says_none_and_an_empty_table_says_so():
    data = snapshot()
    data["tabs"][1]["tables"][0]["rows"][0]["files"] = []
    data["tabs"][0]["tables"][0]["rows"] = []
    document = Document(io.BytesIO(docx_for(data, NUMBER)))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    venues = next(t for t in tables if t[0][1] == "孵化场地地址")
    assert venues[1][-1] == "无"
    media = next(t for t in tables if t[0][1] == "报道标题")
    assert len(media) == 2 and set(media[1]) == {"无"}


def test_a_short_text_section_is_still_a_section_and_empty_ones_say_not_filled():
    data = snapshot()
    data["tabs"][2]["fields"] = [{"name": "ability", "label": "服务能力", "value": "暂无", "long": True},
                                 {"name": "plan", "label": "发展思路、目标及措施", "value": "", "long": True}]
    paragraphs = [p.text for p in Document(io.BytesIO(docx_for(data, NUMBER))).paragraphs]
    at = paragraphs.index("三、服务能力")
    assert paragraphs[at + 1:at + 4] == ["暂无", "发展思路、目标及措施", "（未填写）"]


def test_a_missing_figure_shows_a_dash_without_its_unit():
    data = snapshot()
    data["tabs"][1]["figures"][2]["value"] = "—"
    document = Document(io.BytesIO(docx_for(data, NUMBER)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "—" in cells and "— %" not in cells


def test_text_pasted_with_control_characters_does_not_break_the_file():
    data = snapshot()
    data["tabs"][0]["fields"][0]["value"] = "和平\x0b创客\x1f空间"
    data["tabs"][1]["tables"][0]["rows"][0]["cells"]["address"] = "南京路\x001号"
    document = Document(io.BytesIO(docx_for(data, NUMBER)))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "和平创客空间" in cells and "南京路1号" in cells


def test_chinese_text_has_its_east_asian_font():
    xml = parts(docx_for(snapshot(), NUMBER))["word/document.xml"].decode()
    assert 'w:eastAsia="宋体"' in xml and 'w:eastAsia="黑体"' in xml


# -- PDF -------------------------------------------------------------------------

@needs_soffice
def test_every_page_of_the_pdf_shows_the_version():
    from pypdf import PdfReader

    pdf = pdf_from_docx(docx_for(wide_snapshot(), NUMBER))
    assert pdf is not None, "LibreOffice is required (KJGL_REQUIRE_SOFFICE=1)"
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 4
    sizes = set()
    for i, page in enumerate(reader.pages, 1):
        text = page.extract_text()
        assert f"版本号：{NUMBER}" in text, f"page {i} lacks the version"
        sizes.add(page.mediabox.width > page.mediabox.height)
    assert sizes == {True, False}  # landscape and portrait pages both carry it
    everything = re.sub(r"\s", "", "".join(p.extract_text() for p in reader.pages))  # cells wrap
    assert "服务场地" in everything and "天津市和平区南京路39号" in everything and "证明39.pdf" in everything


def test_without_libreoffice_there_is_no_pdf(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert pdf_from_docx(docx_for(snapshot(), NUMBER)) is None


@needs_soffice
def test_a_conversion_that_takes_too_long_is_stopped_with_a_message():
    with pytest.raises(ConversionFailed, match="PDF生成超时"):
        pdf_from_docx(docx_for(snapshot(), NUMBER), timeout=0.01)


@needs_soffice
def test_two_conversions_at_once_each_get_their_pdf():
    import threading

    results = {}

    def convert(number):
        results[number] = pdf_from_docx(docx_for(snapshot(), number))

    threads = [threading.Thread(target=convert, args=(n,)) for n in ("V000001", "V000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(180)
    from pypdf import PdfReader

    for number, pdf in results.items():
        text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
        assert f"版本号：{number}" in text
    assert len(results) == 2


def test_the_watermark_is_one_vml_shape_per_header_with_its_own_ids():
    ids = set()
    for header in section_headers(docx_for(snapshot(), NUMBER)):
        shapes = etree.fromstring(header.encode()).findall(".//{urn:schemas-microsoft-com:vml}shape")
        assert len(shapes) == 1
        assert re.search(r"rotation:315", shapes[0].get("style"))
        ids.add(shapes[0].get("id"))
    assert len(ids) == 3
