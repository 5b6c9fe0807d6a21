"""Issue 11 §7: the three sides in headless Chromium on the Chongqing demo —
an enterprise files its basic information and a report, the district
approves both in the 审核 dialog, the city approves the report, the district
finds the enterprise in 企业信息查询列表, walks 上一页/下一页 and exports."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from kjgl.core.testing import serve_demo

pytestmark = pytest.mark.browser

PASSWORD = "Demo@2026"
NAME = "重庆渝创示范科技有限公司"
BASIC = {"registered_on": "2018-06-01", "registered_capital": "5000", "main_business": "工业传感器研发",
         "legal_rep": "何晓东", "contact_name": "唐静", "contact_mobile": "13983005678",
         "address": "重庆市渝中区解放碑民族路88号"}
REPORT = {
    "finance": {"main_revenue": "12000.50", "total_revenue": "13000", "profit": "800", "tax": "300",
                "export_earnings": "0", "total_assets": "26000", "rd_expense": "950.75"},
    "achievements": {"invention_applied": "3", "invention_granted": "1", "utility_applied": "6",
                     "utility_granted": "4", "design_applied": "0", "design_granted": "0",
                     "software_copyrights": "2", "new_products": "1"},
    "standards": {"std_international": "0", "std_national": "0", "std_industry": "1", "std_local": "0",
                  "std_group": "1"},
    "people": {"employees": "60", "rd_staff": "15", "doctors": "1", "masters": "6", "bachelors": "30",
               "college_below": "23"},
    "platforms": {"platform_national": "0", "platform_city": "1", "platform_district": "0"},
    "products": {"hitech_products": "2", "hitech_income": "6000"},
}


@pytest.fixture(scope="module")
def cq_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("cq"), **{
        "kjgl.plugins": "enterprise_registry", "kjgl.agency_tree": "chongqing", "kjgl.province": "重庆市",
        "kjgl.title": "重庆市科技型企业系统"})


@pytest.fixture
def sign_in(browser, cq_server):
    contexts = []

    def sign_in(account):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda d: d.accept())  # 提交 asks for confirmation
        page.goto(cq_server + "/login")
        page.fill("#account", account)
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("form[action$='/login'] button[type=submit]")
        assert "/login" not in page.url, account
        return page

    yield sign_in
    for context in contexts:
        context.close()


def go(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()


def decide(page, opinion="同意"):
    page.click("button[popovertarget=decide]")
    page.check("#decide input[name=decision][value=approve]")
    page.fill("#decide textarea[name=opinion]", opinion)
    go(page, "#decide button[type=submit]")


def test_enterprise_district_and_city_end_to_end(sign_in, cq_server):
    year = dt.date.today().year - 1
    firm = sign_in("cqqiye")
    firm.goto(cq_server + "/enterprise-registry/")
    go(firm, "button:has-text('填写基本信息')")
    assert firm.input_value("#name") == NAME
    for name, value in BASIC.items():
        firm.fill(f"#{name}", value)
    firm.select_option("#district", "渝中区")
    firm.select_option("#tech_field", "电子信息")
    for name, value in (("industry", "第二产业"), ("scale", "小型"), ("above_scale", "否")):
        firm.check(f"input[name={name}][value={value}]")
    go(firm, ".sticky-actions button:has-text('保存')")
    assert "已保存" in firm.content()
    go(firm, ".sticky-actions button:has-text('提交审核')")
    assert "渝中区" in firm.content() and "审核中" in firm.content()

    district = sign_in("yuzhongkj")
    district.goto(cq_server + "/enterprise-registry/agency/basic/")
    district.fill("#q", "渝创示范")
    go(district, "button:has-text('查询')")
    go(district, "table a:has-text('审核')")
    decide(district, "信息属实，同意入库")

    firm.goto(cq_server + "/enterprise-registry/")
    assert "已入库" in firm.content()
    firm.select_option("#year", str(year))
    go(firm, "button:has-text('新建年报')")
    report_url = firm.url.split("/tab/")[0]
    for tab, values in REPORT.items():
        firm.goto(f"{report_url}/tab/{tab}")
        for name, value in values.items():
            firm.fill(f"#{name}", value)
        go(firm, ".sticky-actions button:has-text('保存')")
        assert "已保存" in firm.content(), tab
    for tab, name, value in (("listing", "listing_status", "未上市"), ("hitech", "hitech_certified", "否")):
        firm.goto(f"{report_url}/tab/{tab}")
        firm.check(f"input[name={name}][value={value}]")
        go(firm, ".sticky-actions button:has-text('保存')")
    firm.goto(f"{report_url}/submit")
    go(firm, "form button:has-text('提交')")
    assert "已提交至" in firm.content()

    district.goto(cq_server + "/enterprise-registry/agency/report-review/")
    district.fill("#q", NAME)
    go(district, "button:has-text('查询')")
    go(district, "table a:has-text('审核')")
    assert "12000.50" in district.content()
    decide(district, "区县审核通过")

    city = sign_in("cqkjj")
    city.goto(cq_server + "/enterprise-registry/agency/report-review/")
    city.fill("#q", NAME)
    go(city, "button:has-text('查询')")
    go(city, "table a:has-text('审核')")
    city.click("button[popovertarget=opinions]")
    assert "区县审核通过" in city.locator("#opinions").inner_text()
    city.click("#opinions button:has-text('关闭')")
    decide(city, "市局审核通过")

    district.goto(cq_server + "/enterprise-registry/agency/enterprises/")
    district.select_option("#listed", "yes")
    go(district, "button:has-text('查询')")
    rows = district.locator("table.list tbody tr").count()
    go(district, f"tr:has-text('{NAME}') a:has-text('查看')")
    assert "listed=yes" in district.url
    walked = [district.locator(".doc-head h1").inner_text()]
    for _ in range(rows + 1):
        go(district, "#next")
        if "/enterprises/?" in district.url:
            break
        walked.append(district.locator(".doc-head h1").inner_text())
    assert "/enterprises/?" in district.url  # past the last one: back to the list, filter kept
    assert NAME in walked[0] and len(walked) == len(set(walked))
    with district.expect_download() as download:
        district.click("#export-excel")
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    names = [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert NAME in names and len(names) == rows
