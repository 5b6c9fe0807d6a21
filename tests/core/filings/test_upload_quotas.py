"""Upload quotas: a slot holds at most ``kjgl.upload_max_files`` files, and a
save refused for its fields leaves no upload behind."""
import pytest
from sqlalchemy import func, select
from webtest import Upload

from kjgl.core import factories
from kjgl.core.attachments.models import Attachment
from kjgl.core.settings import SettingsError, normalise
from kjgl.core.testing import base_settings, login

from .conftest import PDF, Flow, fill


@pytest.fixture
def flow(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.prefix = "/makerspace"
    return flow


def files_of(dbsession, owner_type, owner_id) -> int:
    return dbsession.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id))


def test_a_filing_save_refused_for_a_malformed_field_stores_no_upload(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    page = app.get(f"{flow.prefix}/new")
    page = fill(page.forms["filing-form"], {"name": "和平创客汇众创空间"}).submit("action", value="save").follow()
    form = fill(page.forms["filing-form"], {"workstations": "二百六"})
    form["signature"] = Upload("签章页.pdf", PDF, "application/pdf")
    res = form.submit("action", value="save")
    assert res.status_int == 200
    assert "须为整数" in res.text and "所选附件也未上传" in res.text
    sub_id = int(res.request.path.strip("/").split("/")[1])
    assert files_of(dbsession, "makerspace.submission", sub_id) == 0
    # the same file with well-formed fields is stored
    form = fill(res.forms["filing-form"], {"workstations": "260"})
    form["signature"] = Upload("签章页.pdf", PDF, "application/pdf")
    assert form.submit("action", value="save").status_int == 303
    assert files_of(dbsession, "makerspace.submission", sub_id) == 1


def post_licences(app, count: int):
    page = app.get("/org/profile")
    params = {"csrf_token": page.forms["org-profile-form"]["csrf_token"].value, "action": "save"}
    files = [("licence", f"营业执照{i}.pdf", PDF) for i in range(count)]
    return app.post("/org/profile", params, upload_files=files)


def test_a_slot_holds_at_most_twenty_files_by_default(app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    login(app, factories.org_admin(dbsession, org).account)
    refused = post_licences(app, 21)
    assert refused.status_int == 200
    assert "每项最多上传20个文件（已有0个），本次选择的21个文件均未上传" in refused.text
    assert files_of(dbsession, "organisation", org.id) == 0
    assert post_licences(app, 20).status_int == 303
    assert files_of(dbsession, "organisation", org.id) == 20
    assert "每项最多上传20个文件（已有20个）" in post_licences(app, 1).text
    assert files_of(dbsession, "organisation", org.id) == 20


def test_the_cap_is_a_setting(make_app, dbsession):
    app = make_app(**{"kjgl.upload_max_files": "3"})
    org = factories.organisation(dbsession, status="incomplete")
    login(app, factories.org_admin(dbsession, org).account)
    assert post_licences(app, 2).status_int == 303
    assert "每项最多上传3个文件（已有2个），本次选择的2个文件均未上传" in post_licences(app, 2).text
    assert post_licences(app, 1).status_int == 303
    assert files_of(dbsession, "organisation", org.id) == 3


@pytest.mark.parametrize("value", ["0", "-1", "twenty"])
def test_a_bad_cap_is_named(value):
    with pytest.raises(SettingsError, match="kjgl.upload_max_files"):
        normalise(base_settings("sqlite://", **{"kjgl.upload_max_files": value}))


# --- generated documents: the same Word document again is not stored again ---

def documents_of(dbsession, kind: str):
    from kjgl.core.documents.models import GeneratedDocument

    dbsession.expire_all()
    return dbsession.scalars(select(GeneratedDocument).where(GeneratedDocument.kind == kind)
                             .order_by(GeneratedDocument.id)).all()


def draft(flow):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    page = app.get(f"{flow.prefix}/new")
    page = fill(page.forms["filing-form"], {"name": "和平创客汇众创空间", "workstations": "260"}).submit(
        "action", value="save").follow()
    return app, page, int(page.request.path.strip("/").split("/")[1])


def test_an_unchanged_word_download_reuses_the_kept_document(flow, dbsession, storage_dir):
    import pathlib

    from kjgl.core.audit.models import AuditEvent

    app, page, sub_id = draft(flow)
    first = app.get(f"{flow.prefix}/{sub_id}/word.docx")
    files_after_first = {p for p in pathlib.Path(storage_dir).rglob("*") if p.is_file()}
    second = app.get(f"{flow.prefix}/{sub_id}/word.docx")
    assert second.body == first.body
    kept = documents_of(dbsession, "filing_word")
    assert len(kept) == 1 and kept[0].content_sha256
    assert {p for p in pathlib.Path(storage_dir).rglob("*") if p.is_file()} == files_after_first
    reuse = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "document_download")).all()
    assert [e.object_id for e in reuse] == [str(kept[0].id)] and '"reused": true' in reuse[0].detail
    # a changed field makes a new document
    fill(page.forms["filing-form"], {"workstations": "261"}).submit("action", value="save")
    third = app.get(f"{flow.prefix}/{sub_id}/word.docx")
    assert third.body != first.body
    assert len(documents_of(dbsession, "filing_word")) == 2


def test_a_damaged_kept_document_is_made_anew_not_refused(flow, dbsession, storage_dir):
    import pathlib

    app, _, sub_id = draft(flow)
    app.get(f"{flow.prefix}/{sub_id}/word.docx")
    kept = documents_of(dbsession, "filing_word")[0]
    path = next(p for p in pathlib.Path(storage_dir).rglob("*") if p.name == kept.storage_key.rsplit("/", 1)[-1])
    path.write_bytes(b"tampered")
    again = app.get(f"{flow.prefix}/{sub_id}/word.docx")
    assert again.status_int == 200 and again.body.startswith(b"PK")
    assert len(documents_of(dbsession, "filing_word")) == 2


def test_the_risk_letter_is_kept_once_per_organisation_name(app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/org/risk-commitment-letter.docx")
    app.get("/org/risk-commitment-letter.docx")
    assert len(documents_of(dbsession, "risk_letter")) == 1
