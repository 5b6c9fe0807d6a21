"""Password rules beyond strength: never the account name, none of the last
five, expiry after 90 days with a warning in the last seven."""
import datetime as dt

import pytest
from kjgl.core import factories
from kjgl.core.accounts.security_questions import set_questions
from kjgl.core.cli import main
from kjgl.core.db import utcnow
from kjgl.core.testing import TEST_PASSWORD, login
from kjgl.core.validators import SECURITY_QUESTIONS

from ...accounts.conftest import individual_data, legal_data, submit
from .helpers import change_password, field_error

HISTORY = ["Hist#2026a", "Hist#2026b", "Hist#2026c", "Hist#2026d", "Hist#2026e"]


def _through_history(app, user):
    """Changes the password five times: TEST_PASSWORD, then HISTORY[0..4]."""
    login(app, user.account)
    old = TEST_PASSWORD
    for new in HISTORY:
        assert change_password(app, old, new).status_int == 303
        old = new


# --- not the account name ---------------------------------------------------

def test_change_refuses_the_account_name(app, dbsession):
    user = factories.user(dbsession, "individual", account="Same_as_me1")
    login(app, user.account)
    res = change_password(app, TEST_PASSWORD, "same_AS_me1")
    assert field_error(res, "password") == "密码不能与账号相同"


@pytest.mark.parametrize("url,data", [
    ("/register/legal", legal_data(account="Legal_pw1", password="legal_PW1", password_confirm="legal_PW1")),
    ("/register/individual", individual_data(account="Person_pw1", password="person_PW1",
                                             password_confirm="person_PW1")),
])
def test_registration_refuses_the_account_name(app, url, data):
    assert field_error(submit(app, url, data), "password") == "密码不能与账号相同"


def test_sms_recovery_refuses_the_account_name(app, dbsession):
    user = factories.user(dbsession, "individual", account="Recover_pw1", mobile="13700007777")
    _start_sms(app, user.account, "13700007777")
    assert field_error(_finish_sms(app, "recover_PW1"), "password") == "密码不能与账号相同"


def test_create_admin_refuses_the_account_name(write_ini, capsys):
    ini = write_ini("development.ini")
    assert main(["create-admin", str(ini), "--account", "Root_admin1", "--password", "root_ADMIN1"]) == 2
    assert "密码不能与账号相同" in capsys.readouterr().err


# --- none of the last five --------------------------------------------------

def test_change_refuses_the_last_five_passwords(app, dbsession):
    user = factories.user(dbsession, "individual")
    _through_history(app, user)
    for reused in HISTORY:
        res = change_password(app, HISTORY[-1], reused)
        assert field_error(res, "password") == "新密码不能与最近5次使用过的密码相同", reused
    # the sixth one back may be used again
    assert change_password(app, HISTORY[-1], TEST_PASSWORD).status_int == 303
    dbsession.refresh(user)
    assert len(user.password_history) == 4 and all(h.startswith("$argon2") for h in user.password_history)


def test_after_an_admin_reset_the_user_cannot_go_back_to_an_old_password(app, dbsession):
    from kjgl.core.accounts.services import set_password

    user = factories.user(dbsession, "individual")
    set_password(user, "Reset#Temp99", must_change=True)
    dbsession.flush()
    assert login(app, user.account, "Reset#Temp99").location.endswith("/account/password")
    res = change_password(app, "Reset#Temp99", TEST_PASSWORD)
    assert field_error(res, "password") == "新密码不能与最近5次使用过的密码相同"


def _start_sms(app, account, mobile):
    form = app.get("/recover/sms").forms[0]
    form["account"], form["mobile"] = account, mobile
    assert form.submit().status_int == 303


def _finish_sms(app, password, code="123456"):
    form = app.get("/recover/sms?step=code").forms[0]
    form["sms_code"], form["password"], form["password_confirm"] = code, password, password
    return form.submit()


def test_sms_recovery_refuses_a_recent_password(app, dbsession):
    user = factories.user(dbsession, "individual", mobile="13700008888")
    _through_history(app, user)
    app.reset()
    _start_sms(app, user.account, "13700008888")
    res = _finish_sms(app, HISTORY[1])
    assert field_error(res, "password") == "新密码不能与最近5次使用过的密码相同"
    assert _finish_sms(app, "Fresh#2026x").status_int == 303  # same step, no new code needed
    assert login(app, user.account, "Fresh#2026x").status_int == 303


def test_sms_recovery_tells_nothing_about_old_passwords_before_the_code_is_right(checked_app, dbsession,
                                                                               monkeypatch):
    from ...accounts.conftest import load_captcha

    user = factories.user(dbsession, "individual", mobile="13700009999")
    page = checked_app.get("/recover/sms")
    load_captcha(checked_app)
    form = page.forms[0]
    form["account"], form["mobile"], form["captcha"] = user.account, "13700009999", "AAAA"
    assert form.submit().status_int == 303
    res = _finish_sms(checked_app, TEST_PASSWORD, code="000000")  # the current password, a wrong code
    assert field_error(res, "password") == ""
    assert field_error(res, "sms_code") == "短信验证码不正确"


QUESTIONS = [SECURITY_QUESTIONS[0], SECURITY_QUESTIONS[2], SECURITY_QUESTIONS[5]]
ANSWERS = ["天津", "王建国", "三体"]


def _answer(app, account, answers, password):
    form = app.get("/recover/questions").forms[0]
    form["account"] = account
    form.submit()
    form = app.get("/recover/questions?step=answer").forms[0]
    for n, text in enumerate(answers, start=1):
        form[f"answer{n}"] = text
    form["password"] = form["password_confirm"] = password
    return form.submit()


def test_question_recovery_refuses_a_recent_password_only_after_right_answers(app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    user = factories.org_admin(dbsession, org)
    set_questions(user, list(zip(QUESTIONS, ANSWERS)))
    dbsession.flush()
    wrong = _answer(app, user.account, ["错", "错", "错"], TEST_PASSWORD)
    assert field_error(wrong, "password") == ""
    right = _answer(app, user.account, ANSWERS, TEST_PASSWORD)
    assert field_error(right, "password") == "新密码不能与最近5次使用过的密码相同"
    assert _answer(app, user.account, ANSWERS, "Fresh#2026y").status_int == 303


# --- expiry ---------------------------------------------------------------

def _age(dbsession, user, days):
    user.password_changed_at = utcnow() - dt.timedelta(days=days)
    dbsession.flush()


def test_password_changed_at_is_stored(app, dbsession):
    user = factories.user(dbsession, "individual")  # a new account (registration, staff, demo) gets it too
    assert utcnow() - user.password_changed_at < dt.timedelta(minutes=1)
    _age(dbsession, user, 30)
    login(app, user.account)
    change_password(app, TEST_PASSWORD, "Other#2026")
    dbsession.refresh(user)
    assert utcnow() - user.password_changed_at < dt.timedelta(minutes=1)


def test_an_expired_password_must_be_changed_at_login(app, dbsession):
    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org)
    _age(dbsession, user, 91)
    res = login(app, user.account)
    assert res.location.endswith("/account/password")
    assert "您的密码已过期" in res.follow().text
    assert app.get("/portal").location.endswith("/account/password")
    assert change_password(app, TEST_PASSWORD, "Renewed#2026").location.endswith("/portal")
    assert app.get("/portal").status_int == 200


def test_a_password_younger_than_the_limit_is_not_expired(app, dbsession):
    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org)
    _age(dbsession, user, 80)
    assert login(app, user.account).location.endswith("/portal")
    assert "过期" not in app.get("/portal").text


def test_expiry_period_is_a_setting(make_app, dbsession):
    app = make_app(**{"kjgl.password_max_age_days": "30"})
    user = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    _age(dbsession, user, 31)
    assert login(app, user.account).location.endswith("/account/password")


def test_warning_in_the_last_seven_days(app, dbsession):
    user = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    _age(dbsession, user, 85)
    page = login(app, user.account).follow()
    assert "您的密码将于5天后过期" in page.text
