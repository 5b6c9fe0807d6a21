"""One captcha image answers one attempt, whatever the answer, in every app
process, however often the session cookie is replayed; SMS codes are limited
per mobile number and per client address."""
import pytest

from kjgl.core import factories
from kjgl.core.settings import SettingsError, normalise
from kjgl.core.testing import TEST_PASSWORD, base_settings

from ...accounts.conftest import CAPTCHA_ANSWER, form_error, load_captcha
from ...accounts.test_captcha_and_sms_code import send_code

WRONG = "Wrong-pass1"


def post_login(app, token, password, captcha=CAPTCHA_ANSWER, account="nobody01"):
    return app.post("/login", {"csrf_token": token, "account": account, "password": password,
                               "captcha": captcha}, status=200)


def captcha_error(res) -> str:
    box = res.html.select_one("#captcha").find_parent(class_="field").select_one(".error")
    return box.get_text(strip=True) if box is not None else ""


def solved_cookie(app):
    """A session holding one freshly drawn image, and its CSRF token."""
    token = app.get("/login").forms[0]["csrf_token"].value
    load_captcha(app)
    return app.cookies["kjgl_session"], token


def test_a_replayed_cookie_gets_one_attempt_out_of_a_solved_image(checked_app, dbsession):
    cookie, token = solved_cookie(checked_app)
    res = post_login(checked_app, token, WRONG)
    assert "账号或密码不正确" in form_error(res) and captcha_error(res) == ""
    checked_app.set_cookie("kjgl_session", cookie)  # the same solved image, again
    res = post_login(checked_app, token, WRONG)
    assert "图形验证码已过期" in captcha_error(res) and form_error(res) == ""


def test_a_wrong_answer_spends_the_image_too(checked_app, dbsession):
    user = factories.user(dbsession, "individual")
    cookie, token = solved_cookie(checked_app)
    assert "图形验证码不正确" in captcha_error(post_login(checked_app, token, WRONG, captcha="ZZZZ"))
    checked_app.set_cookie("kjgl_session", cookie)
    res = post_login(checked_app, token, TEST_PASSWORD, account=user.account)
    assert "图形验证码已过期" in captcha_error(res)


def test_the_image_is_spent_for_every_app_process(checked_app, make_app, dbsession):
    cookie, token = solved_cookie(checked_app)
    post_login(checked_app, token, WRONG)
    other = make_app(**{"kjgl.captcha": "on", "kjgl.title": "另一个应用进程"})
    other.set_cookie("kjgl_session", cookie)
    assert "图形验证码已过期" in captcha_error(post_login(other, token, WRONG))


def test_a_replayed_image_sends_no_second_sms(checked_app, dbsession):
    token = checked_app.get("/register/individual").forms[0]["csrf_token"].value
    load_captcha(checked_app)
    cookie = checked_app.cookies["kjgl_session"]
    headers = {"X-CSRF-Token": token, "Accept": "application/json"}
    checked_app.post("/register/sms-code", {"mobile": "13912345678", "captcha": CAPTCHA_ANSWER}, headers=headers)
    checked_app.set_cookie("kjgl_session", cookie)
    res = checked_app.post("/register/sms-code", {"mobile": "13912345670", "captcha": CAPTCHA_ANSWER},
                           headers=headers, status=422)
    assert "图形验证码已过期" in res.json["errors"]["captcha"]


# --- SMS sending limits ---------------------------------------------------------------

@pytest.fixture
def limited_app(make_app, known_captcha):
    return make_app(**{"kjgl.captcha": "on", "kjgl.sms_per_mobile": "2", "kjgl.sms_per_address": "3"})


def test_sms_codes_to_one_number_are_limited(limited_app, dbsession, monkeypatch):
    from kjgl.core.messaging import sms_codes
    import datetime as dt

    monkeypatch.setattr(sms_codes, "RESEND_AFTER", dt.timedelta(0))  # the 60 s pause is another rule
    send_code(limited_app, "13912345678")
    send_code(limited_app, "13912345678")
    res = send_code(limited_app, "13912345678", status=429)
    assert res.json["errors"]["sms_code"] == "该手机号码60分钟内获取短信验证码次数已达上限，请稍后再试"
    send_code(limited_app, "13912345670")  # another number is not held up


def test_sms_codes_from_one_address_are_limited_whatever_the_number(limited_app, dbsession):
    for n in range(3):
        send_code(limited_app, f"1391234567{n}")
    res = send_code(limited_app, "13912345679", status=429)
    assert "网络地址60分钟内获取短信验证码次数已达上限" in res.json["errors"]["sms_code"]
    other = {"REMOTE_ADDR": "10.1.2.3"}
    limited_app.extra_environ = dict(limited_app.extra_environ, **other)
    send_code(limited_app, "13912345679")  # another client address is not held up


def test_recovery_sms_counts_toward_the_same_limit(limited_app, dbsession, monkeypatch):
    from kjgl.core.messaging import sms_codes
    import datetime as dt

    monkeypatch.setattr(sms_codes, "RESEND_AFTER", dt.timedelta(0))
    user = factories.user(dbsession, "individual", mobile="13912345678")
    send_code(limited_app, "13912345678")
    send_code(limited_app, "13912345678")
    page = limited_app.get("/recover/sms")
    load_captcha(limited_app)
    form = page.forms[0]
    form["account"], form["mobile"], form["captcha"] = user.account, "13912345678", CAPTCHA_ANSWER
    assert "次数已达上限" in form_error(form.submit(status=200))


@pytest.mark.parametrize("key", ["kjgl.sms_per_mobile", "kjgl.sms_per_address", "kjgl.sms_window_minutes"])
def test_a_bad_sms_limit_is_named(key):
    with pytest.raises(SettingsError, match=key):
        normalise(base_settings("sqlite://", **{key: "many"}))
