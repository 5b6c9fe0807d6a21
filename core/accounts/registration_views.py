"""Registration pages and their JSON twin: thin adapters over
:mod:`.registration`. ``Accept: application/json`` (or a JSON body) gets 201
with the new account, or 422 ``{"errors": {field: message}}``."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.security import remember
from pyramid.view import view_config

from .. import realname
from ..errors import wants_json
from ..forms import form_values
from ..layout import flash
from . import registration, registration_schemas
from .countries import COUNTRIES
from .registration import RegistrationRefused

LEGAL_DEFAULTS = {"legal_type": "企业", "id_type": "身份证"}
INDIVIDUAL_DEFAULTS = {"id_type": "身份证"}


def _json_request(request) -> bool:
    return request.content_type == "application/json" or wants_json(request)


def submitted(request) -> dict:
    if request.content_type == "application/json":
        try:
            body = request.json_body
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise RegistrationRefused({"form": "请求内容须为JSON对象"}, status=400)
        return body
    return request.POST.mixed()


def _hours_notice(request) -> str | None:
    settings = request.registry.settings
    return realname.service_hours_message(settings) if settings.get("kjgl.realname_hours") else None


def _register(request, schema, service, defaults: dict, success_route: str, success_message: str):
    values, errors = dict(defaults), {}
    if not realname.within_service_hours(request.registry.settings):
        errors["form"] = realname.service_hours_message(request.registry.settings)
    if request.method == "POST":
        as_json = _json_request(request)
        raw = {}
        try:
            raw = submitted(request)
            user = service(request, raw)
        except RegistrationRefused as refused:
            if as_json:
                request.override_renderer = "json"
                request.response.status = refused.status
                return {"errors": refused.errors}
            values, errors = form_values(schema, raw), refused.errors
        else:
            remember(request, user.id)
            target = request.route_url(success_route)
            if as_json:
                request.override_renderer = "json"
                request.response.status = 201
                return {"id": user.id, "account": user.account, "kind": user.kind, "next": target}
            flash(request, success_message)
            return HTTPSeeOther(target)
    return {"schema": schema, "values": values, "errors": errors,
            "captcha_on": request.registry.settings["kjgl.captcha"],
            "hours_notice": _hours_notice(request), "countries": COUNTRIES}


@view_config(route_name="register", renderer="kjgl.core:templates/accounts/register.pt", permission="core:public")
def choose(request):
    return {"page_title": "新用户注册", "hours_notice": _hours_notice(request)}


@view_config(route_name="register.legal", renderer="kjgl.core:templates/accounts/register_legal.pt",
             permission="core:public")
def register_legal(request):
    answer = _register(request, registration_schemas.LEGAL, registration.register_legal, LEGAL_DEFAULTS,
                       "org.profile", "法人用户注册成功。请在“信息补全”中补充单位信息并提交，经局级主管单位审核通过后法人用户生效。")
    if isinstance(answer, dict) and "schema" in answer:
        answer["page_title"] = "法人用户注册"
    return answer


@view_config(route_name="register.individual", renderer="kjgl.core:templates/accounts/register_individual.pt",
             permission="core:public")
def register_individual(request):
    answer = _register(request, registration_schemas.INDIVIDUAL, registration.register_individual,
                       INDIVIDUAL_DEFAULTS, "me.profile",
                       "个人用户注册成功。请在“个人信息”中选择您所在的单位，由单位法人用户为您授权。")
    if isinstance(answer, dict) and "schema" in answer:
        answer["page_title"] = "个人用户注册"
    return answer


@view_config(route_name="register.sms", request_method="POST", renderer="json", permission="core:public")
def send_sms_code(request):
    try:
        masked = registration.send_register_code(request, submitted(request))
    except RegistrationRefused as refused:
        request.response.status = refused.status
        return {"errors": refused.errors}
    return {"message": f"短信验证码已发送至{masked}，10分钟内有效"}
