"""Downloads verify the SHA-256 recorded when a file was stored: an
attachment or a generated document whose bytes changed, shrank or vanished
on disk is refused with a Chinese page, never sent, and the failure is
audited; intact files are served as downloads."""
import hashlib
import io
import os
import zipfile

import pytest
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.review import services as review
from kjgl.core.testing import login

PDF = b"%PDF-1.4 licence scan, intact"


def _path(storage_dir, key):
    return os.path.join(storage_dir, key[:2], key)


def _events(dbsession, name):
    dbsession.expire_all()
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id)))


@pytest.fixture
def org(dbsession):
    return factories.organisation(dbsession, status="incomplete", agency_code="tj-d01")


@pytest.fixture
def attachment(dbsession, org, storage_dir):
    return factories.organisation_upload(dbsession, org, storage_dir, PDF, "营业执照.pdf")


# -- attachments ------------------------------------------------------------------

def test_intact_attachment_is_served_as_an_attachment(app, dbsession, org, attachment):
    login(app, factories.org_admin(dbsession, org).account)
    res = app.get(f"/files/{attachment.id}", status=200)
    assert res.body == PDF
    assert res.headers["Content-Disposition"].startswith("attachment; ")
    assert _events(dbsession, "integrity_failure") == []


@pytest.mark.parametrize("damage, reason", [
    (lambda path: open(path, "r+b").write(b"%PDF-1.4 licence scan, forged"), "sha256"),  # same size
    (lambda path: os.truncate(path, 10), "size"),
    (os.remove, "missing"),
])
def test_changed_attachment_is_refused_never_sent_and_audited(app, dbsession, org, attachment, storage_dir,
                                                              damage, reason):
    damage(_path(storage_dir, attachment.storage_key))
    login(app, factories.org_admin(dbsession, org).account)
    res = app.get(f"/files/{attachment.id}", status=409)
    assert res.content_type == "text/html"
    assert "Content-Disposition" not in res.headers
    assert b"licence scan" not in res.body and b"%PDF" not in res.body
    assert "文件完整性校验失败" in res.text and "营业执照.pdf" in res.text and "拒绝提供下载" in res.text
    (event,) = _events(dbsession, "integrity_failure")
    assert (event.object_type, event.object_id, event.success) == ("attachment", str(attachment.id), False)
    assert f'"reason": "{reason}"' in event.detail and attachment.sha256 in event.detail


# -- generated documents ----------------------------------------------------------

def _draft(dbsession, registry):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key="makerspace"))
    city = factories.user(dbsession, "agency", agency_code="tj")
    import datetime as dt
    batch = review.open_batch(dbsession, "makerspace", dt.date.today().year,
                              dt.date.today() + dt.timedelta(days=30), city)
    filing = registry["kjgl.filings"]["makerspace"]
    sub = review.create_draft(dbsession, module_key="makerspace", kind=filing.kind, batch=batch,
                              organisation=org, applicant=applicant, title="和平创客空间")
    sub.agency_id = factories.agency(dbsession, "tj-d01").id
    dbsession.flush()
    return sub, applicant, city


def _kept(dbsession, res, user, kind):
    """The document row the export left, checked against the bytes served."""
    dbsession.expire_all()
    (document,) = dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == user.id,
                                                                    GeneratedDocument.kind == kind))
    assert res.headers["Content-Disposition"].startswith("attachment; ")
    assert document.sha256 == hashlib.sha256(res.body).hexdigest() and document.size == len(res.body)
    (event,) = [e for e in _events(dbsession, "document_generate") if e.object_id == str(document.id)]
    assert document.sha256 in event.detail
    return document


def test_every_export_is_kept_with_its_sha256(app, dbsession, storage_dir):
    sub, applicant, city = _draft(dbsession, app.app.registry)
    login(app, applicant.account)
    word = _kept(dbsession, app.get(f"/makerspace/{sub.id}/word.docx"), applicant, "filing_word")
    assert (word.object_type, word.object_id) == ("makerspace.submission", sub.id)
    assert word.filename.endswith("和平创客空间.docx")
    with open(_path(storage_dir, word.storage_key), "rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == word.sha256

    app.reset()
    login(app, city.account)
    listing = app.get("/makerspace/review/export.xlsx")
    assert zipfile.ZipFile(io.BytesIO(listing.body)).testzip() is None
    _kept(dbsession, listing, city, "filing_excel")

    app.reset()
    org = factories.organisation(dbsession, status="incomplete")
    admin = factories.org_admin(dbsession, org)
    login(app, admin.account)
    letter = _kept(dbsession, app.get("/org/risk-commitment-letter.docx"), admin, "risk_letter")
    assert (letter.object_type, letter.object_id) == ("organisation", org.id)

    app.reset()
    auditor = factories.user(dbsession, "audit_admin")
    login(app, auditor.account)
    _kept(dbsession, app.get("/admin/audit/export"), auditor, "audit_excel")


def test_an_earlier_export_goes_with_the_permission_it_was_made_under(app, dbsession):
    """A revoked module grant takes the user's earlier exports of that module too."""
    sub, applicant, _ = _draft(dbsession, app.app.registry)
    login(app, applicant.account)
    app.get(f"/makerspace/{sub.id}/word.docx", status=200)
    dbsession.expire_all()
    (word,) = dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == applicant.id))
    assert word.permission == "makerspace:module:use"
    app.get(f"/documents/{word.id}", status=200)

    grant = dbsession.scalar(select(ModuleGrant).where(ModuleGrant.user_id == applicant.id))
    dbsession.delete(grant)
    dbsession.flush()
    app.get(f"/documents/{word.id}", status=404)


def test_my_documents_lists_the_users_own_exports_still_held(app, dbsession):
    sub, applicant, city = _draft(dbsession, app.app.registry)
    login(app, applicant.account)
    app.get(f"/makerspace/{sub.id}/word.docx", status=200)
    page = app.get("/documents", status=200)
    rows = page.html.select("#my-documents tbody tr")
    assert len(rows) == 1 and "和平创客空间.docx" in rows[0].get_text() and "Word文档" in rows[0].get_text()
    link = rows[0].select_one("a")["href"]
    assert app.get(link, status=200).headers["Content-Disposition"].startswith("attachment; ")
    assert "我的导出文件" in page.text  # in the menu

    app.reset()
    login(app, city.account)  # another user's list holds none of them
    assert app.get("/documents").html.select_one("#my-documents .empty") is not None

    dbsession.delete(dbsession.scalar(select(ModuleGrant).where(ModuleGrant.user_id == applicant.id)))
    dbsession.flush()
    app.reset()
    login(app, applicant.account)
    assert app.get("/documents").html.select_one("#my-documents .empty") is not None


class _Tampering:
    """Storage whose files change after they are written (a disk or an
    attacker between the write and the read)."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open(self, key):
        return io.BytesIO(b"PK\x03\x04 not what was generated")


def test_an_export_is_served_through_the_verifying_download(app, dbsession, monkeypatch):
    org = factories.organisation(dbsession, status="incomplete")
    admin = factories.org_admin(dbsession, org)
    registry = app.app.registry
    monkeypatch.setitem(registry, "kjgl.storage", _Tampering(registry["kjgl.storage"]))
    login(app, admin.account)
    res = app.get("/org/risk-commitment-letter.docx", status=409)
    assert b"not what was generated" not in res.body and "文件完整性校验失败" in res.text
    (event,) = _events(dbsession, "integrity_failure")
    assert event.object_type == "generated_document"


@pytest.fixture
def letter(app, dbsession):
    """A risk commitment letter its organisation admin generated, and the admin."""
    org = factories.organisation(dbsession, status="incomplete")
    admin = factories.org_admin(dbsession, org)
    login(app, admin.account)
    res = app.get("/org/risk-commitment-letter.docx")
    app.reset()
    dbsession.expire_all()
    document = dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.created_by_id == admin.id)).one()
    return document, admin, res.body


def test_the_maker_downloads_an_earlier_document_again_and_it_is_audited(app, dbsession, letter):
    document, admin, body = letter
    login(app, admin.account)
    res = app.get(f"/documents/{document.id}", status=200)
    assert res.body == body
    assert res.headers["Content-Disposition"].startswith("attachment; ")
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    (event,) = _events(dbsession, "document_download")
    assert (event.object_type, event.object_id, event.success) == ("generated_document", str(document.id), True)
    assert event.user_id == admin.id


@pytest.mark.parametrize("who", ["same_organisation", "reviewer", "admin", "security_admin", "audit_admin"])
def test_nobody_else_gets_the_document(app, dbsession, letter, who):
    document, admin, body = letter
    if who == "same_organisation":
        other = factories.user(dbsession, "individual", organisation=admin.organisation)
    elif who == "reviewer":
        other = factories.user(dbsession, "agency", agency_code="tj")
    else:
        other = factories.user(dbsession, who)
    login(app, other.account)
    res = app.get(f"/documents/{document.id}", status=404)
    assert body not in res.body
    assert _events(dbsession, "document_download") == []


def test_changed_document_is_refused_and_audited(app, dbsession, letter, storage_dir):
    document, admin, body = letter
    with open(_path(storage_dir, document.storage_key), "r+b") as stored:
        stored.seek(100)
        stored.write(b"tampered")
    login(app, admin.account)
    res = app.get(f"/documents/{document.id}", status=409)
    assert body[:200] not in res.body and "文件完整性校验失败" in res.text
    (event,) = _events(dbsession, "integrity_failure")
    assert (event.object_type, event.object_id, event.success) == ("generated_document", str(document.id), False)
    (download,) = _events(dbsession, "document_download")
    assert download.success is False


def test_no_view_sends_a_file_past_the_verifying_download():
    """A download sets ``Content-Disposition`` in one place only: a new
    export that builds its own response would skip the stored hash."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[4]
    marks = ('"Content-Disposition"', "content_disposition(", ".content_disposition =")
    senders = sorted(
        str(path.relative_to(root)) for base in ("core", "plugins") for path in (root / base).rglob("*.py")
        if any(mark in path.read_text(encoding="utf-8") for mark in marks))
    assert senders == ["core/attachments/filenames.py", "core/documents/integrity.py"]
