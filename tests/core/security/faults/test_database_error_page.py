"""Database errors give a plain 503 page (or JSON), never a stack trace, and
an error marked retryable (a lost connection) is retried by pyramid_retry."""
from pyramid_retry import mark_error_retryable
from sqlalchemy.exc import OperationalError

from kjgl.core.hookspecs import ModuleInfo, hookimpl


class BrokenDatabasePlugin:
    MODULE = ModuleInfo(key="db_fault", title="数据库故障演示", description="测试用", home_route="db_fault.down")

    def __init__(self):
        self.calls = 0

    @hookimpl
    def kjgl_module(self):
        return self.MODULE

    @hookimpl
    def kjgl_includeme(self, config):
        def down(request):
            raise OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))

        def flaky(request):
            self.calls += 1
            if self.calls == 1:
                exc = OperationalError("SELECT 1", {}, Exception("terminating connection"))
                mark_error_retryable(exc)  # what dberrors does for a disconnect
                raise exc
            return {"ok": self.calls}

        config.add_route("db_fault.down", "/db-fault/down")
        config.add_view(down, route_name="db_fault.down", permission="core:public")
        config.add_route("db_fault.flaky", "/db-fault/flaky")
        config.add_view(flaky, route_name="db_fault.flaky", renderer="json", permission="core:public")


def test_database_error_is_a_plain_503_page(make_app):
    app = make_app(plugins=["db_fault"], extra_plugins={"db_fault": BrokenDatabasePlugin()})
    page = app.get("/db-fault/down", status=503)
    assert "数据库暂时不可用" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text and "SELECT" not in page.text
    assert page.headers["Retry-After"] == "5"
    body = app.get("/db-fault/down", headers={"Accept": "application/json"}, status=503).json
    assert body["error"] == "database_unavailable"


def test_lost_connection_is_retried(make_app):
    plugin = BrokenDatabasePlugin()
    app = make_app(plugins=["db_fault"], extra_plugins={"db_fault": plugin})
    assert app.get("/db-fault/flaky", headers={"Accept": "application/json"}).json == {"ok": 2}
