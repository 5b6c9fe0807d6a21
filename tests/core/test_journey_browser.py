"""The journey of issue 2 §6 in headless Chromium, as a person does it on the
demo deployment: register an organisation → complete its information → the
district bureau approves → register an individual → choose the organisation →
its admin grants 众创空间 → the individual opens it (and not 孵化器).

Set ``KJGL_SCREENSHOTS=1`` to keep a screenshot of every step in
``test-artifacts/journey-core/``."""
from __future__ import annotations

import os
import re

import pytest
from stdnum.cn import ric, uscc
from kjgl.core.testing import valid_pdf

pytestmark = pytest.mark.browser

SHOTS = os.path.join(os.environ.get("KJGL_ARTIFACTS", "test-artifacts"), "journey-core")
PASSWORD = "Journey@2026"
ORG_NAME = "天津旅程测试科技有限公司"
ORG_ACCOUNT = "journeyorg"
PERSON_ACCOUNT = "journeyuser"
PERSON_MOBILE = "13920261122"
MAKERSPACE = "天津市众创空间绩效评估系统"


def _credit_code() -> str:
    body = "91120101MA05JRNY0"  # 企业, 天津市和平区
    return body + uscc.calc_check_digit(body)


def _resident_id(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


class Steps:
    """Numbered screenshots, only when asked for."""

    def __init__(self, page):
        self.page = page
        self.n = 0
        self.enabled = os.environ.get("KJGL_SCREENSHOTS") == "1"
        if self.enabled:
            os.makedirs(SHOTS, exist_ok=True)

    def shot(self, name: str) -> None:
        self.n += 1
        if self.enabled:
            self.page.screenshot(path=os.path.join(SHOTS, f"{self.n:02d}-{name}.png"), full_page=True)


def _login(page, base, account, password, lands_on):
    page.goto(base + "/login")
    page.fill("#account", account)
    page.fill("#password", password)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url(lands_on)


def _logout(page):
    page.click("header .userbar button:has-text('退出系统')")
    page.wait_for_url("**/login")
    assert page.locator("header .userbar", has_text="登录").count() == 1


def _pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(valid_pdf())
    return str(path)


def _register_legal(page, base, steps):
    page.goto(base + "/")
    page.click("header .userbar a:has-text('注册')")
    page.wait_for_url("**/register")
    steps.shot("register-choice")
    page.click("a.choice:has-text('法人用户注册')")
    page.wait_for_url("**/register/legal")
    page.fill("#account", ORG_ACCOUNT)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.select_option("#legal_type", label="企业")
    page.fill("#org_name", ORG_NAME)
    page.fill("#credit_code", _credit_code())
    page.fill("#name", "张法人")
    page.select_option("#id_type", label="身份证")
    page.fill("#id_number", "11010519491231002X")
    page.fill("#id_valid_from", "2020-01-01")
    page.check("input[name=id_validity][value='20年']")
    assert page.input_value("#id_valid_to") == "2040-01-01"  # filled by the period
    page.fill("#mobile", "13820261122")
    questions = ("您的出生地是？", "您母亲的姓名是？", "您就读的小学名称是？")
    for n, question in enumerate(questions, start=1):
        page.select_option(f"#security_q{n}", label=question)
        page.fill(f"#security_a{n}", f"答案{n}")
    steps.shot("register-legal-filled")
    page.click("form[action$='/register/legal'] button[type=submit]")
    page.wait_for_url("**/org/profile")
    assert page.locator("h1").inner_text() == "单位信息补全"
    assert "法人用户注册成功" in page.locator(".flash").inner_text()
    steps.shot("org-profile-empty")


def _complete_profile(page, tmp_path, steps):
    form = page.locator("#org-profile-form")
    page.select_option("#legal_nature", label="企业法人")
    page.select_option("#legal_type", label="企业")
    page.fill("#contact_name", "李联系")
    page.fill("#contact_mobile", "13820261123")
    page.fill("#contact_email", "contact@journey.example.cn")
    page.select_option("#agency", label="和平区科学技术局")
    page.select_option("#reg_district", label="和平区")
    page.fill("#reg_address", "南京路100号")
    page.select_option("#loc_district", label="和平区")
    page.fill("#loc_address", "南京路100号2层")
    page.fill("#bank_account_name", "天津旅程测试科技公司")  # not the organisation's name
    page.fill("#bank_name", "中国工商银行天津分行营业部")
    page.fill("#bank_account_no", "0302 0001 0900 1234 567")
    slots = {"licence": "营业执照.pdf", "risk_letter": "风险承诺书.pdf", "bank_proof": "开户许可证.pdf"}
    for slot, filename in slots.items():
        page.set_input_files(f"#{slot}", _pdf(tmp_path, filename))
    steps.shot("org-profile-filled")

    with page.expect_navigation():  # re-rendered at the same address
        form.locator("button[name=action][value=submit]:visible").click()
    message = page.locator("#field-bank_account_name .error").inner_text()
    assert message.startswith("账户（收款单位）必须与单位名称相同") and "账户名称缺少" in message
    assert page.locator(".has-error").count() == 1
    notice = page.locator(".notice").first.inner_text()
    assert "提交未成功" in notice and "所选附件也未上传" in notice
    # what was typed is still there; the files of a refused submit were not kept
    assert page.input_value("#contact_name") == "李联系"
    assert page.input_value("#agency") != ""
    for slot, filename in slots.items():
        assert page.locator(f"#field-{slot} ul.files li", has_text=filename).count() == 0
    steps.shot("org-profile-wrong-account-name")

    page.fill("#bank_account_name", ORG_NAME)
    for slot, filename in slots.items():
        page.set_input_files(f"#{slot}", _pdf(tmp_path, filename))
    form.locator("button[name=action][value=submit]:visible").click()
    page.wait_for_url("**/org/status")
    assert page.locator(".status-line .status.pending").count() == 1
    assert "和平区科学技术局" in page.locator(".status-banner").inner_text()
    steps.shot("org-status-pending")


def _agency_approves(page, base, steps):
    _login(page, base, "hepingkj", "Demo@2026", "**/agency/organisations")
    page.click("aside.menu a:has-text('单位审核')")
    page.wait_for_url("**/agency/organisations")
    row = page.locator("table.list tbody tr", has_text=ORG_NAME)
    assert row.locator(".status.pending").count() == 1
    steps.shot("agency-list")
    row.locator("a", has_text=ORG_NAME).click()
    page.wait_for_url(re.compile(r"/agency/organisations/\d+$"))
    assert ORG_NAME in page.content()
    steps.shot("agency-review")
    page.check("#decision-form input[name=decision][value=approve]")
    with page.expect_navigation():
        page.click("#decision-form button[type=submit]")
    assert f"已审核通过：{ORG_NAME}" in page.locator(".flash").inner_text()
    assert page.locator(".status-line .status.active").count() == 1
    assert page.locator("#decision-form").count() == 0
    steps.shot("agency-approved")
    page.click("aside.menu a:has-text('单位审核')")
    page.wait_for_url("**/agency/organisations")
    assert page.locator("table.list tbody tr", has_text=ORG_NAME).count() == 0  # no longer pending
    page.select_option("#status", value="all")
    page.fill("#name", ORG_NAME)
    page.click("form.searchbar button[type=submit]")
    page.wait_for_url("**status=all**")
    row = page.locator("table.list tbody tr", has_text=ORG_NAME)
    assert row.locator(".status.active").count() == 1
    steps.shot("agency-list-approved")


def _register_individual(page, base, steps):
    page.goto(base + "/register")
    page.click("a.choice:has-text('个人用户注册')")
    page.wait_for_url("**/register/individual")
    page.fill("#account", PERSON_ACCOUNT)
    page.fill("#password", PASSWORD)
    page.fill("#password_confirm", PASSWORD)
    page.fill("#name", "王个人")
    page.select_option("#id_type", label="身份证")
    page.fill("#id_number", _resident_id("12010119900307123"))
    page.fill("#id_valid_from", "2015-06-01")
    page.check("input[name=id_validity][value='长期']")
    page.fill("#mobile", PERSON_MOBILE)
    page.fill("#email", "person@journey.example.cn")
    page.click("button.sms-send")
    status = page.locator(".sms-status")
    status.filter(has_text="短信验证码已发送").wait_for()

    outbox = page.context.new_page()  # the development outbox stands in for the phone
    outbox.goto(f"{base}/dev/outbox?to={PERSON_MOBILE}")
    code = re.search(r"验证码为(\d{6})", outbox.locator("table.list tbody").inner_text()).group(1)
    outbox.close()
    page.fill("#sms_code", code)
    steps.shot("register-individual-filled")
    page.click("form[action$='/register/individual'] button[type=submit]")
    page.wait_for_url("**/me/profile")
    assert page.locator("h1").inner_text() == "个人信息补全"
    assert page.locator("#org-select .org-current").inner_text() == "未选择"
    steps.shot("me-profile-no-org")

    page.fill("#org_name", ORG_NAME)
    page.click("#org-search button[type=submit]")
    page.wait_for_url("**org_name=**")
    choose = page.locator("#org-choose")
    assert choose.locator("tbody tr", has_text=ORG_NAME).count() == 1
    assert choose.locator("tbody tr", has_text="和平区科学技术局").count() == 1
    steps.shot("me-profile-search")
    choose.locator("tbody tr", has_text=ORG_NAME).locator("input[type=radio]").check()
    choose.locator("button[type=submit]").click()
    page.wait_for_url("**/me/profile")
    assert ORG_NAME in page.locator("#org-select .org-current").inner_text()
    steps.shot("me-profile-org-chosen")


def _admin_grants_makerspace(page, base, steps):
    _login(page, base, ORG_ACCOUNT, PASSWORD, "**/org/users")
    page.click("aside.menu a:has-text('用户管理')")
    page.wait_for_url("**/org/users")
    row = page.locator("table.users tbody tr", has_text=PERSON_ACCOUNT)
    assert row.count() == 1
    masked = row.locator("td.mono").inner_text().strip()
    assert masked == PERSON_MOBILE[:3] + "****" + PERSON_MOBILE[-4:]
    assert PERSON_MOBILE not in page.content()
    steps.shot("org-users")
    row.locator("a:has-text('模块配置')").click()
    page.wait_for_url(re.compile(r"/org/users/\d+/modules"))
    page.locator("table.grants tr", has_text=MAKERSPACE).locator("input[type=checkbox]").check()
    steps.shot("org-user-modules")
    page.click("main form button[type=submit]:has-text('保存')")
    page.wait_for_url("**/org/users**")
    assert f"已保存用户“{PERSON_ACCOUNT}”的模块配置" in page.locator(".flash").inner_text()
    steps.shot("org-users-granted")


def _individual_opens_makerspace(page, base, steps):
    _login(page, base, PERSON_ACCOUNT, PASSWORD, "**/portal")
    assert page.locator("h1").inner_text() == "申报系统选择"
    assert ORG_NAME in page.locator("main.content").inner_text()
    menu = page.locator("aside.menu").inner_text()
    assert "众创空间" in menu and "孵化器" not in menu
    cards = page.locator(".modules .module")
    assert cards.count() == 1
    assert cards.locator("h3").inner_text() == MAKERSPACE
    steps.shot("portal")
    cards.locator("a:has-text('在线办理')").click()
    page.wait_for_url("**/makerspace/**")
    assert page.locator("h1").inner_text() == MAKERSPACE
    steps.shot("makerspace-home")

    response = page.goto(base + "/incubator/")
    assert response.status == 403
    assert page.locator(".error-page .error-code").inner_text() == "403"
    assert "模块配置" in page.locator(".error-page").inner_text()  # tells the person whom to ask
    steps.shot("incubator-forbidden")


def test_journey_register_complete_approve_choose_grant_open(page, live_server, tmp_path):
    steps = Steps(page)
    _register_legal(page, live_server, steps)
    _complete_profile(page, tmp_path, steps)
    _logout(page)
    _agency_approves(page, live_server, steps)
    _logout(page)
    _register_individual(page, live_server, steps)
    _logout(page)
    _admin_grants_makerspace(page, live_server, steps)
    _logout(page)
    _individual_opens_makerspace(page, live_server, steps)
