"""Issue 13 §6 in headless Chromium on the demo deployment: a reviewer
returns a record marking two fields → the applicant sees the bell, opens the
message, sees the marks, fixes and resubmits → the reviewer sees what
changed and approves it in bulk together with another record."""
from __future__ import annotations

import re

import pytest

from kjgl.plugins.makerspace import samples
from kjgl.plugins.makerspace.schemas import FILING
from tests.plugins.test_filing_journeys_browser import (PDF, fill_form, follow, open_menu, row, save, shot,
                                                        sign_in)  # noqa: F401  (sign_in is a fixture)

pytestmark = pytest.mark.browser

MARKED = "和平旅程标记众创空间"
OTHER = "和平旅程批量众创空间"


def submitted_record(page, tmp_path, name: str) -> None:
    open_menu(page, FILING.title)
    follow(page, "a.btn:text-is('增加')", re.compile(r"/makerspace/new$"))
    fill_form(page, FILING, samples.evaluation_sample(name=name))
    save(page)
    signed = tmp_path / "签章页.pdf"
    signed.write_bytes(PDF)
    page.set_input_files("#signature", str(signed))
    save(page)
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, ".sticky-actions button[value=submit]", re.compile(r"/makerspace/$"))
    assert row(page, name).locator(".status").inner_text() == "审核中"


def test_return_with_marks_bell_fix_diff_and_bulk_approval(sign_in, tmp_path):
    applicant = sign_in("zhangmin")
    submitted_record(applicant, tmp_path, MARKED)
    submitted_record(applicant, tmp_path, OTHER)

    # the reviewer learns of both from the bell, and returns one marking two fields
    district = sign_in("hepingkj")
    district.reload()
    assert int(district.locator("a.bell .badge").inner_text()) >= 2
    open_menu(district, "众创空间绩效评估审核")
    follow(district, row(district, MARKED).locator("a:text-is('审核')"))
    district.check("#decision-form input[name=decision][value=return]")
    district.get_by_label("审批意见").fill("请按标记修改")
    district.locator("details.marks summary").click()
    district.check("details.marks input[value=workstations]")
    district.get_by_label("提供工位数的标记说明").fill("工位数与场地面积不符")
    district.check("details.marks input[value=total_area]")
    shot(district, "workday-01-return-with-marks")
    follow(district, "#decision-form button[type=submit]", re.compile(r"/makerspace/review/$"))
    assert "已退回申报单位修改" in district.locator(".flash").inner_text()

    # the applicant sees the bell, opens the message and lands on the marked fields
    applicant.reload()
    assert int(applicant.locator("a.bell .badge").inner_text()) >= 1
    follow(applicant, "a.bell", re.compile(r"/messages$"))
    message = applicant.locator("table.messages tr.unread", has_text="审核不通过").first
    assert "请按标记修改" in message.inner_text()
    follow(applicant, message.locator("a:text-is('查看')"), re.compile(r"/makerspace/\d+/edit$"))
    marks = applicant.locator(".review-marks")
    assert "2处" in marks.inner_text() and "工位数与场地面积不符" in marks.inner_text()
    assert "工位数与场地面积不符" in applicant.locator("#field-workstations .review-mark").inner_text()
    shot(applicant, "workday-02-applicant-sees-marks")
    applicant.fill("#workstations", "300")
    applicant.once("dialog", lambda dialog: dialog.accept())
    follow(applicant, ".sticky-actions button[value=submit]", re.compile(r"/makerspace/$"))

    # the reviewer sees what changed since the return, then approves both in bulk
    open_menu(district, "众创空间绩效评估审核")
    follow(district, row(district, MARKED).locator("a:text-is('审核')"))
    changed = district.locator(".since-return").inner_text()
    assert "提供工位数（已标记）" in changed and "→ 300" in changed
    assert "已标记但未修改" in changed  # the area was marked and left as it was
    shot(district, "workday-03-diff")
    open_menu(district, "众创空间绩效评估审核")
    for name in (MARKED, OTHER):
        row(district, name).locator("input[name=ids]").check()
    district.check("#bulk-form input[name=decision][value=approve]")
    district.fill("#bulk-opinion", "同意上报")
    district.once("dialog", lambda dialog: dialog.accept())
    follow(district, "#bulk-form button[type=submit]", re.compile(r"/makerspace/review/"))
    assert "已审核通过2条记录" in district.locator(".flash").inner_text()
    for name in (MARKED, OTHER):
        assert "市科技局评价" in row(district, name).inner_text()
    shot(district, "workday-04-bulk-approved")
