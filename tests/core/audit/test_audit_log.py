"""The audit log page: filters, order, display, and that it is read-only."""
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login


def _event(dbsession, at, event="login", account="alice", role="individual", success=True, ip="10.0.0.1",
           object_type="user", object_id="7", **detail):
    row = AuditEvent(at=at, event=event, account=account, role=role, success=success, ip=ip,
                     object_type=object_type, object_id=object_id, detail=json.dumps(detail, ensure_ascii=False))
    dbsession.add(row)
    dbsession.flush()
    return row


def _rows(res):
    """Each table row as its cells' text."""
    return [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in res.html.select("table.audit-log tbody tr") if not tr.select("td.empty")]



@pytest.fixture
def sample(dbsession):
    """Four events in Beijing time 2026-03-01 08:00, 03-02 00:30, 03-02 23:30, 03-03 09:00."""
    utc = dt.datetime
    return {
        "a": _event(dbsession, utc(2026, 3, 1, 0, 0), event="login", account="alice"),
        "b": _event(dbsession, utc(2026, 3, 1, 16, 30), event="login_failed", account="Bob", role=None,
                    success=False, object_type=None, object_id=None, reason="账号或密码不正确"),
        "c": _event(dbsession, utc(2026, 3, 2, 15, 30), event="org_review", account="hepingkj", role="agency",
                    object_type="organisation", object_id="12", decision="approve"),
        "d": _event(dbsession, utc(2026, 3, 3, 1, 0), event="user_disable", account="auditor", role="admin",
                    object_type="user", object_id="12", target_account="hepingkj"),
    }


def _times(res):
    return [r[0] for r in _rows(res)]


def test_newest_first_with_every_column(admin_app, dbsession, sample):
    res = admin_app.get("/admin/audit", {"date_from": "2026-03-01", "date_to": "2026-03-03"})
    headers = [th.get_text(strip=True) for th in res.html.select("table.audit-log th")]
    assert headers == ["时间", "账号", "角色", "IP", "事件", "对象", "结果", "详情"]
    assert _times(res) == ["2026-03-03 09:00:00", "2026-03-02 23:30:00", "2026-03-02 00:30:00",
                           "2026-03-01 08:00:00"]
    failed = _rows(res)[2]
    assert failed[1:] == ["Bob", "—", "10.0.0.1", "登录失败", "—", "失败", "原因：账号或密码不正确"]
    disable = _rows(res)[0]
    assert disable[2] == "系统管理员" and disable[4] == "禁用用户" and disable[5] == "用户 #12"
    assert disable[7] == "目标账号：hepingkj"


@pytest.mark.parametrize("params, expected", [
    ({"date_from": "2026-03-02"}, ["2026-03-03 09:00:00", "2026-03-02 23:30:00", "2026-03-02 00:30:00"]),
    ({"date_to": "2026-03-01"}, ["2026-03-01 08:00:00"]),
    ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["2026-03-02 23:30:00", "2026-03-02 00:30:00"]),
    ({"account": "bob"}, ["2026-03-02 00:30:00"]),
    ({"event": "org_review"}, ["2026-03-02 23:30:00"]),
    ({"object_type": "user", "object_id": "12"}, ["2026-03-03 09:00:00"]),
    ({"object_id": "12"}, ["2026-03-03 09:00:00", "2026-03-02 23:30:00"]),
    ({"success": "0"}, ["2026-03-02 00:30:00"]),
    ({"success": "1", "date_to": "2026-03-02"}, ["2026-03-02 23:30:00", "2026-03-01 08:00:00"]),
])
def test_filters_select_the_right_rows(admin_app, dbsession, sample, params, expected):
    query = {"date_from": "2026-03-01", "date_to": "2026-03-03"}
    query.update(params)
    res = admin_app.get("/admin/audit", query)
    assert _times(res) == expected
    # the chosen filters stay filled in
    for name, value in params.items():
        field = res.html.select_one(f"#{name}")
        chosen = field.get("value") if field.name == "input" else field.select_one("option[selected]")["value"]
        assert chosen == value


def test_event_filter_offers_chinese_titles(admin_app, dbsession):
    res = admin_app.get("/admin/audit")
    options = {o["value"]: o.get_text(strip=True) for o in res.html.select("select#event option")}
    assert options["login_failed"] == "登录失败" and options["staff_create"] == "创建主管部门用户"


def test_bad_filters_are_named_and_nothing_is_listed(admin_app, dbsession, sample):
    res = admin_app.get("/admin/audit", {"date_from": "2026-13-01", "event": "no_such_event"}, status=200)
    errors = {e.find_parent(class_="filter-item").select_one("label").get_text(strip=True): e.get_text(strip=True)
              for e in res.html.select(".filter-item .error")}
    assert errors == {"开始日期": "开始日期须为日期（年-月-日）", "事件类型": "事件类型的取值无效"}
    assert _rows(res) == []
    reversed_range = admin_app.get("/admin/audit", {"date_from": "2026-03-03", "date_to": "2026-03-01"})
    assert "结束日期不能早于开始日期" in reversed_range.text


def test_paginates_keeping_the_filters(admin_app, dbsession):
    for minute in range(25):
        _event(dbsession, dt.datetime(2026, 4, 1, 2, minute), event="logout", account="carol")
    first = admin_app.get("/admin/audit", {"account": "carol"})
    assert len(_rows(first)) == 20
    second = first.click("下一页")
    assert "account=carol" in second.request.url
    assert _times(second) == [f"2026-04-01 10:{m:02d}:00" for m in range(4, -1, -1)]


def test_log_is_read_only(admin_app, dbsession, sample):
    token = admin_app.get("/admin/audit").html.find("input", {"name": "csrf_token"})["value"]
    before = dbsession.scalar(select(func.count()).select_from(AuditEvent))
    for method in (admin_app.post, admin_app.put, admin_app.delete):
        method("/admin/audit", {"csrf_token": token, "id": str(sample["a"].id)}, status=404)
    admin_app.get(f"/admin/audit/{sample['a'].id}", status=404)
    assert dbsession.scalar(select(func.count()).select_from(AuditEvent)) == before


def test_login_and_failed_login_are_recorded_with_the_ip(make_app, dbsession):
    user = factories.user(dbsession, "individual", account="ipuser")
    app = make_app()
    page = app.get("/login")
    form = page.forms[0]
    form["account"], form["password"] = "ipuser", "Wrong-pass1"
    form.submit(status=200, extra_environ={"REMOTE_ADDR": "203.0.113.9"})
    form = app.get("/login").forms[0]
    form["account"], form["password"] = "ipuser", "Passw0rd!"
    form.submit(status=303, extra_environ={"REMOTE_ADDR": "198.51.100.4"})
    rows = dbsession.scalars(select(AuditEvent).where(AuditEvent.account == "ipuser").order_by(AuditEvent.id)).all()
    assert [(r.event, r.success, r.ip) for r in rows] == [("login_failed", False, "203.0.113.9"),
                                                          ("login", True, "198.51.100.4")]
    assert rows[1].user_id == user.id and rows[1].role == "individual"


def test_a_client_cannot_forge_its_address(make_app, dbsession):
    factories.user(dbsession, "individual", account="forger")
    app = make_app()
    form = app.get("/login").forms[0]
    form["account"], form["password"] = "forger", "Passw0rd!"
    form.submit(status=303, headers={"X-Forwarded-For": "1.2.3.4"})
    row = dbsession.scalars(select(AuditEvent).where(AuditEvent.account == "forger")).one()
    assert row.ip == "127.0.0.1"


def test_admin_sees_logins_in_the_log(make_app, admin_app, dbsession):
    factories.user(dbsession, "individual", account="visible")
    login(make_app(), "visible", "Bad-pass123", status=200)
    res = admin_app.get("/admin/audit", {"account": "visible"})
    assert [r[4] for r in _rows(res)] == ["登录失败"]
    assert _rows(res)[0][3] == "127.0.0.1"
