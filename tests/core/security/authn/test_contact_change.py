"""Taking an account over through 个人信息: a new mobile (where recovery codes
go) or e-mail (where an organisation admin's reset goes) needs the current
password, a new mobile the SMS code sent to it, and the old ones are told."""
import datetime as dt

import pytest
from sqlalchemy import select

from kjgl.core import factories, masking
from kjgl.core.audit.models import AuditEvent
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.testing import TEST_PASSWORD, login

from ...accounts.conftest import CAPTCHA_ANSWER, load_captcha, sms_code_sent_to
from .helpers import field_error

OLD, NEW = "13800001111", "13900002222"


@pytest.fixture
def person(dbsession):
    return factories.user(dbsession, "individual", mobile=OLD, email="old@example.cn",
                          id_valid_from=dt.date(2020, 1, 1), id_long_term=True,
                          organisation=factories.organisation(dbsession))


def _login_with_captcha(app, user):
    form = app.get("/login").forms[0]
    load_captcha(app)
    form["account"], form["password"], form["captcha"] = user.account, TEST_PASSWORD, CAPTCHA_ANSWER
    form.submit(status=303)


def _form(app, **values):
    form = app.get("/me/profile").forms["profile-form"]
    for name, value in values.items():
        form[name] = value
    return form


def _send_code(app, mobile, status=200):
    token = app.get("/me/profile").forms["profile-form"]["csrf_token"].value
    return app.post("/me/mobile-code", {"mobile": mobile}, headers={"X-CSRF-Token": token,
                                                                   "Accept": "application/json"}, status=status)


def _messages(dbsession, to):
    return dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to(to))).all()


def test_a_new_mobile_needs_the_current_password_and_the_code_sent_to_it(checked_app, dbsession, person):
    app = checked_app
    _login_with_captcha(app, person)
    res = _form(app, mobile=NEW).submit(status=200)
    assert field_error(res, "current_password") == "修改手机号码或电子邮箱，须输入当前登录密码"
    res = _form(app, mobile=NEW, current_password=TEST_PASSWORD).submit(status=200)
    assert field_error(res, "sms_code") == "请输入发送到新手机号码的短信验证码"
    assert "139****2222" in _send_code(app, NEW).json["message"]
    code = sms_code_sent_to(dbsession, NEW)
    res = _form(app, mobile=NEW, current_password=TEST_PASSWORD, sms_code="000000" if code != "000000" else "1")
    assert field_error(res.submit(status=200), "sms_code") == "短信验证码不正确"
    dbsession.refresh(person)
    assert person.mobile == OLD
    _form(app, mobile=NEW, current_password=TEST_PASSWORD, sms_code=code).submit(status=303)
    dbsession.refresh(person)
    assert person.mobile == NEW
    [told] = [m for m in _messages(dbsession, OLD) if m.channel == "sms"]
    assert person.account in told.body and "139****2222" in told.body and "如非本人操作" in told.body


def test_a_code_sent_to_another_number_does_not_do(checked_app, dbsession, person):
    _login_with_captcha(checked_app, person)
    _send_code(checked_app, "13900003333")
    code = sms_code_sent_to(dbsession, "13900003333")
    res = _form(checked_app, mobile=NEW, current_password=TEST_PASSWORD, sms_code=code).submit(status=200)
    assert "已失效" in field_error(res, "sms_code")


def test_a_new_email_needs_the_current_password_and_the_old_one_is_told(app, dbsession, person):
    login(app, person.account)
    res = _form(app, email="thief@example.cn", current_password="Wrong-pass1").submit(status=200)
    assert field_error(res, "current_password") == "当前登录密码不正确，还可尝试4次"
    dbsession.refresh(person)
    assert person.email == "old@example.cn" and person.failed_logins == 1
    failed = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "profile_change")).all()
    assert [(e.user_id, e.success) for e in failed] == [(person.id, False)]
    _form(app, email="new@example.cn", current_password=TEST_PASSWORD).submit(status=303)
    dbsession.refresh(person)
    assert person.email == "new@example.cn"
    [told] = _messages(dbsession, "old@example.cn")
    assert told.channel == "email" and masking.email("new@example.cn") in told.body and person.account in told.body
    assert "thief" not in told.body


def test_other_details_change_without_the_password(app, dbsession, person):
    login(app, person.account)
    _form(app, name="李四新").submit(status=303)
    dbsession.refresh(person)
    assert person.name == "李四新" and _messages(dbsession, OLD) == []


def test_guessing_the_password_here_locks_the_account_and_ends_the_session(app, dbsession, person):
    login(app, person.account)
    for _ in range(4):
        _form(app, mobile=NEW, current_password="Wrong-pass1").submit(status=200)
    res = _form(app, mobile=NEW, current_password="Wrong-pass1").submit(status=303)
    assert "账号已锁定" in res.follow().html.select_one(".flash").get_text()
    assert app.get("/me/profile", status=302).location.startswith("http://localhost/login")


def test_the_code_is_sent_only_to_a_valid_new_number(checked_app, dbsession, person):
    _login_with_captcha(checked_app, person)
    assert "11位手机号码" in _send_code(checked_app, "12345", status=422).json["errors"]["mobile"]
    assert "相同" in _send_code(checked_app, OLD, status=422).json["errors"]["mobile"]
