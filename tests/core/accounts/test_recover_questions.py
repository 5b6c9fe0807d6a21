"""Password recovery by the three security questions (seed 002 图10)."""
import datetime as dt

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.accounts.security_questions import set_questions
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login
from kjgl.core.validators import SECURITY_QUESTIONS

from .conftest import CAPTCHA_ANSWER, field_error, form_error, load_captcha

URL = "/recover/questions"
NEW = "Newpass#2026"
QUESTIONS = [SECURITY_QUESTIONS[0], SECURITY_QUESTIONS[2], SECURITY_QUESTIONS[5]]


def legal_user(dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    user = factories.org_admin(dbsession, org)
    set_questions(user, list(zip(QUESTIONS, ["天津", "Wang Jianguo", "三体"])))
    dbsession.flush()
    return user


def start(app, account, captcha=CAPTCHA_ANSWER):
    page = app.get(URL)
    load_captcha(app)
    form = page.forms[0]
    form["account"] = account
    if "captcha" in form.fields:
        form["captcha"] = captcha
    return form.submit()


def answer(app, answers, password=NEW):
    form = app.get(URL + "?step=answer").forms[0]
    for n, text in enumerate(answers, start=1):
        form[f"answer{n}"] = text
    form["password"] = form["password_confirm"] = password
    return form.submit()


def test_recover_by_questions_end_to_end(app, dbsession):
    user = legal_user(dbsession)
    version = user.auth_version
    res = start(app, user.account)
    assert res.status_int == 303
    page = res.follow()
    for question in QUESTIONS:
        assert question in page.text
    # whitespace, case and full-width letters do not matter
    res = answer(app, [" 天津 ", "wang   JIANGUO", "三体"])
    assert res.status_int == 303 and res.location.endswith("/login")
    dbsession.refresh(user)
    assert user.auth_version == version + 1
    assert login(app, user.account, NEW).status_int == 303
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_recover",
                                                      AuditEvent.user_id == user.id)).one().success


def test_full_width_answer(app, dbsession):
    user = legal_user(dbsession)
    start(app, user.account)
    assert answer(app, ["天津", "ＷＡＮＧ Ｊｉａｎｇｕｏ", "三体"]).status_int == 303


def test_one_wrong_answer_gets_one_generic_message(app, dbsession):
    user = legal_user(dbsession)
    start(app, user.account)
    res = answer(app, ["天津", "Wang Jianguo", "红楼梦"])
    assert res.status_int == 200
    assert form_error(res) == "密保问题答案不正确，请重新输入"
    assert field_error(res, "answer3") == ""  # which one was wrong is not told
    assert res.forms[0]["answer1"].value == ""  # answers are not echoed
    login(app, user.account, "Passw0rd!")


def test_five_wrong_answers_lock_for_thirty_minutes(app, dbsession):
    user = legal_user(dbsession)
    start(app, user.account)
    for _ in range(4):
        assert "答案不正确" in form_error(answer(app, ["x", "y", "z"]))
    assert "30分钟" in form_error(answer(app, ["x", "y", "z"]))
    dbsession.refresh(user)
    assert user.recover_locked_until is not None
    res = answer(app, ["天津", "Wang Jianguo", "三体"])  # right answers, still locked
    assert "30分钟" in form_error(res)
    login(app, user.account, "Passw0rd!")
    # the lock is in the database, not the session: a new browser is locked too
    app.reset()
    start(app, user.account)
    assert "30分钟" in form_error(answer(app, ["天津", "Wang Jianguo", "三体"]))
    user.recover_locked_until = dt.datetime(2000, 1, 1)
    dbsession.flush()
    assert answer(app, ["天津", "Wang Jianguo", "三体"]).status_int == 303


def test_unknown_account_looks_like_a_real_one(app, dbsession):
    res = start(app, "no_such_account")
    assert res.status_int == 303
    page = res.follow()
    shown = [q for q in SECURITY_QUESTIONS if q in page.text]
    assert len(shown) == 3
    assert [q for q in SECURITY_QUESTIONS if q in app.get(URL + "?step=answer").text] == shown  # stable
    assert form_error(answer(app, ["a", "b", "c"])) == "密保问题答案不正确，请重新输入"


def test_individual_without_questions_cannot_pass(app, dbsession):
    user = factories.user(dbsession, "individual")
    start(app, user.account)
    res = answer(app, ["a", "b", "c"])
    assert "答案不正确" in form_error(res)
    login(app, user.account, "Passw0rd!")


def test_answers_required_and_password_rules(app, dbsession):
    user = legal_user(dbsession)
    start(app, user.account)
    res = answer(app, ["", "Wang Jianguo", "三体"])
    assert "答案一不能为空" in field_error(res, "answer1")
    res = answer(app, ["天津", "Wang Jianguo", "三体"], password="short")
    assert "8-20位" in field_error(res, "password")


def test_wrong_captcha(checked_app, dbsession):
    user = legal_user(dbsession)
    res = start(checked_app, user.account, captcha="ZZZZ")
    assert "图形验证码不正确" in field_error(res, "captcha")


def test_right_captcha_leads_to_questions(checked_app, dbsession):
    user = legal_user(dbsession)
    assert start(checked_app, user.account).status_int == 303


def test_registered_questions_recover_the_password(app, dbsession):
    from .conftest import legal_data, submit

    submit(app, "/register/legal", legal_data(), status=303)
    app.reset()
    start(app, "TJLEGAL01")
    assert answer(app, ["天津", "李秀英", "和平路小学"]).status_int == 303
    assert login(app, "tjlegal01", NEW).status_int == 303


def test_answers_hashed_at_another_cost_are_rehashed_when_they_match(app, dbsession):
    from argon2 import PasswordHasher

    from kjgl.core.accounts import passwords
    from kjgl.core.accounts.security_questions import normalise_answer

    user = legal_user(dbsession)
    old = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=2)
    for n, text in enumerate(["天津", "Wang Jianguo", "三体"], start=1):
        setattr(user, f"security_a{n}", old.hash(normalise_answer(text)))
    dbsession.flush()
    start(app, user.account)
    answer(app, ["天津", "wang jianguo", "错的"])  # a wrong set changes nothing
    dbsession.refresh(user)
    assert user.security_a1.startswith("$argon2id$v=19$m=2048,t=2,p=2$")
    start(app, user.account)
    assert answer(app, ["天津", "wang jianguo", "三体"]).status_int == 303
    dbsession.refresh(user)
    for n, text in enumerate(["天津", "Wang Jianguo", "三体"], start=1):
        stored = getattr(user, f"security_a{n}")
        assert not passwords.needs_rehash(stored)
        assert passwords.verify_password(stored, normalise_answer(text))
