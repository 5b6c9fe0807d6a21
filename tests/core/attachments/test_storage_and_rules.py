"""Storage backend, type detection, filename cleaning, the upload service."""
import hashlib
import io
import os
import zipfile
from types import SimpleNamespace

import pytest
import transaction

from kjgl.core.attachments import filetypes
from kjgl.core.attachments.filenames import content_disposition, sanitize
from kjgl.core.attachments.services import Slot, UploadRefused, add_upload, empty_slots, files_for
from kjgl.core.attachments.storage import DirectoryStorage

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"
MB = 1024 * 1024
SLOT = Slot("licence", "营业执照")


def docx_bytes(entry="word/document.xml") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(entry, "<w:document/>")
    return out.getvalue()


class CountingStream(io.RawIOBase):
    """A large upload that counts how much of it was read."""

    def __init__(self, head: bytes, size: int):
        self.head, self.size, self.pos = head, size, 0

    def readable(self):
        return True

    def read(self, n=-1):
        n = self.size - self.pos if n is None or n < 0 else min(n, self.size - self.pos)
        start, self.pos = self.pos, self.pos + n
        from_head = self.head[start:self.pos]
        return from_head + b"0" * (n - len(from_head))


def upload(filename, content):
    return SimpleNamespace(filename=filename, file=io.BytesIO(content))


@pytest.fixture
def storage(tmp_path):
    return DirectoryStorage(str(tmp_path / "files"))


def stored_files(storage):
    return [name for _, _, names in os.walk(storage.root) for name in names]


# --- storage ---

def test_directory_storage_round_trip(storage):
    key = storage.save([b"abc", b"def"])
    other = storage.save([b"x"])
    assert key != other and len(key) == 32
    with storage.open(key) as f:
        assert f.read() == b"abcdef"
    storage.delete(key)
    storage.delete(key)  # already gone: no error
    with pytest.raises(FileNotFoundError):
        storage.open(key)


def test_storage_keys_cannot_escape_the_root(storage):
    for key in ("../../etc/passwd", "ab/../../x", ""):
        with pytest.raises(ValueError):
            storage.open(key)


def test_a_failing_stream_leaves_nothing_behind(storage):
    def chunks():
        yield b"partial"
        raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError):
        storage.save(chunks())
    assert stored_files(storage) == []


# --- types by content ---

@pytest.mark.parametrize("filename, content, accepts, kind", [
    ("a.pdf", PDF, ("pdf",), "pdf"),
    ("a.PDF", PDF, ("pdf", "png"), "pdf"),
    ("photo.jpeg", b"\xff\xd8\xff\xe1rest", ("pdf", "jpg", "png"), "jpg"),
    ("scan.png", b"\x89PNG\r\n\x1a\nrest", ("pdf", "jpg", "png"), "png"),
    ("letter.docx", b"PK\x03\x04rest", ("docx", "zip"), "docx"),
    ("bundle.zip", b"PK\x03\x04rest", ("docx", "zip"), "zip"),
    ("noextension", PDF, ("pdf",), "pdf"),
])
def test_type_is_recognised_by_content(filename, content, accepts, kind):
    found, message = filetypes.choose(content, filename, accepts)
    assert message is None and found.key == kind


def test_content_that_is_not_an_accepted_type_is_refused():
    found, message = filetypes.choose(b"<html>hello</html>", "承诺书.pdf", ("pdf", "jpg", "png"))
    assert found is None
    assert message == "文件“承诺书.pdf”的内容不是PDF、JPG、PNG格式，请上传PDF、JPG、PNG文件"


def test_extension_that_contradicts_the_content_is_refused():
    found, message = filetypes.choose(b"\x89PNG\r\n\x1a\n", "承诺书.pdf", ("pdf", "png"))
    assert found is None and "扩展名与内容不符" in message and "PNG" in message


# --- filenames ---

@pytest.mark.parametrize("raw, clean", [
    ("C:\\Users\\张三\\Desktop\\营业执照.pdf", "营业执照.pdf"),
    ("../../etc/passwd", "passwd"),
    ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
    ("\u202egpj.exe", "gpj.exe"),  # no right-to-left override trick
    ('what<>:"|?*.pdf', "what_______.pdf"),
    ("  ..  ", "附件"),
    ("", "附件"),
    (None, "附件"),
    ("  多个   空格 .pdf", "多个 空格 .pdf"),
])
def test_filenames_are_sanitised(raw, clean):
    assert sanitize(raw) == clean


def test_long_filenames_are_capped_keeping_the_extension():
    name = sanitize("很" * 300 + ".pdf")
    assert len(name) == 100 and name.endswith("很.pdf")


def test_content_disposition_encodes_chinese_names():
    header = content_disposition("营业执照 副本.pdf")
    assert header.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%20%E5%89%AF%E6%9C%AC.pdf" in header
    assert content_disposition('a"b\\c.pdf').startswith('attachment; filename="a_b_c.pdf"')


# --- the upload service ---

def test_upload_records_size_hash_and_type(dbsession, storage):
    content = PDF + b"x" * 200_000
    a = add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=SLOT,
                   upload=upload("C:\\scan\\营业执照.pdf", content), default_max=10 * MB)
    assert (a.filename, a.size, a.content_type) == ("营业执照.pdf", len(content), "application/pdf")
    assert a.sha256 == hashlib.sha256(content).hexdigest()
    with storage.open(a.storage_key) as f:
        assert f.read() == content
    assert files_for(dbsession, "test", 1) == {"licence": [a]}


def test_upload_without_extension_gets_one_from_its_content(dbsession, storage):
    a = add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=SLOT,
                   upload=upload("扫描件", PDF), default_max=10 * MB)
    assert a.filename == "扫描件.pdf"


def test_oversized_upload_is_refused_while_reading(dbsession, storage):
    stream = CountingStream(PDF, 50 * MB)
    with pytest.raises(UploadRefused) as refused:
        add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=SLOT,
                   upload=SimpleNamespace(filename="big.pdf", file=stream), default_max=10 * MB)
    assert str(refused.value).startswith("营业执照：文件“big.pdf”超过10MB")
    assert stream.pos <= 10 * MB + 64 * 1024  # stopped at the limit, not at the end
    assert stored_files(storage) == []


def test_a_file_of_exactly_the_limit_is_accepted(dbsession, storage):
    content = PDF + b"0" * (MB - len(PDF))
    a = add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=Slot("s", "附件", max_bytes=MB),
                   upload=upload("a.pdf", content), default_max=10 * MB)
    assert a.size == MB
    with pytest.raises(UploadRefused, match="超过1MB"):
        add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=Slot("s", "附件", max_bytes=MB),
                   upload=upload("b.pdf", content + b"0"), default_max=10 * MB)


def test_empty_file_is_refused(dbsession, storage):
    with pytest.raises(UploadRefused, match="空文件"):
        add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=SLOT,
                   upload=upload("a.pdf", b""), default_max=10 * MB)


def test_docx_is_verified_as_a_whole(dbsession, storage):
    slot = Slot("letter", "承诺书", accepts=("docx",))
    ok = add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=slot,
                    upload=upload("承诺书.docx", docx_bytes()), default_max=10 * MB)
    assert ok.content_type.endswith("wordprocessingml.document")
    with pytest.raises(UploadRefused, match="不是有效的Word"):
        add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=slot,
                   upload=upload("假的.docx", docx_bytes("other.xml")), default_max=10 * MB)
    assert len(stored_files(storage)) == 1


def test_stored_file_is_removed_when_the_transaction_aborts(dbsession, storage):
    tm = transaction.TransactionManager(explicit=True)
    txn = tm.begin()
    a = add_upload(dbsession, storage, owner_type="test", owner_id=1, slot=SLOT,
                   upload=upload("a.pdf", PDF), default_max=10 * MB, txn=txn)
    assert stored_files(storage) == [a.storage_key]
    tm.abort()
    assert stored_files(storage) == []


def test_empty_slots_lists_required_slots_without_files(dbsession, storage):
    optional = Slot("extra", "其他材料", required=False)
    other = Slot("bank", "开户许可证")
    add_upload(dbsession, storage, owner_type="test", owner_id=7, slot=SLOT,
               upload=upload("a.pdf", PDF), default_max=10 * MB)
    assert empty_slots(dbsession, "test", 7, (SLOT, other, optional)) == [other]


def test_slot_describes_itself():
    assert SLOT.describe(10 * MB) == "支持PDF、JPG、PNG格式，单个文件不超过10MB，可上传多个文件"
    assert SLOT.accept_attr == ".pdf,.jpg,.jpeg,.jpe,.png"
