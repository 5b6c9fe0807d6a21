"""The annual report returned with marks on its tabs (issue 13 §3, core
filings/marks.py on the registry's review page): the enterprise sees them on
the engine's tab pages; the district sees what changed on resubmission."""
from __future__ import annotations

import datetime as dt

from .helpers import client, csrf, ctx, listed_enterprise, report, reviewer, version_in

YEAR = dt.date.today().year - 1


def test_a_report_returned_with_marks_shows_them_and_the_changes(make_app, dbsession):
    from kjgl.plugins.enterprise_registry import services

    org, user, _ = listed_enterprise(dbsession)
    sub = report(dbsession, org, user, YEAR)
    d_app = client(make_app, reviewer(dbsession, "cq-d01"))
    page = d_app.get(f"/enterprise-registry/agency/report-review/{sub.id}")
    offered = {i["value"] for i in page.html.select("#field-marks input[name=mark]")}
    assert {"rd_expense", "employees"} <= offered
    d_app.post(f"/enterprise-registry/agency/report-review/{sub.id}/decide",
               [("decision", "return"), ("opinion", "请按标记修改"), ("version", version_in(page)),
                ("csrf_token", csrf(d_app)), ("mark", "rd_expense"), ("mark_note.rd_expense", "研发费用口径有误"),
                ("mark", "employees")], status=303)
    dbsession.refresh(sub)
    assert sub.state == "returned"

    app = client(make_app, user)
    tab = app.get(f"/enterprise-registry/reports/{sub.id}/tab/finance")
    assert "2处" in tab.html.select_one(".review-marks").text
    assert "研发费用口径有误" in tab.html.select_one("#field-rd_expense .review-mark").text
    marked_tabs = [a.get_text(" ", strip=True) for a in tab.html.select(".tabbar a") if a.select_one(".badge.marked")]
    assert len(marked_tabs) == 2 and any(t.startswith("经营概况") for t in marked_tabs)
    fields = {i["name"]: i.get("value", "") for i in tab.html.select("#tab-form input[type=text], #tab-form input[type=number]")
              if i.get("name")}
    fields.update({"rd_expense": "800", "version": version_in(tab), "csrf_token": csrf(app)})
    app.post(f"/enterprise-registry/reports/{sub.id}/tab/finance", fields, status=303)
    dbsession.expire_all()
    assert services.submit_report(ctx(dbsession, user), sub)[0].ok

    lines = [li.text for li in d_app.get(f"/enterprise-registry/agency/report-review/{sub.id}")
             .html.select(".since-return li")]
    assert any("研发费用" in line and "→ 800" in line for line in lines)
    assert any(line.startswith("已标记并已修改") and "研发费用" in line for line in lines)
    assert any(line.startswith("已标记但未修改") and "人员状况" in line for line in lines)
