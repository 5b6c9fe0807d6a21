"""Password recovery by an SMS code to the registered mobile."""
import datetime as dt

from sqlalchemy import select, update

from kjgl.core import factories
from kjgl.core.accounts.passwords import verify_password
from kjgl.core.audit.models import AuditEvent
from kjgl.core.messaging.models import OutboxMessage, SmsCode
from kjgl.core.testing import login

from .conftest import CAPTCHA_ANSWER, field_error, form_error, load_captcha, sms_code_sent_to

URL = "/recover/sms"
NEW = "Newpass#2026"


def ask_code(app, account, mobile, captcha=CAPTCHA_ANSWER):
    page = app.get(URL)
    load_captcha(app)
    form = page.forms[0]
    form["account"], form["mobile"] = account, mobile
    if "captcha" in form.fields:
        form["captcha"] = captcha
    return form.submit()


def reset(app, code, password=NEW, confirm=None):
    form = app.get(URL + "?step=code").forms[0]
    form["sms_code"], form["password"], form["password_confirm"] = code, password, confirm or password
    return form.submit()


def test_recover_by_sms_end_to_end(checked_app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700001111")
    version = user.auth_version
    res = ask_code(checked_app, user.account.upper(), "13700001111")
    assert res.status_int == 303 and res.location.endswith("step=code")
    page = res.follow()
    assert "137****1111" in page.text
    res = reset(checked_app, sms_code_sent_to(dbsession, "13700001111"))
    assert res.status_int == 303 and res.location.endswith("/login")
    assert "密码已重置" in res.follow().text
    dbsession.refresh(user)
    assert user.auth_version == version + 1
    login(checked_app, user.account, "Passw0rd!", status=200)
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_recover",
                                                       AuditEvent.success.is_(True))).one()
    assert event.user_id == user.id


def test_new_password_works_for_login(app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700001112")
    assert ask_code(app, user.account, "13700001112").status_int == 303
    assert reset(app, "123456").status_int == 303  # checks off: any code
    assert login(app, user.account, NEW).status_int == 303


def test_mobile_must_match_and_unknown_account_looks_the_same(checked_app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700002222")
    wrong_mobile = ask_code(checked_app, user.account, "13700009999")
    unknown = ask_code(checked_app, "nobody_here", "13700002222")
    assert form_error(wrong_mobile) == form_error(unknown) == "账号或注册手机号码不正确"
    assert wrong_mobile.forms[0]["account"].value == user.account
    sent = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
    assert sent == []


def test_wrong_captcha(checked_app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700003333")
    res = ask_code(checked_app, user.account, "13700003333", captcha="ZZZZ")
    assert "图形验证码不正确" in field_error(res, "captcha")


def test_wrong_code_then_expired_code(checked_app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700004444")
    ask_code(checked_app, user.account, "13700004444")
    code = sms_code_sent_to(dbsession, "13700004444")
    res = reset(checked_app, "000000" if code != "000000" else "111111")
    assert "短信验证码不正确" in field_error(res, "sms_code")
    dbsession.execute(update(SmsCode).values(expires_at=dt.datetime(2000, 1, 1)))
    res = reset(checked_app, code)
    assert "已失效" in field_error(res, "sms_code")
    dbsession.refresh(user)
    assert verify_password(user.password_hash, "Passw0rd!")  # unchanged


def test_code_used_once(checked_app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700005555")
    ask_code(checked_app, user.account, "13700005555")
    code = sms_code_sent_to(dbsession, "13700005555")
    assert reset(checked_app, code).status_int == 303
    res = checked_app.get(URL + "?step=code")  # the flow is over
    assert "操作已超时" in form_error(res)
    dbsession.execute(update(SmsCode).values(created_at=dt.datetime(2000, 1, 1)))  # allow a resend
    ask_code(checked_app, user.account, "13700005555")
    res = reset(checked_app, code, password="Other#2026x")
    assert "短信验证码不正确" in field_error(res, "sms_code")  # the old code is spent


def test_new_password_rules(app, dbsession):
    user = factories.user(dbsession, "individual", account="Recover_me1", mobile="13700006666")
    ask_code(app, user.account, "13700006666")
    assert "任意三种" in field_error(reset(app, "1", password="abcdefgh"), "password")
    assert "不能与账号相同" in field_error(reset(app, "1", password="recover_ME1"), "password")
    assert "不一致" in field_error(reset(app, "1", confirm="Other#2026"), "password_confirm")


def test_second_step_without_first_is_refused(app):
    res = app.get(URL + "?step=code")
    assert "操作已超时" in form_error(res)
    assert "mobile" in res.forms[0].fields
