"""session.js in a real browser: the warning a minute before the idle timeout,
继续使用 keeps the session, and at the timeout the page goes to the login page."""
import pytest

pytestmark = pytest.mark.browser


def _with_session_js(page, live_server, timeout):
    page.evaluate("""([src, timeout]) => new Promise(done => {
        const s = document.createElement('script');
        s.src = src; s.dataset.timeout = String(timeout);
        s.dataset.ping = '/session/ping'; s.dataset.login = '/login';
        s.onload = done; document.body.appendChild(s);
    })""", [live_server + "/static/session.js", timeout])


def test_warning_then_keep_then_logout(page, live_server):
    page.goto(live_server + "/login")
    page.fill("#account", "zhangmin")
    page.fill("#password", "Demo@2026")
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url("**/portal")
    _with_session_js(page, live_server, 62)  # warns after 2 s, ends after 62 s
    warning = page.locator("#session-warning")
    warning.wait_for(timeout=5000)
    assert "1分钟后自动退出登录" in warning.inner_text()
    page.screenshot(path="/tmp/authn-session-warning.png")
    with page.expect_response("**/session/ping") as ping:
        page.click("#session-warning button")
    assert ping.value.json()["ok"] is True
    assert page.locator("#session-warning").count() == 0


def test_page_goes_to_login_when_the_time_is_up(page, live_server):
    page.goto(live_server + "/login")
    page.fill("#account", "liuyang")
    page.fill("#password", "Demo@2026")
    page.click("form[action$='/login'] button[type=submit]")
    page.wait_for_url("**/portal")
    with page.expect_request("**/login", timeout=6000) as went:
        _with_session_js(page, live_server, 2)
    assert went.value.is_navigation_request()
