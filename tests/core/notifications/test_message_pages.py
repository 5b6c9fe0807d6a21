"""The bell, the message list and its links, preferences, as users see them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.notifications.models import Notification
from kjgl.core.testing import login
from tests.core.filings.conftest import Flow
from tests.core.filings.test_evaluation_flow import PLUGINS, fill, start_draft, submit, the_record, upload_signature


@pytest.fixture
def flow(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.__dict__.update(PLUGINS["makerspace"])
    return flow


def bell(page) -> int:
    found = page.html.select_one("a.bell")
    badge = found.select_one(".badge")
    return int(badge.text) if badge else 0


def test_reviewer_and_applicant_learn_of_each_step_from_the_bell(flow, dbsession):
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)

    district = flow.as_(flow.district)
    home = district.get("/").maybe_follow()
    assert bell(home) == 1
    assert "1条未读" in home.html.select_one("a.bell")["aria-label"]
    listing = district.get("/messages")
    assert "待区科技局初审" in listing.text and "未读" in listing.text
    link = listing.html.select_one("table.messages a")["href"]
    opened = district.get(link, status=303)
    assert opened.location.endswith(f"/makerspace/review/{sub.id}")
    assert bell(district.get("/").maybe_follow()) == 0  # opened = read
    assert "暂无未读消息" in district.get("/messages?show=unread").text

    detail = district.get(f"/makerspace/review/{sub.id}")
    fill(detail.forms["decision-form"], {"decision": "return", "opinion": "场地证明材料不清晰"}).submit(status=303)
    assert bell(applicant.get("/").maybe_follow()) == 1
    listing = applicant.get("/messages")
    assert "审核不通过，已退回修改" in listing.text and "场地证明材料不清晰" in listing.text
    opened = applicant.get(listing.html.select_one("table.messages a")["href"], status=303)
    assert opened.location.endswith(f"/makerspace/{sub.id}/edit")  # back with the filer: where it is edited
    # the city heard nothing: the record never reached it
    assert bell(flow.as_(flow.city).get("/").maybe_follow()) == 0


def test_a_message_of_another_user_is_not_found(flow, dbsession):
    other = factories.user(dbsession, "individual")
    n = Notification(user_id=other.id, kind="grant_change", title="别人的消息", body="")
    dbsession.add(n)
    dbsession.flush()
    app = flow.as_(flow.applicant)
    app.get(f"/messages/{n.id}", status=404)
    assert "别人的消息" not in app.get("/messages").text


def test_mark_all_read_and_preferences(flow, dbsession):
    for i in range(3):
        dbsession.add(Notification(user_id=flow.applicant.id, kind="grant_change", title=f"消息{i}", body=""))
    dbsession.flush()
    app = flow.as_(flow.applicant)
    assert bell(app.get("/").maybe_follow()) == 3
    page = app.get("/messages")
    next(f for f in page.forms.values() if f.action.endswith("/messages/read")).submit(status=303)  # 全部标记为已读
    assert bell(app.get("/").maybe_follow()) == 0

    prefs = app.get("/messages/preferences")
    form = next(f for f in prefs.forms.values() if "email" in f.fields)
    boxes = form.fields["email"]
    assert all(b.checked for b in boxes)  # e-mail for every kind by default
    for box in boxes:
        box.checked = box._value == "review_todo"
    form.submit(status=303)
    prefs = app.get("/messages/preferences")
    checked = [b._value for b in next(f for f in prefs.forms.values() if "email" in f.fields).fields["email"]
               if b.checked]
    assert checked == ["review_todo"]


def test_organisation_review_and_grants_notify_their_people(make_app, dbsession):
    pending = factories.organisation(dbsession, status="pending", agency_code="tj-d01")
    admin = factories.org_admin(dbsession, pending)
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    app = make_app()
    login(app, reviewer.account)
    page = app.get(f"/agency/organisations/{pending.id}")
    form = next(f for f in page.forms.values() if "decision" in f.fields)
    form["decision"] = "approve"
    form.submit(status=303)
    dbsession.expire_all()
    n = dbsession.scalars(select(Notification).where(Notification.user_id == admin.id)).one()
    assert n.kind == "org_review" and "已审核通过" in n.title
    assert dbsession.scalars(select(OutboxMessage).where(OutboxMessage.to(admin.email))).one().subject == n.title

    person = factories.user(dbsession, "individual", organisation=pending)
    dbsession.flush()
    admin_app = make_app()
    login(admin_app, admin.account)
    page = admin_app.get(f"/org/users/{person.id}/modules")
    form = next(f for f in page.forms.values() if "modules" in f.fields)
    for box in form.fields["modules"]:
        box.checked = box._value == "makerspace"
    form.submit(status=303)
    dbsession.expire_all()
    n = dbsession.scalars(select(Notification).where(Notification.user_id == person.id)).one()
    assert n.kind == "grant_change" and re.search("已授权使用：.*众创空间", n.title)
    person_app = make_app()
    login(person_app, person.account)
    assert person_app.get(f"/messages/{n.id}", status=303).location.endswith("/portal")
