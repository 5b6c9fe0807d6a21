from kjgl.core import factories
from kjgl.core.testing import login


def test_individual_with_org_lands_on_portal(app, dbsession):
    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org)
    res = login(app, user.account)
    assert res.location.endswith("/portal")
    page = res.follow()
    assert "申报系统选择" in page.text
    assert user.name in page.text


def test_wrong_password_names_the_problem_and_is_audited(app, dbsession):
    from sqlalchemy import select

    from kjgl.core.audit.models import AuditEvent

    user = factories.user(dbsession, "individual")
    res = login(app, user.account, "Wrong-pass1", status=200)
    assert "账号或密码不正确" in res.text
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "login_failed")).all()
    assert [e.account for e in events] == [user.account]


def test_disabled_individual_is_told_why(app, dbsession):
    user = factories.user(dbsession, "individual", status="disabled")
    res = login(app, user.account, status=200)
    assert "已被禁用" in res.text and "法人用户" in res.text


def test_login_form_requires_csrf_token(app, dbsession):
    user = factories.user(dbsession, "individual")
    res = app.post("/login", {"account": user.account, "password": "Passw0rd!"}, status=400)
    assert "页面已过期" in res.text


def test_a_password_set_by_an_admin_must_be_changed_before_anything_else(app, dbsession):
    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org, must_change_password=True)
    res = login(app, user.account)
    assert res.location.endswith("/account/password")
    # typing another address does not get round it
    assert app.get("/portal").location.endswith("/account/password")
    assert app.get("/me/profile").location.endswith("/account/password")
    page = app.get("/account/password")
    form = page.forms["password-form"]
    form["old_password"] = "Passw0rd!"
    form["password"] = "N3w-Passw0rd"
    form["password_confirm"] = "N3w-Passw0rd"
    form.submit(status=303)
    assert app.get("/portal").status_int == 200
