import datetime as dt

import webtest

from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.review import services as review
from kjgl.core.testing import login, valid_pdf

PDF = valid_pdf()


class Flow:
    """The people of one filing journey and small helpers to act as them."""

    def __init__(self, make_app, dbsession, module="makerspace", district="tj-d01"):
        self.module = module
        self.db = dbsession
        self.org = factories.organisation(dbsession, name="天津和平创客空间管理有限公司", agency_code="tj-d01")
        self.applicant = factories.user(dbsession, "individual", organisation=self.org, name="张敏")
        dbsession.add(ModuleGrant(user_id=self.applicant.id, module_key=module))
        # the reviewer of the district the sample evaluation names (和平区 / 西青区)
        self.district = factories.user(dbsession, "agency", agency_code=district, name="区审核员")
        self.other_district = factories.user(dbsession, "agency", agency_code="tj-d02", name="河东区审核员")
        self.city = factories.user(dbsession, "agency", agency_code="tj", name="市局审核员")
        dbsession.flush()
        self.make_app = make_app

    def open_batch(self, year=None, deadline=None):
        today = dt.date.today()
        return review.open_batch(self.db, self.module, year or today.year, deadline or today + dt.timedelta(days=30),
                                 self.city)

    def as_(self, user) -> webtest.TestApp:
        app = self.make_app()
        login(app, user.account)
        return app


def fill(form, values: dict):
    for name, value in values.items():
        form[name] = value
    return form
