"""A large load on PostgreSQL (``kjgl generate-enterprises``) drops the
tables' secondary indexes, unique constraints and foreign keys, COPYs, and
builds them all again — inside one savepoint, so a load that is interrupted
or fails leaves every index and constraint as it was."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from stdnum.cn import uscc

from kjgl.core import factories
from kjgl.core.organisations.models import Organisation
from kjgl.plugins.enterprise_registry import generate
from kjgl.plugins.enterprise_registry.models import Enterprise, Report


@pytest.fixture
def postgres(dbsession):
    if dbsession.get_bind().dialect.name != "postgresql":
        pytest.skip("the bulk load's index and constraint rebuild is PostgreSQL's (KJGL_TEST_DATABASE_URL)")
    factories.agency(dbsession, "cq")
    return dbsession


def schema(db) -> set:
    """Every index and constraint of the loaded tables, with its definition and whether it is validated."""
    tables = list(generate.ORDER)
    indexes = db.execute(text("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                              "WHERE indrelid = ANY(CAST(:t AS regclass[]))"), {"t": tables}).all()
    constraints = db.execute(text("SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint "
                                  "WHERE conrelid = ANY(CAST(:t AS regclass[]))"), {"t": tables}).all()
    return set(indexes) | set(constraints)


def counts(db) -> tuple:
    return tuple(db.scalar(select(func.count()).select_from(t)) for t in (Organisation, Enterprise, Report))


def test_a_large_load_builds_every_index_and_constraint_again(postgres):
    before, rows = schema(postgres), counts(postgres)
    assert any("gin_trgm_ops" in str(item) for item in before) and len(before) > 40
    steps = []
    assert generate.generate(postgres, 40, years=2, batch=15, rebuild=True, workers=0, note=steps.append) == 40
    assert schema(postgres) == before  # all there again, foreign keys validated
    assert counts(postgres)[:2] == (rows[0] + 40, rows[1] + 40)
    assert {"重建索引 ix_er_enterprise_name_trgm", "重建唯一约束 uq_organisation_credit_code",
            "重建外键 fk_submission_organisation_id_organisation"} <= set(steps)  # it did drop them


class Interrupted(Exception):
    pass


def test_an_interrupted_load_leaves_every_index_and_constraint_and_no_rows(postgres):
    before, rows = schema(postgres), counts(postgres)

    def interrupt(done):
        if done >= 20:
            raise Interrupted  # as Ctrl-C between two chunks

    with pytest.raises(Interrupted):
        generate.generate(postgres, 60, years=1, batch=20, rebuild=True, workers=0, progress=interrupt)
    assert schema(postgres) == before
    assert counts(postgres) == rows


def test_a_load_whose_unique_constraint_fails_on_rebuild_leaves_the_tables_as_they_were(postgres):
    made = postgres.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.credit_code.like(generate.CODE_PREFIX + "%")))
    body = f"{generate.CODE_PREFIX}{made + 1:09d}"  # the code the load gives its first enterprise
    org = factories.organisation(postgres, name="重庆已有科技有限公司", agency_code="cq-d01")
    org.credit_code = body + uscc.calc_check_digit(body)
    postgres.flush()
    before, rows = schema(postgres), counts(postgres)
    with pytest.raises(Exception, match="uq_organisation_credit_code"):
        generate.generate(postgres, 30, years=1, batch=10, rebuild=True, workers=0)
    assert schema(postgres) == before
    assert counts(postgres) == rows


def test_worker_processes_make_the_same_rows_as_one_process(postgres):
    def load(workers):
        savepoint = postgres.begin_nested()
        generate.generate(postgres, 30, years=2, batch=10, workers=workers)
        made = postgres.execute(select(Enterprise.name, Enterprise.credit_code, Enterprise.registered_capital,
                                       Enterprise.review_state).order_by(Enterprise.id.desc()).limit(30)).all()
        reports = postgres.execute(select(Report.year, Report.total_revenue).order_by(
            Report.submission_id.desc()).limit(40)).all()
        savepoint.rollback()
        return made, reports

    assert load(2) == load(0)
