"""Issue 12 §3 in headless Chromium on the Chongqing demo: the city bureau sets
a 高企后备库 parameter, 查询, sees the list change, opens an enterprise's
explanation, then 重置 brings the defaults back."""
from __future__ import annotations

import re

import pytest

from kjgl.core.testing import serve_demo

pytestmark = pytest.mark.browser

PASSWORD = "Demo@2026"


@pytest.fixture(scope="module")
def cq_server(tmp_path_factory):
    yield from serve_demo(tmp_path_factory.mktemp("cq"), **{
        "kjgl.plugins": "enterprise_registry", "kjgl.agency_tree": "chongqing", "kjgl.province": "重庆市",
        "kjgl.title": "重庆市科技型企业系统"})


def _count(page) -> int:
    return int(re.sub(r"\D", "", page.locator("#pool-count").inner_text()))


def test_a_parameter_changes_the_hitech_reserve_and_reset_restores_it(browser, cq_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(cq_server + "/login")
    page.fill("#account", "cqkjj")  # the city: every district's enterprises, whatever the demo's draw
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/login'] button[type=submit]")
    page.goto(cq_server + "/enterprise-registry/agency/pools/hitech-reserve/")
    assert "条件说明" in page.content()
    before = _count(page)
    assert before > 0  # the demo has candidates under the defaults
    # most of the demo's enterprises have a high-tech income below 60% of total revenue: lowering
    # that threshold lets more in
    page.fill("#p-hitech_share", "0")
    with page.expect_navigation():
        page.click("#apply-conditions")
    after = _count(page)
    assert after > before
    assert page.input_value("#p-hitech_share") == "0"
    rows = page.locator("#pool-list tbody tr").count()
    assert rows == min(after, 20)
    with page.expect_navigation():
        page.locator("#pool-list tbody a", has_text="查看").first.click()
    assert "在高企后备库中" in page.locator("#membership").inner_text()
    assert page.locator("#explanation tbody tr.failed").count() == 0
    page.go_back()
    with page.expect_navigation():
        page.click("#conditions button[form=reset-conditions]")
    assert _count(page) == before and page.input_value("#p-hitech_share") == "60"
    context.close()
