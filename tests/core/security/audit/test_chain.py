"""The audit hash chain: every record chains to the one before; verify
finds a changed, deleted or inserted record."""
import datetime as dt

from sqlalchemy import select, text

from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.services import record


def _three(dbsession):
    rows = [record(dbsession, None, "login", account="alice", target=str(i)) for i in range(3)]
    dbsession.flush()
    return rows


def _rows(dbsession):
    return list(dbsession.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_each_record_chains_to_the_one_before(dbsession):
    a, b, c = _three(dbsession)
    assert a.prev_hash is None
    assert b.prev_hash == a.hash and c.prev_hash == b.hash
    assert len({a.hash, b.hash, c.hash}) == 3 and all(len(r.hash) == 64 for r in (a, b, c))
    result = chain.verify(dbsession)
    assert result.ok and result.checked == 3


def test_records_of_one_transaction_chain_before_any_flush(dbsession):
    with dbsession.no_autoflush:
        a = record(dbsession, None, "login", account="alice")
        b = record(dbsession, None, "logout", account="alice")
    assert b.prev_hash == a.hash
    dbsession.flush()
    assert chain.verify(dbsession).ok


def test_changed_detail_is_found(dbsession):
    a, b, c = _three(dbsession)
    dbsession.execute(text("UPDATE audit_event SET detail = :d WHERE id = :id"),
                      {"d": '{"target": "9"}', "id": b.id})
    dbsession.expire_all()
    result = chain.verify(dbsession)
    assert not result.ok
    assert result.problem.row_id == b.id and result.problem.kind == "changed"
    assert f"#{b.id}" in result.problem.message and "修改" in result.problem.message
    assert result.checked == 1


def test_changed_success_flag_is_found(dbsession):
    a, b, c = _three(dbsession)
    dbsession.execute(text("UPDATE audit_event SET success = :f WHERE id = :id"), {"f": False, "id": c.id})
    dbsession.expire_all()
    assert chain.verify(dbsession).problem == chain.Problem(c.id, "changed")


def test_deleted_middle_record_is_found(dbsession):
    a, b, c = _three(dbsession)
    dbsession.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": b.id})
    dbsession.expire_all()
    result = chain.verify(dbsession)
    assert result.problem == chain.Problem(c.id, "link")
    assert "删除" in result.problem.message


def test_deleted_first_record_is_found(dbsession):
    a, b, c = _three(dbsession)
    dbsession.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": a.id})
    dbsession.expire_all()
    assert chain.verify(dbsession).problem == chain.Problem(b.id, "link")


def test_inserted_record_is_found_even_with_a_forged_hash(dbsession):
    a, b, c = _three(dbsession)
    gap = c.id + 10
    dbsession.execute(text("UPDATE audit_event SET id = :new WHERE id = :id"), {"new": gap, "id": c.id})
    # a forger who knows the scheme chains the new record to b; c still points at b
    forged = AuditEvent(id=c.id + 5, at=dt.datetime(2026, 1, 1), event="login", account="mallory",
                        detail="{}", success=True)
    forged.prev_hash = b.hash
    forged.hash = chain.digest(forged)
    dbsession.add(forged)
    dbsession.flush()
    dbsession.expire_all()
    assert chain.verify(dbsession).problem == chain.Problem(gap, "link")


def test_requests_keep_the_chain_intact(app, dbsession):
    from kjgl.core import factories
    from kjgl.core.testing import login

    user = factories.user(dbsession, "individual", account="chainuser")
    login(app, user.account, "wrong-password", status=200)
    login(app, user.account)
    events = [r.event for r in _rows(dbsession)]
    assert "login" in events and "login_failed" in events
    assert chain.verify(dbsession).ok
