"""The numbered application document of a versioned filing: 下载材料 (Word,
or PDF where LibreOffice is installed, each generation a new version),
打印材料 (every proof in one zip), and the agency's version check."""
from __future__ import annotations

import tempfile

from ..audit.services import record
from ..documents import services as documents
from ..errors import refusal
from ..exports.pdf import pdf_from_docx
from ..exports.zip_builder import ProofIntegrityFailure, proofs_zip
from . import application, versions
from .access import applicant_record, reviewer_record

ZIP = "application/zip"


def _generate(request, filing, sub):
    snap = application.snapshot(request.dbsession, filing, sub)
    return versions.record_version(
        request.dbsession, submission_id=sub.id, actor=request.identity, snapshot=snap,
        storage=request.registry["kjgl.storage"], txn=request.tm.get(), request=request,
        permission=getattr(request, "view_permission", None))


def document_view(request, filing):
    """下载材料: a new version of the whole application as Word."""
    sub = applicant_record(request, filing)
    version, _ = _generate(request, filing, sub)
    return documents.serve(request, request.dbsession.get(documents.GeneratedDocument, version.generated_document_id))


def document_pdf_view(request, filing):
    """下载材料 (PDF): a new version, converted by LibreOffice."""
    sub = applicant_record(request, filing)
    version, body = _generate(request, filing, sub)
    pdf = pdf_from_docx(body)
    if pdf is None:
        return refusal(request, "服务器未安装PDF转换程序（LibreOffice），请下载Word版申报书", 503)
    return documents.export(request, pdf, kind="application_pdf", content_type=documents.PDF,
                            filename=f"{filing.document_title.format(year=sub.batch.year)}-{version.number}.pdf",
                            object_type=filing.owner_type, object_id=sub.id)


def _zip(request, filing, sub):
    spool = tempfile.TemporaryFile()
    try:
        names = proofs_zip(request.registry["kjgl.storage"],
                           application.proof_entries(request.dbsession, filing, sub), spool)
    except ProofIntegrityFailure as failure:
        spool.close()
        record(request.dbsession, request, "integrity_failure", object_type=filing.owner_type, object_id=sub.id,
               attachment_id=failure.attachment.id, reason=failure.reason)
        return refusal(request, f"证明材料“{failure.attachment.filename}”的存储内容已损坏或缺失，"
                                "未生成打印材料，请联系系统管理员", 409)
    spool.seek(0)
    with spool:
        return documents.export(request, spool, kind="application_proofs", content_type=ZIP,
                                filename=f"{sub.title}-证明材料-{len(names)}个文件.zip",
                                object_type=filing.owner_type, object_id=sub.id)


def proofs_view(request, filing):
    """打印材料: every uploaded proof of the application, one zip, a folder per tab."""
    return _zip(request, filing, applicant_record(request, filing))


def review_proofs_view(request, filing):
    return _zip(request, filing, reviewer_record(request, filing))


def version_check(request, filing, sub) -> versions.VersionCheck | None:
    typed = request.GET.get("number")
    if typed is None:
        return None
    check = versions.verify_number(request.dbsession, sub, typed, submitted_number=sub.document_number)
    record(request.dbsession, request, "document_version_check", object_type=filing.owner_type, object_id=sub.id,
           typed=typed[:32], found=check.found, is_submitted=check.is_submitted)
    return check


def register_applicant(config, filing, prefix: str):
    from .views import add_views

    k = filing.module_key
    add_views(config, filing, [
        (f"{k}.document", f"{prefix}/{{id:\\d{{1,9}}}}/application.docx", document_view, None, "GET"),
        (f"{k}.document_pdf", f"{prefix}/{{id:\\d{{1,9}}}}/application.pdf", document_pdf_view, None, "GET"),
        (f"{k}.proofs", f"{prefix}/{{id:\\d{{1,9}}}}/proofs.zip", proofs_view, None, "GET"),
    ], f"{k}:module:use")


def register_reviewer(config, filing, prefix: str):
    from .views import add_views

    k = filing.module_key
    add_views(config, filing, [
        (f"{k}.review.proofs", f"{prefix}/review/{{id:\\d{{1,9}}}}/proofs.zip", review_proofs_view, None, "GET"),
    ], f"{k}:review:decide")
