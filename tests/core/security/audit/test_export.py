"""导出 of the audit log: the filtered list as a workbook, itself audited."""
import datetime as dt
import io
import json

import openpyxl
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login


def _event(dbsession, at, event, account, success=True, **detail):
    row = AuditEvent(at=at, event=event, account=account, role="individual", ip="10.0.0.1", success=success,
                     object_type="user", object_id="7", detail=json.dumps(detail, ensure_ascii=False))
    chain.seal(dbsession, row)
    dbsession.flush()


def _sample(dbsession):
    _event(dbsession, dt.datetime(2026, 3, 1, 0, 0), "login", "alice")
    _event(dbsession, dt.datetime(2026, 3, 2, 0, 0), "login_failed", "alice", success=False, reason="账号或密码不正确")
    _event(dbsession, dt.datetime(2026, 3, 3, 0, 0), "login", "bob")


def _sheet(res):
    assert res.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in res.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(res.body)).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _exports(dbsession):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "audit_export")))


def test_export_holds_the_filtered_rows_and_is_audited(audit_app, dbsession):
    _sample(dbsession)
    res = audit_app.get("/admin/audit/export", {"event": "login", "date_from": "2026-03-01",
                                                "date_to": "2026-03-31"})
    rows = _sheet(res)
    assert rows[0] == ["时间", "账号", "角色", "IP", "事件", "对象类型", "对象编号", "结果", "详情"]
    assert [r[1] for r in rows[1:]] == ["bob", "alice"]  # newest first, the failed login left out
    assert rows[1][0] == dt.datetime(2026, 3, 3, 8, 0)  # Beijing time
    assert rows[1][4:8] == ["登录成功", "用户", "7", "成功"]
    [export] = _exports(dbsession)
    detail = json.loads(export.detail)
    assert detail["rows"] == 2
    assert detail["filters"] == {"event": "login", "date_from": "2026-03-01", "date_to": "2026-03-31"}
    assert detail["columns"] == rows[0]
    assert export.account == "auditor" and export.success
    assert chain.verify(dbsession).ok


def test_export_detail_column_and_result_filter(audit_app, dbsession):
    _sample(dbsession)
    rows = _sheet(audit_app.get("/admin/audit/export", {"success": "0"}))
    assert len(rows) == 2
    assert rows[1][7] == "失败" and rows[1][8] == "原因：账号或密码不正确"
    assert json.loads(_exports(dbsession)[0].detail)["filters"] == {"success": "失败"}


def test_the_page_links_to_the_export_with_its_filters(audit_app, dbsession):
    res = audit_app.get("/admin/audit", {"event": "login", "page": "2"})
    href = res.html.select_one("a#audit-export")["href"]
    assert href.startswith("http://localhost/admin/audit/export?") and "event=login" in href
    assert "page=" not in href


def test_invalid_filters_show_the_page_with_the_message_and_export_nothing(audit_app, dbsession):
    res = audit_app.get("/admin/audit/export", {"date_from": "2026-03-05", "date_to": "2026-03-01"},
                        status=200)
    assert "text/html" in res.content_type
    assert "结束日期不能早于开始日期" in res.text
    assert _exports(dbsession) == []


def test_only_the_audit_admin_exports(app, dbsession):
    admin = factories.user(dbsession, "admin", account="sysadmin")
    login(app, admin.account)
    app.get("/admin/audit/export", status=403)
    assert _exports(dbsession) == []
