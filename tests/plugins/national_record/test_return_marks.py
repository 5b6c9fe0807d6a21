"""Field-level return on the tabbed application (issue 13 §3): the reviewer
marks a field, a detail-table row and a row's proof on different tabs; the
applicant sees each next to it on its tab, listed at the top with a link to
the tab and field, and counted on the tab bar; on resubmission the reviewer
sees what changed since the return, across the tabs."""
from __future__ import annotations

from sqlalchemy import select

from kjgl.core.audit.models import AuditEvent
from kjgl.core.review.models import Submission
from kjgl.plugins.national_record import models

from .conftest import PDF
from .test_application_flow import complete, page_token, save, submit, venue


def _submitted(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    complete(app, sid)
    app.get(f"/national-record/{sid}/application.docx")
    submit(app, sid, "tj-d02", journey.db)
    return app, sid


def test_marks_on_tabs_reach_the_applicant_and_the_reviewer_sees_the_diff(journey):
    app, sid = _submitted(journey)
    db = journey.db
    venue_row = db.scalars(select(models.Venue).where(models.Venue.submission_id == sid)).one()
    reviewer = journey.as_(journey.other)
    detail = reviewer.get(f"/national-record/review/{sid}")
    form = detail.forms["decision-form"]
    offered = {box._value for box in form.fields["mark"]}
    row, proof = f"row.venues.{venue_row.id}", f"proof.venues.{venue_row.id}.proof"
    assert {"intro", row, proof, "pledge"} <= offered
    legends = [lg.text for lg in detail.html.select("#field-marks legend")]
    assert "基础信息" in legends and "服务场地" in legends
    form["decision"], form["opinion"] = "return", "请按标记修改"
    for box in form.fields["mark"]:
        box.checked = box._value in ("intro", row, proof)
    form["mark_note.intro"] = "简介过于简单"
    form[f"mark_note.{row}"] = "面积与合同不符"
    form.submit(status=303)
    audited = db.scalars(select(AuditEvent).where(AuditEvent.event == "filing_review")).all()[-1]
    assert "服务场地 · 服务场地第1行" in audited.detail

    # the applicant: listed at the top of every tab with links to tab and field; counted on the tab bar
    page = app.get(f"/national-record/{sid}/tab/venues")
    listed = page.html.select_one(".review-marks")
    assert "3处" in listed.text and "简介过于简单" in listed.text
    links = [a["href"] for a in listed.select("a")]
    assert any(h.endswith("/tab/basic#field-intro") for h in links)
    assert any(h.endswith(f"/tab/venues#row-venues-r{venue_row.id}") for h in links)
    badges = {a.get_text(" ", strip=True).split()[0]: a.select_one(".badge.marked").text
              for a in page.html.select(".tabbar a") if a.select_one(".badge.marked")}
    assert badges == {"基础信息": "标记1", "服务场地": "标记2"}
    assert "面积与合同不符" in page.html.select_one(f"#row-venues-r{venue_row.id} .review-mark").text
    assert "请修改" in page.html.select_one(f"#field-venues-r{venue_row.id}-proof .review-mark").text
    basic = app.get(f"/national-record/{sid}/tab/basic")
    assert "简介过于简单" in basic.html.select_one("#field-intro .review-mark").text

    # fixed: the intro and the row's area; a new proof; then resubmitted
    save(app, sid, "basic", [("address", "天津市和平区南京路189号"), ("founded_on", "2016-05-20"), ("kind", "综合型"),
                             ("head", "陈建国"), ("head_mobile", "13820001234"), ("contact", "张敏"),
                             ("contact_mobile", "13612345678"), ("intro", "综合型众创空间，服务科技型创业团队")])
    fields = venue(f"r{venue_row.id}", area="12") + [(f"venues-r{venue_row.id}-id", str(venue_row.id))]
    save(app, sid, "venues", fields, files=[(f"venues-r{venue_row.id}-proof", "新租赁合同.pdf", PDF)])
    app.get(f"/national-record/{sid}/application.docx")
    submit(app, sid, "tj-d02", journey.db)
    db.expire_all()
    assert db.get(Submission, sid).state == "submitted"

    lines = [li.text for li in reviewer.get(f"/national-record/review/{sid}").html.select(".since-return li")]
    assert any(line.startswith("基础信息 · ") and "简介" in line for line in lines)
    assert any("服务场地 · 第1行" in line and "10.00 → 12.00" in line for line in lines)
    assert any("新增 新租赁合同.pdf" in line and "删除 租赁合同.pdf" in line for line in lines)
    assert any(line.startswith("已标记并已修改") and "简介" in line for line in lines)
    # resubmitted: the applicant's pages no longer show the marks
    assert app.get(f"/national-record/{sid}/tab/venues").html.select_one(".review-marks") is None


def test_a_mark_on_a_row_of_another_record_is_ignored(journey):
    app, sid = _submitted(journey)
    reviewer = journey.as_(journey.other)
    detail = reviewer.get(f"/national-record/review/{sid}")
    token = page_token(detail, "csrf_token")
    sub = journey.db.get(Submission, sid)
    reviewer.post(f"/national-record/review/{sid}/decide", {
        "csrf_token": token, "decision": "return", "opinion": "x", "version": str(sub.version),
        "mark": ["row.venues.999999", "intro"], "mark_note.intro": "请补充"}, status=303)
    page = app.get(f"/national-record/{sid}/tab/basic")
    assert "1处" in page.html.select_one(".review-marks").text
