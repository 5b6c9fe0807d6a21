"""axe-core (WCAG 2.1 A/AA) on the main pages of the demo deployment, as
each kind of user sees them: no serious or critical violation.

axe-core is vendored for the tests in ``tests/vendor/axe-core``."""
from __future__ import annotations

import os
import re

import pytest

pytestmark = pytest.mark.browser

AXE = os.path.join(os.path.dirname(__file__), "..", "vendor", "axe-core", "axe.min.js")
DEMO_PASSWORD = "Demo@2026"

PUBLIC = ("/login", "/register", "/register/legal", "/register/individual", "/recover")
# account → the pages it opens (a "first:" entry opens the first link matching the pattern on the previous page)
SIGNED_IN = {
    "zhangmin": ("/portal", "/makerspace/", r"first:/makerspace/\d+/edit", "/messages", "/messages/preferences",
                 "/national-record/", r"first:/national-record/\d+/tab/guide", "/national-record/new",
                 "/notices", r"first:/notices/\d+$"),
    "tjkjj": ("/national-record/review/", r"first:/national-record/review/\d+$", "/makerspace/review/", "/agency/organisations",
              # 通知公告: the agency's list, its editor (new and a draft), who has read a published one
              "/notices/new", "/notices/manage", r"first:/notices/\d+/edit", "/notices/manage",
              r"first:/notices/\d+/reads", "/messages"),
    "hpchuangke": ("/org/profile", "/org/users"),
    "auditor": ("/admin/audit",),
}


def violations(page) -> list[str]:
    page.add_script_tag(path=AXE)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').slice(0, 160))}));
    }""")
    return [f"{page.url} {v['id']} ({v['impact']}, {v['help']}): {v['nodes']}"
            for v in result if v["impact"] in ("serious", "critical")]


def _login(page, base, account):
    page.goto(base + "/login")
    page.fill("#account", account)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def axe_page(browser):
    """A page whose CSP lets the test inject axe-core (the app's own CSP stays as it is)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, bypass_csp=True)
    yield context.new_page()
    context.close()


def test_main_pages_have_no_serious_accessibility_violation(live_server, axe_page):
    page = axe_page
    found, visited = [], []
    for path in PUBLIC:
        page.goto(live_server + path)
        visited.append(path)
        found += violations(page)
    for account, paths in SIGNED_IN.items():
        page.context.clear_cookies()
        _login(page, live_server, account)
        for path in paths:
            if path.startswith("first:"):
                pattern = re.compile(path[len("first:"):])
                hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
                href = next(h for h in hrefs if pattern.search(h.split("?")[0]))
                page.goto(href if href.startswith("http") else live_server + href)
            else:
                page.goto(live_server + path)
            visited.append(page.url)
            found += violations(page)
    assert len(visited) >= 24
    assert any(re.search(r"/notices/\d+$", u) for u in visited)  # a notice's own page
    assert not found, "\n".join(found)


def _first_edit_page(page, base):
    page.goto(base + "/makerspace/")
    href = page.eval_on_selector("main a[href*='/edit']", "e => e.getAttribute('href')")
    page.goto(href if href.startswith("http") else base + href)


def test_skip_link_and_no_focused_field_under_the_sticky_bar(live_server, axe_page):
    page = axe_page
    _login(page, live_server, "zhangmin")
    _first_edit_page(page, live_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    covered, stops = [], 0
    for _ in range(400):
        page.keyboard.press("Tab")
        info = page.evaluate("""() => {
            const el = document.activeElement, bar = document.querySelector('.sticky-actions');
            if (!el || el === document.body) return null;
            const r = el.getBoundingClientRect(), b = bar ? bar.getBoundingClientRect() : null;
            const inBar = bar && bar.contains(el);
            return {name: el.name || el.id || el.textContent.slice(0, 20), inBar: !!inBar,
                    // hidden: less of it shows above the bar than a line of text (a tall
                    // textarea whose top rows show is not hidden)
                    covered: !!(b && !inBar && Math.min(r.bottom, b.top) - Math.max(r.top, 0) < Math.min(r.height, 24)),
                    inForm: !!el.closest('form')};
        }""")
        if info is None:
            break
        stops += 1
        if info["covered"]:
            covered.append(info["name"])
        if info["inBar"]:
            break  # reached the bar: every field before it was checked
    assert stops > 50
    assert not covered, f"fields under the sticky action bar when focused: {covered}"


def test_file_inputs_show_a_visible_focus_ring(live_server, axe_page):
    page = axe_page
    _login(page, live_server, "zhangmin")
    _first_edit_page(page, live_server)
    page.focus("input[type=file]")
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return [s.outlineStyle, s.outlineWidth]; }""")
    assert style[0] == "solid" and float(style[1].rstrip("px")) >= 2


def test_help_tips_show_on_click_focus_and_touch(live_server, browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 800}, has_touch=True)
    page = context.new_page()
    try:
        _login(page, live_server, "zhangmin")
        _first_edit_page(page, live_server)
        tips = page.locator(".field .help")
        first, second = tips.nth(0), tips.nth(1)
        tip = first.locator(".tip")
        assert not tip.is_visible()
        first.tap()  # touch: no hover on a phone
        assert tip.is_visible()
        assert page.evaluate("document.activeElement.classList.contains('help')")  # not the labelled field
        second.tap()
        assert not tip.is_visible() and second.locator(".tip").is_visible()  # one open at a time
        page.keyboard.press("Escape")
        page.locator("main h1").click()
        assert not second.locator(".tip").is_visible()
        first.focus()  # keyboard
        assert tip.is_visible()
    finally:
        context.close()


def test_the_notice_editor_with_its_errors_and_a_message_list_with_messages(live_server, axe_page):
    """The agency's notice editor as it comes back refused (the error summary,
    the fields' errors), and the message list once a notice was published."""
    page = axe_page
    _login(page, live_server, "hepingkj")
    page.goto(live_server + "/notices/new")
    page.click("#notice-form .actions button[value=save]")
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    found = violations(page)
    page.fill("#title", "关于开展科技活动周的通知")
    page.fill("#body", "请各单位积极参加。")
    page.check("input[name=target][value=subtree]")
    page.once("dialog", lambda d: d.accept())
    page.click("#notice-form .actions button[value=publish]")
    page.wait_for_load_state()
    found += violations(page)  # the agency's list, the new notice published
    page.context.clear_cookies()
    _login(page, live_server, "hpchuangke")
    for path in ("/notices", "/messages"):
        page.goto(live_server + path)
        found += violations(page)
    assert page.locator("main").count() == 1
    assert not found, "\n".join(found)
