"""自定义查询's 导出Excel dialog and the voucher statistics' drill-through in
headless Chromium on the Chongqing demo: the city bureau ticks three columns
and gets exactly them; saves the choice and finds it ticked again; clicks a
合计 cell and lands on the list of as many vouchers."""
from __future__ import annotations

import io
import re

import openpyxl
import pytest

from kjgl.core.testing import serve_demo

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cq_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("cqdecl"), **{
        "kjgl.plugins": "enterprise_registry", "kjgl.agency_tree": "chongqing", "kjgl.province": "重庆市",
        "kjgl.title": "重庆市科技型企业系统"})


@pytest.fixture
def city(browser, cq_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(cq_server + "/login")
    page.fill("#account", "cqkjj")
    page.fill("#password", "Demo@2026")
    with page.expect_navigation():
        page.click("form[action$='/login'] button[type=submit]")
    yield page
    context.close()


def test_the_export_dialog_gives_exactly_the_ticked_columns(city, cq_server):
    city.goto(cq_server + "/enterprise-registry/agency/custom-query/")
    dialog = city.locator("#export-dialog")
    assert not dialog.is_visible()
    city.click("#export-excel")
    assert dialog.is_visible()
    for box in dialog.locator("input[name=cols]").all():
        if box.is_checked():
            box.uncheck()
    for key in ("e_name", "e_district", "r_rd_expense"):
        dialog.locator(f"input[name=cols][value={key}]").check()
    with city.expect_download() as download:
        city.click("#export-submit")
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "所属区县", "研发费用（千元）")
    count = int(city.locator("#count").inner_text())
    assert len(rows) - 1 == count > 0

    dialog.locator("#choice_name").fill("研发投入")
    with city.expect_navigation():
        city.click("#choice-save")
    dialog = city.locator("#export-dialog")
    assert dialog.is_visible()  # opened again with the saved choice
    ticked = [b.get_attribute("value") for b in dialog.locator("input[name=cols]:checked").all()]
    assert ticked == ["e_name", "e_district", "r_rd_expense"]
    assert "研发投入" in dialog.locator(".choices").inner_text()


def test_a_total_cell_lands_on_the_list_of_as_many_vouchers(city, cq_server):
    city.goto(cq_server + "/enterprise-registry/agency/voucher-stats/?tab=scale")
    total = city.locator("#stats tr.total a[data-measure=granted]")
    shown = int(total.inner_text())
    with city.expect_navigation():
        total.click()
    assert "/agency/vouchers/" in city.url and "stage=granted" in city.url
    assert int(city.locator("#total-count").inner_text()) == shown == int(city.locator("#count").inner_text())
    assert re.search(r"共\s*\d+", city.locator("#totals").inner_text())
