"""Business state changes record the before/after values of changed fields
(personal data masked)."""
import datetime as dt
import json

import pytest
import webtest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.services import changes, detail_items
from kjgl.core.masking import mobile
from kjgl.core.filings.services import AUDIT_TEXT_LIMIT
from kjgl.core.testing import login
from kjgl.plugins.makerspace import samples
from tests.core.filings.conftest import Flow, fill
from tests.core.filings.test_evaluation_flow import start_draft, submit, the_record, upload_signature
from tests.core.organisations.helpers import ALL_FILES, BLANK, valid_fields


def _events(dbsession, name):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))


def test_changes_lists_only_differing_fields():
    assert changes({"a": "1", "b": None, "c": "x"}, {"a": "1", "b": "2", "c": None, "d": 3}) == {
        "b": ["", "2"], "c": ["x", ""], "d": ["", "3"]}
    assert changes({"a": 1}, {"a": "1"}) == {}
    assert changes({"m": "13812342210"}, {"m": "13912345678"}, masks={"m": mobile}) == {
        "m": ["138****2210", "139****5678"]}


def test_profile_edit_records_before_and_after(app, dbsession):
    person = factories.user(dbsession, name="王芳", mobile="13812342210", email="wf@example.cn",
                            id_valid_from=dt.date(2020, 1, 1), id_long_term=True)
    login(app, person.account)
    form = app.get("/me/profile").forms["profile-form"]
    form["mobile"] = "13912345678"
    form["email"] = "wf@example.cn"
    form["current_password"] = "Passw0rd!"  # a new mobile needs it (the SMS check is off here)
    form.submit(status=303)
    [event] = _events(dbsession, "profile_change")
    assert event.object_type == "user" and event.object_id == str(person.id)
    assert json.loads(event.detail)["changes"] == {"mobile": ["138****2210", "139****5678"]}
    assert ("变更", "手机号码 138****2210 → 139****5678") in detail_items(event)


def test_profile_saved_unchanged_records_nothing(app, dbsession):
    person = factories.user(dbsession, mobile="13812342210", id_valid_from=dt.date(2020, 1, 1),
                            id_long_term=True)
    login(app, person.account)
    app.get("/me/profile").forms["profile-form"].submit(status=303)
    assert _events(dbsession, "profile_change") == []


def test_organisation_submit_records_changed_fields(app, dbsession):
    org = factories.organisation(dbsession, status="incomplete", **BLANK)
    login(app, factories.org_admin(dbsession, org).account)
    form = app.get("/org/profile").forms["org-profile-form"]
    for name, value in valid_fields(org).items():
        form[name] = value
    for slot, filename, content in ALL_FILES:
        form[slot] = [webtest.Upload(filename, content)]
    form.submit("action", value="submit", status=303)
    [event] = _events(dbsession, "org_submit")
    recorded = json.loads(event.detail)["changes"]
    assert recorded["status"] == ["incomplete", "pending"]
    assert recorded["contact_mobile"] == ["", "139****5678"]
    assert recorded["bank_account_no"] == ["", "621600******0001"]
    assert recorded["contact_email"][1] == "co***@example.cn"
    assert recorded["contact_name"] == ["", "李四"]
    assert "legal_type" not in recorded  # unchanged since registration


# --- one test per business state change (before / after of the changed fields) ------------------

def _changes(event):
    return json.loads(event.detail)["changes"]


def _form(page, action_suffix):
    return next(f for f in page.forms.values() if f.action.endswith(action_suffix))


def test_organisation_review_records_the_status_change(app, dbsession):
    approved = factories.organisation(dbsession, status="pending", agency_code="tj-d01")
    returned = factories.organisation(dbsession, status="pending", agency_code="tj-d01")
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    form = app.get(f"/agency/organisations/{approved.id}").forms["decision-form"]
    form["decision"] = "approve"
    form.submit(status=303)
    form = app.get(f"/agency/organisations/{returned.id}").forms["decision-form"]
    form["decision"], form["opinion"] = "return", "请补充营业执照"
    form.submit(status=303)
    first, second = _events(dbsession, "org_review")
    assert _changes(first) == {"status": ["pending", "active"]}
    assert _changes(second) == {"status": ["pending", "returned"]}


def test_staff_disable_and_enable_record_the_status(app, dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d01")
    login(app, factories.user(dbsession, "admin").account)
    _form(app.get(f"/admin/staff/{staff.id}"), "/status").submit(status=303)
    _form(app.get(f"/admin/staff/{staff.id}"), "/status").submit(status=303)
    [disabled], [enabled] = _events(dbsession, "user_disable"), _events(dbsession, "user_enable")
    assert _changes(disabled) == {"status": ["active", "disabled"]}
    assert _changes(enabled) == {"status": ["disabled", "active"]}


def test_org_user_disable_records_the_status(app, dbsession):
    org = factories.organisation(dbsession)
    person = factories.user(dbsession, organisation=org)
    login(app, factories.org_admin(dbsession, org).account)
    _form(app.get("/org/users"), f"/org/users/{person.id}/status").submit(status=303)
    [event] = _events(dbsession, "user_disable")
    assert event.object_id == str(person.id)
    assert _changes(event) == {"status": ["active", "disabled"]}


def test_staff_create_records_the_new_values_masked(app, dbsession):
    factories.agency(dbsession, "tj")  # seeds the tree
    login(app, factories.user(dbsession, "admin").account)
    form = next(f for f in app.get("/admin/staff/new").forms.values() if "account" in f.fields)
    for name, value in {"account": "hexikj09", "name": "河西区审核员", "agency": "tj-d03",
                        "mobile": "13820007777", "email": "hexi@example.cn"}.items():
        form[name] = value
    form.submit(status=200)
    [event] = _events(dbsession, "staff_create")
    assert _changes(event) == {"account": ["", "hexikj09"], "name": ["", "河西区审核员"],
                               "mobile": ["", "138****7777"], "email": ["", "he***@example.cn"],
                               "status": ["", "active"], "agency": ["", "河西区科学技术局"]}


# --- filings (makerspace) ---

@pytest.fixture
def flow(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.prefix, flow.sample = "/makerspace", samples.evaluation_sample
    flow.open_batch()
    return flow


def test_filing_first_save_records_the_filled_fields_masked(flow, dbsession):
    start_draft(flow.as_(flow.applicant), flow, {"name": "和平创客汇众创空间", "head_mobile": "13820001234"})
    [event] = _events(dbsession, "filing_save")
    recorded = _changes(event)
    assert recorded["name"] == ["", "和平创客汇众创空间"]
    assert recorded["head_mobile"] == ["", "138****1234"]
    assert "contact_mobile" not in recorded  # left empty


def test_filing_save_records_only_changed_fields_masked_and_long_texts_cut(flow, dbsession):
    app = flow.as_(flow.applicant)
    page = start_draft(app, flow)
    long_text = "全年服务创业团队" * 20  # 160 characters
    fill(page.forms["filing-form"], {"contact_mobile": "13700001111", "summary_work": long_text,
                                     "workstations": "261"}).submit("action", value="save", status=303)
    _, event = _events(dbsession, "filing_save")
    recorded = _changes(event)
    assert set(recorded) == {"contact_mobile", "summary_work", "workstations"}
    assert recorded["contact_mobile"] == ["139****5678", "137****1111"]
    assert recorded["workstations"] == ["260", "261"]
    old, new = recorded["summary_work"]
    assert new == long_text[:AUDIT_TEXT_LIMIT] + "…（共160字）"
    assert old == samples.evaluation_sample()["summary_work"][:AUDIT_TEXT_LIMIT] + "…（共{}字）".format(
        len(samples.evaluation_sample()["summary_work"]))
    assert "13700001111" not in event.detail and "13920005678" not in event.detail


def test_filing_changes_are_shown_with_the_plugins_field_titles(flow, dbsession):
    from kjgl.core.audit.services import detail_items

    start_draft(flow.as_(flow.applicant), flow, {"name": "和平创客汇众创空间", "head_mobile": "13820001234"})
    [event] = _events(dbsession, "filing_save")
    shown = dict(detail_items(event))["变更"]
    from kjgl.plugins.makerspace.schemas import FILING as filing

    label = next(f.label for f in filing.fields if f.name == "head_mobile")
    assert f"{label} 空 → 138****1234" in shown and "head_mobile" not in shown


def test_filing_submit_records_the_state_change(flow, dbsession):
    app = flow.as_(flow.applicant)
    upload_signature(app, start_draft(app, flow))
    submit(app, flow, the_record(dbsession, flow).id)
    [event] = _events(dbsession, "filing_submit")
    assert _changes(event) == {"state": ["draft", "submitted"]}


def test_filing_review_records_the_decision_changes(flow, dbsession):
    app = flow.as_(flow.applicant)
    upload_signature(app, start_draft(app, flow))
    sub = the_record(dbsession, flow)
    submit(app, flow, sub.id)
    district = flow.as_(flow.district)
    fill(district.get(f"/makerspace/review/{sub.id}").forms["decision-form"],
         {"decision": "approve", "opinion": "同意上报"}).submit(status=303)
    city = flow.as_(flow.city)
    fill(city.get(f"/makerspace/review/{sub.id}").forms["decision-form"],
         {"decision": "approve", "grade": "优秀", "score": "93.5"}).submit(status=303)
    first, second = _events(dbsession, "filing_review")
    assert _changes(first) == {"step": ["0", "1"], "last_opinion": ["", "同意上报"]}
    assert _changes(second) == {"state": ["submitted", "approved"], "grade": ["", "优秀"],
                                "score": ["", "93.5"], "last_opinion": ["同意上报", ""]}


def test_batch_open_and_close_record_the_status(flow, dbsession):
    city = flow.as_(flow.city)
    page = city.get("/makerspace/batches")
    deadline = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    fill(page.forms["batch-form"], {"year": "2030", "deadline": deadline}).submit(status=303)
    [opened] = _events(dbsession, "batch_open")
    assert _changes(opened) == {"year": ["", "2030"], "deadline": ["", deadline], "status": ["", "open"]}
    page = city.get("/makerspace/batches")
    close = next(f for f in page.forms.values() if f.get("batch_id", default=None) is not None
                 and f["batch_id"].value == opened.object_id)
    close.submit(status=303)
    [closed] = _events(dbsession, "batch_close")
    assert _changes(closed) == {"status": ["open", "closed"]}


def test_attachment_upload_and_delete_record_the_file(flow, dbsession):
    app = flow.as_(flow.applicant)
    page = upload_signature(app, start_draft(app, flow))
    [uploaded] = _events(dbsession, "attachment_upload")
    assert _changes(uploaded) == {"attachment": ["", "签章页.pdf"]}
    attachment_id = json.loads(uploaded.detail)["attachment_id"]
    token = page.forms["filing-form"]["csrf_token"].value
    app.post(f"/files/{attachment_id}/delete", {"csrf_token": token}, status=303)
    [deleted] = _events(dbsession, "attachment_delete")
    assert _changes(deleted) == {"attachment": ["签章页.pdf", ""]}
