"""Every list page and detail page runs the same number of SQL statements
whether it shows 1 row or 50 (issue 9): what a row shows is loaded with the
rows (eager loading or a join), never one query per row."""
from __future__ import annotations

import datetime as dt
import difflib
import itertools

import pytest

from kjgl.core import factories
from kjgl.core.audit.services import record
from kjgl.core.db import utcnow
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.review import services as review
from kjgl.core.testing import login

MODULE = "makerspace"


def constant(sql_statements, app, url, add_rows, first=1, then=50):
    """The statements of GET ``url`` with ``first`` rows and with ``then``
    rows must be as many; on failure the message shows the extra ones.
    ``url`` may be several pages showing the same rows (made once)."""
    urls = [url] if isinstance(url, str) else list(url)
    add_rows(first)
    for each in urls:
        app.get(each)  # the first request after login may set things up once
    one = {each: sql_statements(lambda: app.get(each, status=200)) for each in urls}
    add_rows(then - first)
    for each in urls:
        many = sql_statements(lambda: app.get(each, status=200))
        assert len(many) == len(one[each]), (
            f"{each}: {len(one[each])} statements with {first} row(s), {len(many)} with {then}:\n"
            + "\n".join(line[:160] for line in difflib.unified_diff(one[each], many, lineterm="", n=0)))
    return one[urls[0]] if isinstance(url, str) else one


def rows(dbsession, make_row):
    """``add(count)`` for :func:`constant`: ``make_row(i)`` makes the i-th row;
    the session then forgets them, so the request loads what it shows."""
    made = itertools.count()

    def add(count):
        for _ in range(count):
            make_row(next(made))
        dbsession.flush()
        dbsession.expire_all()
    return add


def as_(make_app, user):
    app = make_app()
    login(app, user.account)
    return app


@pytest.fixture
def chain(make_app):
    return make_app().app.registry["kjgl.review_chains"][MODULE]


class Records:
    """Submitted makerspace records, each of its own organisation, in districts
    of Tianjin and in batches of several years (so nothing a row shows is
    already in the session by chance)."""

    DISTRICTS = ("tj-d01", "tj-d02", "tj-d08")

    def __init__(self, db, chain, district=None, organisation=None, applicant=None, submit=True, module=MODULE):
        self.db, self.chain, self.n, self.module = db, chain, 0, module
        self.district, self.organisation, self.applicant, self.submit = district, organisation, applicant, submit
        self.city = factories.user(db, "agency", agency_code="tj")
        self.batches = {}

    def batch(self, year):
        if year not in self.batches:
            self.batches[year] = review.open_batch(self.db, self.module, year,
                                                   dt.date.today() + dt.timedelta(days=30), self.city)
        return self.batches[year]

    def add(self, count):
        for _ in range(count):
            self.n += 1
            code = self.district or self.DISTRICTS[self.n % len(self.DISTRICTS)]
            org = self.organisation or factories.organisation(self.db, agency_code=code)
            applicant = self.applicant or factories.user(self.db, "individual", organisation=org)
            sub = review.create_draft(self.db, module_key=self.module, kind=self.module,
                                      batch=self.batch(2000 + self.n % 7), organisation=org, applicant=applicant,
                                      title=f"众创空间{self.n}")
            sub.agency_id = factories.agency(self.db, code).id
            self.db.flush()
            if self.submit:
                review.submit(self.db, self.chain, sub, applicant)
        self.db.expire_all()


def test_the_district_reviewers_list(make_app, dbsession, chain, sql_statements):
    records = Records(dbsession, chain, district="tj-d01")
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    constant(sql_statements, as_(make_app, reviewer), f"/{MODULE}/review/", records.add)


def test_the_city_reviewers_list(make_app, dbsession, chain, sql_statements):
    records = Records(dbsession, chain)
    constant(sql_statements, as_(make_app, records.city), f"/{MODULE}/review/", records.add)


def test_the_applicants_list(make_app, dbsession, chain, sql_statements):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key=MODULE))
    records = Records(dbsession, chain, organisation=org, applicant=applicant, submit=False)
    constant(sql_statements, as_(make_app, applicant), f"/{MODULE}/", records.add)


def returned_and_resubmitted(dbsession, chain, sub, reviewer, applicant):
    """Rows of a record's history: each round the district returns it with an
    opinion and the applicant submits it again."""
    def add(count):
        for _ in range(count):
            review.decide(dbsession, chain, sub, reviewer, decision="return", opinion="请补充",
                          expected_version=sub.version)
            review.submit(dbsession, chain, sub, applicant)
        dbsession.expire_all()
    return add


def test_the_review_detail_with_many_decisions(make_app, dbsession, chain, sql_statements):
    records = Records(dbsession, chain, district="tj-d01")
    records.add(1)
    sub = records.db.scalars(review.select(review.Submission)).one()
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    decide = returned_and_resubmitted(dbsession, chain, sub, reviewer, reviewer)
    constant(sql_statements, as_(make_app, reviewer), f"/{MODULE}/review/{sub.id}", decide, first=0, then=25)


def test_the_applicants_record_with_many_decisions(make_app, dbsession, chain, sql_statements):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key=MODULE))
    Records(dbsession, chain, district="tj-d01", organisation=org, applicant=applicant).add(1)
    sub = dbsession.scalars(review.select(review.Submission)).one()
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    decide = returned_and_resubmitted(dbsession, chain, sub, reviewer, applicant)
    constant(sql_statements, as_(make_app, applicant), f"/{MODULE}/{sub.id}", decide, first=0, then=25)


def test_the_organisation_review_list(make_app, dbsession, sql_statements):
    reviewer = factories.user(dbsession, "agency", agency_code="tj")
    add = rows(dbsession, lambda i: factories.organisation(
        dbsession, status="pending", agency_code=Records.DISTRICTS[i % len(Records.DISTRICTS)]))
    constant(sql_statements, as_(make_app, reviewer), "/agency/organisations?status=all", add)


def test_the_organisation_users_list(make_app, dbsession, sql_statements):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    admin = factories.org_admin(dbsession, org)

    def member(i):
        user = factories.user(dbsession, "individual", organisation=org)
        dbsession.add(ModuleGrant(user_id=user.id, module_key=MODULE))

    constant(sql_statements, as_(make_app, admin), "/org/users", rows(dbsession, member))


def staff_adder(dbsession):
    """Agency staff of several districts (each row shows its agency)."""
    return rows(dbsession, lambda i: factories.user(
        dbsession, "agency", agency_code=Records.DISTRICTS[i % len(Records.DISTRICTS)]))


def test_the_staff_list(make_app, dbsession, sql_statements):
    admin = factories.user(dbsession, "admin")
    constant(sql_statements, as_(make_app, admin), "/admin/staff", staff_adder(dbsession))


def test_the_audit_log(make_app, dbsession, sql_statements):
    auditor = factories.user(dbsession, "audit_admin")
    people = [factories.user(dbsession, "individual") for _ in range(3)]
    add = rows(dbsession, lambda i: record(dbsession, None, "login", user=people[i % len(people)],
                                           object_type="user", object_id=i))
    constant(sql_statements, as_(make_app, auditor), "/admin/audit", add)


def test_the_locked_accounts(make_app, dbsession, sql_statements):
    secadmin = factories.user(dbsession, "security_admin")
    add = rows(dbsession, lambda i: factories.user(
        dbsession, "individual", organisation=factories.organisation(dbsession),
        locked_until=utcnow() + dt.timedelta(minutes=30), failed_logins=5))
    constant(sql_statements, as_(make_app, secadmin), "/admin/locked", add)


def test_the_second_factor_accounts(make_app, dbsession, sql_statements):
    secadmin = factories.user(dbsession, "security_admin")
    constant(sql_statements, as_(make_app, secadmin), "/admin/totp", staff_adder(dbsession))


def test_my_documents(make_app, dbsession, sql_statements):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key=MODULE))
    add = rows(dbsession, lambda i: dbsession.add(GeneratedDocument(
        kind="word", created_by_id=applicant.id, filename=f"文档{i}.docx", content_type="application/octet-stream",
        storage_key=f"document-{i}", size=1, sha256="0" * 64, permission=f"{MODULE}:module:use")))
    constant(sql_statements, as_(make_app, applicant), "/documents", add)


def test_the_outbox(make_app, dbsession, sql_statements):
    admin = factories.user(dbsession, "admin")
    add = rows(dbsession, lambda i: dbsession.add(
        OutboxMessage(channel="sms", recipient=f"1380000{i:04d}", body="验证码 123456")))
    constant(sql_statements, as_(make_app, admin), "/dev/outbox", add)


def test_the_batches_list(make_app, dbsession, sql_statements):
    """Each batch opened by another district's bureau (its 开放单位 is shown)."""
    city = factories.user(dbsession, "agency", agency_code="tj")
    openers = {code: factories.user(dbsession, "agency", agency_code=code) for code in Records.DISTRICTS}
    add = rows(dbsession, lambda i: review.open_batch(
        dbsession, MODULE, 2000 + i, dt.date.today() + dt.timedelta(days=30),
        openers[Records.DISTRICTS[i % len(Records.DISTRICTS)]]))
    constant(sql_statements, as_(make_app, city), f"/{MODULE}/batches", add)


def notices_of(dbsession, publishers, **values):
    """``make_row`` publishing the i-th notice by the i-th publisher in turn."""
    from kjgl.core.notices import services as notices

    def make(i):
        notice = notices.save(dbsession, publishers[i % len(publishers)],
                              {"title": f"通知{i}", "body": "正文", "target": "subtree", **values})
        notices.publish(dbsession, publishers[i % len(publishers)], notice)
    return make


def test_the_notices_list(make_app, dbsession, sql_statements):
    """An applicant reads notices of its district's and of the city's bureau."""
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    publishers = [factories.user(dbsession, "agency", agency_code=code) for code in ("tj-d01", "tj")]
    constant(sql_statements, as_(make_app, applicant), "/notices", rows(dbsession, notices_of(dbsession, publishers)))


def test_the_notices_management_list(make_app, dbsession, sql_statements):
    staff = [factories.user(dbsession, "agency", agency_code="tj") for _ in range(3)]
    constant(sql_statements, as_(make_app, staff[0]), "/notices/manage",
             rows(dbsession, notices_of(dbsession, staff)))


def test_who_read_a_notice(make_app, dbsession, sql_statements):
    from kjgl.core.notices import services as notices
    from kjgl.core.notices.models import Notice

    city = factories.user(dbsession, "agency", agency_code="tj")
    notices_of(dbsession, [city])(0)
    notice = dbsession.scalars(review.select(Notice)).one()

    def reader(i):
        org = factories.organisation(dbsession, agency_code=Records.DISTRICTS[i % len(Records.DISTRICTS)])
        notices.mark_read(dbsession, factories.user(dbsession, "individual", organisation=org), notice)

    constant(sql_statements, as_(make_app, city), f"/notices/{notice.id}/reads", rows(dbsession, reader))


def test_the_messages(make_app, dbsession, sql_statements):
    """站内消息 about records of several modules (each row links nowhere but its own open page)."""
    from kjgl.core.notifications.services import notify

    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    add = rows(dbsession, lambda i: notify(dbsession, [applicant], kind="review_returned", title=f"退回{i}",
                                           body="请修改", object_type="submission", object_id=i + 1,
                                           module_key=MODULE))
    constant(sql_statements, as_(make_app, applicant), "/messages", add)


def test_the_online_sessions(make_app, dbsession, sql_statements):
    """在线用户: each session of another user (its account and name are shown)."""
    secadmin = factories.user(dbsession, "security_admin")
    add = rows(dbsession, lambda i: factories.user_session(dbsession, factories.user(
        dbsession, "individual", organisation=factories.organisation(dbsession))))
    constant(sql_statements, as_(make_app, secadmin), "/admin/sessions", add)


def test_my_sessions(make_app, dbsession, sql_statements):
    applicant = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    constant(sql_statements, as_(make_app, applicant), "/account/sessions",
             rows(dbsession, lambda i: factories.user_session(dbsession, applicant)))


def test_the_dormant_accounts(make_app, dbsession, sql_statements):
    secadmin = factories.user(dbsession, "security_admin")
    long_ago = utcnow() - dt.timedelta(days=3650)
    add = rows(dbsession, lambda i: factories.user(
        dbsession, "individual", organisation=factories.organisation(dbsession), created_at=long_ago,
        last_login_at=long_ago))
    constant(sql_statements, as_(make_app, secadmin), "/admin/dormant", add)


def test_the_agencies_tree(make_app, dbsession, sql_statements):
    """主管部门管理: districts added under two cities, each with its staff counted."""
    from kjgl.core.agencies import manage

    admin = factories.user(dbsession, "admin")
    parents = [factories.agency(dbsession, code) for code in ("tj", "cq")]

    def agency(i):
        added = manage.create(dbsession, admin, parent=parents[i % len(parents)], name=f"新增科技局{i}",
                              kind="district", region=f"新区{i}")
        factories.user(dbsession, "agency", agency_code=added.code)

    constant(sql_statements, as_(make_app, admin), "/admin/agencies", rows(dbsession, agency))


def reads(statements, table) -> int:
    """Statements reading ``table``: named in their FROM or in a subquery of
    their column list (the identity's grants), not in a condition."""
    return sum(f"FROM {table}" in head(s) for s in statements)


def head(sql: str) -> str:
    """``sql`` up to its own WHERE (a subquery's WHERE is inside parentheses)."""
    depth = 0
    for i, ch in enumerate(sql):
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and sql.startswith("WHERE", i):
            return sql[:i]
    return sql


def test_the_user_and_the_grants_are_read_once_per_request(make_app, dbsession, sql_statements):
    """The identity is remembered for the request and the menu, the rules and
    the portal share one read of the grants, however many modules there are."""
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    app = make_app()
    modules = [m.key for m in app.app.registry["kjgl.modules"]]
    assert len(modules) > 1
    for key in modules:
        dbsession.add(ModuleGrant(user_id=applicant.id, module_key=key))
    dbsession.flush()
    login(app, applicant.account)
    for url in ("/portal", f"/{MODULE}/"):
        statements = sql_statements(lambda: app.get(url, status=200))
        assert reads(statements, "user_account") == 1, url
        assert reads(statements, "module_grant") == 1, url


def test_the_lists_decision_links_agree_with_can_decide(make_app, dbsession, chain):
    """``decidable`` (the list's 审核 links, no query per row) says what
    ``can_decide`` says for every record a reviewer's list holds."""
    from sqlalchemy import select

    from kjgl.core.review.models import Submission

    records = Records(dbsession, chain)
    records.add(9)
    district = factories.user(dbsession, "agency", agency_code="tj-d01")
    subs = list(dbsession.scalars(select(Submission).order_by(Submission.id)))
    for sub in subs[:2]:  # on to the city's step
        if sub.agency.code == "tj-d01":
            review.decide(dbsession, chain, sub, district, decision="approve", expected_version=sub.version)
    review.decide(dbsession, chain, subs[2], factories.user(dbsession, "agency", agency_code=subs[2].agency.code),
                  decision="return", opinion="请补充", expected_version=subs[2].version)
    reviewers = [district, records.city, factories.user(dbsession, "agency", agency_code="tj-d08"),
                 factories.user(dbsession, "agency", agency_code="cq")]
    seen = set()
    for reviewer in reviewers:
        listed = list(dbsession.scalars(review.reviewer_scope(select(Submission), reviewer)))
        expected = {s.id: review.can_decide(dbsession, chain, s, reviewer) for s in listed}
        assert review.decidable(dbsession, chain, listed, reviewer) == expected
        seen.update(expected.values())
    assert seen == {True, False}


def test_pages_open_no_sealed_number_they_do_not_show(make_app, dbsession, chain, monkeypatch):
    """The identity and the reviewer's list leave ID and mobile numbers sealed
    (each opening is an AES-GCM decryption): neither page shows one."""
    from kjgl.core import crypto

    opened = []
    original = crypto.Keyring.open
    monkeypatch.setattr(crypto.Keyring, "open", lambda self, stored, context: opened.append(context)
                        or original(self, stored, context))
    records = Records(dbsession, chain, district="tj-d01")
    records.add(5)
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key=MODULE))
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    dbsession.expire_all()
    for user, url in ((applicant, "/portal"), (reviewer, f"/{MODULE}/review/")):
        app = as_(make_app, user)
        opened.clear()
        app.get(url, status=200)
        assert opened == [], url
