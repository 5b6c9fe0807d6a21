"""个人用户注册 (seed 000 §(三), seed 001 图2-7)."""
import datetime as dt

from sqlalchemy import select

from kjgl.core.accounts.models import User
from kjgl.core.audit.models import AuditEvent

from .conftest import START, TODAY, field_error, individual_data, submit

URL = "/register/individual"


def test_individual_registration_creates_user_without_organisation(app, dbsession):
    res = submit(app, URL, individual_data(id_number="11010519491231002x"), status=303)
    assert res.location.endswith("/me/profile")
    user = dbsession.scalars(select(User).where(User.account == "zhangsan01")).one()
    assert (user.kind, user.organisation_id, user.name) == ("individual", None, "张三")
    assert (user.id_number, user.mobile, user.email) == ("11010519491231002X", "13912345678", "zhangsan@example.cn")
    start = dt.date.fromisoformat(START)
    assert (user.id_valid_from, user.id_valid_to, user.id_long_term) == (start, start.replace(year=start.year + 10), False)
    assert dbsession.scalars(select(AuditEvent.event).where(AuditEvent.user_id == user.id)).all() == ["register"]
    assert app.get("/account/password").status_int == 200  # logged in


def test_individual_form_shows_the_seed_fields(app):
    page = app.get(URL)
    form = page.forms[0]
    for name in ("account", "password", "password_confirm", "name", "id_type", "id_number", "id_valid_from",
                 "id_valid_to", "id_validity", "id_country", "mobile", "email", "sms_code"):
        assert name in form.fields, name
    assert "外国人永久居留身份证" in [o[0] for o in form["id_type"].options]
    assert "获取短信验证码" in page.text
    assert "accounts.js" in page.text and "<script>" not in page.text


def test_long_term_validity(app, dbsession):
    submit(app, URL, individual_data(id_validity="长期"), status=303)
    user = dbsession.scalars(select(User).where(User.account == "zhangsan01")).one()
    assert (user.id_long_term, user.id_valid_to) == (True, None)


def test_validity_needs_an_end_date_or_a_period(app):
    res = submit(app, URL, individual_data(id_validity=None))
    assert "有效期限" in field_error(res, "id_valid_from")


def test_validity_end_date_entered_directly(app, dbsession):
    end = (TODAY + dt.timedelta(days=400)).isoformat()
    submit(app, URL, individual_data(id_validity=None, id_valid_to=end), status=303)
    assert dbsession.scalars(select(User.id_valid_to).where(User.account == "zhangsan01")).one().isoformat() == end


def test_validity_start_not_in_future_and_card_not_expired(app):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    res = submit(app, URL, individual_data(id_valid_from=tomorrow))
    assert "不能晚于今天" in field_error(res, "id_valid_from")
    long_ago = (TODAY - dt.timedelta(days=365 * 6)).isoformat()
    res = submit(app, URL, individual_data(id_valid_from=long_ago, id_validity="5年"))
    assert "已过期" in field_error(res, "id_valid_from")


def test_validity_end_must_match_period(app):
    end = (TODAY + dt.timedelta(days=30)).isoformat()
    res = submit(app, URL, individual_data(id_valid_to=end))
    assert "不一致" in field_error(res, "id_valid_from")


def test_validity_start_date_required_for_resident_id(app):
    res = submit(app, URL, individual_data(id_valid_from=""))
    assert "开始日期不能为空" in field_error(res, "id_valid_from")


def test_foreign_permanent_resident_card_needs_country(app, dbsession):
    res = submit(app, URL, individual_data(id_type="外国人永久居留身份证", id_number="USA110082030011"))
    assert "国家或地区不能为空" in field_error(res, "id_country")
    submit(app, URL, individual_data(id_type="外国人永久居留身份证", id_number="USA110082030011",
                                     id_country="美国"), status=303)
    user = dbsession.scalars(select(User).where(User.account == "zhangsan01")).one()
    assert (user.id_type, user.id_country, user.id_valid_from) == ("外国人永久居留身份证", "美国", None)


def test_resident_id_check_digit(app):
    res = submit(app, URL, individual_data(id_number="110105194912310021"))
    assert "校验位" in field_error(res, "id_number")


def test_email_and_mobile(app):
    res = submit(app, URL, individual_data(email="not-an-email", mobile="23912345678"))
    assert "电子邮箱" in field_error(res, "email")
    assert "手机号码" in field_error(res, "mobile")


def test_many_errors_at_once_each_next_to_its_field(app):
    res = submit(app, URL, individual_data(account="9x", password_confirm="nope", id_number="123"))
    assert field_error(res, "account") and field_error(res, "password_confirm") and field_error(res, "id_number")
    assert res.forms[0]["name"].value == "张三"
