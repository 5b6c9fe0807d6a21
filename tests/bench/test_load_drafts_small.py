"""The load benchmark's correctness half in the suite: a small run of
``bench/load_drafts.py`` (several ``kjgl serve`` processes on one PostgreSQL
database) must end with no errors and no lost writes, counted in the
database. Its timings are the benchmark's business (bench/README.md), not
asserted here."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
BENCH_DB = "kjgl_bench_suite"  # the bench refuses databases not named kjgl_bench…


def _postgres_url():
    url = os.environ.get("KJGL_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs KJGL_TEST_DATABASE_URL on PostgreSQL")
    return make_url(url)


def _bench_database(url) -> str:
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB}) is None:
            conn.execute(text(f'CREATE DATABASE "{BENCH_DB}"'))
    server.dispose()
    return url.set(database=BENCH_DB).render_as_string(hide_password=False)


def test_concurrent_logins_and_saves_on_several_processes_lose_nothing():
    db_url = _bench_database(_postgres_url())
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_drafts.py"), "--users", "16", "--processes", "2",
         "--db-url", db_url, "--argon2", "1,8192,1", "--timeout", "600"],
        cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "errors: 0   unfinished users: 0   database problems: 0" in run.stdout
    assert "OK: no errors, no lost writes" in run.stdout
