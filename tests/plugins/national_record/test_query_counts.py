"""The national record's lists and its long pages run as many statements
for 50 rows as for one (issue 9): the operator's applications and carriers,
the accepting agency's list, the batches, an application's versions and a
tab whose detail tables hold many rows."""
from __future__ import annotations

import datetime as dt

import pytest

from kjgl.core import factories
from kjgl.core.attachments.models import Attachment
from kjgl.core.filings import tabbed
from kjgl.core.filings.versions import DocumentVersion, number_for
from kjgl.core.review import services as review
from kjgl.plugins.national_record import models, services
from kjgl.plugins.national_record.schemas import CHAIN
from tests.core.test_query_counts import Records, constant, rows

from .conftest import SETTINGS

MODULE = "national_record"
TODAY = dt.date.today()


def carrier(db, org, i, kind=None):
    row = models.Carrier(organisation_id=org.id, name=f"众创空间{i:03d}", kind=kind or models.CARRIER_KINDS[i % 3],
                         address=f"南京路{i}号", founded_on=dt.date(2016, 5, 20), level="国家级")
    db.add(row)
    db.flush()
    return row


def application(db, user, i):
    """A draft of the batch open today, for a new carrier of ``user``'s organisation."""
    return services.start_application(tabbed.Context(db=db, actor=user, settings=SETTINGS),
                                      carrier(db, user.organisation, i))


def versions(db, sub, user, count):
    """``count`` generated versions of ``sub``'s document (the numbers as the service makes them)."""
    for _ in range(count):
        version = DocumentVersion(submission_id=sub.id, created_by_id=user.id, created_by_name=user.name,
                                  snapshot={}, sha256="0" * 64, size=1)
        db.add(version)
        db.flush()
        version.number = number_for(version.id)
    db.flush()


def test_the_operators_applications(journey, sql_statements):
    """Each application of another carrier, in another year's batch, with its latest version number."""
    db, user = journey.db, journey.applicant

    def make(i):
        review.open_batch(db, MODULE, TODAY.year + 1 + i, TODAY + dt.timedelta(days=30), journey.city)
        versions(db, application(db, user, i), user, 2)

    constant(sql_statements, journey.as_(user), "/national-record/", rows(db, make))


def test_the_operators_carriers(journey, sql_statements):
    constant(sql_statements, journey.as_(journey.applicant), "/national-record/",
             rows(journey.db, lambda i: carrier(journey.db, journey.org, i)))


def test_the_accepting_agencys_list(journey, sql_statements):
    """Each application of its own operator in another district, submitted to the city's bureau."""
    db = journey.db
    accepting = factories.agency(db, "tj")

    def make(i):
        org = factories.organisation(db, agency_code=Records.DISTRICTS[i % len(Records.DISTRICTS)])
        operator = factories.user(db, "individual", organisation=org)
        review.submit(db, CHAIN, application(db, operator, i), operator, chosen=accepting)

    constant(sql_statements, journey.as_(journey.city), "/national-record/review/", rows(db, make))


def test_the_batches(journey, sql_statements):
    """火炬中心's list of the yearly batches, opened by it and (as the journey's) by a provincial bureau."""
    db = journey.db
    openers = [factories.user(db, "agency", agency_code=code) for code in ("torch", "tj", "tj-d02")]
    add = rows(db, lambda i: review.open_batch(db, MODULE, TODAY.year + 1 + i, TODAY + dt.timedelta(days=30),
                                               openers[i % len(openers)]))
    constant(sql_statements, journey.as_(openers[0]), "/national-record/batches", add)


@pytest.fixture
def submitted(journey):
    """An application submitted to the city's bureau."""
    sub = application(journey.db, journey.applicant, 0)
    review.submit(journey.db, CHAIN, sub, journey.applicant, chosen=factories.agency(journey.db, "tj"))
    return sub


def test_an_applications_versions(journey, submitted, sql_statements):
    db, user = journey.db, journey.applicant

    def add(count):
        versions(db, submitted, user, count)
        db.expire_all()

    constant(sql_statements, journey.as_(user), f"/national-record/{submitted.id}", add)
    constant(sql_statements, journey.as_(journey.city), f"/national-record/review/{submitted.id}", add,
             first=0, then=50)


def staff_rows(db, sub, user):
    """``make_row`` for the 人员情况 tab: a staff member and a mentor, each with its proof."""
    def make(i):
        for model, table in ((models.Staff, "staff"), (models.Mentor, "mentors")):
            row = model(submission_id=sub.id, position=i, name=f"人员{i}", title="经理")
            db.add(row)
            db.flush()
            db.add(Attachment(owner_type=f"{MODULE}.{table}", owner_id=row.id, slot="proof",
                              uploaded_by_id=user.id, filename=f"证明{i}.pdf", content_type="application/pdf",
                              size=1, sha256="0" * 64, storage_key=f"qcount-{table}-{row.id}"))
    return make


def test_a_tab_with_many_rows(journey, sql_statements):
    db, user = journey.db, journey.applicant
    sub = application(db, user, 0)
    constant(sql_statements, journey.as_(user), f"/national-record/{sub.id}/tab/staff",
             rows(db, staff_rows(db, sub, user)))


def test_the_document_with_many_rows(journey, submitted, sql_statements):
    """查看 by the operator and 审核详情 by the accepting agency: every table of every tab."""
    db, user = journey.db, journey.applicant
    add = rows(db, staff_rows(db, submitted, user))
    constant(sql_statements, journey.as_(user), f"/national-record/{submitted.id}", add)
    constant(sql_statements, journey.as_(journey.city), f"/national-record/review/{submitted.id}", add,
             first=0, then=50)
