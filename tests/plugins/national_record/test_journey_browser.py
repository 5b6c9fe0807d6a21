"""Issue 10 §5: the national record in headless Chromium on the demo
deployment — a new carrier and application, every tab filled with a few rows
(a cell is disabled as its row's state changes), the numbered document
generated, submission to an accepting agency, its return, the fix, the
resubmission and the approval."""
from __future__ import annotations

import re

import pytest
from docx import Document

from kjgl.core.testing import valid_pdf

from ..test_filing_journeys_browser import follow, open_menu, sign_in  # noqa: F401  (the sign_in fixture)

pytestmark = pytest.mark.browser

CARRIER = "和平浏览器测试众创空间"
MENU = "认定备案管理 › 众创空间国家备案"


def save_tab(page, tab: str) -> None:
    follow(page, ".sticky-actions button[value=save]", re.compile(rf"/tab/{tab}$"))
    assert page.locator("ul.problems").count() == 0, page.locator("ul.problems").first.inner_text()
    assert "已保存" in page.content() and "部分附件未上传成功" not in page.content()


def open_tab(page, title: str) -> None:
    follow(page, f"nav.tabbar a:has-text('{title}')")


def add_row(page, table: str):
    page.click(f"button.add-row[data-table='{table}']")
    return page.locator(f"table[data-table='{table}'] tbody tr.detail-row").last


def cell(row, name: str):
    return row.locator(f"td[data-cell='{name}']")


def test_national_record_journey(sign_in, tmp_path):
    proof = tmp_path / "证明.pdf"
    proof.write_bytes(valid_pdf())
    applicant = sign_in("zhangmin")
    open_menu(applicant, MENU)
    follow(applicant, "a:text-is('＋ 添加载体')")
    applicant.fill("#name", CARRIER)
    applicant.check("input[name='kind'][value='众创空间']")
    applicant.fill("#address", "天津市和平区南京路200号")
    applicant.fill("#founded_on", "2019-06-01")
    applicant.select_option("#level", "市级")
    follow(applicant, "#carrier-form button[type=submit]")
    follow(applicant, "a:has-text('新建众创空间国家备案申报书')")
    applicant.select_option("#carrier", label=f"{CARRIER}（众创空间）")
    follow(applicant, "#new-form button[type=submit]", re.compile(r"/tab/guide$"))
    assert "规范性要求" in applicant.content()

    open_tab(applicant, "承诺书")
    with applicant.expect_download() as download:
        applicant.click("a:has-text('下载承诺书模板')")
    assert CARRIER in "".join(p.text for p in Document(download.value.path()).paragraphs)
    applicant.set_input_files("#pledge", str(proof))
    save_tab(applicant, "pledge")

    open_tab(applicant, "基础信息")
    applicant.fill("#founded_on", "2019-06-01")
    applicant.check("input[name='kind'][value='综合型']")
    for name, value in (("head", "陈建国"), ("head_mobile", "13820001234"), ("contact", "张敏"),
                        ("contact_mobile", "13612345678"), ("intro", "综合型众创空间")):
        applicant.fill(f"#{name}", value)
    save_tab(applicant, "basic")

    open_tab(applicant, "服务场地")
    venue = add_row(applicant, "venues")
    for name, value in (("address", "南京路200号"), ("area", "10"), ("team_area", "1"), ("public_area", "2"),
                        ("own_area", "4"), ("other_area", "3"), ("workstations", "2")):
        cell(venue, name).locator("input").fill(value)
    cell(venue, "ownership").locator("input[value='租赁']").check()
    cell(venue, "proof").locator("input[type=file]").set_input_files(str(proof))
    save_tab(applicant, "venues")
    assert "30.0 %" in applicant.content() and "由下表数据自动汇总生成" in applicant.content()

    open_tab(applicant, "人员情况")
    staff = add_row(applicant, "staff")
    for name, value in (("name", "李明"), ("age", "35"), ("title", "运营总监"), ("major", "工商管理")):
        cell(staff, name).locator("input").fill(value)
    cell(staff, "education").locator("select").select_option("硕士")
    cell(staff, "experience").locator("textarea").fill("创业服务8年")
    cell(staff, "proof").locator("input[type=file]").set_input_files(str(proof))
    save_tab(applicant, "staff")

    open_tab(applicant, "孵化和服务情况")
    team = add_row(applicant, "teams")
    cell(team, "name").locator("input").fill("智能传感团队")
    cell(team, "joined_on").locator("input").fill("2024-03-01")
    cell(team, "status").locator("input[value='在孵']").check()
    assert cell(team, "moved_out_on").locator("input").is_disabled()  # rule 1, without a reload
    assert cell(team, "members").locator("input").is_enabled()
    cell(team, "status").locator("input[value='已迁出']").check()
    assert cell(team, "members").locator("input").is_disabled()  # rule 3
    assert cell(team, "moved_out_on").locator("input").is_enabled()
    cell(team, "status").locator("input[value='在孵']").check()
    cell(team, "members").locator("input").fill("6")
    cell(team, "financed").locator("input[value='否']").check()
    assert cell(team, "financing_amount").locator("input").is_disabled()
    cell(team, "agreement").locator("input[type=file]").set_input_files(str(proof))
    save_tab(applicant, "incubation")

    for key, title in (("capability", "服务能力"), ("performance", "服务绩效"), ("brand", "品牌和文化建设"),
                       ("plan", "发展思路、目标及措施")):
        open_tab(applicant, title)
        applicant.fill(f"#{key}", f"{title}的说明")
        save_tab(applicant, key)

    with applicant.expect_download() as download:
        applicant.click("a:text-is('下载材料')")
    headers = {"".join(p.text for p in s.header.paragraphs) for s in Document(download.value.path()).sections}
    assert all("版本号：V" in h for h in headers)

    follow(applicant, "a:text-is('提交申报材料')")
    applicant.select_option("#agency", label="天津市科学技术局")
    applicant.once("dialog", lambda dialog: dialog.accept())
    follow(applicant, "form[data-confirm] button[type=submit]", re.compile(r"/national-record/$"))
    assert "已提交" in applicant.content()

    reviewer = sign_in("tjkjj")
    open_menu(reviewer, "众创空间国家备案受理")
    follow(reviewer, reviewer.locator("table.list tbody tr", has_text=CARRIER).locator("a:text-is('审核')"))
    reviewer.check("input[name=decision][value=return]")
    reviewer.fill("#decision-opinion", "请补充发展目标的量化指标")
    follow(reviewer, "#decision-form button[type=submit]")

    applicant.goto(applicant.url)
    row = applicant.locator("table.list tbody tr", has_text=CARRIER).filter(has_text="审核不通过")
    assert "请补充发展目标的量化指标" in row.inner_text()
    follow(applicant, row.locator("a:text-is('填报')"))
    open_tab(applicant, "发展思路、目标及措施")
    applicant.fill("#plan", "三年内孵化企业50家")
    save_tab(applicant, "plan")
    with applicant.expect_download():
        applicant.click("a:text-is('下载材料')")
    follow(applicant, "a:text-is('提交申报材料')")
    applicant.select_option("#agency", label="天津市科学技术局")
    applicant.once("dialog", lambda dialog: dialog.accept())
    follow(applicant, "form[data-confirm] button[type=submit]", re.compile(r"/national-record/$"))

    reviewer.goto(reviewer.url)
    follow(reviewer, reviewer.locator("table.list tbody tr", has_text=CARRIER).locator("a:text-is('审核')"))
    assert "三年内孵化企业50家" in reviewer.content()
    reviewer.check("input[name=decision][value=approve]")
    follow(reviewer, "#decision-form button[type=submit]")
    applicant.goto(applicant.url)
    assert applicant.locator("table.list tbody tr", has_text=CARRIER).filter(has_text="审核通过").count() == 1
