"""The pages work under their Content-Security-Policy in a real browser:
no violation reported, and the script-driven parts still run."""

PAGES = ("/login", "/register/legal", "/register/individual", "/recover")


def csp_messages(page) -> list:
    seen = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def test_public_pages_raise_no_csp_violation(live_server, page):
    violations = csp_messages(page)
    for path in PAGES:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        reported = page.evaluate("""() => new Promise(resolve => {
            const seen = [];
            document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
            setTimeout(() => resolve(seen), 200);
        })""")
        assert reported == [], (path, reported)
    assert violations == []
    # accounts.js runs under the policy: a validity period fills the end date
    page.goto(live_server + "/register/legal")
    page.fill('[name="id_valid_from"]', "2020-03-01")
    page.check('[name="id_validity"][value="10年"]')
    assert page.input_value('[name="id_valid_to"]') == "2030-03-01"


def test_an_injected_inline_script_is_blocked_and_reported(live_server, page):
    violations = csp_messages(page)
    page.goto(live_server + "/login")
    ran = page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inline_ran = true';
        document.body.appendChild(s);
        return window.__inline_ran === true;
    }""")
    assert ran is False
    page.wait_for_timeout(200)
    assert violations  # the console listener above would see a page's own violation
