"""Object-level scoping by id guessing: on every route that takes an id, a
user who holds the route's permission tries the ids of objects that are not
theirs (another organisation's, another district's, another module's, the
wrong kind of user), ids that do not exist and ids too large for the
database. Every such request is "not found" (404) — not 403, which would
confirm the object exists, not 200, never 500 — and changes nothing.
"""
from __future__ import annotations

from sqlalchemy import select

from kjgl.core.accounts.models import User
from kjgl.core.attachments.models import Attachment
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.review.models import Submission
from kjgl.plugins.enterprise_registry.declaration_models import ColumnChoice, Rating, Voucher

from .world import (ADMIN, AG_RIGHT, CITY, IND_G, MODULES, ORG, SEC_ADMIN, build, client, csrf_token, path, routes,
                    takes_id)

OTHER = {"makerspace": "incubator", "incubator": "makerspace", "national_record": "makerspace"}
NONEXISTENT = (999_999_999, 10**20)


def _module_routes():
    table = {}
    for m in MODULES:
        o = OTHER[m]
        applicant_foreign = lambda w, m=m, o=o: [  # noqa: E731
            ("B's draft", w.b.drafts[m].id), ("B's submitted record", w.b.submitted[m].id),
            (f"A's own {o} record", w.a.drafts[o].id)]
        reviewer_foreign = lambda w, m=m, o=o: [  # noqa: E731
            ("a record of the other district", w.b.submitted[m].id),
            ("a draft of the reviewer's own district", w.a.drafts[m].id),
            (f"a {o} record of the reviewer's district", w.a.submitted[o].id)]
        applicant_pages = ("view", "edit", "submit") + (
            ("tab", "pledge_template", "document", "document_pdf", "proofs") if m == "national_record" else ("word",))
        for suffix in applicant_pages:
            table[f"{m}.{suffix}"] = {IND_G: applicant_foreign}
        for suffix in ("review.detail", "review.decide", "review.recuse") + (
                ("review.proofs",) if m == "national_record" else ("review.word",)):
            table[f"{m}.{suffix}"] = {AG_RIGHT: reviewer_foreign}
        # the national record's batches are the Torch Center's, a role this world has not:
        # tests/plugins/national_record probes them as the Torch Center
        table[f"{m}.batch.reopen"] = {} if m == "national_record" else {
            CITY: lambda w, o=o: [(f"the {o} batch", w.batches[o].id)]}
    return table


def _files_not_theirs(w):
    return {
        IND_G: [("B's makerspace file", w.b.files["makerspace"].id), ("B's incubator file", w.b.files["incubator"].id),
                ("B's organisation file", w.b.org_file.id), ("A's own organisation file", w.a.org_file.id)],
        ORG: [("B's organisation file", w.b.org_file.id), ("A's makerspace file", w.a.files["makerspace"].id)],
        AG_RIGHT: [("a file of the other district", w.b.files["makerspace"].id),
                   ("an organisation file of the other district", w.b.org_file.id)],
        # the system admin reads no applicant's file
        ADMIN: [("A's makerspace file", w.a.files["makerspace"].id), ("A's organisation file", w.a.org_file.id)],
    }


def _documents_not_theirs(w):
    """Generated documents are their maker's alone, even inside one organisation."""
    return {
        IND_G: [("B's individual's document", w.b.document.id), ("A's admin's document", w.a.admin_document.id)],
        ORG: [("A's individual's document", w.a.document.id), ("B's admin's document", w.b.admin_document.id)],
        AG_RIGHT: [("a document of an applicant of the district", w.a.document.id)],
        ADMIN: [("an applicant's document", w.a.document.id), ("an organisation's document", w.a.admin_document.id)],
    }


def _users_not_theirs(w):
    return [("B's individual", w.b.individual.id), ("B's admin", w.b.admin.id),
            ("an agency reviewer", w.agency_right.id), ("the platform admin", w.admins[ADMIN].id)]


def _not_staff(w):
    return [("an individual", w.a.individual.id), ("an organisation admin", w.a.admin.id),
            ("the security admin", w.admins[SEC_ADMIN].id)]


def _orgs_not_theirs(w):
    return [("an organisation of the other district", w.b.org.id)]


def _registry_routes():
    """enterprise_registry: another organisation's or district's objects, and
    objects of the other document kind (a version where a report is meant)."""
    r = "enterprise_registry."
    versions = lambda w: [("B's version", w.b.er_version.id),  # noqa: E731
                          ("A's own report", w.a.drafts["enterprise_registry"].id)]
    reports = lambda w: [("B's draft report", w.b.drafts["enterprise_registry"].id),  # noqa: E731
                         ("B's submitted report", w.b.submitted["enterprise_registry"].id),
                         ("A's own basic information", w.a.er_version.id)]
    other_versions = lambda w: [("a version of the other district", w.b.er_version.id),  # noqa: E731
                                ("a report of the reviewer's district", w.a.submitted["enterprise_registry"].id)]
    other_enterprises = lambda w: [("an enterprise of the other district", w.b.er_enterprise.id)]  # noqa: E731
    other_reports = lambda w: [("a report of the other district", w.b.submitted["enterprise_registry"].id),  # noqa: E731
                               ("a draft report of the reviewer's district", w.a.drafts["enterprise_registry"].id),
                               ("a version of the reviewer's district", w.a.er_version.id)]
    table = {r + s: {IND_G: versions} for s in ("basic.edit", "basic.view", "basic.submit")}
    table.update({r + s: {IND_G: reports} for s in ("edit", "tab", "submit", "view")})
    table.update({r + s: {AG_RIGHT: other_versions} for s in ("basic_review.detail", "basic_review.decide")})
    table.update({r + s: {AG_RIGHT: other_enterprises}
                  for s in ("enterprises.detail", "pool_tech.detail", "pool_hitech.detail")
                  + tuple(f"pool.{key}.detail" for key in ("incubation", "hitech_reserve", "star_reserve", "leading",
                                                            "high_growth", "sme_reserve"))})
    table.update({r + s: {AG_RIGHT: other_reports}
                  for s in ("report_review.detail", "report_review.decide", "reports.detail")})
    # 申报事项: another district's rating or voucher, or the other kind's id
    table[r + "ratings.detail"] = {AG_RIGHT: lambda w: [("a rating of the other district", w.b.er_rating.id)]}
    table[r + "ratings.rate"] = {CITY: lambda w: []}  # the city rates every district's: ids that don't exist
    other_vouchers = lambda w: [("a voucher of the other district", w.b.er_voucher.id)]  # noqa: E731
    table.update({r + s: {AG_RIGHT: other_vouchers} for s in ("vouchers.detail", "vouchers.decide", "vouchers.redeem")})
    # a saved column choice of another user
    table[r + "custom_query.delete"] = {CITY: lambda w: [("the tj-d01 reviewer's choice", w.er_choice.id)]}
    return table


# route -> {who tries: the ids that must be "not found" for them}
ID_GUESSING = {
    **_module_routes(),
    **_registry_routes(),
    "attachment.download": {a: (lambda w, a=a: _files_not_theirs(w)[a]) for a in (IND_G, ORG, AG_RIGHT, ADMIN)},
    "attachment.delete": {a: (lambda w, a=a: _files_not_theirs(w)[a]) for a in (IND_G, ORG, AG_RIGHT)},
    "document.download": {a: (lambda w, a=a: _documents_not_theirs(w)[a]) for a in (IND_G, ORG, AG_RIGHT, ADMIN)},
    "agency.org": {AG_RIGHT: _orgs_not_theirs},
    # a notice: read only by its audience (never a draft), managed only by its publishing agency
    "notice": {IND_G: lambda w: [("another district's notice", w.notices["other"].id),
                                 ("a draft of its own district", w.notices["draft"].id)],
               AG_RIGHT: lambda w: [("another district's notice", w.notices["other"].id)]},
    **{f"notice.{s}": {AG_RIGHT: lambda w: [("another district's notice", w.notices["other"].id)]}
       for s in ("edit", "publish", "withdraw", "reads")},
    # a message is its recipient's alone, even inside one organisation
    "message.open": {IND_G: lambda w: [("B's granted individual's message", w.b.message.id)],
                     ORG: lambda w: [("A's individual's message", w.a.message.id)],
                     AG_RIGHT: lambda w: [("an applicant's message", w.a.message.id)]},
    "national_record.carrier_edit": {IND_G: lambda w: [("B's carrier", w.b.carrier.id)]},
    "agency.org.decide": {AG_RIGHT: _orgs_not_theirs},
    "org.user.grants": {ORG: _users_not_theirs},
    "org.user.password": {ORG: _users_not_theirs},
    "org.user.status": {ORG: _users_not_theirs},
    "admin.staff.detail": {ADMIN: _not_staff},
    "admin.staff.reset": {ADMIN: _not_staff},
    "admin.staff.status": {ADMIN: _not_staff},
    "admin.staff.head": {ADMIN: _not_staff},
    "admin.locked.unlock": {SEC_ADMIN: lambda w: []},  # any account may be locked: only ids that don't exist
    # one's own sessions only; the security admin may end anybody's
    "account.sessions.end": {a: (lambda w: [("another user's session", w.session.id)]) for a in (IND_G, ORG, ADMIN)},
    "admin.sessions.end": {SEC_ADMIN: lambda w: []},
    "admin.dormant.enable": {SEC_ADMIN: lambda w: []},  # any account may have been disabled
    # the system admin manages every agency: only ids that don't exist
    "admin.agency.edit": {ADMIN: lambda w: []},
    "admin.agency.status": {ADMIN: lambda w: []},
    "admin.agency.delete": {ADMIN: lambda w: []},
    # only agency and admin accounts have a second factor to reset
    "admin.totp.reset": {SEC_ADMIN: lambda w: [("an individual", w.a.individual.id),
                                               ("an organisation admin", w.a.admin.id)]},
}


def test_every_route_with_an_id_is_probed(app):
    with_id = {name for name, (route, _) in routes(app.app.registry).items() if takes_id(route)}
    missing = sorted(with_id - set(ID_GUESSING))
    assert not missing, (
        f"routes taking an id without an id-guessing line: {missing} — add them to ID_GUESSING in {__file__}")
    assert sorted(set(ID_GUESSING) - with_id) == []


def _snapshot(db):
    """What a refused request must leave as it was."""
    db.expire_all()
    return {
        "users": sorted(db.execute(select(User.id, User.status, User.auth_version, User.must_change_password,
                                          User.password_hash)).all()),
        "submissions": sorted(db.execute(select(Submission.id, Submission.state, Submission.step,
                                                Submission.version, Submission.title)).all()),
        "files": sorted(db.scalars(select(Attachment.id))),
        "grants": sorted(db.execute(select(ModuleGrant.user_id, ModuleGrant.module_key)).all()),
        "declarations": sorted(db.execute(select(Voucher.id, Voucher.state, Voucher.redeemed_amount)).all())
        + sorted(db.execute(select(Rating.id, Rating.state, Rating.level)).all()),
        "column_choices": sorted(db.scalars(select(ColumnChoice.id))),
    }


ACTORS = sorted({actor for by_actor in ID_GUESSING.values() for actor in by_actor})


def probes_of(make_app, world, actor, found):
    """Every guessed id as ``actor``: the requests not answered 404."""
    app = client(make_app, world, actor)
    token = csrf_token(app, actor)
    wrong = []
    for name, by_actor in sorted(ID_GUESSING.items()):
        if actor not in by_actor:
            continue
        route, methods = found[name]
        method = "GET" if ("GET" in methods or "*" in methods) else "POST"
        probes = by_actor[actor](world) + [("an id that does not exist", i) for i in NONEXISTENT]
        for what, object_id in probes:
            url = path(route, object_id)
            if method == "GET":
                res = app.get(url, status="*")
            else:
                res = app.post(url, {"csrf_token": token}, status="*")
            if res.status_int != 404:
                wrong.append(f"{method} {url} ({name}) as {actor} with {what}: {res.status}, expected 404")
    return wrong


def test_guessed_ids_are_not_found(make_app, dbsession, connection):
    registry = make_app().app.registry
    world = build(dbsession, registry)
    found = routes(registry)
    wrong = []
    for actor in ACTORS:
        savepoint = connection.begin_nested()
        try:
            before = _snapshot(dbsession)
            wrong += probes_of(make_app, world, actor, found)
            if _snapshot(dbsession) != before:
                wrong.append(f"refused requests as {actor} changed the database")
        finally:
            savepoint.rollback()
    assert not wrong, "\n" + "\n".join(wrong)


def test_reviewer_export_holds_only_their_district(make_app, dbsession):
    """The Excel export is scoped like the list: the tj-d01 reviewer's file
    names A's record and not B's."""
    import io

    import openpyxl

    app = make_app()
    world = build(dbsession, app.app.registry)
    app = client(make_app, world, AG_RIGHT)
    prefixes = {"national_record": "national-record"}
    for m in MODULES:
        res = app.get(f"/{prefixes.get(m, m)}/review/export.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(res.body))
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
        text = "\n".join(cells)
        assert world.a.org.name in text or world.a.submitted[m].title in text
        assert world.b.org.name not in text and world.b.submitted[m].title not in text
