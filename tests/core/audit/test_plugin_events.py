"""A plugin gives its own audit events Chinese titles; the log filters them."""
import types

import pytest
import webtest
from sqlalchemy.orm import Session

from kjgl.core import factories, make_config
from kjgl.core.audit.models import AuditEvent
from kjgl.core.hookspecs import ModuleInfo, hookimpl
from kjgl.core.testing import base_settings, login


def _plugin(*events):
    plugin = types.ModuleType("auditdemo")

    @hookimpl
    def kjgl_module():
        return ModuleInfo("auditdemo", "审计演示子系统", "演示", "home")

    @hookimpl
    def kjgl_includeme(config):
        for name, title in events:
            config.add_audit_event(name, title)

    plugin.kjgl_module, plugin.kjgl_includeme = kjgl_module, kjgl_includeme
    return plugin


@pytest.fixture
def plugin_app(connection, database_url, storage_dir):
    settings = base_settings(database_url, **{"kjgl.plugins": "auditdemo", "kjgl.storage_dir": storage_dir})
    settings["kjgl.session_factory"] = lambda **kw: Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, **kw)
    config = make_config(settings, extra_plugins={"auditdemo": _plugin(("demo_sign", "演示签章"))})
    return webtest.TestApp(config.make_wsgi_app(), extra_environ={"REMOTE_ADDR": "127.0.0.1"})


def test_plugin_event_is_titled_and_filterable(plugin_app, dbsession):
    import datetime as dt

    admin = factories.user(dbsession, "audit_admin")
    dbsession.add(AuditEvent(at=dt.datetime(2026, 5, 1), event="demo_sign", account="someone",
                             object_type="auditdemo.submission", object_id="3", detail="{}"))
    dbsession.add(AuditEvent(at=dt.datetime(2026, 5, 2), event="login", account="someone", detail="{}"))
    dbsession.flush()
    login(plugin_app, admin.account)
    res = plugin_app.get("/admin/audit", {"event": "demo_sign"})
    options = {o["value"]: o.get_text(strip=True) for o in res.html.select("select#event option")}
    assert options["demo_sign"] == "演示签章"
    rows = res.html.select("table.audit-log tbody tr")
    assert len(rows) == 1
    cells = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert cells[4] == "演示签章" and cells[5] == "审计演示子系统填报记录 #3"


def test_an_event_declared_twice_is_refused(database_url):
    settings = base_settings(database_url, **{"kjgl.plugins": "auditdemo"})
    with pytest.raises(Exception, match="login"):
        make_config(settings, extra_plugins={"auditdemo": _plugin(("login", "重复"))}).commit()
