"""模块配置: the organisation admin grants the subsystems this deployment
enabled; every plugin route checks the grant on every request."""
import json

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.grants.services import granted_keys
from kjgl.core.testing import login


def _grant_form(page):
    return next(f for f in page.forms.values() if f.action.endswith("/modules"))


def test_grant_form_offers_only_the_enabled_modules(make_app, dbsession):
    app = make_app(plugins=["makerspace", "incubator"])
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/users").click("模块配置")
    assert "天津市众创空间绩效评估系统" in page.text
    values = sorted(cb["value"] for cb in page.html.select("input[name=modules]"))
    assert values == ["incubator", "makerspace"]
    assert "enterprise_registry" not in page.text and "重庆" not in page.text

    form = _grant_form(page)
    form["modules"] = ["makerspace"]
    saved = form.submit().follow()
    assert "已保存用户" in saved.text
    assert granted_keys(dbsession, person.id) == {"makerspace"}
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "grant_change")).one()
    assert json.loads(event.detail) == {"added": ["makerspace"], "removed": []}
    assert event.object_id == str(person.id)


def test_posting_a_module_not_enabled_here_is_refused(make_app, dbsession):
    app = make_app(plugins=["makerspace", "incubator"])
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get(f"/org/users/{person.id}/modules")
    csrf = page.html.select_one("input[name=csrf_token]")["value"]
    res = app.post(f"/org/users/{person.id}/modules",
                   [("csrf_token", csrf), ("modules", "makerspace"), ("modules", "enterprise_registry")],
                   status=400)
    assert "未在本平台启用，不能授权" in res.html.select_one(".notice.bad").text
    assert granted_keys(dbsession, person.id) == set()


def test_revoking_and_adding_is_audited(app, dbsession):
    org = factories.organisation(dbsession)
    admin = factories.org_admin(dbsession, org)
    person = factories.user(dbsession, organisation=org)
    dbsession.add(ModuleGrant(user_id=person.id, module_key="incubator", granted_by_id=admin.id))
    dbsession.flush()
    login(app, admin.account)
    form = _grant_form(app.get(f"/org/users/{person.id}/modules"))
    form["modules"] = ["makerspace", "national_record"]
    form.submit(status=303)
    assert granted_keys(dbsession, person.id) == {"makerspace", "national_record"}
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "grant_change")).one()
    assert json.loads(event.detail) == {"added": ["makerspace", "national_record"], "removed": ["incubator"]}


def test_saving_keeps_grants_of_modules_not_enabled_in_this_deployment(make_app, dbsession):
    app = make_app(plugins=["makerspace"])
    org = factories.organisation(dbsession)
    admin = factories.org_admin(dbsession, org)
    person = factories.user(dbsession, organisation=org)
    dbsession.add(ModuleGrant(user_id=person.id, module_key="enterprise_registry", granted_by_id=admin.id))
    dbsession.flush()
    login(app, admin.account)
    form = _grant_form(app.get(f"/org/users/{person.id}/modules"))
    form["modules"] = True
    form.submit(status=303)
    assert granted_keys(dbsession, person.id) == {"makerspace", "enterprise_registry"}


def test_another_organisations_user_is_not_found(app, dbsession):
    org = factories.organisation(dbsession)
    stranger = factories.user(dbsession, organisation=factories.organisation(dbsession))
    login(app, factories.org_admin(dbsession, org).account)
    res = app.get(f"/org/users/{stranger.id}/modules", status=404)
    assert "页面不存在" in res.text
    csrf = app.get("/org/users").html.select_one("input[name=csrf_token]")["value"]
    app.post(f"/org/users/{stranger.id}/modules", {"csrf_token": csrf, "modules": "makerspace"}, status=404)
    assert granted_keys(dbsession, stranger.id) == set()
    app.get("/org/users/99999999999999999999999/modules", status=404)


def test_grant_form_requires_csrf(app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, factories.org_admin(dbsession, org).account)
    app.post(f"/org/users/{person.id}/modules", {"modules": "makerspace"}, status=400)
    assert granted_keys(dbsession, person.id) == set()


def test_without_grant_a_module_page_is_forbidden(app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, person.account)
    res = app.get("/makerspace/", status=403)
    assert "无权访问" in res.text and "模块配置" in res.text
    assert "Traceback" not in res.text


def test_revoking_takes_effect_on_the_next_request(make_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    admin_app, person_app = make_app(), make_app()
    login(admin_app, factories.org_admin(dbsession, org).account)
    login(person_app, person.account)

    form = _grant_form(admin_app.get(f"/org/users/{person.id}/modules"))
    form["modules"] = ["makerspace"]
    form.submit(status=303)
    assert "天津市众创空间绩效评估系统" in person_app.get("/makerspace/", status=200).text

    form = _grant_form(admin_app.get(f"/org/users/{person.id}/modules"))
    form["modules"] = []
    form.submit(status=303)
    res = person_app.get("/makerspace/", status=403)
    assert "您没有访问此功能的权限" in res.text
    assert "在线办理" not in person_app.get("/portal").text


def test_grant_does_not_help_an_individual_of_an_organisation_no_longer_active(app, dbsession):
    org = factories.organisation(dbsession)
    admin = factories.org_admin(dbsession, org)
    person = factories.user(dbsession, organisation=org)
    dbsession.add(ModuleGrant(user_id=person.id, module_key="makerspace", granted_by_id=admin.id))
    dbsession.flush()
    login(app, person.account)
    app.get("/makerspace/", status=200)
    org.status = "pending"
    dbsession.flush()
    app.get("/makerspace/", status=403)
