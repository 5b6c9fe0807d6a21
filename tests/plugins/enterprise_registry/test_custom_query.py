"""自定义查询: the list of listed enterprises with their report of a year
(search, 年份, keyset pages, 序号), the export of exactly the ticked
columns in their order, saved column choices, and masking of 科研联系人手机."""
from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.plugins.enterprise_registry import custom_query as cq
from kjgl.plugins.enterprise_registry.declaration_models import ColumnChoice
from kjgl.plugins.enterprise_registry.declaration_services import Invalid

from .helpers import client, csrf, ctx, listed_enterprise, report, reviewer

CQ = "/enterprise-registry/agency/custom-query/"


def _world(db):
    """万州区: 甲 (reports 2022, 2023), 乙 (2023); 黔江区: 丙 (2023)."""
    made = {}
    for code, district, name, mobile, years in (("cq-d01", "万州区", "重庆自定义甲科技有限公司", "13812345678", (2022, 2023)),
                                                ("cq-d01", "万州区", "重庆自定义乙科技有限公司", "13900001111", (2023,)),
                                                ("cq-d02", "黔江区", "重庆自定义丙科技有限公司", "13700002222", (2023,))):
        org, user, e = listed_enterprise(db, code, district, name=name, contact_mobile=mobile)
        for year in years:
            report(db, org, user, year, main_revenue=Decimal(f"{1000 + year}.50"))
        made[name] = e
    return made


def _book(res):
    return list(openpyxl.load_workbook(io.BytesIO(res.body)).active.iter_rows(values_only=True))


def test_list_shows_the_seed_columns_masked_for_the_latest_year_by_default(make_app, dbsession):
    made = _world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    page = app.get(CQ)
    heads = re.findall(r"<th(?: class=\"nowrap\")?>([^<]+)</th>", page.text)
    assert heads[:10] == ["序号", "区县", "企业名称", "产业类别", "统一社会信用代码", "注册年月", "科研联系人",
                          "科研联系人手机", "主营业务收入（千元）", "操作"]
    assert 'value="2023" selected' in page.text
    assert "138****5678" in page.text and "13812345678" not in page.text
    assert "3023.50" in page.text and "重庆自定义丙" not in page.text
    assert "2015-03" in page.text  # 注册年月
    assert int(re.search(r'id="count">(\d+)<', page.text).group(1)) == 2
    older = app.get(CQ, {"year": "2022"})
    assert "重庆自定义甲" in older.text and "重庆自定义乙" not in older.text and "3022.50" in older.text
    assert "重庆自定义乙" in app.get(CQ, {"q": "乙"}).text and "重庆自定义甲" not in app.get(CQ, {"q": "乙"}).text
    assert made


def test_serial_numbers_run_across_keyset_pages(make_app, dbsession):
    for n in range(23):
        org, user, _ = listed_enterprise(dbsession, name=f"重庆序号{n:02d}科技有限公司")
        report(dbsession, org, user, 2023)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    first = app.get(CQ)
    after = re.search(r'href="[^"]*after=(\d+)[^"]*">下一页', first.text).group(1)
    second = app.get(CQ, {"year": "2023", "after": after})
    serials = re.findall(r"<tr>\s*<td>(\d+)</td>", second.text)
    assert serials == ["21", "22", "23"]


def test_every_field_is_offered_grouped_by_tab_in_a_stable_order():
    from kjgl.plugins.enterprise_registry.schemas import BASIC_TAB, REPORT

    titles = [t for t, _ in cq.GROUPS]
    assert titles == ["企业基本信息"] + ["年报 · " + t.title for t in REPORT.tabs]
    keys = [c.key for _, items in cq.GROUPS for c in items]
    assert len(keys) == len(set(keys))
    assert {"e_" + f.name for f in BASIC_TAB.fields} <= set(keys)
    assert {"r_" + f.name for t in REPORT.tabs for f in t.fields} <= set(keys)
    assert keys == [c.key for _, items in cq._catalogue() for c in items]


def test_the_dialog_offers_every_column_as_a_checkbox(make_app, dbsession):
    _world(dbsession)
    page = client(make_app, reviewer(dbsession, "cq-d01")).get(CQ)
    offered = re.findall(r'name="cols" value="(\w+)"', page.text)
    assert offered == list(cq.CHOICES)
    assert 'popovertarget="export-dialog"' in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script (CSP)


def test_export_has_exactly_the_ticked_columns_in_their_order(make_app, dbsession):
    _world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    cols = ["r_main_revenue", "e_name", "r_employees", "e_contact_mobile", "r_hitech_certified"]
    res = app.post(CQ + "export.xlsx", {"csrf_token": csrf(app), "cols": cols, "year": "2023", "q": ""})
    rows = _book(res)
    assert rows[0] == ("主营业务收入（千元）", "企业名称", "从业人员数（人）", "科研联系人手机", "是否认定为高新技术企业")
    assert sorted(rows[1:]) == sorted([(3023.5, "重庆自定义甲科技有限公司", 50, "138****5678", "是"),
                                       (3023.5, "重庆自定义乙科技有限公司", 50, "139****1111", "是")])
    # the filters apply; a GET link works the same
    res = app.get(CQ + "export.xlsx", {"cols": ["e_name"], "year": "2022"})
    assert _book(res) == [("企业名称",), ("重庆自定义甲科技有限公司",)]
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "registry_export_excel")
                              .order_by(AuditEvent.id.desc())).first()
    assert "e_name" in event.detail


@pytest.mark.parametrize("cols, message", [([], "至少选择一项"), (["e_name", "e_password"], "未知字段：e_password")])
def test_export_refuses_no_or_unknown_columns(make_app, dbsession, cols, message):
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    res = app.get(CQ + "export.xlsx", {"cols": cols}, status=400)
    assert message in res.text


def test_full_mobile_only_for_the_city_and_audited(make_app, dbsession):
    _world(dbsession)
    district = client(make_app, reviewer(dbsession, "cq-d01"))
    res = district.get(CQ + "export.xlsx", {"cols": ["e_contact_mobile"], "full": "1"}, status=403)
    assert "无权导出完整联系方式" in res.text
    bureau = client(make_app, factories.user(dbsession, "agency", agency_code="cq"))
    rows = _book(bureau.get(CQ + "export.xlsx", {"cols": ["e_name", "e_contact_mobile"], "full": "1",
                                                  "year": "2023"}))
    assert ("重庆自定义丙科技有限公司", "13700002222") in rows
    assert dbsession.scalar(select(AuditEvent.id).where(AuditEvent.event == "registry_export_excel_full"))
    masked = _book(bureau.get(CQ + "export.xlsx", {"cols": ["e_name", "e_contact_mobile"], "year": "2023"}))
    assert ("重庆自定义丙科技有限公司", "137****2222") in masked


def test_save_a_choice_and_reuse_it(make_app, dbsession):
    _world(dbsession)
    user = reviewer(dbsession, "cq-d01")
    app = client(make_app, user)
    cols = ["e_credit_code", "r_rd_expense", "e_name"]
    res = app.post(CQ + "choices", {"csrf_token": csrf(app), "choice_name": "研发情况", "cols": cols}, status=303)
    choice = dbsession.scalars(select(ColumnChoice).where(ColumnChoice.user_id == user.id)).one()
    assert choice.columns == cols  # in the order sent
    page = app.get(res.location.replace("http://localhost", ""))
    ticked = re.findall(r'name="cols" value="(\w+)"\s+checked', page.text)
    assert ticked == ["e_name", "e_credit_code", "r_rd_expense"]
    assert '<div id="export-dialog" class="dialog wide">' in page.text  # opened, with the choice ticked
    # the dialog's link to the saved choice keeps the list's filters
    links = re.findall(r'<a href="([^"]+)"\s+class="choice', app.get(CQ, {"q": "甲", "year": "2022"}).text)
    assert len(links) == 1 and "q=%E7%94%B2" in links[0] and "year=2022" in links[0] and \
        f"&amp;choice={choice.id}" in links[0]
    rows = _book(app.get(CQ + "export.xlsx", {"choice": choice.id, "year": "2023"}))
    assert rows[0] == ("统一社会信用代码", "研发费用（千元）", "企业名称")
    # saving under the same name replaces the columns
    app.post(CQ + "choices", {"csrf_token": csrf(app), "choice_name": "研发情况", "cols": ["e_name"]}, status=303)
    dbsession.refresh(choice)
    assert choice.columns == ["e_name"]
    # another user's choice is not found
    other = client(make_app, reviewer(dbsession, "cq-d01"))
    other.get(CQ + "export.xlsx", {"choice": choice.id}, status=404)
    other.post(CQ + f"choices/{choice.id}/delete", {"csrf_token": csrf(other)}, status=404)
    app.post(CQ + f"choices/{choice.id}/delete", {"csrf_token": csrf(app)}, status=303)
    assert dbsession.scalar(select(ColumnChoice.id)) is None


@pytest.mark.parametrize("name, cols, field, message", [
    ("", ["e_name"], "choice_name", "方案名称不能为空"),
    ("名" * 51, ["e_name"], "choice_name", "最多50个字符"),
    ("空", [], "cols", "至少选择一项"),
    ("坏", ["e_name", "r_nothing"], "cols", "未知字段：r_nothing"),
])
def test_choice_validation_names_the_field(dbsession, name, cols, field, message):
    user = reviewer(dbsession, "cq-d01")
    with pytest.raises(Invalid) as exc:
        cq.save_choice(ctx(dbsession, user), name, cols)
    assert message in exc.value.errors[field]


def test_choice_errors_show_in_the_open_dialog(make_app, dbsession):
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    res = app.post(CQ + "choices", {"csrf_token": csrf(app), "choice_name": "", "cols": ["e_name"]}, status=400)
    assert "方案名称不能为空" in res.text and '<div id="export-dialog" class="dialog wide">' in res.text
    assert re.findall(r'name="cols" value="(\w+)"\s+checked', res.text) == ["e_name"]


def test_every_column_at_once_reads_each_report_table(make_app, dbsession):
    _world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    rows = _book(app.get(CQ + "export.xlsx", {"cols": list(cq.CHOICES), "year": "2022"}))
    assert rows[0] == tuple(c.column.header for c in cq.CHOICES.values())
    row = dict(zip(cq.CHOICES, rows[1]))
    assert (row["e_name"], row["r_year"], row["r_main_revenue"], row["r_invention_granted"], row["r_doctors"],
            row["r_hitech_cert_no"], row["e_contact_mobile"]) == (
        "重庆自定义甲科技有限公司", 2022, 3022.5, 1, 1, "GR202250000123", "138****5678")
