"""Personal numbers are masked in lists and in views of someone else's data;
a full view is on request only and audited (pii_view)."""
import json

import pytest
import webtest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login

REP_ID = "11010519491231002X"
REP_ID_MASKED = "110105********002X"
REP_MOBILE, REP_MOBILE_MASKED = "13812342210", "138****2210"
CONTACT_MOBILE, CONTACT_MOBILE_MASKED = "13987654321", "139****4321"


@pytest.fixture
def org(dbsession):
    return factories.organisation(dbsession, status="pending", agency_code="tj-d01", legal_rep_id_number=REP_ID,
                                  legal_rep_mobile=REP_MOBILE, contact_mobile=CONTACT_MOBILE)


def _pii_views(dbsession):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "pii_view")))


def _full_values_absent(text):
    for value in (REP_ID, REP_MOBILE, CONTACT_MOBILE):
        assert value not in text, value


def test_reviewer_sees_masked_numbers_by_default(app, dbsession, org):
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    page = app.get(f"/agency/organisations/{org.id}")
    _full_values_absent(page.text)
    details = page.html.select_one(".org-details").get_text()
    for masked in (REP_ID_MASKED, REP_MOBILE_MASKED, CONTACT_MOBILE_MASKED):
        assert masked in details
    assert page.html.select_one("a#reveal-pii").get_text() == "显示完整信息"
    assert _pii_views(dbsession) == []


def test_showing_full_numbers_is_audited(app, dbsession, org):
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    login(app, reviewer.account)
    page = app.get(f"/agency/organisations/{org.id}").click(linkid="reveal-pii")
    details = page.html.select_one(".org-details").get_text()
    for full in (REP_ID, REP_MOBILE, CONTACT_MOBILE):
        assert full in details
    assert not page.html.select("a#reveal-pii")
    [event] = _pii_views(dbsession)
    assert (event.account, event.object_type, event.object_id) == (reviewer.account, "organisation", str(org.id))
    assert json.loads(event.detail)["fields"] == ["legal_rep_id_number", "legal_rep_mobile", "contact_mobile",
                                                  "bank_account_no"]


def test_another_districts_reviewer_cannot_reveal(app, dbsession, org):
    login(app, factories.user(dbsession, "agency", agency_code="tj-d08").account)
    app.get(f"/agency/organisations/{org.id}", {"full": "1"}, status=404)
    assert _pii_views(dbsession) == []


def test_decision_form_errors_keep_numbers_masked(app, dbsession, org):
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    form = app.get(f"/agency/organisations/{org.id}").forms["decision-form"]
    res = form.submit(status=200)  # no decision chosen
    _full_values_absent(res.text)


def test_org_admins_status_page_masks_the_legal_representative(app, dbsession, org):
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/status")
    _full_values_absent(page.text)
    assert REP_ID_MASKED in page.text and not page.html.select("a#reveal-pii")


def test_review_list_masks_contact_mobiles(app, dbsession, org):
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    page = app.get("/agency/organisations")
    assert org.name in page.text
    _full_values_absent(page.text)
    assert CONTACT_MOBILE_MASKED in page.text


def test_org_user_list_masks_mobiles(app, dbsession):
    org = factories.organisation(dbsession)
    factories.user(dbsession, "individual", organisation=org, mobile="15011112222")
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/users")
    assert "150****2222" in page.text and "15011112222" not in page.text


def test_staff_list_masks_mobiles(app, dbsession):
    factories.user(dbsession, "agency", agency_code="tj-d01", mobile="15033334444")
    login(app, factories.user(dbsession, "admin").account)
    page = app.get("/admin/staff")
    assert "150****4444" in page.text and "15033334444" not in page.text


BANK_NO, BANK_NO_MASKED = "6216601234567890", "621660******7890"


def test_reviewer_sees_the_bank_account_masked_and_revealing_it_is_audited(app, dbsession):
    org = factories.organisation(dbsession, status="pending", agency_code="tj-d01", bank_account_no=BANK_NO)
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    page = app.get(f"/agency/organisations/{org.id}")
    assert BANK_NO not in page.text and BANK_NO_MASKED in page.html.select_one(".org-details").get_text()
    assert _pii_views(dbsession) == []
    full = page.click(linkid="reveal-pii")
    assert BANK_NO in full.html.select_one(".org-details").get_text()
    [event] = _pii_views(dbsession)
    assert "bank_account_no" in json.loads(event.detail)["fields"]


STAFF_MOBILE, STAFF_MOBILE_MASKED = "15055556666", "150****6666"


def test_staff_detail_masks_the_mobile_by_default(app, dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d01", mobile=STAFF_MOBILE, email="reviewer@example.cn")
    login(app, factories.user(dbsession, "admin").account)
    page = app.get(f"/admin/staff/{staff.id}")
    assert STAFF_MOBILE not in page.text and "reviewer@example.cn" not in page.text
    assert STAFF_MOBILE_MASKED in page.text and "re***@example.cn" in page.text
    assert page.html.select_one("a#reveal-pii").get_text() == "显示完整信息"
    assert _pii_views(dbsession) == []


def test_showing_a_staff_members_full_mobile_is_audited(app, dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d01", mobile=STAFF_MOBILE)
    admin = factories.user(dbsession, "admin")
    login(app, admin.account)
    page = app.get(f"/admin/staff/{staff.id}").click(linkid="reveal-pii")
    assert STAFF_MOBILE in page.text and not page.html.select("a#reveal-pii")
    [event] = _pii_views(dbsession)
    assert (event.account, event.object_type, event.object_id) == (admin.account, "user", str(staff.id))
    assert json.loads(event.detail)["fields"] == ["mobile", "email"]


def test_revealing_someone_who_is_not_staff_is_not_found_and_not_audited(app, dbsession):
    person = factories.user(dbsession, "individual", mobile=STAFF_MOBILE)
    login(app, factories.user(dbsession, "admin").account)
    app.get(f"/admin/staff/{person.id}", {"full": "1"}, status=404)
    assert _pii_views(dbsession) == []


def test_choosing_an_organisation_shows_no_person_of_it(app, dbsession):
    """An individual picking their organisation by its full name needs the
    organisation, not its people: no legal representative, contact or number."""
    org = factories.organisation(dbsession, name="天津市和平区样例科技有限公司")
    person = factories.user(dbsession, "individual")
    login(app, person.account)
    page = app.get("/me/profile", {"org_name": org.name})
    results = page.html.select_one("#org-choose").get_text()
    assert org.name in results and org.credit_code in results
    for personal in (org.legal_rep_name, org.contact_name, org.contact_mobile, org.legal_rep_mobile,
                     org.legal_rep_id_number, org.contact_email):
        assert personal not in results
