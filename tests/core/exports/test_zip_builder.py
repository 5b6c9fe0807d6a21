"""Every proof of an application as one zip (打印材料): readable names in
their folders, nothing outside them, each file checked, constant memory."""
import hashlib
import os
import tempfile
import tracemalloc
import zipfile
from types import SimpleNamespace

import pytest

from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.exports.zip_builder import ProofIntegrityFailure, proofs_zip, safe_path
from kjgl.core.testing import valid_pdf


@pytest.fixture
def storage(tmp_path):
    return DirectoryStorage(str(tmp_path / "files"))


def stored(storage, body: bytes, filename="证明.pdf"):
    """An attachment-like row for ``body`` kept in ``storage``."""
    return SimpleNamespace(id=1, storage_key=storage.save([body]), size=len(body),
                           sha256=hashlib.sha256(body).hexdigest(), filename=filename)


def zipped(storage, entries, tmp_path):
    path = tmp_path / "proofs.zip"
    with open(path, "wb") as out:
        names = proofs_zip(storage, entries, out)
    return names, zipfile.ZipFile(path)


def test_folders_and_chinese_names_as_utf8(storage, tmp_path):
    pdf = valid_pdf()
    a = stored(storage, pdf)
    b = stored(storage, b"%PDF-1.4 other")
    names, archive = zipped(storage, [
        ("服务场地", "第1行-孵化场地地址-证明材料-房产证明.pdf", a),
        ("基础信息/承诺书", "承诺书（签章）.pdf", b),
    ], tmp_path)
    assert names == ["服务场地/第1行-孵化场地地址-证明材料-房产证明.pdf", "基础信息/承诺书/承诺书（签章）.pdf"]
    infos = archive.infolist()
    assert [i.filename for i in infos] == names
    assert all(i.flag_bits & 0x800 for i in infos)  # UTF-8 names, not the reader's code page
    assert archive.read(names[0]) == pdf and archive.read(names[1]) == b"%PDF-1.4 other"


def test_a_name_met_twice_gets_a_number(storage, tmp_path):
    files = [stored(storage, f"%PDF {i}".encode()) for i in range(4)]
    names, archive = zipped(storage, [
        ("服务场地", "证明.pdf", files[0]),
        ("服务场地", "证明.pdf", files[1]),
        ("服务场地", "证明.PDF", files[2]),  # Windows folders ignore case
        ("人员情况", "证明.pdf", files[3]),
    ], tmp_path)
    assert names == ["服务场地/证明.pdf", "服务场地/证明(2).pdf", "服务场地/证明(3).PDF", "人员情况/证明.pdf"]
    assert [archive.read(n) for n in names] == [f"%PDF {i}".encode() for i in range(4)]


@pytest.mark.parametrize("folder, name, expected", [
    ("../../etc", "passwd", "etc/passwd"),
    ("/abs/path", "a.pdf", "abs/path/a.pdf"),
    ("服务场地", "../../../evil.pdf", "服务场地/evil.pdf"),
    ("服务场地", "..\\..\\evil.pdf", "服务场地/evil.pdf"),
    ("C:\\Windows", "a.pdf", "C_/Windows/a.pdf"),
    ("..", "..", "附件"),
    ("", "", "附件"),
    ("服务场地", "a\u202egpj.exe", "服务场地/agpj.exe"),
    ("第1行:地址?", "x|y.pdf", "第1行_地址_/x_y.pdf"),
])
def test_names_cannot_leave_their_folder(folder, name, expected):
    path = safe_path(folder, name)
    assert path == expected
    assert not path.startswith("/") and ".." not in path.split("/") and "\\" not in path


def test_unpacked_everything_stays_inside_the_target(storage, tmp_path):
    f = stored(storage, b"%PDF x")
    _, archive = zipped(storage, [("../..", "../../escape.pdf", f), ("/", "/etc/passwd", f)], tmp_path)
    target = tmp_path / "unpacked"
    archive.extractall(target)
    for root, _, files in os.walk(target):
        for name in files:
            assert os.path.realpath(os.path.join(root, name)).startswith(str(target.resolve()))


def test_a_changed_stored_file_stops_the_zip(storage, tmp_path):
    good = stored(storage, b"%PDF good")
    bad = stored(storage, b"%PDF original")
    bad.sha256 = hashlib.sha256(b"%PDF other").hexdigest()
    with pytest.raises(ProofIntegrityFailure) as failure, tempfile.TemporaryFile() as out:
        proofs_zip(storage, [("a", "good.pdf", good), ("a", "bad.pdf", bad)], out)
    assert failure.value.reason == "sha256" and failure.value.attachment is bad


def test_a_missing_stored_file_stops_the_zip(storage):
    gone = stored(storage, b"%PDF gone")
    storage.delete(gone.storage_key)
    with pytest.raises(ProofIntegrityFailure) as failure, tempfile.TemporaryFile() as out:
        proofs_zip(storage, [("a", "gone.pdf", gone)], out)
    assert failure.value.reason == "missing"


def test_memory_stays_flat_however_large_the_files(storage, tmp_path):
    block = os.urandom(1024 * 1024)
    body_chunks = [block] * 24  # 24 MB, written to storage without holding it
    digest = hashlib.sha256()
    for chunk in body_chunks:
        digest.update(chunk)
    big = SimpleNamespace(id=1, storage_key=storage.save(iter(body_chunks)), size=24 * len(block),
                          sha256=digest.hexdigest(), filename="大文件.pdf")
    del body_chunks
    tracemalloc.start()
    with tempfile.TemporaryFile() as out:
        proofs_zip(storage, [("服务场地", "大文件.pdf", big), ("服务场地", "大文件.pdf", big)], out)
        size = out.tell()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert size > 48 * len(block)  # random bytes do not compress: both copies are in
    assert peak < 2 * 1024 * 1024, f"peak {peak} bytes"
