"""Business state changes record the before/after values of changed fields
(personal data masked)."""
import datetime as dt
import json

import webtest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.services import changes, detail_items
from kjgl.core.masking import mobile
from kjgl.core.testing import login
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
