"""The system admin's agency tree (issue 8 §4): add, rename, move, retire,
delete only what nothing uses — each audited; a retired agency is offered to
no registrant and its staff are disabled at once."""
import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.agencies.models import Agency
from kjgl.core.audit.models import AuditEvent
from kjgl.core.organisations.choices import competent_agencies
from kjgl.core.testing import login


@pytest.fixture
def admin(app, dbsession):
    factories.agency(dbsession, "tj")
    login(app, factories.user(dbsession, "admin").account)
    return app


def _event(db, name):
    return db.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id.desc())).first()


def _offered(db):
    return {a.code for g in competent_agencies(db) for a in g.agencies}


def _add(app, **values):
    form = app.get("/admin/agencies/new").forms["agency-form"]
    for k, v in values.items():
        form[k] = v
    return form.submit(status="*")


def test_the_admin_adds_an_agency_that_registrants_can_then_choose(admin, dbsession):
    assert "天津市科学技术局" in admin.get("/admin/agencies").text
    res = _add(admin, parent="tj", name="天津市新区科学技术局", kind="district", region="天津新区")
    assert res.status_int == 303
    agency = dbsession.scalars(select(Agency).where(Agency.name == "天津市新区科学技术局")).one()
    tj = factories.agency(dbsession, "tj")
    assert (agency.level, agency.parent_id, agency.region) == ("district", tj.id, "天津新区")
    assert agency.path == f"{tj.path}{agency.id}/" and agency.code in _offered(dbsession)
    assert _event(dbsession, "agency_create").object_id == str(agency.id)
    # the same name under the same parent, even with other brackets or spaces, is refused
    res = _add(admin, parent="tj", name="天津市新区 科学技术局", kind="district")
    assert res.status_int == 400 and "已有名为" in res.text


def test_rename_and_move_are_audited_and_move_the_subtree(admin, dbsession):
    d01 = factories.agency(dbsession, "tj-d01")
    form = admin.get(f"/admin/agencies/{d01.id}").forms["agency-form"]
    form["name"] = "和平区科技局"
    form.submit(status=303)
    assert _event(dbsession, "agency_change").detail.count("和平区科技局") == 1
    cq = factories.agency(dbsession, "cq")
    form = admin.get(f"/admin/agencies/{d01.id}").forms["agency-form"]
    form["parent"] = "cq"
    form.submit(status=303)
    dbsession.refresh(d01)
    assert d01.parent_id == cq.id and d01.path == f"{cq.path}{d01.id}/"
    # a district cannot go under a district
    form = admin.get(f"/admin/agencies/{d01.id}").forms["agency-form"]
    assert all(o[0] in ("tj", "cq") or not o[0].startswith(("tj-", "cq-")) for o in form["parent"].options)
    token = form["csrf_token"].value
    res = admin.post(f"/admin/agencies/{d01.id}", {"csrf_token": token, "parent": "tj-d02", "name": "和平区科技局",
                                                   "kind": "district"}, status=400)
    assert "只能移到上一级" in res.text


def test_an_agency_in_use_is_retired_not_deleted_and_its_staff_disabled(admin, dbsession):
    d05 = factories.agency(dbsession, "tj-d05")
    factories.organisation(dbsession, agency_code="tj-d05")
    staff = factories.user(dbsession, "agency", agency_code="tj-d05")
    token = admin.get("/admin/agencies/new").forms["agency-form"]["csrf_token"].value
    res = admin.post(f"/admin/agencies/{d05.id}/delete", {"csrf_token": token}, status=409)
    assert "不能删除，只能撤销" in res.text and "单位1个" in res.text

    confirm = admin.get(f"/admin/agencies/{d05.id}/status")
    assert "其用户立即停用（1个" in confirm.text and staff.account in confirm.text
    confirm.forms["agency-status-form"].submit(status=303)
    dbsession.refresh(d05)
    dbsession.refresh(staff)
    assert d05.status == "retired"
    assert (staff.status, staff.disabled_reason) == ("disabled", "agency_retired")
    assert _event(dbsession, "agency_retire").object_id == str(d05.id)
    assert _event(dbsession, "agency_staff_disable").object_id == str(staff.id)
    # not offered to registrants, nor for new staff
    assert "tj-d05" not in _offered(dbsession)
    staff_form = next(f for f in admin.get("/admin/staff/new").forms.values() if "account" in f.fields)
    assert "tj-d05" not in [o[0] for o in staff_form["agency"].options]
    # restoring offers it again; its staff stay disabled
    admin.get(f"/admin/agencies/{d05.id}/status").forms["agency-status-form"].submit(status=303)
    dbsession.refresh(d05)
    dbsession.refresh(staff)
    assert d05.status == "active" and staff.status == "disabled" and "tj-d05" in _offered(dbsession)


def test_only_an_unused_agency_added_by_mistake_can_be_deleted(admin, dbsession):
    _add(admin, parent="tj", name="误建的科学技术局", kind="district")
    agency = dbsession.scalars(select(Agency).where(Agency.name == "误建的科学技术局")).one()
    form = next(f for f in admin.get(f"/admin/agencies/{agency.id}").forms.values()
                if f.action.endswith("/delete"))
    form.submit(status=303)
    dbsession.expire_all()
    assert dbsession.scalars(select(Agency).where(Agency.name == "误建的科学技术局")).first() is None
    assert _event(dbsession, "agency_delete") is not None
    # a seeded agency would come back at the next upgrade: retire it instead
    seeded = factories.agency(dbsession, "tj-d16")
    token = admin.get("/admin/agencies/new").forms["agency-form"]["csrf_token"].value
    assert "不能删除，只能撤销" in admin.post(f"/admin/agencies/{seeded.id}/delete", {"csrf_token": token},
                                          status=409).text


def test_a_retired_agency_is_refused_in_the_organisation_profile(make_app, dbsession):
    from tests.core.organisations.helpers import ALL_FILES, BLANK, error_of, post_profile, valid_fields

    org = factories.organisation(dbsession, status="incomplete", **BLANK)
    factories.agency(dbsession, "tj-d01").status = "retired"
    dbsession.flush()
    app = make_app()
    login(app, factories.org_admin(dbsession, org).account)
    assert 'value="tj-d01"' not in app.get("/org/profile").text
    res = post_profile(app, valid_fields(org), files=ALL_FILES, status=200)
    assert "请从列表中选择" in error_of(res, "agency")
