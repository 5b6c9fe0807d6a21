"""The authorisation matrix: every registered route × every role, against
the expected outcome declared in ``EXPECTED`` below.

A route that is registered but not in the table fails the suite — a new
route needs a line here saying who may use it. Routes taking an ``{id}`` get
the id of an object on the "right" side (organisation A, district tj-d01,
see ``world.py``), so a 404 in the table is object scoping at work.

Outcome classes:
- ``ALLOW``: the view ran — 2xx, a redirect other than the forbidden view's,
  or a refusal of the empty form the test posts (400/409/422);
- ``LOGIN``: anonymous is sent to log in (a GET redirects to
  /login?next=…, a POST is refused with 403);
- ``FORBID``: 403 for a logged-in user without the permission;
- ``NOTFOUND``: 404, the user holds the permission but the object is not
  theirs to see.
Nothing may ever answer 500.
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from .world import (ADMIN, AG_OTHER, AG_RIGHT, ANON, AUDIT_ADMIN, CITY, IND, IND_G, ORG, ORG_P, ROLES,
                    SEC_ADMIN, build, client, csrf_token, path, routes, takes_id)

ALLOW, LOGIN, FORBID, NOTFOUND = "allow", "login", "403", "404"

EVERYONE = frozenset(ROLES)
LOGGED_IN = EVERYONE - {ANON}
INDIVIDUALS = frozenset({IND, IND_G})
ORG_ADMINS = frozenset({ORG, ORG_P})
AGENCIES = frozenset({AG_OTHER, AG_RIGHT, CITY})


def rule(allow=(), notfound=(), obj=None):
    """Who is let through and who gets 404; every other logged-in role gets
    403 and anonymous is sent to log in. ``obj`` names the world object
    whose id fills ``{id}``."""
    return {"allow": frozenset(allow), "notfound": frozenset(notfound), "obj": obj}


# The objects an {id} can name (see ``object_id``).
DRAFT, SUBMITTED, FILE, PENDING_ORG, MEMBER, STAFF, LOCKED, DOCUMENT, SESSION, BATCH, AGENCY, MESSAGE, NOTICE = (
    "draft", "submitted", "file", "pending_org", "member", "staff", "locked", "document", "session", "batch",
    "agency", "message", "notice")
ER_VERSION, ER_ENTERPRISE = "er_version", "er_enterprise"
ER_RATING, ER_VOUCHER, ER_CHOICE = "er_rating", "er_voucher", "er_choice"

EXPECTED = {
    # public pages
    "home": rule(EVERYONE),
    "login": rule(EVERYONE),
    "logout": rule(EVERYONE),
    "captcha": rule(EVERYONE),
    "favicon": rule(EVERYONE),
    "register": rule(EVERYONE),
    "register.legal": rule(EVERYONE),
    "register.individual": rule(EVERYONE),
    "register.sms": rule(EVERYONE),
    "recover": rule(EVERYONE),
    "recover.sms": rule(EVERYONE),
    "recover.questions": rule(EVERYONE),
    # kjgl.dev_outbox = true in the tests (development); otherwise admin only
    "dev.outbox": rule(EVERYONE),
    # every logged-in user (session.ping: "stay logged in" before the idle timeout)
    "account.password": rule(LOGGED_IN),
    "session.ping": rule(LOGGED_IN),
    # one's own logged-in sessions; {id} is a session of A's individual:
    # theirs to end, 404 for every other user
    "account.sessions": rule(LOGGED_IN),
    "account.sessions.end_others": rule(LOGGED_IN),
    "account.sessions.end": rule({IND}, LOGGED_IN - {IND}, obj=SESSION),
    # a file on A's submitted makerspace record: its applicant and the
    # reviewers whose subtree holds it see it (the system, security and audit
    # admins do not: 404); only the applicant may delete (refused 409 here:
    # the record is locked), reviewers get 403
    "attachment.download": rule({IND_G, AG_RIGHT, CITY}, LOGGED_IN - {IND_G, AG_RIGHT, CITY}, obj=FILE),
    "attachment.delete": rule({IND_G}, LOGGED_IN - {IND_G, AG_RIGHT, CITY}, obj=FILE),
    # a document A's granted individual generated: theirs alone, 404 for everybody else
    "document.download": rule({IND_G}, LOGGED_IN - {IND_G}, obj=DOCUMENT),
    "documents.mine": rule(LOGGED_IN),
    # one's own personal data and account closure (staff and admins are
    # shown why they cannot close theirs: 409)
    "me.data": rule(LOGGED_IN),
    "me.data.export": rule(LOGGED_IN),
    "me.close": rule(LOGGED_IN),
    # 站内消息: every logged-in user has their own; a message is its recipient's alone
    "messages": rule(LOGGED_IN),
    "messages.read": rule(LOGGED_IN),
    "messages.preferences": rule(LOGGED_IN),
    "message.open": rule({IND_G}, LOGGED_IN - {IND_G}, obj=MESSAGE),
    # 通知公告: read by the audience of the tj-d01 notice (its staff and the users of
    # organisations under tj-d01), managed by the staff of the publishing agency only
    "notices": rule(LOGGED_IN),
    "notice": rule({IND, IND_G, ORG, ORG_P, AG_RIGHT}, LOGGED_IN - {IND, IND_G, ORG, ORG_P, AG_RIGHT}, obj=NOTICE),
    "notices.manage": rule(AGENCIES),
    "notice.new": rule(AGENCIES),
    "notice.edit": rule({AG_RIGHT}, {AG_OTHER, CITY}, obj=NOTICE),
    "notice.publish": rule({AG_RIGHT}, {AG_OTHER, CITY}, obj=NOTICE),
    "notice.withdraw": rule({AG_RIGHT}, {AG_OTHER, CITY}, obj=NOTICE),
    "notice.reads": rule({AG_RIGHT}, {AG_OTHER, CITY}, obj=NOTICE),
    # individuals
    "portal": rule(INDIVIDUALS),
    "me.profile": rule(INDIVIDUALS),
    "me.org.choose": rule(INDIVIDUALS),
    "me.mobile_code": rule(INDIVIDUALS),  # the SMS code for a new mobile on 个人信息
    # organisation admins (信息补全 also while pending)
    "org.profile": rule(ORG_ADMINS),
    "org.status": rule(ORG_ADMINS),
    "org.risk_letter": rule(ORG_ADMINS),
    # the user list of an active organisation; {id} is A's individual
    "org.users": rule({ORG}),
    "org.user.grants": rule({ORG}, obj=MEMBER),
    "org.user.password": rule({ORG}, obj=MEMBER),
    "org.user.status": rule({ORG}, obj=MEMBER),
    # agency review of organisations; {id} is the pending organisation in tj-d01
    "agency.orgs": rule(AGENCIES),
    "agency.org": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=PENDING_ORG),
    "agency.org.decide": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=PENDING_ORG),
    # the platform admin's staff pages; {id} is the tj-d01 reviewer
    "admin.staff": rule({ADMIN}),
    "admin.staff.new": rule({ADMIN}),
    "admin.staff.detail": rule({ADMIN}, obj=STAFF),
    "admin.staff.reset": rule({ADMIN}, obj=STAFF),
    "admin.staff.status": rule({ADMIN}, obj=STAFF),
    # 设为/取消负责人 (who assigns the agency's records): the system admin alone
    "admin.staff.head": rule({ADMIN}, obj=STAFF),
    # the agency tree; {id} is tj-d01 (in use: its deletion is refused, 409)
    "admin.agencies": rule({ADMIN}),
    "admin.agency.new": rule({ADMIN}),
    "admin.agency.edit": rule({ADMIN}, obj=AGENCY),
    "admin.agency.status": rule({ADMIN}, obj=AGENCY),
    "admin.agency.delete": rule({ADMIN}, obj=AGENCY),
    # 三员分立: only the audit admin reads the audit log, only the security
    # admin unlocks accounts; {id} is a locked account
    "admin.audit": rule({AUDIT_ADMIN}),
    "admin.audit.export": rule({AUDIT_ADMIN}),
    "admin.locked": rule({SEC_ADMIN}),
    "admin.locked.unlock": rule({SEC_ADMIN}, obj=LOCKED),
    # who is online, and a forced logout ({id}: A's individual's session)
    "admin.sessions": rule({SEC_ADMIN}),
    "admin.sessions.end": rule({SEC_ADMIN}, obj=SESSION),
    # dormant and platform-disabled accounts; {id} is an account to re-enable
    "admin.dormant": rule({SEC_ADMIN}),
    "admin.dormant.enable": rule({SEC_ADMIN}, obj=LOCKED),
    # the second factor (kjgl.totp, off here): its pages are open only while a
    # login waits for the code, so to no role of this world; the security
    # admin resets a user's TOTP ({id} is the tj-d01 reviewer)
    "login.totp": rule(),
    "login.totp.enrol": rule(),
    "login.totp.qr": rule(),
    "admin.totp": rule({SEC_ADMIN}),
    "admin.totp.reset": rule({SEC_ADMIN}, obj=STAFF),
    # enterprise_registry: the granted individual of A files; {id} of a
    # version is A's change under review, of a report A's draft (``DRAFT``)
    "enterprise_registry.home": rule({IND_G}),
    "enterprise_registry.basic.start": rule({IND_G}),
    "enterprise_registry.basic.edit": rule({IND_G}, obj=ER_VERSION),
    "enterprise_registry.basic.submit": rule({IND_G}, obj=ER_VERSION),
    "enterprise_registry.basic.view": rule({IND_G}, obj=ER_VERSION),
    "enterprise_registry.report.new": rule({IND_G}),
    "enterprise_registry.edit": rule({IND_G}, obj=DRAFT),
    "enterprise_registry.tab": rule({IND_G}, obj=DRAFT),
    "enterprise_registry.submit": rule({IND_G}, obj=DRAFT),
    "enterprise_registry.view": rule({IND_G}, obj=DRAFT),
    # its agencies' lists and exports: every agency (scoped in the query);
    # details and decisions: A's district and the city, 404 for the other district
    **{f"enterprise_registry.{name}": rule(AGENCIES) for name in (
        "basic_review", "enterprises", "enterprises.export", "report_review", "report_review.export", "reports",
        "reports.export", "pool_tech", "pool_tech.export", "pool_hitech", "pool_hitech.export")},
    # 科企信息统计表 (issue 12): every agency, scoped in the query (a district sees its own row;
    # another district's id in the drill filter is "not found", tests/plugins/enterprise_registry/test_statistics.py);
    # the year's targets are the city's to set, districts read them
    **{f"enterprise_registry.{name}": rule(AGENCIES) for name in (
        "stats_progress", "stats_progress.export", "stats_listing", "stats_listing.export", "stats_annual",
        "stats_annual.export", "stats_overview", "stats_drill", "stats_drill.export", "stats_targets")},
    "enterprise_registry.stats_targets.save": rule({CITY}),
    "enterprise_registry.basic_review.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_VERSION),
    "enterprise_registry.basic_review.decide": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_VERSION),
    "enterprise_registry.enterprises.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_ENTERPRISE),
    "enterprise_registry.pool_tech.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_ENTERPRISE),
    "enterprise_registry.pool_hitech.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_ENTERPRISE),
    # the screened pools (pools.POOLS): list, export and the 条件说明's 查询 / 重置 for every agency (scoped
    # in the query, parameters remembered per agency); the detail explains any enterprise of the jurisdiction
    **{f"enterprise_registry.pool.{key}{suffix}": rule(AGENCIES)
       for key in ("incubation", "hitech_reserve", "star_reserve", "leading", "high_growth", "sme_reserve")
       for suffix in ("", ".export", ".params", ".reset")},
    **{f"enterprise_registry.pool.{key}.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_ENTERPRISE)
       for key in ("incubation", "hitech_reserve", "star_reserve", "leading", "high_growth", "sme_reserve")},
    "enterprise_registry.report_review.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
    "enterprise_registry.report_review.decide": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
    "enterprise_registry.reports.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
    # 申报事项: the granted individual applies; agencies list, count and export (scoped in the
    # query); the city rates (a district's staff: 403), the district decides and records 兑付
    # (the city: 403); {id} is A's rating / voucher (another district: 404)
    "enterprise_registry.declarations": rule({IND_G}),
    "enterprise_registry.rating.apply": rule({IND_G}),
    "enterprise_registry.voucher.apply": rule({IND_G}),
    **{f"enterprise_registry.{name}": rule(AGENCIES) for name in (
        "ratings", "ratings.export", "vouchers", "vouchers.export", "voucher_summary", "voucher_summary.export",
        "voucher_stats", "voucher_stats.export", "custom_query", "custom_query.export", "custom_query.save")},
    "enterprise_registry.ratings.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_RATING),
    "enterprise_registry.ratings.rate": rule({CITY}, obj=ER_RATING),
    "enterprise_registry.vouchers.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=ER_VOUCHER),
    "enterprise_registry.vouchers.decide": rule({AG_RIGHT}, {AG_OTHER}, obj=ER_VOUCHER),
    "enterprise_registry.vouchers.redeem": rule({AG_RIGHT}, {AG_OTHER}, obj=ER_VOUCHER),
    # a saved column choice is its owner's alone (the tj-d01 reviewer's)
    "enterprise_registry.custom_query.delete": rule({AG_RIGHT}, {AG_OTHER, CITY}, obj=ER_CHOICE),
    # national_record: the granted individual of A; {id} of a carrier is A's carrier
    "national_record.home": rule({IND_G}),
    "national_record.new": rule({IND_G}),
    "national_record.carrier_new": rule({IND_G}),
    "national_record.carrier_edit": rule({IND_G}, obj="carrier"),
    "national_record.pledge_template": rule({IND_G}, obj=DRAFT),
    "national_record.tab": rule({IND_G}, obj=DRAFT),
    "national_record.document": rule({IND_G}, obj=DRAFT),
    "national_record.document_pdf": rule({IND_G}, obj=DRAFT),
    "national_record.proofs": rule({IND_G}, obj=DRAFT),
}

for _m in ("makerspace", "incubator", "national_record"):
    EXPECTED.update({
        # the applicant's pages: the granted individual of A; {id} is A's draft
        f"{_m}.home": rule({IND_G}),
        f"{_m}.new": rule({IND_G}),
        f"{_m}.view": rule({IND_G}, obj=DRAFT),
        f"{_m}.edit": rule({IND_G}, obj=DRAFT),
        f"{_m}.submit": rule({IND_G}, obj=DRAFT),
        **({f"{_m}.word": rule({IND_G}, obj=DRAFT)} if _m != "national_record" else {}),
        # the reviewers' pages; {id} is A's submitted record (district tj-d01)
        f"{_m}.review": rule(AGENCIES),
        f"{_m}.review.export": rule(AGENCIES),
        # 批量审核: the ids are in the form; a record outside the reviewer's subtree is ignored
        f"{_m}.review.bulk": rule(AGENCIES),
        f"{_m}.review.recuse": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
        f"{_m}.review.detail": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
        f"{_m}.review.decide": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED),
        **({f"{_m}.review.word": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED)} if _m != "national_record"
           else {f"{_m}.review.proofs": rule({AG_RIGHT, CITY}, {AG_OTHER}, obj=SUBMITTED)}),
        # the city's batch: its owner (and ancestors) reopen or extend it; the national
        # record's batches are the Torch Center's, and no role of this world is national
        f"{_m}.batches": rule({CITY} if _m != "national_record" else ()),
        f"{_m}.batch.reopen": rule({CITY} if _m != "national_record" else (), obj=BATCH),
    })


def expected_outcome(route_name: str, role: str) -> str:
    entry = EXPECTED[route_name]
    if role in entry["allow"]:
        return ALLOW
    if role == ANON:
        return LOGIN
    if role in entry["notfound"]:
        return NOTFOUND
    return FORBID


def object_id(world, route_name: str):
    obj = EXPECTED[route_name]["obj"]
    module = route_name.split(".", 1)[0]
    return {
        DRAFT: lambda: world.a.drafts[module].id,
        SUBMITTED: lambda: world.a.submitted[module].id,
        FILE: lambda: world.a.files["makerspace"].id,
        PENDING_ORG: lambda: world.pending_org.id,
        MEMBER: lambda: world.a.individual.id,
        STAFF: lambda: world.agency_right.id,
        LOCKED: lambda: world.locked.id,
        DOCUMENT: lambda: world.a.document.id,
        MESSAGE: lambda: world.a.message.id,
        NOTICE: lambda: world.notices["right"].id,
        "carrier": lambda: world.a.carrier.id,
        SESSION: lambda: world.session.id,
        BATCH: lambda: world.batches[module].id,
        AGENCY: lambda: world.agency_right.agency_id,
        ER_VERSION: lambda: world.a.er_version.id,
        ER_ENTERPRISE: lambda: world.a.er_enterprise.id,
        ER_RATING: lambda: world.a.er_rating.id,
        ER_VOUCHER: lambda: world.a.er_voucher.id,
        ER_CHOICE: lambda: world.er_choice.id,
    }[obj]()


def observed_outcome(res, role: str, method: str) -> str:
    status = res.status_int
    if status >= 500:
        return f"{status} (server error)"
    if status in (301, 302, 303, 307):
        target = urlparse(res.location)
        # the forbidden view's answer, as opposed to / or /logout going to the login page
        if target.path == "/login" and "next" in parse_qs(target.query):
            return LOGIN
    if status == 403:
        return LOGIN if role == ANON and method == "POST" else FORBID
    if status == 404:
        return NOTFOUND
    if status < 400 or status in (400, 409, 422):
        return ALLOW
    return str(status)


def request_order(found):
    """GETs first, then POSTs; logging out last (it ends the session)."""
    def key(name):
        route, methods = found[name]
        return (name == "logout", "GET" not in methods and "*" not in methods, name)
    return sorted(found, key=key)


def test_every_route_has_a_rule(app):
    found = routes(app.app.registry)
    missing = sorted(set(found) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(found))
    assert not missing, (
        f"routes without an entry in the authorisation matrix: {missing} — add a line to EXPECTED "
        f"in {__file__} saying which roles may use each one")
    assert not stale, f"EXPECTED names routes that no longer exist: {stale}"


def requests_of(make_app, world, role, found):
    """Every route as ``role``: the lines where the outcome is not the expected one."""
    app = client(make_app, world, role)
    token = csrf_token(app, role)
    wrong = []
    for name in request_order(found):
        if name not in EXPECTED:
            continue  # reported by test_every_route_has_a_rule
        route, methods = found[name]
        url = path(route, object_id(world, name) if takes_id(route) else None)
        method = "GET" if ("GET" in methods or "*" in methods) else "POST"
        if method == "GET":
            res = app.get(url, status="*")
        else:
            res = app.post(url, {"csrf_token": token}, status="*")
        want, got = expected_outcome(name, role), observed_outcome(res, role, method)
        if want != got:
            wrong.append(f"{method} {url} ({name}) as {role}: expected {want}, got {got} [{res.status}]")
    return wrong


def test_authorisation_matrix(make_app, dbsession, connection):
    """One world for all roles; what each role's requests change (a disabled
    user, a reset password, the logout) is rolled back to a savepoint before
    the next role starts."""
    registry = make_app().app.registry
    world = build(dbsession, registry)
    found = routes(registry)
    wrong = []
    for role in ROLES:
        savepoint = connection.begin_nested()
        try:
            wrong += requests_of(make_app, world, role, found)
        finally:
            savepoint.rollback()
    assert not wrong, "\n" + "\n".join(wrong)


@pytest.mark.parametrize("role, want", [(ANON, LOGIN), (IND_G, FORBID), (AG_RIGHT, FORBID), (AUDIT_ADMIN, FORBID),
                                        (ADMIN, ALLOW)])
def test_dev_outbox_is_the_admins_alone_outside_development(role, want, make_app, dbsession):
    """The matrix runs with ``kjgl.dev_outbox = true``; a deployment
    without it shows the outbox to the platform admin only."""
    settings = {"kjgl.dev_outbox": "false"}
    world = build(dbsession, make_app(**settings).app.registry)
    app = client(lambda: make_app(**settings), world, role)
    assert observed_outcome(app.get("/dev/outbox", status="*"), role, "GET") == want
