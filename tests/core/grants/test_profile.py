"""The individual's 信息补全 (seed 000 图2-8, 图2-9): own details and the choice
of 管理单位 by the organisation's full name."""
import json

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.grants import membership
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.grants.services import granted_keys
from kjgl.core.testing import login

ADVICE = "如果查不到管理单位，需先联系所属单位，注册法人用户"


def _profile_form(page):
    return page.forms["profile-form"]


def _search(app, name):
    return app.get("/me/profile", {"org_name": name})


def test_owner_sees_own_details_and_full_id_number(app, dbsession):
    person = factories.user(dbsession, name="王芳", id_number="11010519491231002X", mobile="15012345678",
                            email="wf@example.cn")
    res = login(app, person.account)
    assert res.location.endswith("/me/profile")
    page = res.follow()
    assert "110105********002X" in page.text
    assert "11010519491231002X" in page.html.select_one("details.reveal").text
    form = _profile_form(page)
    assert form["name"].value == "王芳" and form["mobile"].value == "15012345678"
    assert form["email"].value == "wf@example.cn"
    assert "您尚未选择管理单位" in page.text


def test_details_are_saved_but_the_id_number_cannot_change(app, dbsession):
    person = factories.user(dbsession, id_number="11010519491231002X")
    login(app, person.account)
    form = _profile_form(app.get("/me/profile"))
    form["mobile"] = "13912345678"
    form["email"] = "new@example.cn"
    form["current_password"] = "Passw0rd!"  # a new mobile and e-mail need it (the SMS check is off here)
    form["id_valid_from"] = "2020-01-01"
    form["id_long_term"] = True
    fields = dict(form.submit_fields())
    fields.update(id_number="120101199001011234", id_type="普通护照", account="hijack")
    res = app.post("/me/profile", fields, status=303)
    assert "个人信息已保存" in res.follow().text
    dbsession.refresh(person)
    assert (person.mobile, person.email, person.id_long_term) == ("13912345678", "new@example.cn", True)
    assert str(person.id_valid_from) == "2020-01-01" and person.id_valid_to is None
    assert (person.id_type, person.id_number) == ("身份证", "11010519491231002X")
    assert person.account != "hijack"


def test_bad_input_is_named_next_to_the_field_and_nothing_is_saved(app, dbsession):
    person = factories.user(dbsession, mobile="13800000001")
    login(app, person.account)
    form = _profile_form(app.get("/me/profile"))
    form["mobile"] = "1380000"
    form["email"] = "not-an-address"
    form["id_valid_from"] = "2020-01-01"
    form["id_valid_to"] = "2019-01-01"
    res = form.submit(status=200)
    assert "请输入正确的11位手机号码" in res.html.select_one("#field-mobile .error").text
    assert "请输入正确的电子邮箱" in res.html.select_one("#field-email .error").text
    assert res.html.select_one("#mobile")["value"] == "1380000"  # what was typed is kept
    dbsession.refresh(person)
    assert person.mobile == "13800000001"


def test_a_new_name_must_pass_real_name_verification(app, dbsession):
    person = factories.user(dbsession, name="张三", id_type="身份证", id_number="110105194912310021")
    login(app, person.account)
    form = _profile_form(app.get("/me/profile"))
    form["name"] = "李四"
    form["id_valid_from"] = "2020-01-01"
    form["id_long_term"] = True
    res = form.submit(status=200)
    assert "实名核验未通过" in res.html.select_one("#field-name .error").text
    dbsession.refresh(person)
    assert person.name == "张三"


def test_a_new_name_is_refused_outside_the_service_hours(make_app, dbsession):
    import datetime as dt

    now = dt.datetime.now()
    start = (now + dt.timedelta(hours=2)).strftime("%H:00")
    end = (now + dt.timedelta(hours=3)).strftime("%H:00")
    app = make_app(**{"kjgl.realname_hours": f"{start}-{end}"})
    person = factories.user(dbsession, name="张三")
    login(app, person.account)
    form = _profile_form(app.get("/me/profile"))
    form["name"] = "张叁"
    form["id_valid_from"] = "2020-01-01"
    form["id_long_term"] = True
    res = form.submit(status=200)
    assert "核验服务时间为每日" in res.html.select_one("#field-name .error").text


def test_full_name_search_finds_only_active_organisations(app, dbsession):
    active = factories.organisation(dbsession, name="天津和平创客空间管理有限公司")
    factories.organisation(dbsession, name="天津西青科技孵化器有限公司", status="pending")
    person = factories.user(dbsession)
    login(app, person.account)

    page = _search(app, "天津和平创客空间管理有限公司")
    rows = page.html.select("#org-select table.list tbody tr")
    assert len(rows) == 1 and active.name in rows[0].text
    assert rows[0].select_one("input[type=radio][name=org_id]")["value"] == str(active.id)
    assert page.html.select_one("details.org-picker").has_attr("open")

    for name in ("天津西青科技孵化器有限公司", "天津和平创客空间", "和平", "%"):
        page = _search(app, name)
        assert page.html.select("#org-select table.list") == [], name
        assert ADVICE in page.text, name
    assert "请输入管理单位全称" in _search(app, "   ").text
    assert active.name in _search(app, "天津和平创客空间管理有限公司\x00").html.select_one("#org-select table.list").text


def test_search_ignores_case_spaces_and_full_width_forms(app, dbsession):
    org = factories.organisation(dbsession, name="天津ABC科技（集团）有限公司")
    login(app, factories.user(dbsession).account)
    for typed in ("天津abc科技(集团)有限公司", " 天津 ＡＢＣ 科技（集团）有限公司 ", "天津Abc科技　（集团）有限公司"):
        page = _search(app, typed)
        assert org.name in page.html.select_one("#org-select table.list").text, typed


def test_choosing_an_organisation_through_the_forms(app, dbsession):
    org = factories.organisation(dbsession, name="天津和平创客空间管理有限公司")
    person = factories.user(dbsession)
    login(app, person.account)
    search = app.get("/me/profile").forms["org-search"]
    search["org_name"] = "天津和平创客空间管理有限公司"
    results = search.submit()
    choose = results.forms["org-choose"]
    choose["org_id"] = str(org.id)
    done = choose.submit(status=303).follow()
    assert "已选择管理单位“天津和平创客空间管理有限公司”" in done.text
    dbsession.refresh(person)
    assert person.organisation_id == org.id
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "org_choose")).one()
    assert event.object_id == str(org.id)
    # now the portal tells them to ask for a grant
    assert "还没有任何子系统的访问权限" in app.get("/portal").text


def test_choosing_needs_a_ticked_active_organisation(app, dbsession):
    pending = factories.organisation(dbsession, status="pending")
    person = factories.user(dbsession)
    login(app, person.account)
    csrf = app.get("/me/profile").html.select_one("input[name=csrf_token]")["value"]
    res = app.post("/me/organisation", {"csrf_token": csrf, "org_name": "x"}, status=200)
    assert "请在查询结果中勾选管理单位" in res.text
    res = app.post("/me/organisation", {"csrf_token": csrf, "org_id": str(pending.id)}, status=200)
    assert "尚未通过主管部门审核" in res.html.select_one(".notice.bad").text
    res = app.post("/me/organisation", {"csrf_token": csrf, "org_id": "9" * 30}, status=200)
    assert "请在查询结果中勾选管理单位" in res.text
    app.post("/me/organisation", {"org_id": str(pending.id)}, status=400)  # CSRF
    dbsession.refresh(person)
    assert person.organisation_id is None


def test_an_id_without_its_exact_full_name_joins_nothing_and_reveals_no_name(app, dbsession):
    mine = factories.organisation(dbsession, name="天津甲科技有限公司")
    other = factories.organisation(dbsession, name="天津乙秘密科技有限公司")
    person = factories.user(dbsession)
    login(app, person.account)
    csrf = app.get("/me/profile").html.select_one("input[name=csrf_token]")["value"]
    for typed in ("", "nonsense", "天津乙秘密", mine.name, "%"):
        res = app.post("/me/organisation", {"csrf_token": csrf, "org_id": str(other.id), "org_name": typed},
                       status=200)
        assert membership.NOT_CHOSEN in res.html.select_one(".notice.bad").text, typed
        assert "秘密" not in res.text.replace(typed, ""), typed
    dbsession.refresh(person)
    assert person.organisation_id is None
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "org_choose")).all() == []
    # the exact full name (as the search compares it) joins
    app.post("/me/organisation", {"csrf_token": csrf, "org_id": str(other.id), "org_name": " 天津乙秘密科技有限公司 "},
             status=303)
    dbsession.refresh(person)
    assert person.organisation_id == other.id


def test_changing_organisation_drops_every_grant(app, dbsession):
    old, new = factories.organisation(dbsession), factories.organisation(dbsession, name="天津新单位有限公司")
    admin = factories.org_admin(dbsession, old)
    person = factories.user(dbsession, organisation=old)
    for key in ("makerspace", "incubator"):
        dbsession.add(ModuleGrant(user_id=person.id, module_key=key, granted_by_id=admin.id))
    dbsession.flush()
    login(app, person.account)
    app.get("/makerspace/", status=200)

    page = _search(app, "天津新单位有限公司")
    choose = page.forms["org-choose"]
    assert "原单位获得的全部模块授权将被取消" in page.html.select_one("#org-choose")["data-confirm"]
    done = choose.submit(status=303).follow()
    assert "您在原单位获得的模块授权已取消" in done.text
    dbsession.refresh(person)
    assert person.organisation_id == new.id
    assert granted_keys(dbsession, person.id) == set()
    app.get("/makerspace/", status=403)
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "org_choose")).one()
    detail = json.loads(event.detail)
    assert detail["previous_organisation_id"] == old.id
    assert detail["grants_removed"] == ["incubator", "makerspace"]


def test_choosing_the_same_organisation_again_keeps_grants(app, dbsession):
    org = factories.organisation(dbsession, name="天津同一单位有限公司")
    admin = factories.org_admin(dbsession, org)
    person = factories.user(dbsession, organisation=org)
    dbsession.add(ModuleGrant(user_id=person.id, module_key="makerspace", granted_by_id=admin.id))
    dbsession.flush()
    login(app, person.account)
    choose = _search(app, org.name).forms["org-choose"]
    assert "无需重复选择" in choose.submit(status=303).follow().text
    assert granted_keys(dbsession, person.id) == {"makerspace"}


def test_profile_is_for_individuals_only(app, dbsession):
    org = factories.organisation(dbsession)
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/me/profile", status=403)
