"""Versions of an application document (申报书版本号).

Each time an applicant generates its document (下载材料) a new version is
recorded: a never-reused number printed on every page of the file, when and
by whom it was made, the SHA-256 of the Word file and the snapshot of the
data it was made from (the plain-data shape :func:`kjgl.core.exports.
application_docx.docx_for` renders). An agency holding a paper copy types
the number and learns whether it is the submitted version and, if not,
what differs (:func:`verify_number`).

The number is the row's id, zero-padded behind a ``V``: the id comes from
a counter the database never hands out twice — a PostgreSQL sequence, and
SQLite's ``AUTOINCREMENT``, which unlike a plain rowid never reuses the id
of a deleted last row — so two generations at the same moment get two
numbers and a later generation a larger one.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ..audit.localtime import show_minutes
from ..audit.services import record
from ..db import Base, utcnow
from ..documents import services as documents
from ..documents.services import DOCX
from ..review.models import Submission
from .snapshots import diff

NUMBER_PREFIX = "V"
NUMBER_DIGITS = 6
NOT_FOUND = "未找到该版本号"
DOCUMENT_KIND = "application_version"


class DocumentVersion(Base):
    """One generated application document of a submission."""

    __tablename__ = "filing_document_version"
    # AUTOINCREMENT: SQLite would otherwise hand the id of a deleted last
    # row to the next insert, and a number would be printed twice
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id"), index=True)
    # set from ``id`` in the inserting transaction, never seen empty outside it
    number: Mapped[str | None] = mapped_column(String(32), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_name: Mapped[str] = mapped_column(String(100), default="")
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(Integer)
    # the stored .docx; a generated document follows the retention of
    # ``kjgl.document_retention_days``, the version record stays
    generated_document_id: Mapped[int | None] = mapped_column(
        ForeignKey("generated_document.id", ondelete="SET NULL"))
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def created_title(self) -> str:
        return show_minutes(self.created_at)


def number_for(counter: int) -> str:
    """42 → ``V000042``."""
    return f"{NUMBER_PREFIX}{counter:0{NUMBER_DIGITS}d}"


_TYPED = re.compile(r"^(?:版本号[:：]?)?V?0*(\d{1,12})$")


def normalise_number(typed: str | None) -> str | None:
    """What a person types from a paper copy — ``v123``, ``Ｖ０００１２３``,
    ``版本号：V000123``, ``123`` — as the stored form, or None when it
    cannot be a number."""
    text = unicodedata.normalize("NFKC", typed or "").strip().upper().replace(" ", "")
    found = _TYPED.match(text)
    return number_for(int(found.group(1))) if found else None


def record_version(db, *, submission_id: int, actor, snapshot: dict[str, Any],
                   render: Callable[[dict, str], bytes] | None = None, storage, txn=None, request=None,
                   permission: str | None = None) -> tuple[DocumentVersion, bytes]:
    """Allocate the next version number of ``submission_id``'s document,
    render ``snapshot`` with it (``render(snapshot, number)``, by default the
    application document), keep the file as a generated document (downloading
    it again needs ``permission``) and record the version with its SHA-256.
    Audited as ``document_version``. Returns the version and the file's bytes.

    ``txn`` (the request's transaction) removes the stored file if the
    transaction does not commit."""
    if render is None:
        from ..exports.application_docx import docx_for as render
    sub = db.get(Submission, submission_id)
    if sub is None:
        raise LookupError(f"submission {submission_id} does not exist")
    version = DocumentVersion(submission_id=submission_id, created_by_id=getattr(actor, "id", None),
                              created_by_name=getattr(actor, "name", None) or getattr(actor, "account", "") or "",
                              snapshot=snapshot)
    db.add(version)
    db.flush()  # the counter: the row's id
    version.number = number_for(version.id)
    body = render(snapshot, version.number)
    title = str(snapshot.get("title") or "申报书")
    document = documents.keep(db, storage, body, actor=actor, kind=DOCUMENT_KIND, content_type=DOCX,
                              filename=f"{title}-{version.number}.docx", permission=permission,
                              object_type=f"{sub.module_key}.submission", object_id=sub.id,
                              txn=txn, request=request)
    version.sha256, version.size, version.generated_document_id = document.sha256, document.size, document.id
    db.flush()
    record(db, request, "document_version", user=actor, object_type=f"{sub.module_key}.submission",
           object_id=sub.id, number=version.number, sha256=version.sha256, size=version.size,
           document_id=document.id)
    return version, body


def latest_version(db, submission_id: int) -> DocumentVersion | None:
    """The newest version of ``submission_id``'s document (the one to store
    as submitted when it is submitted), or None if none was generated."""
    return db.scalar(select(DocumentVersion).where(DocumentVersion.submission_id == submission_id)
                     .order_by(DocumentVersion.id.desc()).limit(1))


def versions_of(db, submission_id: int) -> list[DocumentVersion]:
    """Every version of ``submission_id``'s document, newest first."""
    return list(db.scalars(select(DocumentVersion).where(DocumentVersion.submission_id == submission_id)
                           .order_by(DocumentVersion.id.desc())))


@dataclass(frozen=True)
class VersionCheck:
    """The answer to a typed version number. ``found`` False: the number is
    unknown or belongs to another submission (which is not revealed)."""

    found: bool
    message: str
    version: DocumentVersion | None = None
    submitted: DocumentVersion | None = None
    is_submitted: bool = False
    differences: list[str] = field(default_factory=list)


def describe(version: DocumentVersion) -> str:
    return f"版本号 {version.number}（{version.created_title} 由 {version.created_by_name or '—'} 生成）"


def verify_number(db, submission, typed_number: str | None, *, submitted_number: str | None) -> VersionCheck:
    """The agency's check of a paper copy: is ``typed_number`` the version
    ``submission`` was submitted with (``submitted_number``), which version
    it is, and what differs from the submitted one. Without a submitted
    version the newest version is the reference."""
    number = normalise_number(typed_number)
    version = None if number is None else db.scalar(
        select(DocumentVersion).where(DocumentVersion.number == number,
                                      DocumentVersion.submission_id == submission.id))
    if version is None:
        return VersionCheck(found=False, message=NOT_FOUND)
    reference = None
    if submitted_number:
        reference = db.scalar(select(DocumentVersion).where(
            DocumentVersion.number == normalise_number(submitted_number),
            DocumentVersion.submission_id == submission.id))
    was_submitted = reference is not None
    if reference is None:
        reference = latest_version(db, submission.id)
    if reference.id == version.id:
        what = "提交时的版本" if was_submitted else "最新生成的版本（尚未提交）"
        return VersionCheck(found=True, message=f"{describe(version)}是{what}，与系统记录一致。",
                            version=version, submitted=reference, is_submitted=was_submitted)
    differences = diff(version.snapshot or {}, reference.snapshot or {})
    what = "提交的版本" if was_submitted else "最新生成的版本"
    message = (f"{describe(version)}不是{what}（{what}为{reference.number}）。"
               + (f"两个版本共有{len(differences)}处不同（{version.number} → {reference.number}）：" if differences
                  else "两个版本的内容一致，仅版本号不同。"))
    return VersionCheck(found=True, message=message, version=version, submitted=reference,
                        is_submitted=False, differences=differences)
