"""A person's own data (issue 8 §5, PIPL): download it, close the account."""
import datetime as dt
import json

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission
from kjgl.core.testing import login


def _person(dbsession):
    org = factories.organisation(dbsession, name="天津个人数据测试有限公司")
    user = factories.user(dbsession, "individual", organisation=org, name="李个人", mobile="13900001111",
                          email="li@example.cn", id_number="11010519491231002X")
    dbsession.add(ModuleGrant(user_id=user.id, module_key="makerspace"))
    city = factories.user(dbsession, "agency", agency_code="tj")
    batch = review.open_batch(dbsession, "makerspace", 2026, dt.date.today() + dt.timedelta(days=9), city)
    sub = review.create_draft(dbsession, module_key="makerspace", kind="makerspace", batch=batch, organisation=org,
                              applicant=user, title="李个人的众创空间")
    return org, user, sub


def test_a_person_downloads_what_kjgl_holds_about_them(app, dbsession):
    org, user, sub = _person(dbsession)
    login(app, user.account)
    assert "下载个人数据" in app.get("/me/data").text
    res = app.get("/me/data/export.json")
    assert res.headers["Content-Disposition"].startswith("attachment") and "no-store" in res.headers["Cache-Control"]
    data = json.loads(res.body.decode("utf-8"))
    account = data["账号信息"]
    assert (account["账号"], account["姓名"], account["手机号码"], account["证件号码"]) == (
        user.account, "李个人", "13900001111", "11010519491231002X")
    assert account["所属单位"] == org.name and "无法导出" in account["登录密码"]
    assert data["模块授权"] == ["天津市众创空间绩效评估系统"]
    assert [r["名称"] for r in data["本人填报的记录"]] == ["李个人的众创空间"]
    assert any(e["操作"] == "登录成功" for e in data["本人操作日志"])
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "personal_data_export",
                                                      AuditEvent.user_id == user.id)).one()


def test_closing_an_account_erases_the_person_and_keeps_the_organisations_records(app, make_app, dbsession):
    org, user, sub = _person(dbsession)
    account = user.account
    login(app, account)
    app.get("/me/data/export.json")
    assert dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == user.id)).one()
    page = app.get("/me/close")
    assert "不能恢复" in page.text and "仍由单位保存" in page.text
    form = page.forms["close-form"]
    form["password"] = "Wrong#2026"
    form["confirm"] = True
    assert "当前密码不正确" in form.submit(status=400).text
    form = app.get("/me/close").forms["close-form"]
    form["password"] = "Passw0rd!"
    assert "请勾选确认" in form.submit(status=400).text
    dbsession.refresh(user)
    assert user.status == "active" and user.mobile == "13900001111"

    form = app.get("/me/close").forms["close-form"]
    form["password"], form["confirm"] = "Passw0rd!", True
    res = form.submit(status=303)
    assert res.location.endswith("/login")
    dbsession.expire_all()
    assert (user.account, user.name, user.status, user.disabled_reason) == (
        f"closed_{user.id}", "已注销用户", "disabled", "closed")
    assert (user.mobile, user.email, user.id_number, user.mobile_hash, user.id_number_hash) == (None,) * 5
    assert user.security_a1 is None and user.password_history == []
    assert dbsession.scalars(select(ModuleGrant).where(ModuleGrant.user_id == user.id)).all() == []
    # the data download they made earlier is gone with them
    assert dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == user.id)).all() == []
    # what was filed stays with the organisation; the audit log keeps who it was
    assert dbsession.get(Submission, sub.id).organisation_id == org.id
    closing = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "account_close",
                                                         AuditEvent.success.is_(True))).one()
    assert closing.account == account
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.account == account,
                                                      AuditEvent.event == "login")).first() is not None
    # and the person can no longer log in, under either name
    login(make_app(), account, status=200)
    app.get("/me/data", status=302)


def test_agency_staff_are_disabled_by_the_admin_not_closed_by_themselves(app, dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d01")
    login(app, staff.account)
    page = app.get("/me/close")
    assert "不能自行注销" in page.text and "close-form" not in page.forms
    res = app.post("/me/close", {"csrf_token": app.get("/account/password").forms["password-form"]["csrf_token"].value,
                                 "password": "Passw0rd!", "confirm": "1"}, status=409)
    assert "不能自行注销" in res.text
    dbsession.refresh(staff)
    assert staff.status == "active"
