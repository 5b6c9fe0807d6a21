import contextlib
import logging
import os

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kjgl.core.cli import main

from .support import write_ini

FAULTS_DB = "kjgl_faults"
if os.environ.get("KJGL_TEST_DATABASE_URL", "").startswith("postgresql") and \
        make_url(os.environ["KJGL_TEST_DATABASE_URL"]).database == FAULTS_DB:
    FAULTS_DB = "kjgl_faults_own"  # the run's own database is not emptied under it


@contextlib.contextmanager
def kept_logging():
    """The CLI configures logging from the ini; put the test run's back."""
    root = logging.getLogger()
    saved = root.level, list(root.handlers)
    names = ("kjgl", "sqlalchemy.engine")
    levels = {n: logging.getLogger(n).level for n in names}
    try:
        yield
    finally:
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        for n, level in levels.items():
            logging.getLogger(n).setLevel(level)


@pytest.fixture(autouse=True)
def keep_logging():
    with kept_logging():
        yield


def postgres_url() -> str | None:
    """Our own database on the server of ``KJGL_TEST_DATABASE_URL`` (never the shared one)."""
    url = os.environ.get("KJGL_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        return None
    return make_url(url).set(database=FAULTS_DB).render_as_string(hide_password=False)


def fresh_postgres() -> str:
    """``kjgl_faults``, created when missing, emptied."""
    url = postgres_url()
    admin = create_engine(os.environ["KJGL_TEST_DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": FAULTS_DB}) is None:
            conn.execute(text(f'CREATE DATABASE "{FAULTS_DB}"'))
    admin.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


needs_postgres = pytest.mark.skipif(postgres_url() is None, reason="needs KJGL_TEST_DATABASE_URL on PostgreSQL")


@pytest.fixture
def site(tmp_path):
    """A deployment with the demo data: (ini, url, storage dir), on SQLite."""
    return make_site(tmp_path, "sqlite:///" + str(tmp_path / "kjgl.sqlite"))


def make_site(tmp_path, url):
    storage = tmp_path / "files"
    ini = write_ini(tmp_path / "site.ini", url, storage)
    # in-process, so the demo passwords get the test run's cheap argon2 cost
    with kept_logging():  # also when called from a module-scoped fixture
        assert main(["demo", str(ini)]) == 0
    return ini, url, storage
