"""法人用户注册 (seed 000 §(二), seed 001 图2-4, seed 002 图10)."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.accounts.passwords import verify_password
from kjgl.core.audit.models import AuditEvent
from kjgl.core.organisations.models import Organisation

from .conftest import field_error, legal_data, submit

URL = "/register/legal"


def test_legal_registration_creates_incomplete_organisation_and_logs_in(app, dbsession):
    res = submit(app, URL, legal_data(credit_code=factories.credit_code(990001).lower()), status=303)
    assert res.location.endswith("/org/profile")

    user = dbsession.scalars(select(User).where(User.account == "tjlegal01")).one()
    org = user.organisation
    assert (user.kind, user.name, user.mobile) == ("org_admin", "王建国", "13812345678")
    assert (org.status, org.name, org.legal_type) == ("incomplete", "天津注册测试科技有限公司", "企业")
    assert org.credit_code == factories.credit_code(990001)  # stored in capitals
    assert (org.legal_rep_name, org.legal_rep_id_number, org.legal_rep_mobile) == ("王建国", "11010519491231002X", "13812345678")
    start = dt.date.fromisoformat(legal_data()["id_valid_from"])
    assert org.legal_rep_id_valid_to == user.id_valid_to == start.replace(year=start.year + 20)
    assert user.security_q1 and user.security_a1 != "天津"
    assert verify_password(user.security_a1, "天津")  # argon2 hash of the normalised answer
    assert verify_password(user.password_hash, "Abcd1234!")
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "register")).one()
    assert event.user_id == user.id

    # logged in: the session belongs to the new user
    assert app.get("/account/password").status_int == 200


def test_legal_form_shows_the_seed_fields(app):
    page = app.get(URL)
    form = page.forms[0]
    for name in ("account", "password", "password_confirm", "legal_type", "org_name", "credit_code", "name",
                 "id_type", "id_number", "id_valid_from", "id_valid_to", "id_validity", "id_country", "mobile",
                 "security_q1", "security_a1", "security_q2", "security_a2", "security_q3", "security_a3"):
        assert name in form.fields, name
    assert [o[0] for o in form["legal_type"].options][1:] == ["企业", "机关事业单位", "社会组织"]
    assert "其他" in [o[0] for o in form["id_type"].options]


@pytest.mark.parametrize("account, message", [
    ("1abc", "以字母开头"),
    ("abc", "4-30位"),
    ("ab-cd", "字母、数字或下划线"),
    ("a" * 31, "最多30个字符"),
])
def test_account_pattern(app, dbsession, account, message):
    res = submit(app, URL, legal_data(account=account))
    assert res.status_int == 200
    assert message in field_error(res, "account")
    assert dbsession.scalar(select(func.count(Organisation.id)).where(Organisation.name == "天津注册测试科技有限公司")) == 0


def test_account_unique_ignoring_case(app, dbsession):
    factories.user(dbsession, "individual", account="TakenName")
    res = submit(app, URL, legal_data(account="takenname"))
    assert "已被注册" in field_error(res, "account")


@pytest.mark.parametrize("password, message", [
    ("Ab1!", "8-20位"),
    ("Abcdefgh1234567890!@#", "8-20位"),
    ("abcdefgh1", "任意三种"),
    ("ABCDEFGH", "任意三种"),
])
def test_password_length_and_classes(app, password, message):
    res = submit(app, URL, legal_data(password=password, password_confirm=password))
    assert message in field_error(res, "password")


def test_password_must_not_equal_account(app):
    res = submit(app, URL, legal_data(account="Abcd1234_x", password="abcd1234_X", password_confirm="abcd1234_X"))
    assert "不能与账号相同" in field_error(res, "password")


def test_password_confirmation(app):
    res = submit(app, URL, legal_data(password_confirm="Abcd1234?"))
    assert "两次输入的密码不一致" in field_error(res, "password_confirm")


def test_credit_code_check_character(app):
    good = factories.credit_code(990002)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    res = submit(app, URL, legal_data(credit_code=bad))
    assert "校验位不正确" in field_error(res, "credit_code")
    res = submit(app, URL, legal_data(credit_code=good[:17]))
    assert "18位" in field_error(res, "credit_code")


def test_credit_code_already_registered(app, dbsession):
    org = factories.organisation(dbsession)
    res = submit(app, URL, legal_data(credit_code=org.credit_code))
    assert "该统一社会信用代码已注册法人用户" in field_error(res, "credit_code")


def test_organisation_name_already_registered(app, dbsession):
    factories.organisation(dbsession, name="天津某某(集团)有限公司")
    res = submit(app, URL, legal_data(org_name="天津某某（集团）有限公司"))
    assert "已注册" in field_error(res, "org_name")


def test_resident_id_check_digit(app):
    res = submit(app, URL, legal_data(id_number="110105194912310021"))
    assert "校验位" in field_error(res, "id_number")


def test_passport_needs_country(app):
    res = submit(app, URL, legal_data(id_type="普通护照", id_number="E12345678"))
    assert "国家或地区不能为空" in field_error(res, "id_country")


def test_passport_with_country_registers_without_validity(app, dbsession):
    res = submit(app, URL, legal_data(id_type="普通护照", id_number="E12345678", id_country="新加坡",
                                      id_valid_from="", id_validity=None), status=303)
    org = dbsession.scalars(select(Organisation).where(Organisation.name == "天津注册测试科技有限公司")).one()
    assert (org.legal_rep_id_type, org.legal_rep_id_country, org.legal_rep_id_valid_to) == ("普通护照", "新加坡", None)
    assert res.location.endswith("/org/profile")


def test_other_id_type_needs_only_a_number(app, dbsession):
    submit(app, URL, legal_data(id_type="其他", id_number="QT2024001", id_valid_from="", id_validity=None),
           status=303)


def test_mobile_format(app):
    res = submit(app, URL, legal_data(mobile="1381234567"))
    assert "11位手机号码" in field_error(res, "mobile")


def test_security_questions_must_differ(app):
    res = submit(app, URL, legal_data(security_q3=legal_data()["security_q1"]))
    assert "不能重复" in field_error(res, "security_q3")


def test_security_answers_required(app):
    res = submit(app, URL, legal_data(security_a2=""))
    assert "答案二不能为空" in field_error(res, "security_q2")


def test_errors_keep_input_but_never_secrets(app):
    res = submit(app, URL, legal_data(mobile="12", security_a1="天津"))
    form = res.forms[0]
    assert form["account"].value == "tjlegal01"
    assert form["org_name"].value == "天津注册测试科技有限公司"
    assert form["mobile"].value == "12"
    assert form["id_validity"].value == "20年"
    assert form["password"].value == "" and form["password_confirm"].value == ""
    assert form["security_a1"].value == ""
    assert "Abcd1234!" not in res.text


def test_concurrent_duplicate_account_is_a_message_not_a_500(app, dbsession, monkeypatch):
    """Two registrations of one account racing past the uniqueness check: the
    database's unique index decides and the loser is told, in a savepoint."""
    from kjgl.core.accounts import registration

    factories.user(dbsession, "individual", account="tjlegal01")
    monkeypatch.setattr(registration, "account_taken", lambda db, account: False)  # the race: check saw nothing
    res = submit(app, URL, legal_data())
    assert res.status_int == 200
    assert "已被注册" in field_error(res, "account")
    assert dbsession.scalar(select(func.count(Organisation.id)).where(Organisation.name == "天津注册测试科技有限公司")) == 0


def test_an_organisation_name_differing_only_in_full_width_brackets_or_spaces_is_taken(app, dbsession):
    factories.organisation(dbsession, name="天津某某（集团）有限公司")
    res = submit(app, URL, legal_data(org_name="天津某某 (集团) 有限公司"))
    assert "该企业名称已注册法人用户" in field_error(res, "org_name")
