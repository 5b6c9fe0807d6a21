"""Seeds: 公安部人口库 reachable only 8:00-18:00 — registration outside the
configured hours is refused with that explanation and nothing is saved; a
failed real-name check is shown next to the ID number."""
import datetime as dt

import pytest
from sqlalchemy import func, select

from kjgl.core import realname
from kjgl.core.accounts.models import User
from kjgl.core.hookspecs import RealNameResult, hookimpl
from kjgl.core.organisations.models import Organisation

from .conftest import csrf_token, form_error, individual_data, legal_data, submit

HOURS = {"kjgl.realname_hours": "08:00-09:00"}


def at(monkeypatch, hour: int, minute: int = 0):
    moment = dt.datetime.combine(realname.beijing_now().date(), dt.time(hour, minute), realname.BEIJING)
    monkeypatch.setattr(realname, "beijing_now", lambda: moment)


def counts(dbsession):
    return dbsession.scalar(select(func.count(User.id))), dbsession.scalar(select(func.count(Organisation.id)))


@pytest.mark.parametrize("url, data", [("/register/legal", legal_data()), ("/register/individual", individual_data())])
def test_closed_outside_service_hours(make_app, dbsession, monkeypatch, url, data):
    app = make_app(**HOURS)
    at(monkeypatch, 20, 30)
    page = app.get(url)
    assert "系统注册时间为每日08:00-09:00" in form_error(page)  # said before anyone types
    before = counts(dbsession)
    res = submit(app, url, data)
    assert res.status_int == 200
    assert "该时间段外将无法注册认证" in form_error(res)
    assert counts(dbsession) == before
    assert res.forms[0]["account"].value == data["account"]


def test_open_inside_service_hours(make_app, dbsession, monkeypatch):
    app = make_app(**HOURS)
    at(monkeypatch, 8, 30)
    assert form_error(app.get("/register/legal")) == ""
    submit(app, "/register/legal", legal_data(), status=303)


def test_json_registration_outside_hours_is_503(make_app, monkeypatch):
    app = make_app(**HOURS)
    at(monkeypatch, 7, 59)
    token = csrf_token(app, "/register/individual")
    res = app.post_json("/register/individual", individual_data(), headers={"X-CSRF-Token": token}, status=503)
    assert "08:00-09:00" in res.json["errors"]["form"]


def test_window_across_midnight():
    settings = {"kjgl.realname_hours": (dt.time(22, 0), dt.time(6, 0))}
    assert realname.within_service_hours(settings, dt.datetime(2026, 1, 1, 23, 0))
    assert realname.within_service_hours(settings, dt.datetime(2026, 1, 1, 5, 0))
    assert not realname.within_service_hours(settings, dt.datetime(2026, 1, 1, 12, 0))


def test_the_registration_page_tells_the_hours(make_app):
    app = make_app(**{"kjgl.realname_hours": "08:00-18:00"})
    assert "注册须知：因公安部人口库接口开放时间限制，系统注册时间为每日08:00-18:00" in app.get("/register").text


class RefusingVerifier:
    @hookimpl
    def kjgl_verify_real_name(self, name, id_type, id_number, settings):
        return RealNameResult(False, "实名认证未通过：姓名与证件号码不一致")


@pytest.fixture
def refusing_app(app):
    """The shared (cached) app with a refusing verifier, removed afterwards."""
    pm = app.app.registry["kjgl.pm"]
    verifier = RefusingVerifier()
    pm.register(verifier)
    yield app
    pm.unregister(verifier)


def test_failed_real_name_check_is_shown_next_to_the_id_number(refusing_app, dbsession):
    app = refusing_app
    before = counts(dbsession)
    res = submit(app, "/register/individual", individual_data())
    assert "姓名与证件号码不一致" in res.html.select_one("#field-id_number .error").get_text()
    assert counts(dbsession) == before
