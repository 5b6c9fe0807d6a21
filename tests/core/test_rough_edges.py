"""Rough edges a new user hit (issue 13 §5), as pages show them."""
from __future__ import annotations

from kjgl.core import factories
from kjgl.core.db import utcnow
from kjgl.core.testing import login
from tests.core.filings.conftest import Flow
from tests.core.filings.test_evaluation_flow import PLUGINS, fill, start_draft, submit, the_record, upload_signature


def test_organisation_status_says_when_it_was_approved_or_no_date_at_all(make_app, dbsession):
    # 02:00 UTC is 10:00 in Beijing the same day: the page shows local time
    reviewed = factories.organisation(dbsession, reviewed_at=utcnow().replace(year=2026, month=3, day=5, hour=2, minute=0))
    never = factories.organisation(dbsession)  # approved by set-up, no review time kept
    for org, wanted in ((reviewed, "单位信息已于 2026-03-05"), (never, "单位信息已审核通过")):
        app = make_app()
        admin = next(u for u in org_admins(dbsession, org))
        login(app, admin.account)
        text = " ".join(app.get("/org/status").html.select_one(".status-banner").text.split())
        assert wanted in text and "已于 审核通过" not in text


def org_admins(db, org):
    from kjgl.core.notifications.services import organisation_admins
    return organisation_admins(db, org.id)


def test_opinions_take_the_colour_of_their_decision(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.__dict__.update(PLUGINS["makerspace"])
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)
    district = flow.as_(flow.district)
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    fill(detail.forms["decision-form"], {"decision": "approve", "opinion": "同意上报"}).submit(status=303)
    cell = applicant.get(f"{flow.prefix}/").html.select_one("td.opinion")
    assert cell.text == "同意上报" and "opinion-approve" in cell["class"]
    history = applicant.get(f"{flow.prefix}/{sub.id}").html
    assert history.select_one("td.opinion-approve").text == "同意上报"


def test_403_says_which_role_the_page_needs(make_app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, "individual", organisation=org)
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    app = make_app()
    login(app, person.account)
    text = app.get("/makerspace/review/", status=403).html.select_one(".error-page").text
    assert "本页面供主管部门审核人员使用" in text and "模块配置" not in text
    text = app.get("/makerspace/", status=403).html.select_one(".error-page").text
    assert "众创空间" in text and "模块配置" in text  # a grant would open this one
    text = app.get("/admin/audit", status=403).html.select_one(".error-page").text
    assert "本页面供审计管理员使用" in text
    app = make_app()
    login(app, reviewer.account)
    text = app.get("/makerspace/batches", status=403).html.select_one(".error-page").text
    assert "市级或国家级主管部门" in text and "模块配置" not in text
    text = app.get("/makerspace/", status=403).html.select_one(".error-page").text
    assert "授权的个人用户使用" in text


def test_district_filter_follows_the_official_order_grouped_by_province(make_app, dbsession):
    from kjgl.core.agencies.tree_data import TIANJIN_DISTRICTS, TIANJIN_ZONES

    city = factories.user(dbsession, "agency", agency_code="tj")
    app = make_app()
    login(app, city.account)
    page = app.get("/makerspace/review/")
    names = [o.text for o in page.html.select("select[name=district] option") if o.get("value")]
    assert names == list(TIANJIN_DISTRICTS + TIANJIN_ZONES)  # 和平区 … 滨海新区, then the zones
    assert not page.html.select("select[name=district] optgroup")  # one province: no groups

    # the national reviewer over Tianjin and Chongqing: a Tianjin filing's records lie in
    # Tianjin only (issue 8 §3), so its filter lists Tianjin's districts, in the same order
    national = factories.user(dbsession, "agency", agency_code="torch")
    app = make_app()
    login(app, national.account)
    page = app.get("/makerspace/review/")
    assert [o.text for o in page.html.select("select[name=district] option") if o.get("value")] == names
    # where a reviewer's reach holds several provinces, they come grouped in the official order
    from itertools import groupby

    from kjgl.core.agencies import services as agency_services
    found = agency_services.districts(dbsession, within=national.agency)
    groups = [(parent.region, [a.region for a in items]) for parent, items in groupby(found, key=lambda a: a.parent)]
    assert [g for g, _ in groups] == ["天津市", "重庆市"]
    assert groups[0][1][:3] == ["和平区", "河东区", "河西区"] and groups[1][1][:2] == ["万州区", "黔江区"]


def test_favicon_and_password_autofill_hints(app):
    icon = app.get("/favicon.ico")
    assert icon.content_type == "image/x-icon" and icon.body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    login_page = app.get("/login").html
    assert login_page.select_one("#password")["autocomplete"] == "current-password"
    assert login_page.select_one("#account")["autocomplete"] == "username"
    legal = app.get("/register/legal").html
    assert legal.select_one("#password")["autocomplete"] == "new-password"


def test_signature_slot_states_its_limit_once(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.__dict__.update(PLUGINS["makerspace"])
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    page = start_draft(applicant, flow)
    slot = page.html.select_one("#field-signature").text
    assert slot.count("10") == 1 and "不超过10MB" in slot  # the slot's own hint
    assert "10M以内" not in page.text  # neither the paragraph above it nor the tip repeat it
