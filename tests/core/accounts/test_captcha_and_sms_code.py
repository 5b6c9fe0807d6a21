"""With the checks on: the graphic captcha on both forms, the registration
SMS code (wrong, expired, used once) and its "获取短信验证码" endpoint."""
import datetime as dt

from sqlalchemy import func, select, update

from kjgl.core.accounts.models import User
from kjgl.core.messaging.models import SmsCode

from .conftest import (CAPTCHA_ANSWER, csrf_token, field_error, individual_data, legal_data, load_captcha,
                       sms_code_sent_to, submit)

SMS_URL = "/register/sms-code"


def send_code(app, mobile: str, status=200, captcha=CAPTCHA_ANSWER):
    token = csrf_token(app, "/register/individual")
    load_captcha(app)
    return app.post(SMS_URL, {"mobile": mobile, "captcha": captcha},
                    headers={"X-CSRF-Token": token, "Accept": "application/json"}, status=status)


def register(app, data):
    page = app.get("/register/individual")
    load_captcha(app)
    form = page.forms[0]
    for name, value in dict(data, captcha=CAPTCHA_ANSWER).items():
        form[name] = value
    return form.submit()


def test_wrong_captcha_refused_on_legal_form(checked_app, dbsession):
    load_captcha(checked_app)
    res = submit(checked_app, "/register/legal", dict(legal_data(), captcha="ZZZZ"))
    assert "图形验证码不正确" in field_error(res, "captcha")
    assert dbsession.scalar(select(func.count(User.id)).where(User.account == "tjlegal01")) == 0


def test_missing_captcha_refused_and_uniqueness_not_probed(checked_app, dbsession):
    from kjgl.core import factories

    factories.user(dbsession, account="tjlegal01")
    res = submit(checked_app, "/register/legal", legal_data())
    assert "请输入图形验证码" in field_error(res, "captcha")
    assert field_error(res, "account") == ""  # no captcha, no answer about who exists


def test_right_captcha_registers_legal_person(checked_app, dbsession):
    page = checked_app.get("/register/legal")
    assert page.html.select_one("img.captcha-img") is not None
    load_captcha(checked_app)
    form = page.forms[0]
    for name, value in dict(legal_data(), captcha=CAPTCHA_ANSWER.lower()).items():
        form[name] = value
    assert form.submit().status_int == 303


def test_sms_code_round_trip(checked_app, dbsession):
    res = send_code(checked_app, "13912345678")
    assert "139****5678" in res.json["message"]
    code = sms_code_sent_to(dbsession, "13912345678")
    res = register(checked_app, individual_data(sms_code=code))
    assert res.status_int == 303, field_error(res, "sms_code")
    assert dbsession.scalar(select(func.count(User.id)).where(User.account == "zhangsan01")) == 1


def test_wrong_sms_code(checked_app, dbsession):
    send_code(checked_app, "13912345678")
    code = sms_code_sent_to(dbsession, "13912345678")
    res = register(checked_app, individual_data(sms_code="000000" if code != "000000" else "111111"))
    assert "短信验证码不正确" in field_error(res, "sms_code")
    assert dbsession.scalar(select(func.count(User.id)).where(User.account == "zhangsan01")) == 0


def test_expired_sms_code(checked_app, dbsession):
    send_code(checked_app, "13912345678")
    code = sms_code_sent_to(dbsession, "13912345678")
    dbsession.execute(update(SmsCode).values(expires_at=dt.datetime(2000, 1, 1)))
    res = register(checked_app, individual_data(sms_code=code))
    assert "已失效" in field_error(res, "sms_code")


def test_sms_code_used_once(checked_app, dbsession):
    send_code(checked_app, "13912345678")
    code = sms_code_sent_to(dbsession, "13912345678")
    assert register(checked_app, individual_data(sms_code=code)).status_int == 303
    checked_app.reset()
    res = register(checked_app, individual_data(account="lisi0001", sms_code=code))
    assert "已失效" in field_error(res, "sms_code")


def test_field_errors_do_not_burn_the_sms_code(checked_app, dbsession):
    send_code(checked_app, "13912345678")
    code = sms_code_sent_to(dbsession, "13912345678")
    res = register(checked_app, individual_data(email="bad", sms_code=code))
    assert field_error(res, "email")
    assert register(checked_app, individual_data(sms_code=code)).status_int == 303


def test_send_code_needs_captcha_and_a_valid_mobile(checked_app):
    res = send_code(checked_app, "12345", status=422, captcha="ZZZZ")
    assert "手机号码" in res.json["errors"]["mobile"]
    assert "图形验证码不正确" in res.json["errors"]["captcha"]


def test_send_code_not_twice_within_a_minute(checked_app):
    send_code(checked_app, "13912345678")
    res = send_code(checked_app, "13912345678", status=429)
    assert "60秒" in res.json["errors"]["sms_code"]


def test_send_code_requires_csrf(checked_app):
    checked_app.post(SMS_URL, {"mobile": "13912345678"}, status=400)
