import datetime as dt

import pytest
import webtest

from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.review import services as review
from kjgl.core.testing import login, valid_pdf

PDF = valid_pdf()
SETTINGS = {"kjgl.accepting.national_record": "tj tj-d02"}


class Journey:
    """The operator's individual, the accepting agencies' reviewers, and helpers to act as them."""

    def __init__(self, make_app, db):
        self.db = db
        self.make_app = make_app
        self.org = factories.organisation(db, name="天津和平创客空间管理有限公司", agency_code="tj-d01")
        self.applicant = factories.user(db, "individual", organisation=self.org, name="张敏")
        db.add(ModuleGrant(user_id=self.applicant.id, module_key="national_record"))
        self.city = factories.user(db, "agency", agency_code="tj", name="市科技局受理人")
        self.other = factories.user(db, "agency", agency_code="tj-d02", name="另一受理机构")
        self.torch = self.city
        today = dt.date.today()
        self.batch = review.open_batch(db, "national_record", today.year, today + dt.timedelta(days=30), self.city,
                                       cutoff_on=today, window_start=today - dt.timedelta(days=365), window_end=today)
        db.flush()

    def as_(self, user) -> webtest.TestApp:
        app = self.make_app(**SETTINGS)
        login(app, user.account)
        return app

    def start(self, app):
        page = app.get("/national-record/carriers/new")
        form = page.forms["carrier-form"]
        form["name"], form["kind"], form["address"] = "和平创客空间", "众创空间", "天津市和平区南京路189号"
        form["founded_on"], form["level"] = "2016-05-20", "国家级"
        form.submit(status=303)
        page = app.get("/national-record/new")
        form = page.forms["new-form"]
        form["carrier"] = form["carrier"].options[1][0]
        res = form.submit(status=303)
        assert res.location.endswith("/tab/guide")
        return int(res.location.split("/")[-3])


@pytest.fixture
def journey(make_app, dbsession):
    return Journey(make_app, dbsession)
