"""Retention: purge deletes only old records from the front of the chain,
never one younger than 184 days, and the chain still verifies afterwards."""
import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditAnchor, AuditEvent
from kjgl.core.audit.services import record

TODAY = dt.date(2026, 11, 22)


@dataclass
class Made:
    id: int
    hash: str


def _at(dbsession, day: dt.date, event="login"):
    """A record made at noon Beijing time on ``day``."""
    row = AuditEvent(at=dt.datetime.combine(day, dt.time(4, 0)), event=event, account="alice", detail="{}")
    chain.seal(dbsession, row)
    dbsession.flush()
    return Made(row.id, row.hash)


def _ids(dbsession):
    return list(dbsession.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


@pytest.fixture
def history(dbsession):
    """Records 300, 250, 200 and 10 days before TODAY."""
    return [_at(dbsession, TODAY - dt.timedelta(days=d)) for d in (300, 250, 200, 10)]


def test_purge_deletes_older_records_and_keeps_the_chain_verifiable(dbsession, history):
    before = TODAY - dt.timedelta(days=220)
    assert chain.purge(dbsession, before, today=TODAY) == 2
    dbsession.expire_all()
    assert _ids(dbsession) == [history[2].id, history[3].id]
    anchor = dbsession.scalars(select(AuditAnchor)).one()
    assert anchor.last_id == history[1].id and anchor.last_hash == history[1].hash and anchor.purged == 2
    assert anchor.before == before
    assert chain.verify(dbsession).ok


def test_without_the_anchor_the_cut_would_look_like_tampering(dbsession, history):
    chain.purge(dbsession, TODAY - dt.timedelta(days=220), today=TODAY)
    dbsession.query(AuditAnchor).delete()
    dbsession.expire_all()
    assert chain.verify(dbsession).problem == chain.Problem(history[2].id, "link")


def test_purge_refuses_a_cutoff_inside_the_retention_period(dbsession, history):
    too_late = TODAY - dt.timedelta(days=183)
    with pytest.raises(chain.PurgeRefused, match="至少保留184天"):
        chain.purge(dbsession, too_late, today=TODAY)
    assert len(_ids(dbsession)) == 4
    assert dbsession.scalar(select(func.count()).select_from(AuditAnchor)) == 0


def test_the_last_allowed_cutoff_keeps_every_record_younger_than_184_days(dbsession):
    old = _at(dbsession, TODAY - dt.timedelta(days=185))
    edge = _at(dbsession, TODAY - dt.timedelta(days=184))
    young = _at(dbsession, TODAY - dt.timedelta(days=183))
    assert chain.purge(dbsession, TODAY - dt.timedelta(days=184), today=TODAY) == 1
    dbsession.expire_all()
    assert _ids(dbsession) == [edge.id, young.id]
    assert old.id not in _ids(dbsession)


def test_a_younger_record_stops_the_purge_there(dbsession):
    """Ids and times normally agree; if a clock went back, the chain is cut
    before the first young record rather than leaving a hole in it."""
    first = _at(dbsession, TODAY - dt.timedelta(days=300))
    young = _at(dbsession, TODAY - dt.timedelta(days=5))
    late_old = _at(dbsession, TODAY - dt.timedelta(days=290))
    assert chain.purge(dbsession, TODAY - dt.timedelta(days=200), today=TODAY) == 1
    dbsession.expire_all()
    assert _ids(dbsession) == [young.id, late_old.id]
    assert chain.verify(dbsession).ok


def test_after_purging_everything_new_records_chain_to_the_anchor(dbsession, history):
    chain.purge(dbsession, TODAY - dt.timedelta(days=1) - dt.timedelta(days=184), today=TODAY)
    dbsession.expire_all()
    assert _ids(dbsession) == [history[3].id]
    chain.purge(dbsession, TODAY, today=TODAY + dt.timedelta(days=200))
    dbsession.expire_all()
    assert _ids(dbsession) == []
    row = record(dbsession, None, "audit_purge", account="kjgl-cli")
    dbsession.flush()
    assert row.prev_hash == history[3].hash
    assert chain.verify(dbsession).ok


def test_nothing_old_enough_purges_nothing(dbsession):
    _at(dbsession, TODAY - dt.timedelta(days=10))
    assert chain.purge(dbsession, TODAY - dt.timedelta(days=200), today=TODAY) == 0
    assert dbsession.scalar(select(func.count()).select_from(AuditAnchor)) == 0
