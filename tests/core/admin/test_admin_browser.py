"""The platform admin's pages in a real browser on the demo deployment."""
import pytest

pytestmark = pytest.mark.browser


def _login_admin(page, live_server):
    page.goto(live_server + "/login")
    page.fill("#account", "admin")
    page.fill("#password", "Demo@2026")
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url("**/admin/staff")


def test_admin_creates_staff_who_then_logs_in(page, browser, live_server):
    _login_admin(page, live_server)
    assert page.locator("table.list tbody tr", has_text="hepingkj").count() == 1
    page.click("text=新增主管部门用户")
    page.click("form[action$='/admin/staff/new'] button[type=submit]")  # empty form
    assert page.locator("#field-account .error").inner_text() == "账号不能为空"
    assert page.locator("#field-agency .error").inner_text() == "请选择所属主管部门"
    page.fill("#account", "browserstaff")
    page.fill("#name", "浏览器审核员")
    page.select_option("#agency", "tj-d02")
    page.fill("#mobile", "13820008888")
    page.click("form[action$='/admin/staff/new'] button[type=submit]")
    password = page.locator("#one-time-password").inner_text().strip()
    assert "天津市科学技术局 / 河东区科学技术局" in page.content()

    staff = browser.new_context(locale="zh-CN").new_page()
    staff.goto(live_server + "/login")
    staff.fill("#account", "browserstaff")
    staff.fill("#password", password)
    staff.click("form[action$='/login'] button[type=submit]")
    staff.wait_for_url("**/account/password")
    staff.context.close()

    # only the audit admin reads the log (三员分立)
    auditor = browser.new_context(locale="zh-CN").new_page()
    auditor.goto(live_server + "/login")
    auditor.fill("#account", "auditor")
    auditor.fill("#password", "Demo@2026")
    auditor.click("form[action$='/login'] button[type=submit]")
    auditor.wait_for_url("**/admin/audit")
    auditor.goto(live_server + "/admin/audit?account=admin&event=staff_create")
    assert auditor.locator("table.audit-log tbody tr", has_text="browserstaff").count() == 1
    auditor.context.close()
