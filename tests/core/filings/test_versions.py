"""Versions of an application document: a new never-reused number each
generation, recorded with its hash, maker and snapshot; the agency's check
of a typed number against the submitted version."""
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import delete, select, text

from kjgl.core import factories
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.audit.models import AuditEvent
from kjgl.core.documents.models import GeneratedDocument
from kjgl.core.documents.sweep import purge_documents
from kjgl.core.filings import versions
from kjgl.core.filings.versions import (NOT_FOUND, DocumentVersion, latest_version, normalise_number,
                                        record_version, verify_number)
from kjgl.core.review import services as review

from ..exports.sample_application import snapshot

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def world(dbsession, tmp_path):
    org = factories.organisation(dbsession, name="天津和平创客空间管理有限公司")
    applicant = factories.user(dbsession, "individual", organisation=org, name="张敏")
    city = factories.user(dbsession, "agency", agency_code="tj")
    batch = review.open_batch(dbsession, "docs", 2026, dt.date(2026, 3, 31), city)

    def submission(title):
        return review.create_draft(dbsession, module_key="docs", kind="docs", batch=batch, organisation=org,
                                   applicant=applicant, title=title, today=TODAY)

    return dict(applicant=applicant, sub=submission("和平创客空间"), other=submission("和平创客空间二部"),
                storage=DirectoryStorage(str(tmp_path / "files")))


def generate(dbsession, w, sub=None, data=None):
    return record_version(dbsession, submission_id=(sub or w["sub"]).id, actor=w["applicant"],
                          snapshot=data or snapshot(), storage=w["storage"])


def header_texts(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/header"))


def test_each_generation_gets_a_new_larger_number_printed_in_its_file(dbsession, world):
    first, body1 = generate(dbsession, world)
    second, body2 = generate(dbsession, world)
    assert first.number != second.number
    assert int(second.number[1:]) > int(first.number[1:])
    assert first.number == f"V{first.id:06d}"
    assert f"版本号：{first.number}" in header_texts(body1)
    assert f"版本号：{second.number}" in header_texts(body2) and first.number not in header_texts(body2)
    assert latest_version(dbsession, world["sub"].id).id == second.id


def test_a_version_records_who_when_the_files_hash_and_the_snapshot(dbsession, world):
    data = snapshot()
    version, body = generate(dbsession, world, data=data)
    assert version.sha256 == hashlib.sha256(body).hexdigest() and version.size == len(body)
    assert version.created_by_id == world["applicant"].id and version.created_by_name == "张敏"
    assert version.created_at is not None
    assert version.snapshot == data
    document = dbsession.get(GeneratedDocument, version.generated_document_id)
    assert document.sha256 == version.sha256 and document.filename == f"{data['title']}-{version.number}.docx"
    with world["storage"].open(document.storage_key) as stored:
        assert stored.read() == body
    event = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "document_version")
                              .order_by(AuditEvent.id.desc())).first()
    assert event.object_type == "docs.submission" and event.object_id == str(world["sub"].id)
    assert event.account == world["applicant"].account
    assert json.loads(event.detail)["number"] == version.number
    assert json.loads(event.detail)["sha256"] == version.sha256


def test_a_deleted_last_version_does_not_give_its_number_again(dbsession, world):
    """SQLite reuses the largest rowid once its row is gone unless the
    table is AUTOINCREMENT: a number printed on paper would be printed
    again on a different document."""
    version, _ = generate(dbsession, world)
    gone = version.number
    dbsession.execute(delete(DocumentVersion).where(DocumentVersion.id == version.id))
    dbsession.expunge(version)
    again, _ = generate(dbsession, world)
    assert again.number != gone and int(again.number[1:]) > int(gone[1:])


def test_the_sqlite_table_is_autoincrement(dbsession):
    if dbsession.bind.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL numbers come from a sequence")
    sql = dbsession.execute(text("SELECT sql FROM sqlite_master WHERE name = 'filing_document_version'")).scalar()
    assert "AUTOINCREMENT" in sql


def test_the_stored_file_follows_retention_the_version_record_stays(dbsession, world):
    version, _ = generate(dbsession, world)
    document = dbsession.get(GeneratedDocument, version.generated_document_id)
    document.created_at = dt.datetime(2020, 1, 1)
    dbsession.flush()

    class Inner:  # purge_documents' own transaction, as a savepoint of the test's
        def begin(self):
            return dbsession.begin_nested()

        def __getattr__(self, name):
            return getattr(dbsession, name)

    assert purge_documents(Inner(), world["storage"], dt.timedelta(days=30)) >= 1
    dbsession.expire_all()
    kept = dbsession.get(DocumentVersion, version.id)
    assert kept.generated_document_id is None
    assert kept.number == version.number and kept.sha256 == version.sha256 and kept.snapshot


@pytest.mark.parametrize("typed", ["V000042", "v42", "42", " Ｖ０００４２ ", "版本号：V000042", "V 000042"])
def test_a_typed_number_is_read_the_way_people_copy_it(typed):
    assert normalise_number(typed) == "V000042"


@pytest.mark.parametrize("typed", ["", None, "V", "X000042", "V-1", "V00004a", "1' OR '1'='1"])
def test_what_cannot_be_a_number_is_none(typed):
    assert normalise_number(typed) is None


def test_the_submitted_version_is_confirmed(dbsession, world):
    generate(dbsession, world)
    submitted, _ = generate(dbsession, world)
    check = verify_number(dbsession, world["sub"], submitted.number.lower(), submitted_number=submitted.number)
    assert check.found and check.is_submitted and check.differences == []
    assert check.version.id == submitted.id
    assert "是提交时的版本" in check.message and "张敏" in check.message


def test_another_version_says_which_it_is_and_what_differs(dbsession, world):
    data = snapshot()
    old, _ = generate(dbsession, world, data=data)
    changed = snapshot()
    changed["tabs"][0]["fields"][2]["value"] = "4"
    changed["tabs"][1]["tables"][0]["rows"][1]["cells"]["area"] = "5.00"
    submitted, _ = generate(dbsession, world, data=changed)
    check = verify_number(dbsession, world["sub"], old.number, submitted_number=submitted.number)
    assert check.found and not check.is_submitted
    assert check.version.id == old.id and check.submitted.id == submitted.id
    assert f"不是提交的版本（提交的版本为{submitted.number}）" in check.message
    assert f"共有2处不同（{old.number} → {submitted.number}）" in check.message
    assert check.differences == [
        "基础信息 · 主流媒体报道次数：3 → 4",
        "服务场地 · 第2行（孵化场地地址：天津市和平区南京路2号）· 众创空间面积（m²）：4.00 → 5.00",
    ]


def test_same_content_under_two_numbers_is_said_so(dbsession, world):
    old, _ = generate(dbsession, world)
    submitted, _ = generate(dbsession, world)
    check = verify_number(dbsession, world["sub"], old.number, submitted_number=submitted.number)
    assert check.found and not check.is_submitted and check.differences == []
    assert "内容一致" in check.message


def test_a_number_of_another_submission_is_not_found(dbsession, world):
    generate(dbsession, world)
    foreign, _ = generate(dbsession, world, sub=world["other"])
    submitted = latest_version(dbsession, world["sub"].id)
    check = verify_number(dbsession, world["sub"], foreign.number, submitted_number=submitted.number)
    assert not check.found and check.message == NOT_FOUND
    assert check.version is None and check.differences == []


@pytest.mark.parametrize("typed", ["V999999999", "", "abc"])
def test_an_unknown_number_is_not_found(dbsession, world, typed):
    version, _ = generate(dbsession, world)
    check = verify_number(dbsession, world["sub"], typed, submitted_number=version.number)
    assert not check.found and check.message == NOT_FOUND


def test_before_submission_the_newest_version_is_the_reference(dbsession, world):
    old, _ = generate(dbsession, world)
    changed = snapshot()
    changed["title"] = "2026年国家备案众创空间申报书（修改）"
    newest, _ = generate(dbsession, world, data=changed)
    check = verify_number(dbsession, world["sub"], old.number, submitted_number=None)
    assert check.found and not check.is_submitted and check.submitted.id == newest.id
    assert "最新生成的版本" in check.message
    assert check.differences == ["申报书标题：2026年国家备案众创空间申报书 → 2026年国家备案众创空间申报书（修改）"]
    assert verify_number(dbsession, world["sub"], newest.number, submitted_number=None).differences == []


def test_a_failed_render_leaves_no_version(dbsession, world):
    def broken(data, number):
        raise RuntimeError("render failed")

    before = dbsession.scalar(select(DocumentVersion.id).order_by(DocumentVersion.id.desc()).limit(1))
    savepoint = dbsession.begin_nested()
    with pytest.raises(RuntimeError):
        record_version(dbsession, submission_id=world["sub"].id, actor=world["applicant"], snapshot=snapshot(),
                       render=broken, storage=world["storage"])
    savepoint.rollback()
    assert dbsession.scalar(select(DocumentVersion.id).order_by(DocumentVersion.id.desc()).limit(1)) == before


def test_the_default_renderer_is_the_application_document(dbsession, world):
    calls = []

    def spy(data, number):
        calls.append(number)
        return versions_default(data, number)

    from kjgl.core.exports.application_docx import docx_for as versions_default
    version, body = record_version(dbsession, submission_id=world["sub"].id, actor=world["applicant"],
                                   snapshot=snapshot(), render=spy, storage=world["storage"])
    assert calls == [version.number]
    default, default_body = generate(dbsession, world)
    assert f"版本号：{default.number}" in header_texts(default_body)
    assert versions.DOCUMENT_KIND == dbsession.get(GeneratedDocument, default.generated_document_id).kind


def test_the_stored_file_goes_when_the_transaction_aborts(dbsession, world):
    import transaction

    manager = transaction.TransactionManager()
    txn = manager.begin()
    version, _ = record_version(dbsession, submission_id=world["sub"].id, actor=world["applicant"],
                                snapshot=snapshot(), storage=world["storage"], txn=txn)
    key = dbsession.get(GeneratedDocument, version.generated_document_id).storage_key
    world["storage"].open(key).close()
    manager.abort()
    with pytest.raises(FileNotFoundError):
        world["storage"].open(key)


def test_a_submitted_number_not_of_this_submission_is_not_used_as_the_reference(dbsession, world):
    mine, _ = generate(dbsession, world)
    foreign, _ = generate(dbsession, world, sub=world["other"])
    check = verify_number(dbsession, world["sub"], mine.number, submitted_number=foreign.number)
    assert check.found and not check.is_submitted and check.submitted.id == mine.id
    assert "最新生成的版本（尚未提交）" in check.message
