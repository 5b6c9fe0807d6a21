"""Every search box takes the typed text literally: ``%`` and ``_`` are not
wildcards (``/admin/totp?q=%`` listed every account), nor is the escape
character. One helper, ``kjgl.core.search.contains``, serves every search."""
import datetime as dt

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.db import utcnow
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission
from kjgl.core.search import contains, escape_like
from kjgl.core.testing import login


@pytest.mark.parametrize("text, expected", [("%", "\\%"), ("_", "\\_"), ("\\", "\\\\"), ("a%_\\b", "a\\%\\_\\\\b")])
def test_wildcards_and_the_escape_character_are_escaped(text, expected):
    assert escape_like(text) == expected


@pytest.mark.parametrize("text, found", [("%", ["百分比%用户"]), ("_", ["x_agent"]), ("\\", ["反斜杠\\用户"]),
                                         ("X_AG", ["x_agent"]), ("用户", ["反斜杠\\用户", "百分比%用户"])])
def test_contains_matches_literally_and_ignores_case(dbsession, text, found):
    factories.user(dbsession, "agency", agency_code="tj", account="x_agent", name="普通")
    factories.user(dbsession, "agency", agency_code="tj", account="xyagent", name="百分比%用户")
    factories.user(dbsession, "agency", agency_code="tj", account="xzagent", name="反斜杠\\用户")
    names = dbsession.scalars(select(User.name).where(
        User.account.in_(["x_agent", "xyagent", "xzagent"]),
        contains(User.account, text) | contains(User.name, text)).order_by(User.name)).all()
    assert sorted(names) == sorted("普通" if n == "x_agent" else n for n in found)


@pytest.fixture
def people(dbsession):
    """Two agency accounts, one whose name holds a %, one whose account holds a _."""
    return (factories.user(dbsession, "agency", agency_code="tj-d01", account="pct1agent", name="百分比%审核员"),
            factories.user(dbsession, "agency", agency_code="tj-d01", account="under_agent", name="下划线审核员"),
            factories.user(dbsession, "agency", agency_code="tj-d01", account="plainagent", name="普通审核员"))


def listed(page, *names):
    return [name for name in names if name in page.text]


def test_totp_accounts_search_is_literal(app, dbsession, people):
    login(app, factories.user(dbsession, "security_admin").account)
    assert listed(app.get("/admin/totp", {"q": "%"}), "百分比%审核员", "下划线审核员", "普通审核员") == ["百分比%审核员"]
    assert listed(app.get("/admin/totp", {"q": "_"}), "百分比%审核员", "下划线审核员", "普通审核员") == ["下划线审核员"]


def test_staff_search_is_literal(app, dbsession, people):
    login(app, factories.user(dbsession, "admin").account)
    assert listed(app.get("/admin/staff", {"q": "%"}), "百分比%审核员", "下划线审核员", "普通审核员") == ["百分比%审核员"]
    assert listed(app.get("/admin/staff", {"q": "_"}), "百分比%审核员", "下划线审核员", "普通审核员") == ["下划线审核员"]


def test_organisation_users_search_is_literal(app, dbsession):
    org = factories.organisation(dbsession)
    admin = factories.org_admin(dbsession, org)
    factories.user(dbsession, organisation=org, account="under_user", name="下划线用户")
    factories.user(dbsession, organisation=org, account="plainuser", name="百分比%用户")
    login(app, admin.account)
    assert listed(app.get("/org/users", {"account": "_"}), "下划线用户", "百分比%用户") == ["下划线用户"]
    assert listed(app.get("/org/users", {"name": "%"}), "下划线用户", "百分比%用户") == ["百分比%用户"]


def test_organisation_review_search_is_literal(app, dbsession):
    factories.organisation(dbsession, name="天津百分%科技有限公司", status="pending")
    factories.organisation(dbsession, name="天津普通科技有限公司", status="pending")
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    page = app.get("/agency/organisations", {"name": "%", "status": "all"})
    assert listed(page, "天津百分%科技有限公司", "天津普通科技有限公司") == ["天津百分%科技有限公司"]


def test_filing_review_search_is_literal(app, dbsession):
    city = factories.user(dbsession, "agency", agency_code="tj")
    district = factories.agency(dbsession, "tj-d01")
    batch = review.open_batch(dbsession, "makerspace", dt.date.today().year,
                              dt.date.today() + dt.timedelta(days=30), city)
    org = factories.organisation(dbsession)
    applicant = factories.user(dbsession, organisation=org)
    for title in ("百分%众创空间", "普通众创空间"):
        dbsession.add(Submission(module_key="makerspace", kind="makerspace", batch=batch, organisation_id=org.id,
                                 applicant_id=applicant.id, title=title, carrier_key=review.carrier_key(title),
                                 agency_id=district.id, state="submitted", submitted_at=utcnow()))
    dbsession.flush()
    login(app, city.account)
    page = app.get("/makerspace/review/", {"name": "%"})
    assert listed(page, "百分%众创空间", "普通众创空间") == ["百分%众创空间"]
