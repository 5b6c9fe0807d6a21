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
- ``sql_statements(call)``: the SQL statements ``call()`` (a request through
  a WebTest app) ran, to prove a page's query count does not grow with its rows.
"""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

# argon2 with its production cost takes most of a second per hash on a shared
# CI machine; tests hash hundreds of passwords. Same algorithm, low cost. Every
# settings the tests build carry it, since reading settings sets the process's hasher.
TEST_ARGON2 = {"kjgl.argon2_time_cost": "1", "kjgl.argon2_memory_kib": "1024", "kjgl.argon2_parallelism": "1"}


def _cheap_password_hashing():
    from kjgl.core.accounts import passwords

    passwords.configure(TEST_ARGON2)


_cheap_password_hashing()

ALL_PLUGINS = ["makerspace", "incubator", "national_record", "enterprise_registry"]
TEST_SECRET = "test-secret-not-for-production-0123456789"
TEST_PASSWORD = "Passw0rd!"
# fixed test keys (base64 of 32 bytes), never used by a deployment
TEST_DATA_KEYS = "t1:dGVzdC1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="
TEST_INDEX_KEY = "dGVzdC1pbmRleC1rZXktbm90LWZvci1wcm9kdWN0aW8="
TEST_AUDIT_KEY = "test-audit-key-not-for-production-0123456789"


def base_settings(url: str, **overrides) -> dict:
    settings = {
        "sqlalchemy.url": url,
        "kjgl.secret": TEST_SECRET,
        "kjgl.data_keys": TEST_DATA_KEYS,
        "kjgl.index_key": TEST_INDEX_KEY,
        "kjgl.audit_key": TEST_AUDIT_KEY,
        **TEST_ARGON2,
        "kjgl.plugins": " ".join(ALL_PLUGINS),
        "kjgl.captcha": "off",
        "kjgl.realname_hours": "always",
        "kjgl.dev_outbox": "true",
        "kjgl.title": "天津市科技管理信息平台",
        # as in development.ini: every provincial bureau accepts national record applications
        "kjgl.accepting.national_record": "level:city",
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

    from kjgl.core import crypto
    from kjgl.core.audit import chain

    crypto.configure(base_settings(database_url))
    chain.configure(TEST_AUDIT_KEY)
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


@pytest.fixture(scope="session")
def storage_dir(tmp_path_factory):
    return str(tmp_path_factory.mktemp("files"))


# Building the app (config scan, template compilation) costs about a second;
# apps are cached per settings and reach the current test's connection
# through this holder, so each test still runs in its own rolled-back transaction.
_current = {"connection": None}
_apps: dict = {}


def _test_session(**kw):
    return Session(bind=_current["connection"], join_transaction_mode="create_savepoint",
                   expire_on_commit=False, **kw)


@pytest.fixture
def make_app(connection, database_url, storage_dir):
    import webtest

    from kjgl.core import make_config, make_wsgi_app

    _current["connection"] = connection

    def factory(plugins=None, extra_plugins=None, **overrides):
        settings = base_settings(database_url, **overrides)
        if plugins is not None:
            settings["kjgl.plugins"] = " ".join(plugins)
        settings.setdefault("kjgl.storage_dir", storage_dir)
        key = (tuple(sorted(settings.items())), tuple(sorted((extra_plugins or {}).items(), key=lambda i: i[0])))
        app = _apps.get(key) if not extra_plugins else None
        if app is None:
            settings["kjgl.session_factory"] = _test_session
            app = make_wsgi_app(make_config(settings, extra_plugins))
            if not extra_plugins:
                _apps[key] = app
        return webtest.TestApp(app, extra_environ={"REMOTE_ADDR": "127.0.0.1"})

    yield factory
    _current["connection"] = None


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


# the tests' own transaction bookkeeping: requests join the test's
# transaction through SAVEPOINTs, which a deployment never runs
_SAVEPOINT_STATEMENTS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def statements_of(connection, call):
    """Run ``call()`` and return (its result, the SQL statements it ran on
    ``connection``), without the tests' SAVEPOINT bookkeeping."""
    from sqlalchemy import event

    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(_SAVEPOINT_STATEMENTS):
            seen.append(statement)

    event.listen(connection, "before_cursor_execute", before)
    try:
        result = call()
    finally:
        event.remove(connection, "before_cursor_execute", before)
    return result, seen


@pytest.fixture
def sql_statements(connection):
    """``sql_statements(lambda: app.get(url))`` → the statements of that request."""
    def run(call) -> list[str]:
        return statements_of(connection, call)[1]

    return run


@pytest.fixture
def login_as(app):
    def do(user, password: str = TEST_PASSWORD):
        return login(app, user.account, password)

    return do


# --- a real server and a real browser, for end-to-end tests -----------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def serve_demo(root, **overrides):
    """Serve the app by waitress on a free loopback port, on its own SQLite
    file under ``root`` with the demo data loaded (like the README's serve
    command); yields the base URL. ``overrides`` are settings."""
    import threading

    from kjgl.core import demo, make_config, make_wsgi_app, migrate, serving
    from kjgl.core.db import get_engine, get_session_factory
    from kjgl.core.plugin_host import build_plugin_manager
    from kjgl.core.settings import normalise

    url = "sqlite:///" + str(root / "live.sqlite")
    raw = base_settings(url, **{"kjgl.storage_dir": str(root / "files"),
                                "kjgl.agency_tree": "national tianjin chongqing", **overrides})
    settings = normalise(raw)
    pm = build_plugin_manager(settings["kjgl.plugins"])
    migrate.upgrade(settings, pm)
    engine = get_engine(settings)
    session = get_session_factory(engine)()
    with session.begin():
        demo.load(session, settings, pm)
    session.close()
    engine.dispose()

    app = make_wsgi_app(make_config(raw))
    # as ``kjgl serve`` runs it: bodies bounded, refusals as the app's 413 page
    server = serving.create_server(app, **serving.waitress_options({}, app.registry.settings,
                                                                   host="127.0.0.1", port=0, threads=4))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo app served on a free loopback port (:func:`serve_demo`)."""
    yield from serve_demo(tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def browser():
    import shutil

    if not shutil.which(CHROMIUM.rsplit("/", 1)[-1]) and not os.path.exists(CHROMIUM):
        if os.environ.get("KJGL_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is required (KJGL_REQUIRE_BROWSER=1): apt-get install chromium")
        pytest.skip("headless Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test; a screenshot is kept on failure."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    yield pg
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        out = os.environ.get("KJGL_ARTIFACTS", "test-artifacts")
        os.makedirs(out, exist_ok=True)
        pg.screenshot(path=os.path.join(out, request.node.name + ".png"), full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


def valid_pdf(pages: int = 1) -> bytes:
    """A real PDF (uploads are opened with pypdf, so magic bytes alone don't pass)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def race(engine, *contenders, timeout: float = 20):
    """Run each contender at the same moment in its own thread, session and
    transaction. A contender is ``fn(session, ready)``: it reads what it will
    decide on, calls ``ready()`` (so every contender has read before any
    writes), then writes and returns an outcome. Returns the outcomes in order;
    an exception escaping a contender is its outcome."""
    import threading

    barrier = threading.Barrier(len(contenders), timeout=10)
    outcomes: list = [None] * len(contenders)

    def run(i, contender):
        try:
            with Session(engine) as session, session.begin():
                outcomes[i] = contender(session, barrier.wait)
        except Exception as exc:  # reported to the test as the outcome
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(contenders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return outcomes
