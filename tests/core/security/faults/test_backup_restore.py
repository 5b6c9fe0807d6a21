"""``kjgl backup`` / ``kjgl restore`` round-trip the database and the
attachment bytes, and refuse a backup that does not match its manifest."""
import io
import json
import os
import shutil
from types import SimpleNamespace

import pytest
from sqlalchemy import MetaData, create_engine, func, select, text

from kjgl.core.attachments.models import Attachment
from kjgl.core.attachments.services import add_upload
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.cli import main
from kjgl.core.db import get_engine, get_session_factory
from kjgl.core.review.models import Submission
from kjgl.plugins.makerspace.schemas import FILING

from .conftest import fresh_postgres, make_site, needs_postgres
from .support import fake_pdf


def _counts(url):
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(t)) for name, t in meta.tables.items()}
    engine.dispose()
    return counts


def _attach(url, storage_dir, data: bytes) -> str:
    engine = get_engine({"sqlalchemy.url": url})
    session = get_session_factory(engine)()
    with session.begin():
        sub = session.scalars(select(Submission).where(Submission.module_key == "makerspace")).first()
        upload = SimpleNamespace(filename="签章页.pdf", file=io.BytesIO(data))
        attachment = add_upload(session, DirectoryStorage(str(storage_dir)), owner_type=FILING.owner_type,
                                owner_id=sub.id, slot=FILING.signature_slot, upload=upload, default_max=10 << 20)
        key = attachment.storage_key
    engine.dispose()
    return key


def _wipe(url, storage_dir):
    if url.startswith("sqlite"):
        path = url[len("sqlite:///"):]
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    shutil.rmtree(storage_dir)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=[needs_postgres, pytest.mark.postgres])])
def deployment(request, tmp_path):
    url = "sqlite:///" + str(tmp_path / "kjgl.sqlite") if request.param == "sqlite" else fresh_postgres()
    return make_site(tmp_path, url)


def test_backup_wipe_restore_round_trip(deployment, tmp_path, capsys):
    ini, url, storage = deployment
    data = fake_pdf(300_000)
    demo_files = _counts(url)["attachment"]  # the demo data's own proofs
    key = _attach(url, storage, data)
    before = _counts(url)
    assert before["attachment"] == demo_files + 1 and before["user_account"] > 0
    assert before["makerspace_evaluation"] == 1

    target = tmp_path / "backup"
    assert main(["backup", str(ini), "--to", str(target)]) == 0
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dialect"] == url.split(":")[0].split("+")[0]
    assert manifest["missing_files"] == []
    assert "已备份" in capsys.readouterr().out

    _wipe(url, storage)
    assert main(["restore", str(ini), "--from", str(target)]) == 0
    # everything as it was, plus the restore's own audit record (issue 8: CLI changes are audited)
    assert _counts(url) == {**before, "audit_event": before["audit_event"] + 1}
    with DirectoryStorage(str(storage)).open(key) as f:
        assert f.read() == data
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(select(Attachment.sha256, Attachment.size).where(Attachment.storage_key == key)).one()
    engine.dispose()
    assert row.size == len(data)


def test_restore_refuses_a_tampered_backup_and_changes_nothing(site, tmp_path, capsys):
    ini, url, storage = site
    demo_files = _counts(url)["attachment"]  # the demo data's own proofs
    _attach(url, storage, fake_pdf(50_000))
    target = tmp_path / "backup"
    assert main(["backup", str(ini), "--to", str(target)]) == 0
    later_key = _attach(url, storage, fake_pdf(40_000))  # made after the backup
    archive = target / "files.tar.gz"
    raw = bytearray(archive.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    archive.write_bytes(bytes(raw))
    capsys.readouterr()

    assert main(["restore", str(ini), "--from", str(target)]) == 2
    assert "与清单不符" in capsys.readouterr().err
    assert _counts(url)["attachment"] == demo_files + 2  # the database was not touched
    assert (storage / later_key[:2] / later_key).exists()


def test_restore_refuses_a_missing_manifest(site, tmp_path, capsys):
    ini, _, _ = site
    (tmp_path / "empty").mkdir()
    assert main(["restore", str(ini), "--from", str(tmp_path / "empty")]) == 2
    assert "备份清单" in capsys.readouterr().err


def test_backup_refuses_a_directory_that_is_not_empty(site, tmp_path, capsys):
    ini, _, _ = site
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    assert main(["backup", str(ini), "--to", str(tmp_path / "used")]) == 2
    assert "不是空目录" in capsys.readouterr().err


def test_backup_reports_a_generated_document_whose_file_is_gone(site, tmp_path, capsys):
    from kjgl.core.documents.models import GeneratedDocument

    ini, url, storage = site
    engine = get_engine({"sqlalchemy.url": url})
    session = get_session_factory(engine)()
    with session.begin():
        session.add(GeneratedDocument(kind="filing_word", filename="评估表.docx", content_type="application/x",
                                      size=3, sha256="0" * 64, storage_key="ab/gone-document"))
    engine.dispose()
    target = tmp_path / "backup"
    assert main(["backup", str(ini), "--to", str(target)]) == 0
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["missing_files"] == ["ab/gone-document"]
