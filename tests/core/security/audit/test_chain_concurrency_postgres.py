"""On PostgreSQL two transactions appending audit records are serialised by
an advisory lock, so they never chain to the same predecessor. (On SQLite
the single writer does this; there the test has nothing to prove.)"""
import threading
import time

import pytest
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from kjgl.core.audit import chain
from kjgl.core.audit.models import AuditAnchor, AuditEvent
from kjgl.core.audit.services import record


@pytest.fixture
def committed(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == 0
    yield engine
    with engine.begin() as conn:
        conn.execute(delete(AuditEvent))
        conn.execute(delete(AuditAnchor))


def test_second_writer_waits_for_the_first_and_chains_to_it(committed):
    first = Session(committed)
    record(first, None, "login", account="first")
    first.flush()
    finished = threading.Event()

    def second_writer():
        with Session(committed) as second, second.begin():
            record(second, None, "login", account="second")
        finished.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.5)
    assert not finished.is_set()  # blocked on the lock while the first is open
    first.commit()
    first.close()
    thread.join(10)
    assert finished.is_set()
    with Session(committed) as check:
        result = chain.verify(check)
        assert result.ok and result.checked == 2
