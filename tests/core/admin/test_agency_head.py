"""负责人: the system admin marks one staff account of an agency its head
(who alone assigns the agency's records); a new head replaces the old one;
every change is audited with the head before and after."""
import json

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.agencies.heads import AgencyHead, is_head
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login


def _head_form(res):
    return res.forms["head-form"]


def _events(db):
    db.expire_all()
    return db.scalars(select(AuditEvent).where(AuditEvent.event == "agency_head_change").order_by(AuditEvent.id)).all()


def test_admin_marks_a_head_replaces_it_and_unmarks_it_audited(admin_app, dbsession):
    first = factories.user(dbsession, "agency", account="hpfirst", name="王主任", agency_code="tj-d01")
    second = factories.user(dbsession, "agency", account="hpsecond", name="李科长", agency_code="tj-d01")
    detail = admin_app.get(f"/admin/staff/{first.id}")
    assert "设为本部门负责人" in detail.text
    res = _head_form(detail).submit(status=303).follow()
    assert "已将王主任设为和平区科学技术局负责人" in res.text and "取消负责人" in res.text
    assert is_head(dbsession, first)
    listing = admin_app.get("/admin/staff")
    row = next(tr for tr in listing.html.select("table.list tbody tr") if "hpfirst" in tr.text)
    assert "负责人" in row.text

    # the second becomes the head: the first no longer is (one head per agency)
    detail = admin_app.get(f"/admin/staff/{second.id}")
    assert "现任负责人：王主任" in detail.text
    _head_form(detail).submit(status=303)
    dbsession.expire_all()
    assert is_head(dbsession, second) and not is_head(dbsession, first)
    # unmarked: nobody is head
    _head_form(admin_app.get(f"/admin/staff/{second.id}")).submit(status=303)
    assert dbsession.scalar(select(AgencyHead).where(AgencyHead.agency_id == second.agency_id)) is None

    events = _events(dbsession)
    assert [json.loads(e.detail)["changes"]["agency_head"] for e in events] == [
        ["", "王主任（hpfirst）"], ["王主任（hpfirst）", "李科长（hpsecond）"], ["李科长（hpsecond）", ""]]
    assert all(e.account == admin_app.admin.account for e in events)


def test_a_disabled_account_cannot_be_made_head_and_a_repeat_changes_nothing(admin_app, dbsession):
    off = factories.user(dbsession, "agency", account="offstaff", agency_code="tj-d02", status="disabled")
    detail = admin_app.get(f"/admin/staff/{off.id}")
    assert "head-form" not in detail.forms
    token = detail.html.select_one("input[name=csrf_token]")["value"]
    res = admin_app.post(f"/admin/staff/{off.id}/head", {"csrf_token": token, "head": "1"}, status=409)
    assert "已禁用的用户不能设为负责人" in res.text
    res = admin_app.post(f"/admin/staff/{off.id}/head", {"csrf_token": token, "head": "x"}, status=400)
    on = factories.user(dbsession, "agency", account="onstaff", agency_code="tj-d02")
    admin_app.post(f"/admin/staff/{on.id}/head", {"csrf_token": token, "head": "1"}, status=303)
    assert "没有修改" in admin_app.post(f"/admin/staff/{on.id}/head", {"csrf_token": token, "head": "1"},
                                    status=303).follow().text
    assert len(_events(dbsession)) == 1


def test_only_the_admin_marks_heads(make_app, dbsession):
    staff = factories.user(dbsession, "agency", account="selfmade", agency_code="tj-d01")
    app = make_app()
    login(app, staff.account)
    token = app.get("/messages").html.select_one("input[name=csrf_token]")["value"]
    app.post(f"/admin/staff/{staff.id}/head", {"csrf_token": token, "head": "1"}, status=403)
    assert not is_head(dbsession, staff)
