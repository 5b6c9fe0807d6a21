"""信息补全 and the status page of the organisation admin (法人用户)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound, HTTPSeeOther
from pyramid.renderers import get_renderer
from pyramid.view import view_config

from .. import masking
from ..audit.localtime import show as show_time
from ..attachments.services import files_for, posted, save_uploads
from ..documents import services as documents
from ..documents.services import DOCX
from ..errors import refusal
from ..forms import form_values
from ..layout import flash
from . import services
from .choices import competent_agencies, competent_agency, province_districts
from .schemas import OWNER_TYPE, SLOTS, normalise, profile_schema

TEMPLATES = "kjgl.core:templates/organisations/"


def display_helpers(request) -> dict:
    """What the organisation templates use to show stored values."""
    return {"mask": masking, "show_time": show_time, "province": request.registry.settings["kjgl.province"],
            "org_details": get_renderer(TEMPLATES + "details.pt").implementation()}


def _organisation(request):
    org = request.identity.organisation
    if org is None:
        raise HTTPNotFound()
    return org


def _schema(request, org, districts):
    dbsession = request.dbsession
    return profile_schema(org.name, districts, request.registry.settings["kjgl.province"],
                          lambda code: competent_agency(dbsession, code) is not None)


def _page(request, org, districts, values, errors, notice=None):
    return {
        "page_title": "单位信息补全",
        "org": org,
        "schema": _schema(request, org, districts),
        "values": values,
        "errors": errors,
        "notice": notice,
        "districts": districts,
        "agency_groups": competent_agencies(request.dbsession),
        "slots": SLOTS,
        "attachments": files_for(request.dbsession, OWNER_TYPE, org.id),
        "last_review": org.reviews[-1] if org.reviews else None,
        **display_helpers(request),
    }


@view_config(route_name="org.profile", permission="core:org:complete",
             renderer=TEMPLATES + "profile.pt")
def profile(request):
    org = _organisation(request)
    if not services.editable(org):
        if request.method == "POST":
            return refusal(request, services.LOCKED_MESSAGES.get(org.status, "单位信息当前不能修改。"),
                           page_title="当前不能修改")
        return HTTPFound(request.route_url("org.status"))
    districts = province_districts(request.dbsession, request.registry.settings["kjgl.province"])
    if request.method != "POST":
        return _page(request, org, districts, services.form_data(org), {})

    submitting = request.POST.get("action") == "submit"
    raw = normalise(request.POST)
    schema = _schema(request, org, districts)
    result = schema.validate(raw, partial=not submitting)
    values = form_values(schema, raw)
    if result.errors:
        # a refused save stores nothing, the files chosen with it included
        files_note = "所选附件也未上传，请修改后重新选择。" if posted(request.POST, SLOTS) else ""
        return _page(request, org, districts, values, result.errors,
                     ("提交未成功：请按提示补充或修改标红的内容后重新提交。" if submitting else
                      "暂存未完成：请按提示修改标红的内容后再暂存。") + files_note)
    _, errors = save_uploads(request, OWNER_TYPE, org.id, SLOTS)
    if submitting:
        for slot in services.missing_files(request.dbsession, org):
            errors.setdefault(slot.name, f"请上传{slot.title}")
    if errors or not submitting:
        services.save_draft(request.dbsession, org, result.data)
    if errors:
        # the fields are well formed: kept as a draft with the files that were accepted
        return _page(request, org, districts, values, errors,
                     "已暂存，尚未提交：请按提示补充附件材料后重新提交。" if submitting else
                     "已暂存，但有附件未能上传，请查看附件材料处的提示。")
    if not submitting:
        flash(request, "已暂存。信息填写完整后请点击“提交”，提交后由主管部门审核。")
        return HTTPSeeOther(request.route_url("org.profile"))
    services.submit(request.dbsession, request, org, result.data)
    flash(request, "单位信息已提交，请等待局级（区县）主管部门审核。")
    return HTTPSeeOther(request.route_url("org.status"))


@view_config(route_name="org.status", permission="core:org:complete",
             renderer=TEMPLATES + "status.pt")
def status(request):
    org = _organisation(request)
    return {
        "page_title": "单位信息",
        "org": org,
        "slots": SLOTS,
        "attachments": files_for(request.dbsession, OWNER_TYPE, org.id),
        "editable": services.editable(org),
        "last_review": org.reviews[-1] if org.reviews else None,
        "full_ids": False,
        "reveal_url": None,
        **display_helpers(request),
    }


@view_config(route_name="org.risk_letter", permission="core:org:complete")
def risk_letter_template(request):
    org = _organisation(request)
    # imported at first use, not at start-up: python-docx alone is about 0.2 s of every start (issue 9)
    from . import risk_letter

    return documents.export_unless_unchanged(
        request, lambda: risk_letter.build(org.name), content_sha256=documents.content_hash(risk_letter.build, org.name),
        kind="risk_letter", content_type=DOCX, filename="风险承诺书模板.docx", object_type=OWNER_TYPE,
        object_id=org.id)
