"""Rough edges of issue 13 §5 that only a browser shows."""
from __future__ import annotations

import pytest

from tests.core.test_accessibility_browser import _first_edit_page, _login

pytestmark = pytest.mark.browser


def test_submit_on_the_edit_page_asks_first(live_server, page):
    _login(page, live_server, "zhangmin")
    _first_edit_page(page, live_server)
    edit_url = page.url
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.click("button[value=submit]")
    page.wait_for_timeout(300)
    assert asked == ["提交后不能对申报内容进行修改，确定提交吗？"]
    assert page.url == edit_url  # cancelled: nothing was sent
