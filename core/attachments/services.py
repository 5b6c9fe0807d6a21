"""Adding, listing and deleting attachments.

An upload is read in chunks: the size limit is enforced while reading, so an
oversized file is refused as soon as it passes the limit, and the SHA-256 is
computed on the way into storage. The bytes are written before the row is
flushed; if the request's transaction then aborts, the stored file is removed,
and a deleted attachment's bytes go only once the deletion is committed.
A PDF must also open with pypdf (not
broken, not encrypted, no JavaScript, automatic actions or embedded files) or
it is refused naming the slot and the file; ``kjgl.upload_parse_pdf = false`` turns that off.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass

from pyramid.settings import asbool
from sqlalchemy import func, select

from ..audit.services import changes, record
from . import filetypes
from .filenames import sanitize
from .models import Attachment, human_size
from .storage import CHUNK_BYTES, discard_unless_committed


@dataclass(frozen=True)
class Slot:
    """A named place for files in a form (营业执照, 风险承诺书 …).

    ``accepts`` lists :data:`filetypes.KINDS` keys; ``max_bytes`` None means
    the deployment's ``kjgl.upload_max_bytes``; ``multiple`` allows several
    files in the slot (the seeds' default)."""

    name: str
    title: str
    accepts: tuple[str, ...] = ("pdf", "jpg", "png")
    required: bool = True
    max_bytes: int | None = None
    multiple: bool = True
    help: str = ""

    def limit(self, default_max: int) -> int:
        return self.max_bytes or default_max

    @property
    def accept_attr(self) -> str:
        return ",".join(ext for k in self.accepts for ext in filetypes.KINDS[k].extensions)

    def describe(self, default_max: int) -> str:
        text = f"支持{filetypes.titles(self.accepts)}格式，单个文件不超过{human_size(self.limit(default_max))}"
        return text + ("，可上传多个文件" if self.multiple else "")


class UploadRefused(Exception):
    """The upload was not stored; ``str(exc)`` says why, naming the slot."""


def uploads_in(params, name: str) -> list:
    """The files posted under ``name`` (a file input left empty posts an
    empty string, which is not a file)."""
    return [item for item in params.getall(name)
            if getattr(item, "filename", None) and getattr(item, "file", None) is not None]


def posted(params, slots) -> bool:
    """Whether any file was posted for one of ``slots``."""
    return any(uploads_in(params, slot.name) for slot in slots)


def held(dbsession, owner_type: str, owner_id: int, slot_name: str) -> int:
    return dbsession.scalar(select(func.count()).select_from(Attachment).where(
        Attachment.owner_type == owner_type, Attachment.owner_id == owner_id, Attachment.slot == slot_name))


def _read_head(stream) -> bytes:
    head = b""
    while len(head) < filetypes.HEAD_BYTES:
        chunk = stream.read(filetypes.HEAD_BYTES - len(head))
        if not chunk:
            break
        head += chunk
    return head


def add_upload(dbsession, storage, *, owner_type: str, owner_id: int, slot: Slot, upload,
               default_max: int, user=None, txn=None, parse_pdf: bool = False) -> Attachment:
    """Store one uploaded file (anything with ``.filename`` and ``.file``,
    as ``cgi.FieldStorage``) in ``slot`` of the owner. Raises
    :class:`UploadRefused` with a message naming the slot and the file.
    With ``parse_pdf`` a PDF must open with pypdf, unencrypted, with pages."""
    filename = sanitize(upload.filename)
    limit = slot.limit(default_max)
    too_big = f"{slot.title}：文件“{filename}”超过{human_size(limit)}，未上传，请压缩或拆分后重新上传"
    stream = upload.file
    head = _read_head(stream)
    if not head:
        raise UploadRefused(f"{slot.title}：文件“{filename}”是空文件，未上传")
    kind, message = filetypes.choose(head, filename, slot.accepts)
    if kind is None:
        raise UploadRefused(f"{slot.title}：{message}")
    if not filetypes.extension(filename):
        filename = sanitize(filename + kind.extensions[0])
    if len(head) > limit:
        raise UploadRefused(too_big)

    digest = hashlib.sha256(head)
    size = len(head)

    def chunks():
        nonlocal size
        yield head
        while True:
            chunk = stream.read(CHUNK_BYTES)
            if not chunk:
                return
            size += len(chunk)
            if size > limit:
                raise _TooBig()
            digest.update(chunk)
            yield chunk

    try:
        key = storage.save(chunks())
    except _TooBig:
        raise UploadRefused(too_big) from None
    if kind.zip_entry is not None:
        with storage.open(key) as stored:
            valid = filetypes.verify(kind, stored)
        if not valid:
            storage.delete(key)
            raise UploadRefused(f"{slot.title}：文件“{filename}”不是有效的{kind.title}文件，未上传")
    if parse_pdf and kind.key == "pdf":
        with storage.open(key) as stored:
            problem = filetypes.pdf_problem(stored)
        if problem is not None:
            storage.delete(key)
            reason, _, found = problem.partition("：")
            raise UploadRefused(_PDF_REFUSALS[reason].format(slot=slot.title, filename=filename, found=found))

    attachment = Attachment(
        owner_type=owner_type, owner_id=owner_id, slot=slot.name, filename=filename,
        content_type=kind.content_type, size=size, sha256=digest.hexdigest(), storage_key=key,
        uploaded_by_id=getattr(user, "id", None),
    )
    dbsession.add(attachment)
    dbsession.flush()
    if txn is not None:
        discard_unless_committed(txn, storage, key)
    return attachment


class _TooBig(Exception):
    pass


_PDF_REFUSALS = {
    "已加密": "{slot}：文件“{filename}”是加密（设有密码）的PDF，无法审核，未上传；请取消密码后重新上传",
    "已损坏": "{slot}：文件“{filename}”不是有效的PDF文件（文件已损坏或不完整），未上传；请重新生成后上传",
    filetypes.ACTIVE: "{slot}：文件“{filename}”含有可自动执行的内容（{found}），为保护审核人员不予接收，未上传；"
                      "请用“打印为PDF”或扫描另存为不含脚本和附件的PDF后重新上传",
}


def save_uploads(request, owner_type: str, owner_id: int, slots) -> tuple[list[Attachment], dict[str, str]]:
    """Store every file posted for ``slots``: (stored, {slot name: message})
    — a refused file does not stop the others."""
    settings = request.registry.settings
    stored, errors = [], {}
    for slot in slots:
        kept, messages = store_files(
            request.dbsession, request.registry["kjgl.storage"], settings, owner_type=owner_type,
            owner_id=owner_id, slot=slot, files=uploads_in(request.POST, slot.name), user=request.identity,
            txn=request.tm.get(), request=request)
        stored += kept
        if messages:
            errors[slot.name] = "；".join(messages)
    return stored, errors


def store_files(dbsession, storage, settings, *, owner_type: str, owner_id: int, slot: Slot, files: list,
                user, txn=None, request=None, ip: str | None = None) -> tuple[list[Attachment], list[str]]:
    """Store ``files`` (posted uploads) in ``slot`` of the owner, each checked
    and audited: (stored, messages of the refused ones). A slot holds at most
    ``kjgl.upload_max_files`` files: a choice that would pass it is refused whole."""
    max_files = settings["kjgl.upload_max_files"]
    messages, stored = [], []
    if not slot.multiple and len(files) > 1:
        messages.append(f"{slot.title}：只能上传一个文件")
        files = files[:1]
    already = held(dbsession, owner_type, owner_id, slot.name) if files else 0
    if already + len(files) > max_files:
        messages.append(f"{slot.title}：每项最多上传{max_files}个文件（已有{already}个），本次选择的{len(files)}个"
                        f"文件均未上传；请删除不需要的文件或减少所选文件后重新上传")
        files = []
    for upload in files:
        try:
            attachment = add_upload(
                dbsession, storage, owner_type=owner_type, owner_id=owner_id, slot=slot, upload=upload,
                default_max=settings["kjgl.upload_max_bytes"], user=user, txn=txn,
                parse_pdf=asbool(settings.get("kjgl.upload_parse_pdf", True)),
            )
        except UploadRefused as refused:
            messages.append(str(refused))
            continue
        stored.append(attachment)
        record(dbsession, request, "attachment_upload", user=user, ip=ip, object_type=owner_type,
               object_id=owner_id, slot=slot.name, attachment_id=attachment.id,
               filename=attachment.filename, size=attachment.size, sha256=attachment.sha256,
               changes=changes({}, {"attachment": attachment.filename}))
    return stored, messages


def files_for(dbsession, owner_type: str, owner_id: int) -> dict[str, list[Attachment]]:
    """The owner's attachments by slot name, oldest first."""
    grouped: dict[str, list[Attachment]] = defaultdict(list)
    rows = dbsession.scalars(
        select(Attachment).where(Attachment.owner_type == owner_type, Attachment.owner_id == owner_id)
        .order_by(Attachment.id)
    )
    for row in rows:
        grouped[row.slot].append(row)
    return dict(grouped)


def empty_slots(dbsession, owner_type: str, owner_id: int, slots) -> list[Slot]:
    """The required slots holding no file yet."""
    have = files_for(dbsession, owner_type, owner_id)
    return [slot for slot in slots if slot.required and not have.get(slot.name)]


def delete(dbsession, storage, attachment: Attachment, txn=None) -> None:
    """Remove the row now and the bytes once the removal is committed."""
    key = attachment.storage_key
    dbsession.delete(attachment)
    dbsession.flush()
    if txn is None:
        storage.delete(key)
    else:
        txn.addAfterCommitHook(lambda ok: storage.delete(key) if ok else None)
