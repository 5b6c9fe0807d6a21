"""The audit chain is keyed (HMAC-SHA256 under ``kjgl.audit_key``): someone
with write access to the database but without the key cannot edit a record
and recompute the hashes after it."""
import datetime as dt
import hashlib
import hmac

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.services import record
from kjgl.core.cli import main
from kjgl.core.settings import SettingsError, normalise
from kjgl.core.testing import TEST_AUDIT_KEY, base_settings
from tests.core.cli.conftest import keep_logging, sqlite_url, write_ini  # noqa: F401  (fixtures)


def _rows(dbsession):
    return list(dbsession.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def forge(dbsession, target: AuditEvent, detail: str, hash_of) -> None:
    """Edit ``target`` and recompute every hash from it to the end of the
    chain with ``hash_of(canonical bytes)``, as an attacker would."""
    dbsession.execute(text("UPDATE audit_event SET detail = :d WHERE id = :id"), {"d": detail, "id": target.id})
    dbsession.expire_all()
    rows = _rows(dbsession)
    prev = None
    for row in rows:
        if row.id >= target.id:
            row.prev_hash = prev
            row.hash = hash_of(chain.canonical(row))
        prev = row.hash
    dbsession.flush()
    dbsession.expire_all()


def _four(dbsession):
    rows = [record(dbsession, None, "login", account="alice", target=str(i)) for i in range(4)]
    dbsession.flush()
    return rows


def test_recomputing_plain_sha256_hashes_after_an_edit_is_found(dbsession):
    a, b, c, d = _four(dbsession)
    forge(dbsession, b, '{"target": "forged"}', lambda data: hashlib.sha256(data).hexdigest())
    assert chain.verify(dbsession).problem == chain.Problem(b.id, "changed")


def test_recomputing_under_another_key_is_found_and_only_the_key_verifies(dbsession):
    a, b, c, d = _four(dbsession)
    forge(dbsession, c, '{"target": "forged"}',
          lambda data: hmac.new(b"a-guessed-key-of-thirty-two-chars!", data, hashlib.sha256).hexdigest())
    assert chain.verify(dbsession).problem == chain.Problem(c.id, "changed")
    # the holder of the key can reseal (which is why the key stays out of the database)
    forge(dbsession, c, '{"target": "forged"}',
          lambda data: hmac.new(TEST_AUDIT_KEY.encode(), data, hashlib.sha256).hexdigest())
    assert chain.verify(dbsession).ok


@pytest.mark.parametrize("value", [None, "", "short-audit-key"])
def test_the_audit_key_is_required(value):
    settings = base_settings("sqlite://", **{"kjgl.audit_key": value})
    with pytest.raises(SettingsError, match=r"kjgl\.audit_key"):
        normalise(settings)


def test_a_deployment_without_the_audit_key_does_not_start(write_ini, capsys, monkeypatch):
    monkeypatch.delenv("KJGL_AUDIT_KEY", raising=False)
    ini = write_ini("tianjin.ini", **{"kjgl.audit_key": "env:KJGL_AUDIT_KEY"})
    assert main(["audit", "verify", str(ini)]) == 2
    assert "KJGL_AUDIT_KEY" in capsys.readouterr().err
    ini = write_ini("tianjin.ini", **{"kjgl.audit_key": None})
    assert main(["audit", "verify", str(ini)]) == 2
    assert "kjgl.audit_key" in capsys.readouterr().err


def test_verify_uses_the_deployments_key(write_ini, sqlite_url, capsys):
    ini = str(write_ini("development.ini"))
    assert main(["db", "upgrade", ini]) == 0
    engine = create_engine(sqlite_url)
    try:
        with Session(engine) as session, session.begin():
            for days in (3, 2, 1):
                at = dt.datetime.combine(dt.date.today() - dt.timedelta(days=days), dt.time(4, 0))
                chain.seal(session, AuditEvent(at=at, event="login", account="alice", detail="{}"))
        capsys.readouterr()
        assert main(["audit", "verify", ini]) == 0
        other = str(write_ini("development.ini", name="other.ini",
                              **{"kjgl.audit_key": "some-other-audit-key-0123456789abcdef"}))
        assert main(["audit", "verify", other]) == 1
        assert "审计记录 #1 的内容已被修改" in capsys.readouterr().out
    finally:
        engine.dispose()
        chain.configure(TEST_AUDIT_KEY)
