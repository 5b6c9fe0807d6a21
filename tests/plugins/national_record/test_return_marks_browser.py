"""Issue 13 §3 in headless Chromium on the demo deployment: the accepting
agency returns the demo's submitted application marking two things on two
tabs (a field and a venue row) → the operator sees the bell, opens the
message, sees both marks listed (and on the tab bar), follows a mark to its
field, fixes it, regenerates the document and resubmits → the agency sees
what changed since the return."""
from __future__ import annotations

import re

import pytest

from ..test_filing_journeys_browser import follow, open_menu, sign_in  # noqa: F401  (the sign_in fixture)

pytestmark = pytest.mark.browser

CARRIER = "和平科技企业孵化器"  # the demo application waiting at 天津市科学技术局


def test_a_tabbed_return_with_two_marks_is_fixed_and_the_diff_shown(sign_in):
    reviewer = sign_in("tjkjj")
    open_menu(reviewer, "众创空间国家备案受理")
    follow(reviewer, reviewer.locator("table.list tbody tr", has_text=CARRIER).locator("a:text-is('审核')"))
    reviewer.click("#field-marks summary")
    reviewer.check("#field-marks input[name=mark][value=address]")
    reviewer.fill("input[name='mark_note.address']", "地址请与场地证明一致")
    venue = reviewer.locator("#field-marks input[name=mark][value^='row.venues.']").first
    venue.check()
    reviewer.locator(f"input[name='mark_note.{venue.get_attribute('value')}']").fill("面积与租赁合同不符")
    reviewer.check("input[name=decision][value=return]")
    reviewer.fill("#decision-opinion", "请按标记修改后重新提交")
    follow(reviewer, "#decision-form button[type=submit]")
    assert "已退回申报单位修改" in reviewer.locator(".flash").inner_text()

    applicant = sign_in("zhangmin")
    assert int(applicant.locator(".bell .badge").inner_text()) >= 1
    follow(applicant, ".bell")
    message = applicant.locator("table.messages tbody tr", has_text=CARRIER).first
    assert "审核不通过" in message.inner_text() or "退回" in message.inner_text()
    follow(applicant, message.locator("a:text-is('查看')"))
    marks = applicant.locator(".review-marks")
    assert "2处" in marks.inner_text() and "地址请与场地证明一致" in marks.inner_text()
    badges = applicant.locator("nav.tabbar .badge.marked")
    assert badges.count() == 2
    follow(applicant, marks.locator("a", has_text="面积与租赁合同不符"), re.compile(r"/tab/venues#row-venues-r\d+$"))
    assert "面积与租赁合同不符" in applicant.locator("tr.detail-row.marked .review-mark").inner_text()
    follow(applicant, applicant.locator(".review-marks a", has_text="地址请与场地证明一致"),
           re.compile(r"/tab/basic#field-address$"))
    assert "地址请与场地证明一致" in applicant.locator("#field-address .review-mark").inner_text()
    applicant.fill("#address", "天津市和平区贵州路68号")
    follow(applicant, ".sticky-actions button[value=save]", re.compile(r"/tab/basic$"))
    with applicant.expect_download():
        applicant.click("a:text-is('下载材料')")
    follow(applicant, "a:text-is('提交申报材料')")
    applicant.select_option("#agency", label="天津市科学技术局")
    applicant.once("dialog", lambda d: d.accept())
    follow(applicant, "form[data-confirm] button[type=submit]", re.compile(r"/national-record/$"))

    reviewer.goto(reviewer.url.split("?")[0])
    follow(reviewer, reviewer.locator("table.list tbody tr", has_text=CARRIER).locator("a:text-is('审核')"))
    changed = reviewer.locator(".since-return").inner_text()
    assert "天津市和平区贵州路66号 → 天津市和平区贵州路68号" in changed
    assert "已标记并已修改" in changed and "已标记但未修改" in changed and "服务场地第1行" in changed
