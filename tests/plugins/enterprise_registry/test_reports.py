"""The annual report: its tabs saved into typed columns on the engine's
pages, submitted to the enterprise's district, then decided by the district
and the city, returned with an opinion at either step."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from kjgl.plugins.enterprise_registry.models import Report, ReportPeople
from kjgl.plugins.enterprise_registry.schemas import REPORT

from .helpers import client, csrf, decide, listed_enterprise, report, reviewer, version_in

YEAR = dt.date.today().year - 1


def test_tabs_are_saved_as_typed_columns_on_the_engines_pages(make_app, dbsession):
    org, user, enterprise = listed_enterprise(dbsession)
    app = client(make_app, user)
    res = app.post("/enterprise-registry/reports/new", {"year": str(YEAR), "csrf_token": csrf(app)}, status=303)
    sub_id = int(res.location.split("/reports/")[1].split("/")[0])
    tab = app.get(f"/enterprise-registry/reports/{sub_id}/tab/finance")
    fields = {"main_revenue": "12000.5", "total_revenue": "13000", "profit": "-20.75", "tax": "100",
              "export_earnings": "0", "total_assets": "50000", "rd_expense": "900.25"}
    bad = app.post(f"/enterprise-registry/reports/{sub_id}/tab/finance",
                   {**fields, "tax": "1.234", "version": version_in(tab), "csrf_token": csrf(app)}, status=400)
    assert "上缴税金须为数字，最多保留2位小数" in bad.text
    app.post(f"/enterprise-registry/reports/{sub_id}/tab/finance",
             {**fields, "version": version_in(tab), "csrf_token": csrf(app)}, status=303)
    row = dbsession.get(Report, sub_id)
    dbsession.refresh(row)
    assert (row.main_revenue, row.profit, row.year, row.agency_id) == \
        (Decimal("12000.50"), Decimal("-20.75"), YEAR, enterprise.agency_id)
    submit = app.get(f"/enterprise-registry/reports/{sub_id}/submit")
    assert "人员状况" in submit.text and "受理机构" not in submit.text  # what is missing, by tab; no agency to choose


def test_district_then_city_with_returns_and_both_opinions(make_app, dbsession):
    org, user, enterprise = listed_enterprise(dbsession)
    sub = report(dbsession, org, user, YEAR)
    district, city = reviewer(dbsession, "cq-d01"), reviewer(dbsession, "cq")
    city_app = client(make_app, city)
    assert "年报数据审核" in city_app.get("/enterprise-registry/agency/report-review/").text
    assert org.name not in city_app.get("/enterprise-registry/agency/report-review/").text  # the district's turn

    d_app = client(make_app, district)
    assert org.name in d_app.get("/enterprise-registry/agency/report-review/").text
    page = d_app.get(f"/enterprise-registry/agency/report-review/{sub.id}")
    assert "经营概况" in page.text and "12345.67" in page.text
    d_app.post(f"/enterprise-registry/agency/report-review/{sub.id}/decide",
               {"decision": "return", "opinion": "研发费用口径有误", "version": version_in(page),
                "csrf_token": csrf(d_app)}, status=303)
    dbsession.refresh(sub)
    assert (sub.state, sub.last_opinion) == ("returned", "研发费用口径有误")

    from .helpers import ctx
    from kjgl.plugins.enterprise_registry import services
    assert services.submit_report(ctx(dbsession, user), sub)[0].ok
    decide(dbsession, REPORT.kind, sub, district, "approve", "区县审核通过")
    assert (sub.state, sub.step) == ("submitted", 1)
    page = city_app.get(f"/enterprise-registry/agency/report-review/{sub.id}")
    city_app.post(f"/enterprise-registry/agency/report-review/{sub.id}/decide",
                  {"decision": "return", "opinion": "请补充高企证书", "version": version_in(page),
                   "csrf_token": csrf(city_app)}, status=303)
    dbsession.refresh(sub)
    assert (sub.state, sub.step, sub.last_opinion) == ("returned", 0, "请补充高企证书")

    services.submit_report(ctx(dbsession, user), sub)
    decide(dbsession, REPORT.kind, sub, district)
    decide(dbsession, REPORT.kind, sub, city, "approve", "同意")
    assert sub.state == "approved"
    shown = d_app.get(f"/enterprise-registry/agency/reports/{sub.id}")
    for opinion in ("研发费用口径有误", "区县审核通过", "请补充高企证书", "同意", "市局审核", "区县审核"):
        assert opinion in shown.text
    # the district cannot take the city's step
    other_year = report(dbsession, org, user, YEAR - 1)
    decide(dbsession, REPORT.kind, other_year, district)
    page = d_app.get(f"/enterprise-registry/agency/reports/{other_year.id}")
    assert 'popovertarget="decide"' not in page.text
    d_app.post(f"/enterprise-registry/agency/report-review/{other_year.id}/decide",
               {"decision": "approve", "version": str(other_year.version), "csrf_token": csrf(d_app)}, status=403)


def test_another_district_cannot_reach_a_report(make_app, dbsession):
    org, user, _ = listed_enterprise(dbsession)
    sub = report(dbsession, org, user, YEAR)
    other = client(make_app, reviewer(dbsession, "cq-d02"))
    for url in (f"/enterprise-registry/agency/report-review/{sub.id}", f"/enterprise-registry/agency/reports/{sub.id}"):
        other.get(url, status=404)
    other.post(f"/enterprise-registry/agency/report-review/{sub.id}/decide",
               {"decision": "approve", "version": str(sub.version), "csrf_token": csrf(other)}, status=404)
    assert org.name not in other.get("/enterprise-registry/agency/reports/").text
    assert dbsession.get(ReportPeople, sub.id).employees == 50


def test_a_report_not_yet_submitted_follows_an_approved_change_of_district(dbsession):
    from kjgl.plugins.enterprise_registry.schemas import BASIC

    from .helpers import submitted_basic
    org, user, enterprise = listed_enterprise(dbsession)
    draft = report(dbsession, org, user, YEAR, submit=False)
    sent = report(dbsession, org, user, YEAR - 1)
    change = submitted_basic(dbsession, org, user, district="黔江区")
    assert draft.agency.code == "cq-d01"  # until the change is approved
    decide(dbsession, BASIC.kind, change, reviewer(dbsession, "cq-d02"))
    dbsession.expire_all()
    assert (draft.agency.code, dbsession.get(Report, draft.id).agency_id) == ("cq-d02", draft.agency_id)
    assert sent.agency.code == "cq-d01"  # its route was stored when it was submitted
