"""Recognising an upload's type by its content, not by what the browser or
the filename claims.

Each kind knows its magic bytes; the Office formats share the ZIP magic and
are told apart (and verified) by the entries the archive holds, which needs
the whole file, so :func:`verify` runs on the stored copy.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Callable

HEAD_BYTES = 1024  # enough for every magic below (PDF allows junk before %PDF-)

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# the OLE2 compound file of legacy Office (.doc, .xls; one magic, told apart
# by the extension): recognised so that a slot may accept it, none does yet
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class FileKind:
    key: str
    title: str  # as named in messages: PDF、JPG …
    content_type: str
    extensions: tuple[str, ...]
    magic: Callable[[bytes], bool]
    # ZIP-based kinds: the entry the archive must hold ("" = any valid archive)
    zip_entry: str | None = None


KINDS: dict[str, FileKind] = {
    k.key: k for k in (
        FileKind("pdf", "PDF", "application/pdf", (".pdf",), lambda h: b"%PDF-" in h[:HEAD_BYTES]),
        FileKind("jpg", "JPG", "image/jpeg", (".jpg", ".jpeg", ".jpe"), lambda h: h.startswith(b"\xff\xd8\xff")),
        FileKind("png", "PNG", "image/png", (".png",), lambda h: h.startswith(b"\x89PNG\r\n\x1a\n")),
        FileKind("docx", "Word（.docx）",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                 (".docx",), lambda h: h.startswith(ZIP_MAGIC), zip_entry="word/document.xml"),
        FileKind("xlsx", "Excel（.xlsx）",
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 (".xlsx",), lambda h: h.startswith(ZIP_MAGIC), zip_entry="xl/workbook.xml"),
        FileKind("doc", "Word 97-2003（.doc）", "application/msword", (".doc",),
                 lambda h: h.startswith(OLE2_MAGIC)),
        FileKind("xls", "Excel 97-2003（.xls）", "application/vnd.ms-excel", (".xls",),
                 lambda h: h.startswith(OLE2_MAGIC)),
        FileKind("zip", "ZIP", "application/zip", (".zip",), lambda h: h.startswith(ZIP_MAGIC),
                 zip_entry=""),
    )
}


def titles(keys) -> str:
    return "、".join(KINDS[k].title for k in keys)


def extension(filename: str) -> str:
    return os.path.splitext(filename)[1].lower()


def candidates(head: bytes, accepts) -> list[FileKind]:
    """The accepted kinds whose magic matches, the one the filename's
    extension names first."""
    return [KINDS[k] for k in accepts if KINDS[k].magic(head)]


def choose(head: bytes, filename: str, accepts) -> tuple[FileKind | None, str | None]:
    """(kind, None) or (None, message) for an upload's first bytes."""
    found = candidates(head, accepts)
    if not found:
        return None, f"文件“{filename}”的内容不是{titles(accepts)}格式，请上传{titles(accepts)}文件"
    ext = extension(filename)
    for kind in found:
        if ext in kind.extensions:
            return kind, None
    if ext:
        return None, (f"文件“{filename}”的扩展名与内容不符（内容为{found[0].title}格式），"
                      f"请检查后重新上传")
    return found[0], None  # no extension at all: the content decides


def verify(kind: FileKind, stored: BinaryIO) -> bool:
    """Whole-file check of the ZIP-based formats."""
    if kind.zip_entry is None:
        return True
    try:
        with zipfile.ZipFile(stored) as archive:
            return kind.zip_entry == "" or kind.zip_entry in archive.namelist()
    except zipfile.BadZipFile:
        return False


ACTIVE = "含活动内容"
# action types (``/S``) that run code, start programs or send data out
ACTIVE_ACTIONS = {
    "/JavaScript": "JavaScript脚本",
    "/Launch": "启动外部程序的动作（Launch）",
    "/SubmitForm": "向外提交表单数据的动作",
    "/ImportData": "导入外部数据的动作",
    "/RichMediaExecute": "多媒体脚本",
    "/GoToE": "打开嵌入文件的动作",
}
# a 10 MB file holds far fewer objects; past this the file is treated as damaged
MAX_PDF_OBJECTS = 500_000


def pdf_problem(stored: BinaryIO) -> str | None:
    """None for a PDF that opens without a password, has pages and holds no
    active content, otherwise why not: "已加密", "已损坏", or
    "含活动内容：" followed by what was found (JavaScript、嵌入文件 …)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(stored)
        if reader.is_encrypted:
            return "已加密"
        if len(reader.pages) == 0:
            return "已损坏"
        found = active_content(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, IndexError, AttributeError,
            RecursionError, OSError, EOFError, zlib.error):
        # pypdf's own errors, and what malformed object tables make it raise
        return "已损坏"
    if found:
        return f"{ACTIVE}：{'、'.join(found)}"
    return None


def active_content(reader) -> list[str]:
    """What in the PDF can act by itself when a reviewer opens it, in Chinese:
    JavaScript (``/JS``, ``/JavaScript``), actions that run when the file or a
    page opens (``/OpenAction`` other than going to a page, ``/AA``),
    actions that start programs or send data (``/Launch`` …), embedded files
    (``/EmbeddedFiles``, ``/EF``) and XFA forms. Every object reachable from
    the document's catalog is looked at as pypdf decodes it, so a name spelt
    with ``#`` escapes or hidden in a compressed object stream is found too."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: dict[str, None] = {}
    stack, seen, count = [reader.trailer.raw_get("/Root")], set(), 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            ref = (obj.idnum, obj.generation)
            if ref in seen:
                continue
            seen.add(ref)
            obj = obj.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            raise ValueError("too many objects")
        if isinstance(obj, DictionaryObject):
            values = dict(obj)  # unresolved: references go through ``seen``
            if "/JS" in values or "/JavaScript" in values:
                found["JavaScript脚本"] = None
            if "/OpenAction" in values and _is_action(values["/OpenAction"]):
                found["打开文件时自动执行的动作（OpenAction）"] = None
            if "/AA" in values:
                found["自动触发的动作（AA）"] = None
            if "/EmbeddedFiles" in values or "/EF" in values or _resolved(values.get("/Type")) == "/EmbeddedFile":
                found["嵌入文件"] = None
            if "/XFA" in values:
                found["XFA表单"] = None
            action = ACTIVE_ACTIONS.get(str(_resolved(values.get("/S"))))
            if action:
                found[action] = None
            stack.extend(values.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(list.__iter__(obj))
    return list(found)


def _resolved(value):
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def _is_action(value) -> bool:
    """An ``/OpenAction`` that does more than show a page: an action dictionary
    other than ``/GoTo`` (a destination array just opens the file at a page)."""
    from pypdf.generic import DictionaryObject

    value = _resolved(value)
    return isinstance(value, DictionaryObject) and str(_resolved(value.get("/S"))) != "/GoTo"
