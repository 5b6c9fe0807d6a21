"""The deployment files in etc/ and what they switch on."""
import configparser
from pathlib import Path

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.testing import ALL_PLUGINS, login

ETC = Path(__file__).resolve().parents[3] / "etc"
SECRET_WORDS = ("secret", "password", "passwd", "token", "url", "host", "key", "dsn", "username")


def _app_settings(name):
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ETC / name, encoding="utf-8")
    return dict(parser["app:main"])


def test_production_ini_holds_no_literal_secret():
    settings = _app_settings("production.ini")
    risky = {k: v for k, v in settings.items()
             if any(word in k.lower() for word in SECRET_WORDS) or "://" in v or "@" in v}
    assert {"sqlalchemy.url", "kjgl.secret", "kjgl.data_keys", "kjgl.index_key", "kjgl.audit_key"} <= set(risky)
    assert {k: v for k, v in risky.items() if not v.startswith("env:")} == {}


@pytest.mark.parametrize("name", ["tianjin.ini", "national.ini", "chongqing.ini", "production.ini"])
def test_deployments_take_database_and_secret_from_the_environment(name):
    settings = _app_settings(name)
    for key in ("sqlalchemy.url", "kjgl.secret", "kjgl.data_keys", "kjgl.index_key", "kjgl.audit_key"):
        assert settings[key].startswith("env:"), key
    assert settings.get("kjgl.captcha", "on") != "off"  # only development switches the captcha off


def test_deployment_plugin_lists_name_installed_plugins():
    for name, expected in [("tianjin.ini", ["makerspace", "incubator"]), ("national.ini", ["national_record"]),
                           ("chongqing.ini", ["enterprise_registry"])]:
        assert _app_settings(name)["kjgl.plugins"].split() == expected
        assert set(expected) <= set(ALL_PLUGINS)


@pytest.fixture
def tianjin_app(make_app):
    return make_app(plugins=_app_settings("tianjin.ini")["kjgl.plugins"].split())


def test_tianjin_serves_its_modules_to_a_granted_user(tianjin_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, "individual", organisation=org)
    for key in ALL_PLUGINS:  # even a stray grant of a disabled module opens nothing
        dbsession.add(ModuleGrant(user_id=person.id, module_key=key))
    dbsession.flush()
    login(tianjin_app, person.account)
    tianjin_app.get("/makerspace/", status=200)
    tianjin_app.get("/incubator/", status=200)
    tianjin_app.get("/enterprise-registry/", status=404)
    tianjin_app.get("/national-record/", status=404)
    portal = tianjin_app.get("/portal")
    titles = [h.get_text(strip=True) for h in portal.html.select(".module h3")]
    assert sorted(titles) == ["天津市众创空间绩效评估系统", "天津市科技企业孵化器绩效评估系统"]


def test_tianjin_hides_other_modules_from_everyone(make_app, dbsession):
    org = factories.organisation(dbsession)
    people = [None, factories.user(dbsession, "admin"), factories.user(dbsession, "agency", agency_code="tj"),
              factories.org_admin(dbsession, org)]
    for person in people:
        app = make_app(plugins=["makerspace", "incubator"])
        if person is not None:
            login(app, person.account)
        app.get("/enterprise-registry/", status=404)
        app.get("/national-record/", status=404)


def test_ungranted_user_is_refused_the_tianjin_modules(tianjin_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, "individual", organisation=org)
    login(tianjin_app, person.account)
    tianjin_app.get("/makerspace/", status=403)
    assert dbsession.scalars(select(ModuleGrant).where(ModuleGrant.user_id == person.id)).all() == []
