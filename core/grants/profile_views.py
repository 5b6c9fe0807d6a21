"""The individual's 信息补全 page: own details and the choice of 管理单位."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from .. import masking, realname
from ..accounts import contact_change
from ..accounts.services import AccountLocked
from ..accounts.views import to_login
from ..audit.services import changes, record
from ..forms import form_values
from ..layout import flash
from . import membership
from .org_users import parse_id
from .schemas import apply, current_values, profile_schema

TEMPLATE = "kjgl.core:templates/grants/profile.pt"


def _name_check(request, user, new_name: str) -> str | None:
    """A new name must pass real-name verification with the registered ID."""
    settings = request.registry.settings
    if not realname.within_service_hours(settings):
        start, end = settings["kjgl.realname_hours"]
        return (f"修改姓名需通过公安部人口库实名核验，核验服务时间为每日{start:%H:%M}-{end:%H:%M}，"
                "请在此时间段内修改")
    result = realname.verify(request, new_name, user.id_type or "", user.id_number or "")
    return None if result.ok else f"实名核验未通过：{result.message or '姓名与证件号码不一致'}"


def _org_search(request, org_name: str | None) -> dict:
    """The 单位选择 box: shown open when the user searched."""
    if org_name is None:
        return {"searched": False, "org_name": "", "results": [], "search_error": None}
    org_name = org_name.replace("\x00", "").strip()
    error = None
    results = []
    if not org_name:
        error = "请输入管理单位全称"
    elif len(org_name) > membership.NAME_MAX_LENGTH:
        error = f"管理单位全称最多{membership.NAME_MAX_LENGTH}个字符"
    else:
        results = membership.find_active_by_full_name(request.dbsession, org_name)
    return {"searched": True, "org_name": org_name, "results": results, "search_error": error}


def _page(request, values: dict, errors: dict, org_name: str | None, choose_error: str | None = None) -> dict:
    user = request.identity
    context = {
        "page_title": "个人信息补全",
        "schema": profile_schema(user),
        "values": values,
        "errors": errors,
        "profile": user,
        "id_number_masked": masking.id_number(user.id_number),
        "org": user.organisation,
        "choose_error": choose_error,
        "advice_not_found": membership.ADVICE_NOT_FOUND,
        "reauth": contact_change.REAUTH,
    }
    context.update(_org_search(request, org_name))
    return context


@view_config(route_name="me.profile", renderer=TEMPLATE, permission="core:individual:self")
def profile(request):
    user = request.identity
    schema = profile_schema(user)
    if request.method != "POST":
        return _page(request, current_values(user, schema), {}, request.GET.get("org_name"))
    result = schema.validate(request.POST)
    errors = dict(result.errors)
    if not errors and result.data["name"] != user.name:
        message = _name_check(request, user, result.data["name"])
        if message:
            errors["name"] = message
    if not errors:
        try:  # a new mobile or e-mail: the password again, and the new number's code
            contact_change.confirm(request, user, result.data, request.POST)
        except AccountLocked as locked:
            record(request.dbsession, request, "profile_change", success=False, object_type="user",
                   object_id=user.id, reason=str(locked))
            return to_login(request, str(locked))
        except contact_change.ChangeRefused as refused:
            errors.update(refused.errors)
            if "current_password" in refused.errors:
                record(request.dbsession, request, "profile_change", success=False, object_type="user",
                       object_id=user.id, reason=refused.errors["current_password"])
    if errors:
        values = dict(form_values(schema, request.POST), sms_code=request.POST.get("sms_code", "")[:6])
        return _page(request, values, errors, None)
    before = current_values(user, schema)
    old_mobile, old_email = user.mobile, user.email
    if apply(user, schema, result.data):
        record(request.dbsession, request, "profile_change", object_type="user", object_id=user.id,
               changes=changes(before, current_values(user, schema), masks={"mobile": masking.mobile, "email": masking.email}))
        contact_change.tell_previous(request, user, old_mobile, old_email)
    flash(request, "个人信息已保存")
    return HTTPSeeOther(request.route_url("me.profile"))


@view_config(route_name="me.org.choose", request_method="POST", renderer=TEMPLATE,
             permission="core:individual:self")
def choose_organisation(request):
    user = request.identity
    schema = profile_schema(user)
    org_name = request.POST.get("org_name", "")
    org_id = parse_id(request.POST.get("org_id"))
    if org_id is None:
        return _page(request, current_values(user, schema), {}, org_name,
                     choose_error="请在查询结果中勾选管理单位后再点击“选择”")
    previous = user.organisation_id
    try:
        org, removed = membership.choose_organisation(request.dbsession, user, org_id, org_name)
    except membership.ChoiceRefused as refused:
        return _page(request, current_values(user, schema), {}, org_name, choose_error=str(refused))
    if org.id == previous:
        flash(request, f"您的管理单位已是“{org.name}”，无需重复选择")
        return HTTPSeeOther(request.route_url("me.profile"))
    record(request.dbsession, request, "org_choose", object_type="organisation", object_id=org.id,
           previous_organisation_id=previous, grants_removed=sorted(removed))
    message = f"已选择管理单位“{org.name}”。请联系该单位法人用户在“模块配置”中为您授权后使用各子系统。"
    if removed:
        message += "您在原单位获得的模块授权已取消。"
    flash(request, message)
    return HTTPSeeOther(request.route_url("me.profile"))
