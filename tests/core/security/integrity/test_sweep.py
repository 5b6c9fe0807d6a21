"""``kjgl storage sweep``: unfinished writes (``.part``) and stored files no
row references are removed once older than the grace period, referenced
files never; generated documents past ``kjgl.document_retention_days`` go
with their files."""
import datetime as dt
import hashlib
import os
import time

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from kjgl.core.attachments.models import Attachment
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.audit.models import AuditEvent
from kjgl.core.cli import main
from kjgl.core.db import utcnow
from kjgl.core.documents.models import GeneratedDocument
from tests.core.cli.conftest import keep_logging, sqlite_url, write_ini  # noqa: F401  (fixtures)

TWO_DAYS = 2 * 24 * 3600


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


class Files:
    def __init__(self, root):
        self.storage = DirectoryStorage(root)

    def path(self, key):
        return os.path.join(self.storage.root, key[:2], key)

    def stored(self, age=TWO_DAYS):
        key = self.storage.save(iter([b"bytes of " + os.urandom(8).hex().encode()]))
        _age(self.path(key), age)
        return key

    def partial(self, age=TWO_DAYS):
        key = self.storage.save(iter([b"x"]))
        os.replace(self.path(key), self.path(key) + ".part")
        _age(self.path(key) + ".part", age)
        return key

    def exists(self, key, partial=False):
        return os.path.exists(self.path(key) + (".part" if partial else ""))


@pytest.fixture
def deployment(write_ini, sqlite_url, tmp_path, capsys):
    def make(**settings):
        ini = str(write_ini("development.ini", **settings))
        assert main(["db", "upgrade", ini]) == 0
        capsys.readouterr()
        return ini
    engine = create_engine(sqlite_url)
    yield make, engine, Files(str(tmp_path / "files"))
    engine.dispose()


def _rows(engine, files):
    """An attachment and a young and an old generated document, each with an
    old file; their keys."""
    keys = {name: files.stored() for name in ("attachment", "young_document", "old_document")}
    with Session(engine) as session, session.begin():
        session.add(Attachment(owner_type="organisation", owner_id=1, slot="licence", filename="a.pdf",
                               content_type="application/pdf", size=1, sha256="0" * 64,
                               storage_key=keys["attachment"]))
        for name, days in (("young_document", 29), ("old_document", 31)):
            session.add(GeneratedDocument(kind="filing_word", filename=f"{name}.docx", content_type="x", size=1,
                                          sha256=hashlib.sha256(b"").hexdigest(), storage_key=keys[name],
                                          created_at=utcnow() - dt.timedelta(days=days)))
    return keys


def _documents(engine):
    with Session(engine) as session:
        return sorted(session.scalars(select(GeneratedDocument.filename)))


def test_sweep_removes_old_leftovers_and_expired_documents_and_keeps_referenced_files(deployment, capsys):
    make, engine, files = deployment
    ini = make()
    keys = _rows(engine, files)
    orphan, young_orphan = files.stored(), files.stored(age=3600)
    part, young_part = files.partial(), files.partial(age=3600)

    assert main(["storage", "sweep", ini]) == 0
    out = capsys.readouterr().out
    assert "(.part) 1 个" in out and "无记录引用的文件 1 个" in out and "超过 30 天的生成文档 1 个" in out

    assert files.exists(keys["attachment"]) and files.exists(keys["young_document"])
    assert not files.exists(keys["old_document"]) and _documents(engine) == ["young_document.docx"]
    assert not files.exists(orphan) and not files.exists(part, partial=True)
    assert files.exists(young_orphan) and files.exists(young_part, partial=True)
    with Session(engine) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.event == "storage_sweep")).one()
    assert '"orphans": 1' in event.detail and '"documents": 1' in event.detail


def test_grace_period_is_an_option_and_never_frees_a_referenced_file(deployment, capsys):
    make, engine, files = deployment
    ini = make()
    keys = _rows(engine, files)
    young_orphan, young_part = files.stored(age=60), files.partial(age=60)
    for key in keys.values():
        _age(files.path(key), 60)
    assert main(["storage", "sweep", ini, "--older-than-hours", "0"]) == 0
    assert "无记录引用的文件 1 个" in capsys.readouterr().out
    assert not files.exists(young_orphan) and not files.exists(young_part, partial=True)
    assert files.exists(keys["attachment"]) and files.exists(keys["young_document"])


def test_retention_is_a_setting(deployment, capsys):
    make, engine, files = deployment
    ini = make(**{"kjgl.document_retention_days": "60"})
    keys = _rows(engine, files)
    assert main(["storage", "sweep", ini]) == 0
    assert "超过 60 天的生成文档 0 个" in capsys.readouterr().out
    assert files.exists(keys["old_document"]) and len(_documents(engine)) == 2


@pytest.mark.parametrize("value", ["0", "thirty", "-5"])
def test_a_bad_retention_is_named(deployment, capsys, value):
    make, engine, files = deployment
    ini = make(**{"kjgl.document_retention_days": value})
    assert main(["storage", "sweep", ini]) == 2
    assert "kjgl.document_retention_days" in capsys.readouterr().err
