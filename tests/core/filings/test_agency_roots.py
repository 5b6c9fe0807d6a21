"""The filings' menu rules need the province's bureau and the accepting
agencies of the filings decided by a chosen agency: on every page of agency
staff they come from one read of the agency table, and they are what the
separate lookups give (core/filings/__init__.py ``_agency_roots``)."""
from __future__ import annotations

import re

from pyramid.request import Request
from pyramid.scripting import prepare

from kjgl.core import factories
from kjgl.core.agencies.services import province_bureau
from kjgl.core.filings import record_roots
from kjgl.core.filings.tabbed import accepting_agencies
from kjgl.core.testing import login

ALL_PLUGINS = ("makerspace", "incubator", "national_record", "enterprise_registry")


def agency_reads(statements) -> list[str]:
    return [s for s in statements if re.match(r"SELECT agency\.id\b.*\sFROM agency\s+WHERE", s, re.S)]


def test_a_staff_page_reads_the_filings_roots_in_one_statement(make_app, dbsession, sql_statements):
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    dbsession.flush()
    app = make_app(plugins=ALL_PLUGINS, **{"kjgl.accepting.national_record": "level:city"})
    login(app, reviewer.account)
    page = app.get("/messages")
    assert "众创空间绩效评估" in page.text  # the menu decided the filings' rules
    statements = sql_statements(lambda: app.get("/messages", status=200))
    assert len(agency_reads(statements)) == 1, agency_reads(statements)


def test_the_roots_are_what_the_separate_lookups_give(make_app, dbsession):
    factories.agency(dbsession, "tj-d01")  # the agency trees of the deployment
    for accepting in ("level:city", "tj-d02 tj", "level:district level:city tj"):
        app = make_app(plugins=ALL_PLUGINS, **{"kjgl.accepting.national_record": accepting})
        registry = app.app.registry
        env = prepare(request=Request.blank("/"), registry=registry)
        try:
            request = env["request"]
            request.environ["kjgl.dbsession"] = dbsession
            settings = registry.settings
            filings = registry["kjgl.filings"]
            chosen = record_roots(request, filings["national_record"])
            assert chosen == accepting_agencies(dbsession, settings, "national_record"), accepting
            first = accepting.split()[0]
            assert chosen and (chosen[0].level == first[6:] if first.startswith("level:") else chosen[0].code == first)
            assert len({a.id for a in chosen}) == len(chosen)  # 天津 named twice ("level:city tj") is listed once
            root = province_bureau(dbsession, settings["kjgl.province"])
            assert root is not None and request.records_root == root
            assert record_roots(request, filings["makerspace"]) == [root]
        finally:
            env["closer"]()
