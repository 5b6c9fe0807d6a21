"""单位审核 by the competent agency: scoped list, detail, decision."""
import io
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from kjgl.core import factories
from kjgl.core.attachments.services import add_upload
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.audit.models import AuditEvent
from kjgl.core.organisations import services
from kjgl.core.organisations.models import Organisation, OrganisationReview
from kjgl.core.organisations.schemas import SLOTS
from kjgl.core.testing import login


def reviewer_app(app, dbsession, agency_code="tj-d01"):
    reviewer = factories.user(dbsession, "agency", agency_code=agency_code)
    login(app, reviewer.account)
    return reviewer


def decide(app, org, decision, opinion="", status=303):
    page = app.get(f"/agency/organisations/{org.id}")
    form = page.forms["decision-form"]
    form["decision"] = decision
    form["opinion"] = opinion
    return form.submit(status=status)


def listed(res) -> list[str]:
    return [a.get_text() for a in res.html.select("table.list tbody td:nth-of-type(2) a")]


def test_list_shows_only_the_reviewers_subtree_pending_by_default(app, dbsession):
    heping = factories.organisation(dbsession, name="和平待审单位", status="pending", agency_code="tj-d01")
    factories.organisation(dbsession, name="西青待审单位", status="pending", agency_code="tj-d08")
    factories.organisation(dbsession, name="和平已生效单位", status="active", agency_code="tj-d01")
    reviewer_app(app, dbsession, "tj-d01")

    res = app.get("/agency/organisations")
    assert listed(res) == ["和平待审单位"]
    assert res.html.select_one("#status option[selected]")["value"] == "pending"
    assert "138****" not in res.text and "139****0000" in res.text  # masked contact mobile
    assert listed(app.get("/agency/organisations", {"status": "active"})) == ["和平已生效单位"]
    assert sorted(listed(app.get("/agency/organisations", {"status": "all"}))) == ["和平已生效单位", "和平待审单位"]
    assert listed(app.get("/agency/organisations", {"status": "all", "name": "已生效"})) == ["和平已生效单位"]
    assert listed(app.get("/agency/organisations", {"name": "100%_"})) == []
    assert heping.name in app.get(f"/agency/organisations/{heping.id}").text


def test_city_reviewer_sees_every_district(app, dbsession):
    factories.organisation(dbsession, name="和平待审单位", status="pending", agency_code="tj-d01")
    factories.organisation(dbsession, name="高新区待审单位", status="pending", agency_code="tj-z01")
    factories.organisation(dbsession, name="渝中待审单位", status="pending", agency_code="cq-d04")
    reviewer_app(app, dbsession, "tj")
    assert sorted(listed(app.get("/agency/organisations"))) == ["和平待审单位", "高新区待审单位"]


def test_list_pages(app, dbsession):
    for i in range(17):
        factories.organisation(dbsession, name=f"分页测试单位{i:02d}", status="pending", agency_code="tj-d02")
    reviewer_app(app, dbsession, "tj-d02")
    first = app.get("/agency/organisations")
    assert len(listed(first)) == 15 and "共17条记录" in first.text and "共2页" in first.text
    second = app.get("/agency/organisations", {"page": 2})
    assert len(listed(second)) == 2 and "当前第2页" in second.text
    assert not set(listed(first)) & set(listed(second))


def test_another_districts_reviewer_gets_not_found(app, dbsession):
    org = factories.organisation(dbsession, status="pending", agency_code="tj-d08")
    reviewer_app(app, dbsession, "tj-d01")
    app.get(f"/agency/organisations/{org.id}", status=404)
    csrf = app.get("/agency/organisations").html.select_one("input[name=csrf_token]")["value"]
    app.post(f"/agency/organisations/{org.id}/decision",
             {"csrf_token": csrf, "decision": "approve", "opinion": ""}, status=404)
    app.get("/agency/organisations/99999999999999999999999", status=404)
    dbsession.refresh(org)
    assert org.status == "pending" and org.reviews == []


def test_detail_shows_every_field_and_attachment(app, dbsession, storage_dir):
    org = factories.organisation(dbsession, status="pending", agency_code="tj-d01")
    admin = factories.org_admin(dbsession, org)
    upload = SimpleNamespace(filename="营业执照.pdf", file=io.BytesIO(b"%PDF-1.4 test"))
    attachment = add_upload(dbsession, DirectoryStorage(storage_dir), owner_type="organisation", owner_id=org.id,
                            slot=SLOTS[0], upload=upload, default_max=10 * 1024 * 1024, user=admin)
    reviewer_app(app, dbsession, "tj-d01")
    page = app.get(f"/agency/organisations/{org.id}")
    for text in (org.name, org.credit_code, "企业法人", "李四", "139****0000", "contact@example.cn",
                 "和平区科学技术局", "天津市和平区南京路1号", "中国银行天津分行", "621600******0000",
                 "110105********002X"):
        assert text in page.text, text
    # personal numbers in full only on request (audited: tests/core/security/privacy)
    full = app.get(f"/agency/organisations/{org.id}", {"full": "1"})
    assert "13900000000" in full.text and "11010519491231002X" in full.text and "6216000000000000" in full.text
    link = page.html.select_one("#field-licence .files a")
    assert link.get_text() == "营业执照.pdf"
    download = app.get(link["href"])
    assert download.body == b"%PDF-1.4 test"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert attachment.id == int(link["href"].rsplit("/", 1)[1])


def test_return_requires_an_opinion(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer_app(app, dbsession)
    res = decide(app, org, "return", "", status=200)
    assert "审核不通过时必须填写审核意见" in res.html.select_one("#field-opinion .error").get_text()
    dbsession.refresh(org)
    assert org.status == "pending" and org.reviews == []


def test_decision_must_be_chosen(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer_app(app, dbsession)
    page = app.get(f"/agency/organisations/{org.id}")
    res = page.forms["decision-form"].submit(status=200)
    assert "请选择审核结果" in res.html.select_one("#field-decision .error").get_text()


def test_return_stores_the_opinion_and_reopens_the_form(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer = reviewer_app(app, dbsession)
    res = decide(app, org, "return", "开户许可证缺失")
    assert "已审核不通过" in res.follow().text
    dbsession.refresh(org)
    assert org.status == "returned" and org.reviewed_at is not None
    (review,) = org.reviews
    assert (review.reviewer_id, review.decision, review.opinion) == (reviewer.id, "return", "开户许可证缺失")


def test_approval_activates_the_organisation_and_its_admin(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer = reviewer_app(app, dbsession)
    decide(app, org, "approve", "材料齐全")
    dbsession.refresh(org)
    assert org.status == "active" and org.reviewed_at is not None
    assert [(r.decision, r.opinion) for r in org.reviews] == [("approve", "材料齐全")]
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "org_review")).one()
    assert (event.user_id, event.object_id) == (reviewer.id, str(org.id))
    # the detail page no longer offers a decision
    assert "decision-form" not in app.get(f"/agency/organisations/{org.id}").text

    app.reset()
    admin = factories.org_admin(dbsession, org)
    res = login(app, admin.account)
    assert res.location.endswith("/org/users")
    app.get("/org/users", status=200)
    status = app.get("/org/status")
    assert "已生效" in status.text and "材料齐全" in status.text


def test_organisation_admin_of_pending_org_cannot_manage_users(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/org/users", status=403)


def test_a_second_decision_is_refused(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer_app(app, dbsession)
    stale = app.get(f"/agency/organisations/{org.id}").forms["decision-form"]
    decide(app, org, "approve")
    stale["decision"] = "return"
    stale["opinion"] = "晚到的意见"
    res = stale.submit(status=409)
    assert "该单位已被审核" in res.text
    dbsession.refresh(org)
    assert org.status == "active"
    assert [r.decision for r in org.reviews] == ["approve"]


def test_decision_checks_state_in_the_update_not_in_memory(dbsession):
    """Two reviewers loaded the same pending organisation; the other one's
    decision reached the database first. The stale in-memory object still
    says pending, and the decision is refused all the same."""
    org = factories.organisation(dbsession, status="pending")
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    dbsession.execute(update(Organisation).where(Organisation.id == org.id).values(status="returned")
                      .execution_options(synchronize_session=False))
    assert org.status == "pending"
    with pytest.raises(services.AlreadyDecided, match="该单位已被审核"):
        services.decide(dbsession, None, org, reviewer, "approve", "")
    assert dbsession.scalars(select(OrganisationReview).where(OrganisationReview.organisation_id == org.id)).all() == []


def test_only_agency_staff_review(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/agency/organisations", status=403)
    app.get(f"/agency/organisations/{org.id}", status=403)
