"""Password-recovery pages: a chooser, then two steps per flow. Each step
posts to itself; a finished first step redirects to the second (PRG)."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.view import view_config

from ..forms import form_values
from ..layout import flash
from . import recovery, recovery_schemas
from .recovery import RecoveryRefused

DONE = "密码已重置，请使用新密码登录"


def _common(request, **extra) -> dict:
    return {"captcha_on": request.registry.settings["kjgl.captcha"], **extra}


@view_config(route_name="recover", renderer="kjgl.core:templates/accounts/recover.pt", permission="core:public")
def choose(request):
    return {"page_title": "找回密码"}


@view_config(route_name="recover.sms", renderer="kjgl.core:templates/accounts/recover_sms.pt",
             permission="core:public")
def by_sms(request):
    step = request.params.get("step", "send")
    values, errors, masked = {}, {}, None
    if step == "code":
        try:
            masked = recovery.sms_target(request)
        except RecoveryRefused as refused:
            step, errors = "send", refused.errors
    if request.method == "POST" and step == "send" and not errors:
        try:
            masked = recovery.start_sms(request, request.POST.mixed())
        except RecoveryRefused as refused:
            values, errors = form_values(recovery_schemas.SMS_START, request.POST), refused.errors
        else:
            flash(request, f"短信验证码已发送至{masked}，10分钟内有效")
            return HTTPSeeOther(request.route_url("recover.sms", _query={"step": "code"}))
    elif request.method == "POST" and step == "code":
        try:
            recovery.finish_sms(request, request.POST.mixed())
        except RecoveryRefused as refused:
            if refused.restart:
                step = "send"
            values, errors = form_values(recovery_schemas.SMS_RESET, request.POST), refused.errors
        else:
            flash(request, DONE)
            return HTTPSeeOther(request.route_url("login"))
    schema = recovery_schemas.SMS_RESET if step == "code" else recovery_schemas.SMS_START
    return _common(request, page_title="通过手机短信找回密码", step=step, schema=schema, values=values,
                   errors=errors, masked=masked)


@view_config(route_name="recover.questions", renderer="kjgl.core:templates/accounts/recover_questions.pt",
             permission="core:public")
def by_questions(request):
    step = request.params.get("step", "account")
    values, errors, account, questions = {}, {}, None, ()
    if step == "answer":
        try:
            account, questions = recovery.pending_questions(request)
        except RecoveryRefused as refused:
            step, errors = "account", refused.errors
    if request.method == "POST" and step == "account" and not errors:
        try:
            recovery.start_questions(request, request.POST.mixed())
        except RecoveryRefused as refused:
            values, errors = form_values(recovery_schemas.QUESTIONS_START, request.POST), refused.errors
        else:
            return HTTPSeeOther(request.route_url("recover.questions", _query={"step": "answer"}))
    elif request.method == "POST" and step == "answer":
        try:
            recovery.answer_questions(request, request.POST.mixed())
        except RecoveryRefused as refused:
            if refused.restart:
                step = "account"
            values, errors = form_values(recovery_schemas.QUESTIONS_ANSWER, request.POST), refused.errors
        else:
            flash(request, DONE)
            return HTTPSeeOther(request.route_url("login"))
    schema = recovery_schemas.QUESTIONS_ANSWER if step == "answer" else recovery_schemas.QUESTIONS_START
    return _common(request, page_title="通过密保问题找回密码", step=step, schema=schema, values=values,
                   errors=errors, account=account, questions=questions)
