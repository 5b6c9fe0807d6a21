"""List exports read back with openpyxl."""
import datetime as dt
import io
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from kjgl.core.exports.xlsx_builder import (Column, filing_columns, sheet_name, submission_columns,
                                            submission_row, write_rows)

from .sample_filing import DATA, FILING

COLUMNS = [
    Column("name", "名称"),
    Column("count", "工位数（个）", "int"),
    Column("area", "场地总面积（m²）", "decimal"),
    Column("founded", "成立时间", "date"),
    Column("at", "提交时间", "datetime"),
]


def workbook_of(blob: bytes):
    return openpyxl.load_workbook(io.BytesIO(blob))


def write(columns, rows, title="列表"):
    out = io.BytesIO()
    count = write_rows(out, columns, rows, title)
    return count, out.getvalue()


def test_headers_frozen_row_filter_and_title():
    count, blob = write(COLUMNS, [{"name": "甲"}, {"name": "乙"}], "众创空间绩效评估")
    sheet = workbook_of(blob)["众创空间绩效评估"]
    assert count == 2
    assert [c.value for c in sheet[1]] == ["名称", "工位数（个）", "场地总面积（m²）", "成立时间", "提交时间"]
    assert all(c.font.b for c in sheet[1])
    assert sheet["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert sheet["A1"].border.bottom.style == "thin"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E3"
    assert sheet.max_row == 3


def test_numbers_are_numbers_and_dates_are_dates():
    rows = [
        {"name": "甲", "count": 120, "area": Decimal("1200.50"), "founded": dt.date(2018, 5, 1),
         "at": dt.datetime(2026, 3, 1, 9, 30)},
        # as a JSON column gives them back: strings
        ("乙", "35", "88.8", "2020-01-02", "2026-03-02T10:15:00"),
    ]
    _, blob = write(COLUMNS, rows)
    sheet = workbook_of(blob).active
    first, second = sheet[2], sheet[3]
    assert [c.data_type for c in first[1:3]] == ["n", "n"]
    assert first[1].value == 120 and first[2].value == 1200.5
    assert first[3].is_date and first[3].value == dt.datetime(2018, 5, 1)
    assert first[3].number_format == "yyyy-mm-dd"
    assert first[4].is_date and first[4].value == dt.datetime(2026, 3, 1, 9, 30)
    assert [c.value for c in second] == ["乙", 35, 88.8, dt.datetime(2020, 1, 2), dt.datetime(2026, 3, 2, 10, 15)]
    assert second[1].data_type == "n"


def test_empty_values_are_blank_cells():
    _, blob = write(COLUMNS, [{"name": "甲", "count": None, "area": ""}])
    row = workbook_of(blob).active[2]
    assert [c.value for c in row] == ["甲", None, None, None, None]


def test_text_is_never_a_formula_and_unreadable_numbers_stay_visible():
    _, blob = write(COLUMNS, [{"name": "=HYPERLINK(\"http://x\")", "count": "约30", "founded": "不详"}])
    row = workbook_of(blob).active[2]
    assert row[0].data_type == "s" and row[0].value == "=HYPERLINK(\"http://x\")"
    assert row[1].value == "约30" and row[3].value == "不详"


def test_sheet_names_follow_excel_rules():
    assert sheet_name("2025/2026: 列表[全部]") == "2025_2026_ 列表_全部_"
    assert len(sheet_name("很" * 40)) == 31
    assert sheet_name("") == "Sheet1"


def test_filing_columns_cover_every_field_with_units_and_kinds():
    columns = filing_columns(FILING)
    assert [c.key for c in columns] == [f.name for f in FILING.fields]
    by_key = {c.key: c for c in columns}
    assert by_key["area"].header == "场地总面积（m²）" and by_key["area"].kind == "decimal"
    assert by_key["workstations"].header == "工位数（个）" and by_key["workstations"].kind == "int"
    assert by_key["founded"].kind == "date"
    assert by_key["level"].kind == "text" and by_key["work"].kind == "text"


def submission(**overrides):
    values = dict(batch=SimpleNamespace(year=2025), organisation=SimpleNamespace(name="天津市某某科技发展有限公司"),
                  agency=SimpleNamespace(name="滨海高新区科技局"), state_title="审核通过", grade="优秀",
                  score=Decimal("92.5"), submitted_at=dt.datetime(2026, 3, 1, 1, 30), last_opinion="同意")
    values.update(overrides)
    return SimpleNamespace(**values)


def event(opinion, step="区科技局初审", decision="审核不通过", at=dt.datetime(2026, 3, 2, 2, 0)):
    return SimpleNamespace(opinion=opinion, step_title=step, decision_title=decision, at=at)


def test_a_submission_list_with_the_engine_columns():
    columns = submission_columns(FILING)
    headers = [c.header for c in columns]
    assert headers[:4] == ["序号", "年度", "单位名称", "所在区"]
    assert headers[-5:] == ["状态", "评价等级", "评分", "提交时间", "审批意见"]
    assert headers.count("所在区") == 1
    assert "场地总面积（m²）" in headers and "工作开展情况及成效" in headers

    beijing = lambda t: t + dt.timedelta(hours=8)
    events = [event(""), event("请补充场地证明"),
              event("同意", "市科技局评价", "评价完成", dt.datetime(2026, 3, 5, 6, 0))]
    rows = [submission_row(1, submission(), DATA, FILING, events=events, to_local=beijing),
            submission_row(2, submission(state_title="审核中", grade=None, score=None, last_opinion=None),
                           {**DATA, "district": ""}, FILING)]
    count, blob = write(columns, rows)
    sheet = workbook_of(blob).active
    assert count == 2 and sheet.max_row == 3
    first = {h: c for h, c in zip(headers, sheet[2])}
    assert first["序号"].value == 1 and first["序号"].data_type == "n"
    assert first["年度"].value == 2025
    assert first["单位名称"].value == "天津市某某科技发展有限公司"
    assert first["所在区"].value == "滨海高新区"
    assert first["评分"].value == 92.5 and first["评分"].data_type == "n"
    assert first["提交时间"].value == dt.datetime(2026, 3, 1, 9, 30)
    assert first["审批意见"].value == ("2026-03-02 10:00 区科技局初审 审核不通过：请补充场地证明\n"
                                   "2026-03-05 14:00 市科技局评价 评价完成：同意")
    assert first["工位数（个）"].value == 120
    assert first["成立时间"].is_date
    # 专业领域 does not apply (是否为专业化众创空间 = 否): blank, whatever is stored
    assert first["专业领域"].value is None
    second = {h: c.value for h, c in zip(headers, sheet[3])}
    assert second["所在区"] == "滨海高新区科技局"  # no district in the data: the reviewing agency
    assert second["评价等级"] is None and second["评分"] is None and second["审批意见"] is None


def test_fifty_thousand_rows_stream_in_constant_memory(tmp_path):
    path = tmp_path / "big.xlsx"
    day = dt.date(2025, 1, 1)
    rows = (("单位%05d" % i, i, Decimal(i) / 4, day, None) for i in range(50_000))
    assert write_rows(str(path), COLUMNS, rows, "列表") == 50_000
    with zipfile.ZipFile(path) as archive:
        # constant_memory writes each string into its row (inline) as the row
        # is flushed, instead of collecting a shared-string table in memory
        assert "xl/sharedStrings.xml" not in archive.namelist()
        rows_seen, tail = 0, b""
        with archive.open("xl/worksheets/sheet1.xml") as sheet_xml:
            for chunk in iter(lambda: sheet_xml.read(1 << 16), b""):
                rows_seen += (tail[-4:] + chunk).count(b"<row ")  # a tag split across chunks counts once
                tail = (tail + chunk)[-2048:]
    assert rows_seen == 50_001  # the header and every data row
    last_row = tail[tail.rindex(b'<row r="50001"'):].decode()
    assert 't="inlineStr"><is><t>单位49999</t>' in last_row
    assert "<v>49999</v>" in last_row and "<v>12499.75</v>" in last_row
    assert '<autoFilter ref="A1:E50001"/>' in tail.decode()


def test_an_unknown_column_kind_is_refused():
    with pytest.raises(ValueError):
        Column("x", "X", "money")
