"""三员分立: the system admin (系统管理员), the security admin (安全管理员)
and the audit admin (审计管理员) are separate accounts with separate powers."""
import datetime as dt

import pytest
import webtest
from pyramid.paster import get_app
from sqlalchemy import create_engine, select, text

from kjgl.core import factories
from kjgl.core.accounts.models import KINDS
from kjgl.core.audit.models import AuditEvent
from kjgl.core.cli import main
from kjgl.core.db import utcnow
from kjgl.core.testing import login

ADMIN_KINDS = ("admin", "security_admin", "audit_admin")


def test_three_admin_kinds_have_their_titles():
    assert (KINDS["admin"], KINDS["security_admin"], KINDS["audit_admin"]) == ("系统管理员", "安全管理员", "审计管理员")


@pytest.mark.parametrize("kind,landing,audit_status", [
    ("admin", "/admin/staff", 403),
    ("security_admin", "/admin/locked", 403),
    ("audit_admin", "/admin/audit", 200),
])
def test_only_the_audit_admin_reads_the_audit_log(app, dbsession, kind, landing, audit_status):
    user = factories.user(dbsession, kind)
    assert login(app, user.account).location.endswith(landing)
    app.get("/admin/audit", status=audit_status)
    menu = app.get(landing).html.select_one("aside.menu").get_text()
    assert ("审计日志" in menu) == (kind == "audit_admin")


@pytest.mark.parametrize("kind", ["security_admin", "audit_admin"])
def test_the_other_admins_do_not_manage_staff(app, dbsession, kind):
    login(app, factories.user(dbsession, kind).account)
    app.get("/admin/staff", status=403)


def test_no_route_changes_or_deletes_audit_records(app, dbsession):
    """The audit log has only read views, for every method, whoever asks."""
    from pyramid.interfaces import IRoutesMapper

    registry = app.app.registry
    audit_routes = [r for r in registry.getUtility(IRoutesMapper).get_routes() if "audit" in r.pattern]
    assert audit_routes
    introspector = registry.introspector
    for route in audit_routes:
        views = [i for i in introspector.get_category("views") if i["introspectable"]["route_name"] == route.name]
        assert views, route.name
        for view in views:
            methods = view["introspectable"]["request_methods"]
            assert methods is not None, f"{route.name} answers every method"
            methods = {methods} if isinstance(methods, str) else set(methods)
            assert methods <= {"GET", "HEAD"}, route.name
    admin = factories.user(dbsession, "admin")
    event = AuditEvent(event="login", account="someone", success=True, detail="{}")
    dbsession.add(event)
    dbsession.flush()
    login(app, admin.account)
    token = app.get("/admin/staff").html.find("input", {"name": "csrf_token"})["value"]
    for method in (app.post, app.put, app.delete):
        res = method(f"/admin/audit?id={event.id}", {"csrf_token": token, "id": str(event.id)}, expect_errors=True)
        assert res.status_int in (403, 404)
        app.get(f"/admin/audit/{event.id}/delete", status=404)
    assert dbsession.get(AuditEvent, event.id) is not None


# --- the security admin: locked accounts ------------------------------------

def _lock(dbsession, user):
    user.failed_logins = 0
    user.locked_until = (utcnow() + dt.timedelta(minutes=20)).replace(microsecond=0)
    dbsession.flush()


def test_security_admin_lists_and_unlocks_locked_accounts(app, dbsession):
    locked = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    free = factories.user(dbsession, "individual")
    _lock(dbsession, locked)
    secadmin = factories.user(dbsession, "security_admin")
    login(app, secadmin.account)
    page = app.get("/admin/locked")
    rows = page.html.select("#locked-accounts tbody tr")
    assert [r.select_one("td").get_text(strip=True) for r in rows] == [locked.account]
    assert free.account not in page.text
    unlock = [f for f in page.forms.values() if f.action.endswith(f"/admin/locked/{locked.id}/unlock")]
    res = unlock[0].submit(status=303)
    assert "已解除账号" in res.follow().text
    dbsession.refresh(locked)
    assert locked.locked_until is None
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "account_unlock")).one()
    assert event.user_id == secadmin.id and event.object_id == str(locked.id)
    app.reset()
    assert login(app, locked.account).status_int == 303


@pytest.mark.parametrize("kind", ["admin", "audit_admin", "agency", "individual"])
def test_only_the_security_admin_unlocks(app, dbsession, kind):
    locked = factories.user(dbsession, "individual")
    _lock(dbsession, locked)
    login(app, factories.user(dbsession, kind).account)
    app.get("/admin/locked", status=403)
    token = app.get("/account/password").html.find("input", {"name": "csrf_token"})["value"]
    app.post(f"/admin/locked/{locked.id}/unlock", {"csrf_token": token}, status=403)
    dbsession.refresh(locked)
    assert locked.locked_until is not None


# --- kjgl create-admin --kind -------------------------------------------------

@pytest.mark.parametrize("kind,title,landing", [
    ("security_admin", "安全管理员", "/admin/locked"),
    ("audit_admin", "审计管理员", "/admin/audit"),
])
def test_create_admin_makes_each_kind(write_ini, sqlite_url, capsys, kind, title, landing):
    ini = str(write_ini("development.ini"))
    assert main(["create-admin", ini, "--kind", kind, "--account", "root_x", "--password", "Strong#2026"]) == 0
    assert f"已创建{title} root_x" in capsys.readouterr().out
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT kind, name FROM user_account")).all() == [(kind, title)]
    engine.dispose()
    app = webtest.TestApp(get_app(ini, "main"), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    assert login(app, "root_x", "Strong#2026").location.endswith(landing)


def test_create_admin_refuses_an_unknown_kind(write_ini, capsys):
    ini = str(write_ini("development.ini"))
    with pytest.raises(SystemExit):
        main(["create-admin", ini, "--kind", "superuser", "--account", "root_y", "--password", "Strong#2026"])
