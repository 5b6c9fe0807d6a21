"""pytest plugin with kjgl's fixtures (registered through the ``pytest11``
entry point, so any plugin's own tests can use them).

- ``engine``: one database for the run — SQLite in a temp dir, or the
  PostgreSQL named by ``KJGL_TEST_DATABASE_URL`` — migrated with Alembic with
  every installed plugin enabled.
- ``connection`` / ``dbsession``: each test runs inside an outer transaction
  that is rolled back afterwards; the app's request sessions join it through
  SAVEPOINTs, so the test sees what requests wrote and nothing leaks.
- ``make_app(plugins=[...], **settings)``: a WebTest app with exactly those
  plugins; ``app`` is the one with every bundled plugin.
- ``login(app, user)`` and the factories in :mod:`kjgl.core.factories`.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

ALL_PLUGINS = ["makerspace", "incubator", "national_record", "enterprise_registry"]
TEST_SECRET = "test-secret-not-for-production-0123456789"
TEST_PASSWORD = "Passw0rd!"


def base_settings(url: str, **overrides) -> dict:
    settings = {
        "sqlalchemy.url": url,
        "kjgl.secret": TEST_SECRET,
        "kjgl.plugins": " ".join(ALL_PLUGINS),
        "kjgl.captcha": "off",
        "kjgl.realname_hours": "always",
        "kjgl.dev_outbox": "true",
        "kjgl.title": "天津市科技管理信息平台",
    }
    settings.update(overrides)
    return settings


def _reset_database(engine):
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("KJGL_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


@pytest.fixture(scope="session")
def engine(database_url):
    from kjgl.core import migrate
    from kjgl.core.db import get_engine
    from kjgl.core.plugin_host import build_plugin_manager

    engine = get_engine({"sqlalchemy.url": database_url})
    _reset_database(engine)
    pm = build_plugin_manager(ALL_PLUGINS)
    with engine.begin() as conn:
        migrate.upgrade({"sqlalchemy.url": database_url}, pm, connection=conn)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine):
    conn = engine.connect()
    outer = conn.begin()
    yield conn
    outer.rollback()
    conn.close()


@pytest.fixture
def dbsession(connection):
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield session
    session.close()


@pytest.fixture
def storage_dir(tmp_path):
    return str(tmp_path / "files")


@pytest.fixture
def make_app(connection, database_url, storage_dir):
    import webtest

    from kjgl.core import make_config

    def factory(plugins=None, **overrides):
        settings = base_settings(database_url, **overrides)
        if plugins is not None:
            settings["kjgl.plugins"] = " ".join(plugins)
        settings.setdefault("kjgl.storage_dir", storage_dir)
        settings["kjgl.session_factory"] = lambda **kw: Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False, **kw
        )
        app = make_config(settings).make_wsgi_app()
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})

    return factory


@pytest.fixture
def app(make_app):
    return make_app()


def login(testapp, account: str, password: str = TEST_PASSWORD, status=303):
    """Log in through the real login form (CSRF token and all)."""
    page = testapp.get("/login")
    form = page.forms[0]
    form["account"] = account
    form["password"] = password
    return form.submit(status=status)


@pytest.fixture
def login_as(app):
    def do(user, password: str = TEST_PASSWORD):
        return login(app, user.account, password)

    return do
