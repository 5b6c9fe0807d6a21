"""The JSON twin of the registration forms: same schema, same service."""
from sqlalchemy import func, select

from kjgl.core.accounts.models import User

from .conftest import csrf_token, individual_data, legal_data


def headers(app, url):
    return {"X-CSRF-Token": csrf_token(app, url), "Accept": "application/json"}


def test_json_body_success_is_201_and_logs_in(app, dbsession):
    res = app.post_json("/register/legal", legal_data(), headers=headers(app, "/register/legal"), status=201)
    user = dbsession.scalars(select(User).where(User.account == "tjlegal01")).one()
    assert res.json == {"id": user.id, "account": "tjlegal01", "kind": "org_admin",
                        "next": "http://localhost/org/profile"}
    assert app.get("/account/password").status_int == 200


def test_json_422_names_each_field(app, dbsession):
    res = app.post_json("/register/individual", individual_data(account="1bad", id_type="外国人永久居留身份证",
                                                                id_number="USA110082030011", mobile="123"),
                        headers=headers(app, "/register/individual"), status=422)
    errors = res.json["errors"]
    assert set(errors) == {"account", "id_country", "mobile"}
    assert "以字母开头" in errors["account"] and "国家或地区" in errors["id_country"]
    assert dbsession.scalar(select(func.count(User.id)).where(User.account == "1bad")) == 0


def test_form_encoded_post_asking_for_json(app):
    res = app.post("/register/individual", dict(individual_data(password_confirm="x"),
                                                csrf_token=csrf_token(app, "/register/individual")),
                   headers={"Accept": "application/json"}, status=422)
    assert res.json == {"errors": {"password_confirm": "两次输入的密码不一致"}}


def test_json_values_of_the_wrong_type_are_field_errors(app):
    res = app.post_json("/register/legal", legal_data(credit_code=["x"], mobile={"a": 1}),
                        headers=headers(app, "/register/legal"), status=422)
    assert {"credit_code", "mobile"} <= set(res.json["errors"])


def test_json_body_must_be_an_object(app):
    res = app.post("/register/legal", "[1, 2]", content_type="application/json",
                   headers=headers(app, "/register/legal"), status=400)
    assert "JSON" in res.json["errors"]["form"]
    app.post("/register/legal", "{not json", content_type="application/json",
             headers=headers(app, "/register/legal"), status=400)


def test_json_needs_csrf_token(app):
    app.post_json("/register/legal", legal_data(), headers={"Accept": "application/json"}, status=400)
