"""Above a district, a list's scope is the subtree's ids given as a list (the planner then
knows from the statistics of ``agency_id`` how many rows they hold; as a subquery on the
small, never-analysed agency table it guessed one district and walked a million enterprises
district by district)."""
from __future__ import annotations

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.agencies.models import Agency
from kjgl.plugins.enterprise_registry import queries
from kjgl.plugins.enterprise_registry.models import Enterprise


def test_the_city_scope_is_its_subtree_as_a_list_of_ids(dbsession):
    city = factories.agency(dbsession, "cq")
    subtree = set(dbsession.scalars(select(Agency.id).where(Agency.path.startswith(city.path))))
    predicate = queries.scope(Enterprise.agency_id, city)
    compiled = predicate.compile(dialect=dbsession.get_bind().dialect, compile_kwargs={"literal_binds": True})
    assert "agency" not in str(compiled).replace("er_enterprise.agency_id", "")  # no subquery on the agency table
    assert set(predicate.right.value) == subtree and len(subtree) > 40
    district = factories.agency(dbsession, "cq-d01")
    assert str(queries.scope(Enterprise.agency_id, district).compile(compile_kwargs={"literal_binds": True})) == \
        f"er_enterprise.agency_id = {district.id}"
