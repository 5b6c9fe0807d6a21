"""The optional second factor (TOTP, ``kjgl.totp``) for agency and admin
accounts: enrolment at the first login, a code at every login, wrong codes
counted toward the login lock, no code taken twice, a pending session that
opens nothing else, and the security admin's reset."""
import base64
import datetime as dt
import re

import pyotp
import pytest
from sqlalchemy import select, text

from kjgl.core import factories
from kjgl.core.accounts import totp
from kjgl.core.audit.models import AuditEvent
from kjgl.core.db import utcnow
from kjgl.core.crypto import SessionCookieSerializer
from kjgl.core.testing import TEST_SECRET, login

from ..authz.world import routes

ON = {"kjgl.totp": "on"}
SECOND_FACTOR_KINDS = ("admin", "security_admin", "audit_admin", "agency")
LANDING = {"admin": "/admin/staff", "security_admin": "/admin/locked", "audit_admin": "/admin/audit",
           "agency": "/agency/organisations"}


@pytest.fixture
def clock(monkeypatch):
    """The second factor's clock, moved along by tests (codes are per 30 s step)."""
    now = {"t": 1_800_000_000.0}
    monkeypatch.setattr(totp, "clock", lambda: now["t"])
    return now


@pytest.fixture
def on_app(make_app):
    return make_app(**ON)


def code_error(res) -> str:
    box = res.html.select_one("#field-code .error")
    return box.get_text(strip=True) if box is not None else ""


def shown_key(page) -> str:
    return page.html.select_one("#totp-key").get_text().replace(" ", "")


def give_code(app, code, path="/login/totp", status=None):
    form = app.get(path).forms["totp-form"]
    form["code"] = code
    return form.submit(status=status)


def enrol(app, user, clock) -> str:
    """Logs ``user`` in for the first time, enrolling; returns the key shown."""
    assert login(app, user.account).location.endswith("/login/totp")
    page = app.get("/login/totp").follow()
    key = shown_key(page)
    res = give_code(app, pyotp.TOTP(key).at(clock["t"]), "/login/totp/enrol", status=303)
    assert res.location.endswith(LANDING[user.kind])
    return key


def events(dbsession, name, user):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == name,
                                                           AuditEvent.user_id == user.id)))


# --- off and on ---------------------------------------------------------------

def test_off_by_default_agency_logs_in_with_the_password_alone(app, dbsession):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    assert login(app, user.account).location.endswith("/agency/organisations")
    assert app.get("/agency/organisations").status_int == 200


@pytest.mark.parametrize("kind", SECOND_FACTOR_KINDS)
def test_on_agency_and_admins_need_a_second_factor(on_app, dbsession, kind):
    user = factories.user(dbsession, kind, agency_code="tj-d01" if kind == "agency" else None)
    assert login(on_app, user.account).location.endswith("/login/totp")
    assert on_app.get(LANDING[kind]).location.endswith("/login/totp")


def test_individual_and_org_admin_are_unaffected(on_app, dbsession):
    org = factories.organisation(dbsession)
    individual = factories.user(dbsession, "individual", organisation=org)
    assert login(on_app, individual.account).location.endswith("/portal")
    assert on_app.get("/portal").status_int == 200
    on_app.reset()
    assert login(on_app, factories.org_admin(dbsession, org).account).location.endswith("/org/users")
    assert on_app.get("/org/users").status_int == 200


def test_enrolment_shows_a_qr_code_and_the_key_then_a_code_is_asked_at_every_login(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    login(on_app, user.account)
    page = on_app.get("/login/totp").follow()
    assert page.request.path == "/login/totp/enrol"
    assert page.headers["Cache-Control"] == "no-store"
    img = page.html.select_one("img.totp-qr")
    assert img["src"].endswith("/login/totp/qr.svg")
    qr = on_app.get("/login/totp/qr.svg")
    assert qr.content_type == "image/svg+xml" and qr.body.lstrip().startswith(b"<?xml")
    assert b"<script" not in qr.body and qr.headers["Cache-Control"] == "no-store"
    key = shown_key(page)
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    assert on_app.get("/login/totp/enrol").html.select_one("#totp-key").get_text().replace(" ", "") == key

    assert code_error(give_code(on_app, "12ab", "/login/totp/enrol", status=200)) == "请输入6位数字动态验证码"
    res = give_code(on_app, pyotp.TOTP(key).at(clock["t"]), "/login/totp/enrol", status=303)
    assert res.location.endswith("/agency/organisations")
    assert on_app.get("/agency/organisations").status_int == 200
    assert len(events(dbsession, "totp_enrolled", user)) == 1
    on_app.get("/login/totp/qr.svg", status=403)  # nothing pending any more

    on_app.post("/logout", {"csrf_token": on_app.get("/agency/organisations").forms[0]["csrf_token"].value})
    clock["t"] += 30
    assert login(on_app, user.account).location.endswith("/login/totp")
    page = on_app.get("/login/totp")
    assert page.html.select_one("#totp-form") is not None and page.html.select_one("#totp-key") is None
    res = give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=303)
    assert res.location.endswith("/agency/organisations")
    assert on_app.get("/agency/organisations").status_int == 200
    assert len(events(dbsession, "totp_ok", user)) == 1


def test_the_page_asked_for_is_reached_after_the_code(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    on_app.reset()
    clock["t"] += 30
    page = on_app.get("/login", {"next": "/makerspace/review/"})
    form = page.forms[0]
    form["account"], form["password"] = user.account, "Passw0rd!"
    assert form.submit(status=303).location.endswith("/login/totp")
    assert give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=303).location.endswith("/makerspace/review/")


def test_a_code_one_step_off_is_accepted_two_steps_off_is_not():
    key = pyotp.random_base32()
    t = 1_800_000_015.0
    step = int(t // 30)
    for offset, expected in ((-60, None), (-30, step - 1), (0, step), (30, step + 1), (60, None)):
        assert totp.matching_step(key, pyotp.TOTP(key).at(t + offset), t) == expected


# --- wrong codes, replays -------------------------------------------------------

def test_wrong_codes_are_counted_and_the_fifth_locks(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    on_app.reset()
    clock["t"] += 30
    login(on_app, user.account)
    right = pyotp.TOTP(key).at(clock["t"])
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert [code_error(give_code(on_app, wrong, status=200)) for _ in range(4)] == [
        f"验证码不正确，还可尝试{n}次" for n in (4, 3, 2, 1)]
    res = give_code(on_app, wrong, status=303)
    assert res.location.endswith("/login")
    assert "账号已锁定" in res.follow().html.select_one(".flash").get_text()
    dbsession.refresh(user)
    assert user.locked_until is not None
    assert len(events(dbsession, "totp_failed", user)) == 5
    # the session ended; the right password and code do not open the account now
    assert on_app.get("/login/totp").location.startswith("http://localhost/login?next=")
    assert "账号已锁定" in login(on_app, user.account, status=200).html.select_one(".notice.bad").get_text()


def test_wrong_passwords_and_codes_share_one_count_and_a_right_password_does_not_reset_it(on_app, dbsession,
                                                                                           clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    on_app.reset()
    clock["t"] += 30
    login(on_app, user.account, "Wrong-pass1", status=200)
    login(on_app, user.account, "Wrong-pass1", status=200)
    login(on_app, user.account)
    wrong = f"{(int(pyotp.TOTP(key).at(clock['t'])) + 1) % 1_000_000:06d}"
    assert code_error(give_code(on_app, wrong, status=200)) == "验证码不正确，还可尝试2次"
    on_app.reset()
    login(on_app, user.account)  # logging in again does not buy more guesses
    assert code_error(give_code(on_app, wrong, status=200)) == "验证码不正确，还可尝试1次"
    give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=303)
    dbsession.refresh(user)
    assert user.failed_logins == 0


def test_a_code_is_not_taken_twice(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)  # took the code of the current step
    on_app.reset()
    login(on_app, user.account)
    res = give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=200)
    assert code_error(res) == "验证码已使用过，请等待验证器显示新的验证码，还可尝试4次"
    assert events(dbsession, "totp_failed", user)[-1].success is False
    # the same code within its drift window, a step later, is still the same step
    clock["t"] += 30
    assert code_error(give_code(on_app, pyotp.TOTP(key).at(clock["t"] - 30), status=200)).startswith("验证码已使用过")
    assert give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=303).location.endswith("/agency/organisations")
    dbsession.refresh(user)
    assert user.totp_last_step == int(clock["t"] // 30)


def test_an_earlier_step_is_refused_after_a_later_one(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    on_app.reset()
    login(on_app, user.account)
    give_code(on_app, pyotp.TOTP(key).at(clock["t"] + 30), status=303)  # clock ahead: step + 1
    on_app.reset()
    login(on_app, user.account)
    assert code_error(give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=200)).startswith("验证码已使用过")


# --- the pending state ------------------------------------------------------------

def _pending(on_app, dbsession, kind="agency"):
    user = factories.user(dbsession, kind, agency_code="tj-d01" if kind == "agency" else None)
    assert login(on_app, user.account).location.endswith("/login/totp")
    return user


def test_pending_session_opens_no_business_page(on_app, dbsession):
    user = _pending(on_app, dbsession)
    token = on_app.get("/login/totp").follow().forms["totp-form"]["csrf_token"].value
    for path in ("/agency/organisations", "/makerspace/review/", "/account/password", "/admin/staff", "/admin/audit"):
        res = on_app.get(path, status=302)
        assert res.location.endswith("/login/totp"), path
    assert on_app.get("/agency/organisations/1", status="*").status_int in (302, 403)
    assert on_app.get("/session/ping", headers={"Accept": "application/json"}, status=403)
    on_app.post("/account/password", {"csrf_token": token, "old_password": "Passw0rd!",
                                      "password": "N3w-Passw0rd", "password_confirm": "N3w-Passw0rd"}, status=403)
    dbsession.refresh(user)
    assert user.password_history == [] or user.password_history is None


def test_pending_session_is_refused_on_every_route_but_the_second_factor_and_public_ones(on_app, dbsession):
    from ..authz.test_matrix import EVERYONE, EXPECTED

    public = {name for name, entry in EXPECTED.items() if entry["allow"] == EVERYONE}
    own = {"login.totp", "login.totp.enrol", "login.totp.qr"}
    _pending(on_app, dbsession, "admin")
    token = on_app.get("/login/totp").follow().forms["totp-form"]["csrf_token"].value
    opened = []
    for name, (route, methods) in sorted(routes(on_app.app.registry).items()):
        if name in public | own or name == "logout":
            continue
        url = route.generate({**({"id": "1"} if "{id" in route.pattern else {}),
                              **({"tab": "basic"} if "{tab" in route.pattern else {})})
        if "GET" in methods or "*" in methods:
            res = on_app.get(url, status="*")
            refused = res.status_int == 302 and res.location.endswith("/login/totp")
        else:
            res = on_app.post(url, {"csrf_token": token}, status="*")
            refused = res.status_int == 403
        if not refused:
            opened.append(f"{name} {url}: {res.status}")
    assert opened == []


def test_pending_state_ends_after_five_minutes(on_app, dbsession, clock):
    _pending(on_app, dbsession)
    assert on_app.get("/login/totp", status=302).location.endswith("/login/totp/enrol")
    clock["t"] += totp.PENDING_SECONDS + 1
    assert on_app.get("/login/totp").location.startswith("http://localhost/login?next=")


def test_pending_state_still_has_the_absolute_session_lifetime(on_app, dbsession, monkeypatch):
    import time

    from kjgl.core.accounts import sessions

    _pending(on_app, dbsession)
    real = time.time
    monkeypatch.setattr(sessions.time, "time", lambda: real() + 9 * 3600)
    monkeypatch.setattr(totp, "clock", real)  # the pending state alone would still hold
    assert on_app.get("/login/totp").location.startswith("http://localhost/login?next=")


def test_the_enrolling_key_is_sealed_in_the_session_cookie(on_app, dbsession):
    _pending(on_app, dbsession)
    key = shown_key(on_app.get("/login/totp/enrol"))
    cookie = on_app.cookies["kjgl_session"].strip('"')
    raw = base64.urlsafe_b64decode(cookie + "=" * (-len(cookie) % 4))
    assert b"totp_enrol" not in raw and key.encode() not in raw  # the whole cookie is encrypted
    # and inside it, opened with the server's secret, the key is sealed once more
    _, _, state = SessionCookieSerializer(TEST_SECRET).loads(cookie.encode())
    assert state["totp_enrol"].startswith("enc1:") and key not in str(state)


def test_must_change_password_comes_after_the_second_factor(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01", must_change_password=True)
    login(on_app, user.account)
    key = shown_key(on_app.get("/login/totp/enrol"))
    res = give_code(on_app, pyotp.TOTP(key).at(clock["t"]), "/login/totp/enrol", status=303)
    assert res.location.endswith("/account/password")
    assert on_app.get("/agency/organisations").location.endswith("/account/password")


# --- stored sealed; the security admin's reset ----------------------------------------

def test_the_stored_secret_is_ciphertext(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    raw = dbsession.execute(text("SELECT totp_secret FROM user_account WHERE id = :id"), {"id": user.id}).scalar()
    assert raw.startswith("enc1:") and key not in raw
    dbsession.expire(user)
    assert user.totp_secret == key


def test_security_admin_resets_and_the_user_enrols_again(on_app, make_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    old_key = enrol(on_app, user, clock)
    assert on_app.get("/agency/organisations").status_int == 200

    sec = make_app(**ON)
    secadmin = factories.user(dbsession, "security_admin")
    key = enrol(sec, secadmin, clock)
    page = sec.get("/admin/totp", {"q": user.account})
    row = page.html.select_one("#totp-accounts tbody tr")
    assert user.account in row.get_text() and "已绑定" in row.get_text()
    form = next(f for f in page.forms.values() if f.action.endswith(f"/admin/totp/{user.id}/reset"))
    res = form.submit(status=303)
    assert "已重置账号" in res.follow().html.select_one(".flash").get_text()
    assert key  # the security admin's own key is untouched
    dbsession.refresh(user)
    assert user.totp_secret is None and user.totp_last_step is None
    event = events(dbsession, "totp_reset", secadmin)[0]
    assert event.object_id == str(user.id) and user.account in event.detail

    # the user's session ended; the next login enrols a new key
    assert on_app.get("/agency/organisations").location.startswith("http://localhost/login?next=")
    login(on_app, user.account)
    page = on_app.get("/login/totp").follow()
    assert page.request.path == "/login/totp/enrol" and shown_key(page) != old_key


def test_reset_is_for_second_factor_accounts_only(on_app, dbsession, clock):
    org = factories.organisation(dbsession)
    individual = factories.user(dbsession, "individual", organisation=org)
    secadmin = factories.user(dbsession, "security_admin")
    enrol(on_app, secadmin, clock)
    token = on_app.get("/account/password").forms["password-form"]["csrf_token"].value
    on_app.post(f"/admin/totp/{individual.id}/reset", {"csrf_token": token}, status=404)
    assert individual.account not in on_app.get("/admin/totp").text


def test_only_the_security_admin_resets(make_app, dbsession, clock):
    target = factories.user(dbsession, "agency", agency_code="tj-d01", totp_secret=pyotp.random_base32())
    for kind in ("admin", "audit_admin", "agency"):
        app = make_app()
        login(app, factories.user(dbsession, kind, agency_code="tj-d01" if kind == "agency" else None).account)
        token = app.get("/account/password").forms["password-form"]["csrf_token"].value
        app.post(f"/admin/totp/{target.id}/reset", {"csrf_token": token}, status=403)
    dbsession.refresh(target)
    assert target.totp_secret is not None


def test_a_lock_set_elsewhere_ends_the_pending_session(on_app, dbsession):
    user = _pending(on_app, dbsession)
    user.locked_until = utcnow() + dt.timedelta(minutes=30)
    dbsession.flush()
    res = on_app.get("/login/totp/enrol", status=303)
    assert res.location.endswith("/login")
    assert "账号已锁定" in res.follow().html.select_one(".flash").get_text()


def test_the_last_login_is_stamped_when_the_code_is_accepted_not_at_the_password(on_app, dbsession, clock):
    user = factories.user(dbsession, "agency", agency_code="tj-d01")
    key = enrol(on_app, user, clock)
    dbsession.refresh(user)
    first = user.last_login_at
    assert first is not None

    on_app.post("/logout", {"csrf_token": on_app.get("/agency/organisations").forms[0]["csrf_token"].value})
    dbsession.execute(text("UPDATE user_account SET last_login_at = NULL WHERE id = :i"), {"i": user.id})
    clock["t"] += 30
    login(on_app, user.account)  # the password alone: not a login yet
    dbsession.refresh(user)
    assert user.last_login_at is None
    give_code(on_app, pyotp.TOTP(key).at(clock["t"]), status=303)
    dbsession.refresh(user)
    assert user.last_login_at is not None
