"""The second factor in headless Chromium on a deployment with ``kjgl.totp = on``:
a district reviewer of the demo data enrols by the key the page shows, logs
out, and logs in again with a code; the QR code is an image the CSP lets in.
Screenshots of both pages go to ``/tmp/shots/totp_*.png``."""
from __future__ import annotations

import os
import time

import pyotp
import pytest

from kjgl.core.testing import serve_demo

pytestmark = pytest.mark.browser

SHOTS = "/tmp/shots"


@pytest.fixture(scope="module")
def totp_server(tmp_path_factory):
    """Like ``live_server``, with the second factor switched on."""
    yield from serve_demo(tmp_path_factory.mktemp("live-totp"), **{"kjgl.totp": "on"})


def _log_in(page, base):
    page.goto(base + "/login")
    page.fill("#account", "hepingkj")
    page.fill("#password", "Demo@2026")
    page.click("form[action$='/login'] button[type=submit]")


def test_enrol_by_the_shown_key_then_log_in_with_a_code(page, totp_server):
    os.makedirs(SHOTS, exist_ok=True)
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)

    _log_in(page, totp_server)
    page.wait_for_url("**/login/totp/enrol")
    qr = page.locator("img.totp-qr")
    qr.wait_for()
    page.wait_for_function("() => document.querySelector('img.totp-qr').naturalWidth > 100")
    assert page.locator("nav.userbar").inner_text().count("退出系统") == 1
    assert page.locator("aside.menu").count() == 0  # nothing to open before the code
    page.screenshot(path=f"{SHOTS}/totp_enrol.png", full_page=True)
    key = page.inner_text("#totp-key").replace(" ", "")

    page.fill("#code", "000000" if pyotp.TOTP(key).now() != "000000" else "111111")
    page.click("#totp-form button[type=submit]")
    assert "验证码不正确，还可尝试" in page.inner_text("#field-code .error")
    assert page.inner_text("#totp-key").replace(" ", "") == key  # the same key until enrolled
    page.fill("#code", pyotp.TOTP(key).now())
    page.click("#totp-form button[type=submit]")
    page.wait_for_url("**/agency/organisations")

    page.click("nav.userbar button:has-text('退出系统')")
    page.wait_for_url("**/login")
    _log_in(page, totp_server)
    page.wait_for_url("**/login/totp")
    assert page.locator("#totp-key").count() == 0 and page.locator("img.totp-qr").count() == 0
    page.screenshot(path=f"{SHOTS}/totp_code.png", full_page=True)
    page.goto(totp_server + "/agency/organisations")  # typing an address does not get round it
    page.wait_for_url("**/login/totp")
    page.fill("#code", pyotp.TOTP(key).at(time.time() + 30))  # the next step: the last one is used
    page.click("#totp-form button[type=submit]")
    page.wait_for_url("**/agency/organisations")
    assert refused == []


def _enrol(page, base, account):
    page.goto(base + "/login")
    page.fill("#account", account)
    page.fill("#password", "Demo@2026")
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url("**/login/totp/enrol")
    page.fill("#code", pyotp.TOTP(page.inner_text("#totp-key").replace(" ", "")).now())
    page.click("#totp-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def test_security_admin_resets_a_reviewers_second_factor(page, totp_server):
    os.makedirs(SHOTS, exist_ok=True)
    _enrol(page, totp_server, "xiqingkj")
    page.click("nav.userbar button:has-text('退出系统')")
    page.wait_for_url("**/login")
    _enrol(page, totp_server, "secadmin")
    page.click("aside.menu a:has-text('双因素认证管理')")
    page.wait_for_url("**/admin/totp")
    row = page.locator("#totp-accounts tr", has_text="xiqingkj")
    assert "已绑定" in row.inner_text()
    page.screenshot(path=f"{SHOTS}/totp_admin.png", full_page=True)
    page.on("dialog", lambda dialog: dialog.accept())
    row.locator("button:has-text('重置动态口令')").click()
    page.wait_for_load_state()
    assert "已重置账号 xiqingkj 的动态口令" in page.inner_text(".flash")
    assert "未绑定" in page.locator("#totp-accounts tr", has_text="xiqingkj").inner_text()
