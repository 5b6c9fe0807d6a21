"""Tabs stored in typed columns (``Tab.model``), submission along a chain
decided by the record's own district, and standing records (versions whose
approved one stays current while a change is reviewed) — on a small document
type declared in the tests."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from webob.multidict import MultiDict

from kjgl.core import factories
from kjgl.core.filings import standing, tabbed
from kjgl.core.review import services as review

from .tabbed_doc import DISTRICT_CHAIN, TYPED, DocBase, FiguresRow


@pytest.fixture
def typed(dbsession):
    DocBase.metadata.create_all(dbsession.connection(), tables=[DocBase.metadata.tables["testdoc_figures"]])
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    ctx = tabbed.Context(db=dbsession, actor=applicant, settings={})

    class T:
        pass
    t = T()
    t.__dict__.update(db=dbsession, org=org, ctx=ctx, district=factories.agency(dbsession, "tj-d01"),
                      reviewer=factories.user(dbsession, "agency", agency_code="tj-d01"))
    return t


def save(t, sub, tab, **fields):
    return tabbed.save_tab(t.ctx, TYPED, sub, TYPED.tab(tab), MultiDict(fields), None)


def test_a_typed_tab_is_stored_in_its_columns_and_leaves_the_other_tab_alone(typed):
    sub = standing.start_version(typed.ctx, TYPED, typed.org, title="年报")
    assert save(typed, sub, "people", staff="12", kind="甲").ok
    assert save(typed, sub, "money", revenue="1234.50", started_on="2020-02-03").ok
    row = typed.db.get(FiguresRow, sub.id)
    assert (row.revenue, row.started_on, row.staff, row.kind) == (Decimal("1234.50"), dt.date(2020, 2, 3), 12, "甲")
    assert tabbed.stored_values(typed.db, TYPED, sub) == {"revenue": "1234.50", "started_on": "2020-02-03",
                                                          "staff": "12", "kind": "甲"}
    refused = save(typed, sub, "money", revenue="-1", started_on="")
    assert not refused.ok and "revenue" in refused.errors
    assert typed.db.get(FiguresRow, sub.id).revenue == Decimal("1234.50")


def test_problems_read_the_typed_columns(typed):
    sub = standing.start_version(typed.ctx, TYPED, typed.org, title="年报")
    save(typed, sub, "money", revenue="1")
    assert {(p.tab, p.key) for p in tabbed.problems(typed.db, TYPED, sub)} == \
        {("money", "started_on"), ("people", "staff"), ("people", "kind")}


def test_a_district_chain_submits_without_choosing_an_agency(typed):
    sub = standing.start_version(typed.ctx, TYPED, typed.org, title="年报")
    save(typed, sub, "money", revenue="1", started_on="2020-01-01")
    save(typed, sub, "people", staff="1", kind="乙")
    sub.agency_id = typed.district.id
    outcome, found = tabbed.submit(typed.ctx, TYPED, DISTRICT_CHAIN, sub)
    assert outcome.ok and not found and sub.state == "submitted"
    assert review.step_agency(typed.db, sub, DISTRICT_CHAIN, 0).id == typed.district.id


def test_the_approved_version_stays_current_while_a_new_one_is_reviewed(typed):
    first = standing.start_version(typed.ctx, TYPED, typed.org, title="年报")
    save(typed, first, "money", revenue="100", started_on="2020-01-01")
    save(typed, first, "people", staff="3", kind="甲")
    first.agency_id = typed.district.id
    tabbed.submit(typed.ctx, TYPED, DISTRICT_CHAIN, first)
    review.decide(typed.db, DISTRICT_CHAIN, first, typed.reviewer, decision="approve", expected_version=first.version)

    second = standing.start_version(typed.ctx, TYPED, typed.org, title="年报")
    assert tabbed.stored_values(typed.db, TYPED, second)["revenue"] == "100.00"  # starts from the approved one
    with pytest.raises(review.InvalidDecision):
        standing.start_version(typed.ctx, TYPED, typed.org, title="年报")  # one change at a time
    save(typed, second, "money", revenue="200", started_on="2020-01-01")
    found = standing.versions(typed.db, TYPED, typed.org.id)
    assert [standing.version_number(v) for v in found] == [2, 1]
    assert standing.approved(found) is first and standing.working(found) is second
    assert typed.db.get(FiguresRow, first.id).revenue == Decimal("100.00")
