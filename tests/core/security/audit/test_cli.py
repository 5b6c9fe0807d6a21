"""``kjgl audit verify`` and ``kjgl audit purge`` on a deployment database."""
import datetime as dt

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from kjgl.core import migrate
from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditEvent
from kjgl.core.cli import main
from kjgl.core.plugin_host import build_plugin_manager
from kjgl.core.testing import ALL_PLUGINS
from tests.core.cli.conftest import keep_logging, sqlite_url, write_ini  # noqa: F401  (fixtures)


@pytest.fixture
def deployment(write_ini, sqlite_url, capsys):
    ini = str(write_ini("development.ini"))
    # the tables alone: ``kjgl db upgrade`` would also seed the agency tree
    # and audit that, and these tests count the records they write
    migrate.upgrade({"sqlalchemy.url": sqlite_url}, build_plugin_manager(ALL_PLUGINS))
    engine = create_engine(sqlite_url)
    today = dt.date.today()
    with Session(engine) as session, session.begin():
        for days in (400, 300, 10, 1):
            at = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(4, 0))
            chain.seal(session, AuditEvent(at=at, event="login", account="alice", detail="{}"))
    capsys.readouterr()
    yield ini, engine
    engine.dispose()


def _ids(engine):
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM audit_event ORDER BY id"))]


def test_verify_reports_intact(deployment, capsys):
    ini, _ = deployment
    assert main(["audit", "verify", ini]) == 0
    assert "完整" in capsys.readouterr().out


def test_verify_reports_the_changed_record_and_exits_1(deployment, capsys):
    ini, engine = deployment
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET account = 'bob' WHERE id = 3"))
    assert main(["audit", "verify", ini]) == 1
    out = capsys.readouterr().out
    assert "审计记录 #3 的内容已被修改" in out and "此前 2 条记录完整" in out


def test_verify_reports_a_deleted_record(deployment, capsys):
    ini, engine = deployment
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 2"))
    assert main(["audit", "verify", ini]) == 1
    assert "审计记录 #3 之前的记录被删除" in capsys.readouterr().out


def test_purge_refuses_young_cutoff(deployment, capsys):
    ini, engine = deployment
    before = (dt.date.today() - dt.timedelta(days=100)).isoformat()
    assert main(["audit", "purge", ini, "--before", before]) == 2
    assert "至少保留184天" in capsys.readouterr().err
    assert _ids(engine) == [1, 2, 3, 4]


def test_purge_rejects_a_malformed_date(deployment, capsys):
    ini, engine = deployment
    assert main(["audit", "purge", ini, "--before", "2026-13-01"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert _ids(engine) == [1, 2, 3, 4]


def test_purge_then_verify(deployment, capsys):
    ini, engine = deployment
    before = (dt.date.today() - dt.timedelta(days=200)).isoformat()
    assert main(["audit", "purge", ini, "--before", before]) == 0
    assert "2 条" in capsys.readouterr().out
    ids = _ids(engine)
    assert ids[:2] == [3, 4] and len(ids) == 3  # plus the purge's own record
    with engine.connect() as conn:
        event, detail = conn.execute(text("SELECT event, detail FROM audit_event WHERE id = :id"),
                                     {"id": ids[2]}).one()
    assert event == "audit_purge" and '"purged": 2' in detail
    assert main(["audit", "verify", ini]) == 0
    assert "已校验 3 条" in capsys.readouterr().out


def test_the_installed_command_runs_in_a_fresh_process(deployment):
    """A fresh interpreter has mapped no model yet; the command must map them itself."""
    import subprocess
    import sys

    ini, _ = deployment
    done = subprocess.run([sys.executable, "-m", "kjgl.core.cli", "audit", "verify", ini],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "完整" in done.stdout and "已校验 4 条" in done.stdout
