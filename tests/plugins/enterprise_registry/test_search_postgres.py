"""On PostgreSQL the fuzzy search of the registry's lists is answered from
the trigram GIN indexes the plugin's migration creates (pg_trgm)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from kjgl.core import factories
from kjgl.plugins.enterprise_registry import generate, queries
from kjgl.plugins.enterprise_registry.models import Enterprise


@pytest.fixture
def postgres(dbsession):
    if dbsession.get_bind().dialect.name != "postgresql":
        pytest.skip("the trigram indexes exist on PostgreSQL (KJGL_TEST_DATABASE_URL)")
    return dbsession


@pytest.mark.parametrize("typed", ["恒达", "0000012", "50%"])
def test_search_uses_the_trigram_indexes(postgres, typed):
    factories.agency(postgres, "cq")
    generate.generate(postgres, 200, years=1, seed=3)
    postgres.execute(text("ANALYZE er_enterprise"))
    postgres.execute(text("SET LOCAL enable_seqscan = off"))  # a table this small would be scanned anyway
    # the lists' search predicate (queries.search) on the enterprise table
    stmt = select(Enterprise.id).where(queries.search(typed, Enterprise.name, Enterprise.credit_code))
    compiled = stmt.compile(dialect=postgres.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(r[0] for r in postgres.connection().exec_driver_sql(f"EXPLAIN {compiled}"))
    assert "ix_er_enterprise_name_trgm" in plan and "ix_er_enterprise_credit_code_trgm" in plan, plan
    assert "Bitmap Index Scan" in plan, plan
