"""用户管理: the organisation admin's list of its individuals, enable/disable
and password reset (seed 000 §(四), seed 002 图11 and §一.3)."""
import re

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.grants.org_users import generate_password
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.testing import login
from kjgl.core.validators import password_strength


def _admin_app(make_app, dbsession, org):
    admin_app = make_app()
    login(admin_app, factories.org_admin(dbsession, org).account)
    return admin_app


def _row(page, account):
    return next(tr for tr in page.html.select("table.list tbody tr") if account in tr.text)


def test_list_shows_only_own_individuals_with_masked_mobile(app, dbsession):
    org, other = factories.organisation(dbsession), factories.organisation(dbsession)
    mine = factories.user(dbsession, organisation=org, name="李念鸣", mobile="13821650790",
                          email="lnm@example.cn")
    stranger = factories.user(dbsession, organisation=other, name="外单位用户")
    loose = factories.user(dbsession, name="未选单位用户")
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/users")
    assert "共查询出1条记录" in page.text
    row = _row(page, mine.account)
    cells = [td.text.strip() for td in row.select("td")]
    assert cells[:6] == ["1", mine.account, "李念鸣", "138****0790", "lnm@example.cn", "已启用"]
    assert "模块配置" in cells[6] and "禁用" in cells[6] and "重置密码" in cells[6]
    assert "13821650790" not in page.text
    for absent in (stranger.account, loose.account, factories.org_admin(dbsession, org).account):
        assert absent not in page.text


def test_search_by_account_and_name_partial_and_case_insensitive(app, dbsession):
    org = factories.organisation(dbsession)
    daniel = factories.user(dbsession, organisation=org, account="Daniel1234", name="胡立准")
    factories.user(dbsession, organisation=org, account="cslljm", name="李念鸣")
    factories.user(dbsession, organisation=factories.organisation(dbsession), account="daniel9", name="胡立准")
    login(app, factories.org_admin(dbsession, org).account)

    page = app.get("/org/users", {"account": "DANIEL"})
    assert "共查询出1条记录" in page.text and daniel.account in page.text and "daniel9" not in page.text
    page = app.get("/org/users", {"name": "立准"})
    assert "共查询出1条记录" in page.text and daniel.account in page.text
    page = app.get("/org/users", {"account": "dan", "name": "李"})
    assert "共查询出0条记录" in page.text and "没有符合条件的个人用户" in page.text
    # LIKE wildcards typed by the admin are plain characters
    assert "共查询出0条记录" in app.get("/org/users", {"account": "%"}).text
    assert "共查询出1条记录" in app.get("/org/users", {"account": "dan\x00iel", "name": "\x00"}).text
    form = app.get("/org/users").forms["user-search"]
    form["name"] = "念鸣"
    assert "cslljm" in form.submit().text


def test_pagination_keeps_the_filter(app, dbsession):
    org = factories.organisation(dbsession)
    for i in range(20):
        factories.user(dbsession, organisation=org, account=f"filer{i:02d}", name=f"填报人{i}")
    factories.user(dbsession, organisation=org, account="other01", name="其他")
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/users", {"account": "filer"})
    assert "共查询出20条记录" in page.text
    assert re.search(r"共20条记录\s+共2页\s+当前第1页", page.text)
    page2 = page.click("末页")
    assert "当前第2页" in page2.text
    numbers = [tr.select("td")[0].text for tr in page2.html.select("table.list tbody tr")]
    assert numbers == [str(n) for n in range(16, 21)]
    assert "other01" not in page2.text


def test_only_admins_of_active_organisations_manage_users(make_app, dbsession):
    app = make_app()
    pending = factories.organisation(dbsession, status="pending")
    login(app, factories.org_admin(dbsession, pending).account)
    res = app.get("/org/users", status=403)
    assert "您没有访问此功能的权限" in res.text

    individual_app = make_app()
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(individual_app, person.account)
    individual_app.get("/org/users", status=403)


def test_disabling_ends_the_existing_session_and_blocks_login(make_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    person_app = make_app()
    login(person_app, person.account)
    person_app.get("/portal", status=200)

    admin_app = _admin_app(make_app, dbsession, org)
    page = admin_app.get("/org/users")
    status_form = next(f for f in page.forms.values() if f.action.endswith(f"/org/users/{person.id}/status"))
    assert status_form["status"].value == "disabled"
    listed = status_form.submit().follow()
    assert "已禁用用户" in listed.text
    assert "已禁用" in _row(listed, person.account).text

    res = person_app.get("/portal", status=302)
    assert "/login" in res.location
    refused = login(person_app, person.account, status=200)
    assert "已被禁用" in refused.text
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "user_disable")).one()
    assert event.object_id == str(person.id)

    # enabling lets the user log in again, but the session from before stays dead
    old_cookies = dict(person_app.cookies)
    enable_form = next(f for f in listed.forms.values() if f.action.endswith(f"/org/users/{person.id}/status"))
    assert enable_form["status"].value == "active"
    assert "已启用用户" in enable_form.submit().follow().text
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "user_enable")).one()
    stale = make_app()
    for name, value in old_cookies.items():
        stale.set_cookie(name, value)
    assert "/login" in stale.get("/portal", status=302).location
    login(person_app, person.account)
    person_app.get("/portal", status=200)


def test_actions_need_csrf_and_are_scoped_to_the_organisation(app, dbsession):
    org = factories.organisation(dbsession)
    stranger = factories.user(dbsession, organisation=factories.organisation(dbsession))
    own = factories.user(dbsession, organisation=org)
    login(app, factories.org_admin(dbsession, org).account)
    app.post(f"/org/users/{own.id}/status", {"status": "disabled"}, status=400)
    csrf = app.get("/org/users").html.select_one("input[name=csrf_token]")["value"]
    app.post(f"/org/users/{stranger.id}/status", {"status": "disabled", "csrf_token": csrf}, status=404)
    app.post(f"/org/users/{stranger.id}/password", {"csrf_token": csrf}, status=404)
    dbsession.refresh(stranger)
    assert stranger.status == "active"
    assert dbsession.scalars(select(OutboxMessage)).all() == []


def test_password_reset_mails_a_strong_password_that_must_be_changed(make_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org, email="filer@example.cn")
    person_app = make_app()
    login(person_app, person.account)

    admin_app = _admin_app(make_app, dbsession, org)
    page = admin_app.get("/org/users")
    reset = next(f for f in page.forms.values() if f.action.endswith(f"/org/users/{person.id}/password"))
    assert "data-confirm" in str(page.html.select_one(f"form[action$='/org/users/{person.id}/password']").attrs)
    done = reset.submit().follow()
    assert "新密码已发送至其注册邮箱 filer@example.cn" in done.text

    mail = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to("filer@example.cn"))).one()
    new_password = re.search(r"新密码：(\S+)", mail.body).group(1)
    assert password_strength(new_password) is None
    assert new_password not in done.text  # the admin never sees it

    # the reset ends the individual's session; the old password no longer works
    assert "/login" in person_app.get("/portal", status=302).location
    assert "账号或密码不正确" in login(person_app, person.account, status=200).text
    res = login(person_app, person.account, new_password)
    assert res.location.endswith("/account/password")
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_reset")).one()
    assert event.object_id == str(person.id)


def test_password_reset_without_email_explains_and_changes_nothing(make_app, dbsession):
    app = make_app()
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org, email=None)
    before = person.password_hash
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/users")
    reset = next(f for f in page.forms.values() if f.action.endswith(f"/org/users/{person.id}/password"))
    res = reset.submit().follow()
    assert "未登记电子邮箱，无法发送新密码" in res.html.select_one(".notice.bad").text
    dbsession.refresh(person)
    assert person.password_hash == before and not person.must_change_password
    assert dbsession.scalars(select(OutboxMessage)).all() == []
    login(make_app(), person.account)  # the old password still works


def test_generated_passwords_satisfy_the_rules_and_differ():
    passwords = {generate_password() for _ in range(200)}
    assert len(passwords) == 200
    assert all(password_strength(p) is None for p in passwords)
    assert all(not set(p) & set("O0Il1") for p in passwords)


def test_org_admin_is_landed_on_the_user_list(app, dbsession):
    org = factories.organisation(dbsession)
    res = login(app, factories.org_admin(dbsession, org).account)
    assert res.location.endswith("/org/users")
    assert "用户管理" in res.follow().text
