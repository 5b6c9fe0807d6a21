"""The staff list (search, pagination), enable/disable and password reset."""
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.audit.models import AuditEvent
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.testing import login


def _accounts(res):
    return [a.get_text(strip=True) for a in res.html.select("table.list tbody td:first-child a")]


def _post_form(res, action_suffix):
    return next(f for f in res.forms.values() if f.action.endswith(action_suffix))


def test_list_shows_full_agency_path_and_masked_mobile(admin_app, dbsession):
    factories.user(dbsession, "agency", account="hpreviewer", agency_code="tj-d01", mobile="13911112222",
                   name="和平审核员")
    res = admin_app.get("/admin/staff")
    row = res.html.select_one("table.list tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == "hpreviewer" and cells[1] == "和平审核员"
    assert cells[2].endswith("天津市科学技术局 / 和平区科学技术局")
    assert cells[3] == "139****2222"
    assert "已启用" in cells[4]


def test_list_lists_only_agency_staff(admin_app, dbsession):
    org = factories.organisation(dbsession, admin_account="someorgadmin")
    factories.user(dbsession, "individual", account="someperson", organisation=org)
    factories.user(dbsession, "agency", account="realstaff", agency_code="tj-d02")
    assert _accounts(admin_app.get("/admin/staff")) == ["realstaff"]


def test_search_by_text_agency_subtree_and_status(admin_app, dbsession):
    factories.user(dbsession, "agency", account="tjcity", name="市局甲", agency_code="tj")
    factories.user(dbsession, "agency", account="tjheping", name="和平乙", agency_code="tj-d01")
    factories.user(dbsession, "agency", account="cqcity", name="渝丙", agency_code="cq", status="disabled")
    assert set(_accounts(admin_app.get("/admin/staff", {"agency": "tj"}))) == {"tjcity", "tjheping"}
    assert _accounts(admin_app.get("/admin/staff", {"agency": "tj-d01"})) == ["tjheping"]
    assert _accounts(admin_app.get("/admin/staff", {"q": "HEPING"})) == ["tjheping"]
    assert _accounts(admin_app.get("/admin/staff", {"q": "渝"})) == ["cqcity"]
    assert _accounts(admin_app.get("/admin/staff", {"status": "disabled"})) == ["cqcity"]
    assert _accounts(admin_app.get("/admin/staff", {"q": "_"})) == []  # wildcards are literal


def test_list_paginates_and_keeps_the_filters(admin_app, dbsession):
    agency = factories.agency(dbsession, "tj-d05")
    dbsession.add_all([User(account=f"pager{i:02d}", password_hash="x", kind="agency", name=f"分页{i}", agency=agency)
                       for i in range(17)])  # no password hashing: nobody logs in as them
    dbsession.flush()
    first = admin_app.get("/admin/staff", {"q": "pager"})
    assert len(_accounts(first)) == 15
    assert "共17条记录 共2页 当前第1页" in " ".join(first.html.select_one(".pager").get_text().split())
    second = first.click("下一页")
    assert "q=pager" in second.request.url
    assert len(_accounts(second)) == 2
    assert not set(_accounts(first)) & set(_accounts(second))


def test_disable_then_enable_is_audited_and_locks_the_user_out(make_app, admin_app, dbsession):
    staff = factories.user(dbsession, "agency", account="toggled", agency_code="tj-d01")
    staff_app = make_app()
    login(staff_app, "toggled")
    listing = admin_app.get("/admin/staff")
    res = _post_form(listing, f"/admin/staff/{staff.id}/status").submit(status=303)
    assert res.location.endswith("/admin/staff")  # back to the list it came from
    dbsession.refresh(staff)
    assert staff.status == "disabled"
    staff_app.get("/account/password", status=302)  # the open session has ended
    assert "已被禁用" in login(staff_app, "toggled", status=200).text

    detail = admin_app.get(f"/admin/staff/{staff.id}")
    _post_form(detail, "/status").submit(status=303)
    dbsession.refresh(staff)
    assert staff.status == "active"
    events = dbsession.scalars(select(AuditEvent.event).where(AuditEvent.object_id == str(staff.id),
                                                              AuditEvent.event.like("user_%"))).all()
    assert sorted(events) == ["user_disable", "user_enable"]


def test_status_of_a_non_staff_user_is_not_found(admin_app, dbsession):
    person = factories.user(dbsession, "individual")
    listing = admin_app.get("/admin/staff")
    token = listing.html.find("input", {"name": "csrf_token"})["value"]
    admin_app.post(f"/admin/staff/{person.id}/status", {"csrf_token": token, "status": "disabled"}, status=404)
    admin_app.get(f"/admin/staff/{person.id}", status=404)


def test_reset_password_shows_a_new_one_and_ends_old_sessions(make_app, admin_app, dbsession):
    staff = factories.user(dbsession, "agency", account="forgetful", agency_code="tj-d01")
    staff_app = make_app()
    login(staff_app, "forgetful")
    detail = admin_app.get(f"/admin/staff/{staff.id}")
    res = _post_form(detail, "/reset-password").submit(status=200)
    password = res.html.select_one("#one-time-password").get_text(strip=True)
    assert res.headers["Cache-Control"] == "no-store"
    staff_app.get("/account/password", status=302)
    login(staff_app, "forgetful", "Passw0rd!", status=200)  # the old password no longer works
    assert login(staff_app, "forgetful", password).location.endswith("/account/password")
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_reset")).one()
    assert event.object_id == str(staff.id) and password not in event.detail


def test_reset_by_mail_needs_a_registered_address(admin_app, dbsession):
    staff = factories.user(dbsession, "agency", account="nomail", agency_code="tj-d01", email=None)
    form = _post_form(admin_app.get(f"/admin/staff/{staff.id}"), "/reset-password")
    form["delivery"] = "发送至电子邮箱"
    res = form.submit(status=200)
    assert res.html.select_one("#field-delivery .error").get_text(strip=True) == "该用户未登记电子邮箱，请选择页面显示"
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "password_reset")).all() == []


def test_reset_by_mail(admin_app, dbsession):
    staff = factories.user(dbsession, "agency", account="mailme", agency_code="tj-d01", email="mailme@example.cn")
    form = _post_form(admin_app.get(f"/admin/staff/{staff.id}"), "/reset-password")
    form["delivery"] = "发送至电子邮箱"
    res = form.submit(status=303).follow()
    assert "新密码已发送至 ma***@example.cn" in res.text
    mail = dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to("mailme@example.cn"))).one()
    assert "密码重置" in mail.subject
