"""Authorisation across jurisdictions (issue 8 §3), in the development
deployment holding the national tree with Tianjin and Chongqing: a module's
review and batch pages belong to the agencies its records can reach, and a
batch to the agency that opened it and that agency's ancestors."""
import datetime as dt

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.review import services as review
from kjgl.core.review.models import Batch
from kjgl.core.testing import login

MODULES = ("makerspace", "incubator")
TODAY = dt.date.today()


@pytest.fixture
def people(dbsession):
    return {code: factories.user(dbsession, "agency", agency_code=code) for code in ("tj", "cq", "torch", "tj-d01")}


def as_(make_app, user):
    app = make_app()
    login(app, user.account)
    return app


def _batch(db, module, opener, year=None, **kw):
    return review.open_batch(db, module, year or TODAY.year, kw.pop("deadline", TODAY + dt.timedelta(days=30)),
                             opener)


@pytest.mark.parametrize("module", MODULES)
def test_another_provinces_bureau_sees_no_menu_list_or_batch_and_cannot_close_one(make_app, dbsession, people,
                                                                                module):
    batch = _batch(dbsession, module, people["tj"])
    cq = as_(make_app, people["cq"])
    home = cq.get("/").follow()
    assert f"/{module}/review/" not in home.text and f"/{module}/batches" not in home.text
    cq.get(f"/{module}/review/", status=403)
    cq.get(f"/{module}/batches", status=403)
    token = cq.get("/account/password").forms["password-form"]["csrf_token"].value
    cq.post(f"/{module}/batches", {"csrf_token": token, "action": "close", "batch_id": str(batch.id)}, status=403)
    dbsession.refresh(batch)
    assert batch.status == "open"
    # Tianjin's own bureau still sees both
    tj_home = as_(make_app, people["tj"]).get("/").follow()
    assert f"/{module}/review/" in tj_home.text and f"/{module}/batches" in tj_home.text


def test_the_national_reviewers_district_filter_lists_this_provinces_districts_only(make_app, people):
    page = as_(make_app, people["torch"]).get("/makerspace/review/")
    choices = page.html.select_one("select[name=district]").get_text()
    assert "和平区" in choices and "滨海新区高新技术产业开发区" in choices
    assert "渝中区" not in choices and "两江新区" not in choices


def test_a_batch_is_managed_by_its_owner_and_ancestors_only(make_app, dbsession, people):
    national = _batch(dbsession, "makerspace", people["torch"])
    assert national.owner_agency.code == "torch"
    tj = as_(make_app, people["tj"])
    page = tj.get("/makerspace/batches")
    assert "由科学技术部火炬高技术产业开发中心管理" in page.text
    token = page.forms["batch-form"]["csrf_token"].value
    res = tj.post("/makerspace/batches", {"csrf_token": token, "action": "close", "batch_id": str(national.id)},
                  status=403)
    assert "只有该单位及其上级单位可以管理" in res.text
    tj.get(f"/makerspace/batches/{national.id}/reopen", status=404)

    tianjin = _batch(dbsession, "incubator", people["tj"])
    torch = as_(make_app, people["torch"])
    token = torch.get("/incubator/batches").forms["batch-form"]["csrf_token"].value
    torch.post("/incubator/batches", {"csrf_token": token, "action": "close", "batch_id": str(tianjin.id)},
               status=303)
    dbsession.refresh(tianjin)
    assert tianjin.status == "closed"


def test_a_closed_batch_is_reopened_by_its_owner_after_a_confirmation(make_app, dbsession, people):
    batch = _batch(dbsession, "makerspace", people["tj"], deadline=TODAY)
    review.close_batch(dbsession, batch, people["tj"])
    tj = as_(make_app, people["tj"])
    listing = tj.get("/makerspace/batches")
    assert "重新开放" in listing.text
    # opening the same year again is refused, pointing at reopening
    again = listing.forms["batch-form"]
    again["year"], again["deadline"] = str(TODAY.year), (TODAY + dt.timedelta(days=5)).isoformat()
    assert "重新开放" in again.submit().text

    confirm = tj.get(f"/makerspace/batches/{batch.id}/reopen")
    assert "重新开放后，申报单位可以在新的截止日期" in confirm.text
    form = confirm.forms["batch-reopen-form"]
    form["deadline"] = (TODAY - dt.timedelta(days=1)).isoformat()
    assert "新的截止日期不能早于今天" in form.submit(status=400).text
    form = tj.get(f"/makerspace/batches/{batch.id}/reopen").forms["batch-reopen-form"]
    new = TODAY + dt.timedelta(days=14)
    form["deadline"] = new.isoformat()
    assert "批次已重新开放" in form.submit(status=303).follow().text
    dbsession.refresh(batch)
    assert (batch.status, batch.deadline) == ("open", new)
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "batch_reopen")).one()
    assert event.account == people["tj"].account and "closed" in event.detail
    assert review.open_batch_for(dbsession, "makerspace").id == batch.id


def test_an_open_batch_deadline_is_extended_later_only(make_app, dbsession, people):
    batch = _batch(dbsession, "incubator", people["tj"], deadline=TODAY + dt.timedelta(days=3))
    tj = as_(make_app, people["tj"])
    confirm = tj.get(f"/incubator/batches/{batch.id}/reopen")
    assert "延长后" in confirm.text
    form = confirm.forms["batch-reopen-form"]
    form["deadline"] = (TODAY + dt.timedelta(days=2)).isoformat()
    assert "须晚于当前截止日期" in form.submit(status=400).text
    form = tj.get(f"/incubator/batches/{batch.id}/reopen").forms["batch-reopen-form"]
    form["deadline"] = (TODAY + dt.timedelta(days=20)).isoformat()
    form.submit(status=303)
    dbsession.refresh(batch)
    assert batch.deadline == TODAY + dt.timedelta(days=20)
    assert dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "batch_extend")).one()


def test_reaches_is_ancestor_or_descendant(dbsession):
    tj, d01, cq, torch = (factories.agency(dbsession, c) for c in ("tj", "tj-d01", "cq", "torch"))
    assert review.reaches(torch, tj) and review.reaches(tj, tj) and review.reaches(d01, tj)
    assert not review.reaches(cq, tj) and not review.reaches(None, tj) and not review.reaches(tj, None)
    assert dbsession.scalar(select(Batch.id)) is None
