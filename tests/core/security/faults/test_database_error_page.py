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


def _engine_losing_its_connection_on(tmp_path, monkeypatch, phase):
    """A SQLite engine with the app's disconnect listener whose connection
    drops during ``phase`` ("statement" or "commit")."""
    import sqlite3

    from sqlalchemy import create_engine, event

    from kjgl.core import dberrors

    engine = create_engine("sqlite:///" + str(tmp_path / "drop.sqlite"))
    event.listen(engine, "handle_error", dberrors._mark_disconnects_retryable)
    lost = sqlite3.ProgrammingError("Cannot operate on a closed database.")  # a disconnect to the dialect
    if phase == "commit":
        def do_commit(dbapi_connection):
            raise lost
        monkeypatch.setattr(engine.dialect, "do_commit", do_commit)
    else:
        def do_execute(cursor, statement, parameters, context=None):
            raise lost
        monkeypatch.setattr(engine.dialect, "do_execute", do_execute)
    return engine


def _error_of(engine):
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
    except DBAPIError as exc:
        return exc
    raise AssertionError("the connection did not drop")


def test_connection_lost_during_a_statement_is_retryable(tmp_path, monkeypatch):
    from pyramid_retry import IRetryableError

    exc = _error_of(_engine_losing_its_connection_on(tmp_path, monkeypatch, "statement"))
    assert exc.connection_invalidated
    assert IRetryableError.providedBy(exc)


def test_connection_lost_during_commit_is_not_retried(tmp_path, monkeypatch):
    """The commit may have reached the database: running the request again
    could submit or create twice."""
    from pyramid_retry import IRetryableError

    exc = _error_of(_engine_losing_its_connection_on(tmp_path, monkeypatch, "commit"))
    assert exc.connection_invalidated
    assert not IRetryableError.providedBy(exc)
