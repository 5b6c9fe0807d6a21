"""Registration of legal persons (法人用户, with their organisation) and of
individuals (个人用户): one service per kind, called by the HTML form and the
JSON API alike. Each raises :class:`RegistrationRefused` with every problem
found, by field, or returns the new, flushed :class:`User`."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import captcha, realname, validators
from ..audit.services import record
from ..masking import mobile as mask_mobile
from ..names import name_key, stored_name_key
from ..messaging import sms_codes
from ..organisations.models import Organisation
from . import registration_schemas as forms
from .models import User
from .passwords import hash_password
from .security_questions import set_questions
from .services import account_taken

SMS_PURPOSE = "register"


class RegistrationRefused(Exception):
    """``errors`` maps a field (or ``form`` for the whole form) to its message."""

    def __init__(self, errors: dict[str, str], status: int = 422):
        super().__init__(errors)
        self.errors = errors
        self.status = status


def today() -> dt.date:
    return realname.beijing_now().date()


def ensure_open(request) -> None:
    """The real-name service hours (seeds: 8:00-18:00) — outside them nothing is accepted."""
    settings = request.registry.settings
    if not realname.within_service_hours(settings):
        raise RegistrationRefused({"form": realname.service_hours_message(settings)}, status=503)


def credit_code_taken(dbsession, code: str) -> bool:
    return dbsession.scalars(select(Organisation.id).where(Organisation.credit_code == code.upper())).first() is not None


def organisation_name_taken(dbsession, name: str) -> bool:
    # 天津某某（集团）有限公司 and 天津某某(集团)有限公司 are the same organisation
    stmt = select(Organisation.id).where(stored_name_key(Organisation.name) == name_key(name))
    return dbsession.scalars(stmt).first() is not None


def _taken(dbsession, data: dict) -> dict[str, str]:
    found = {}
    if data.get("account") and account_taken(dbsession, data["account"]):
        found["account"] = "该账号已被注册，请更换其他账号"
    if data.get("credit_code") and credit_code_taken(dbsession, data["credit_code"]):
        found["credit_code"] = ("该统一社会信用代码已注册法人用户，请使用已注册的法人账号登录；"
                                "如忘记账号或密码，请通过“找回密码”找回")
    if data.get("org_name") and organisation_name_taken(dbsession, data["org_name"]):
        found["org_name"] = "该企业名称已注册法人用户，请核对企业名称"
    return found


def _checked(request, schema, raw) -> dict:
    """Form rules, then the captcha, then (only for a human) the uniqueness checks."""
    ensure_open(request)
    result = forms.validate(schema, raw, today())
    errors = dict(result.errors)
    message = captcha.check(request, result.data.get("captcha"))
    if message:
        errors["captcha"] = message
    else:
        for name, text in _taken(request.dbsession, result.data).items():
            errors.setdefault(name, text)
    if errors:
        raise RegistrationRefused(errors)
    result.data.pop("captcha", None)
    verdict = realname.verify(request, result.data["name"], result.data["id_type"], result.data["id_number"])
    if not verdict.ok:
        raise RegistrationRefused({"id_number": verdict.message or "实名认证未通过，请核对姓名与证件号码"})
    return result.data


def _identity(data: dict) -> dict:
    return dict(
        name=data["name"], id_type=data["id_type"], id_number=data["id_number"],
        id_valid_from=data["id_valid_from"], id_valid_to=data["id_valid_to"],
        id_long_term=data["id_long_term"], id_country=data["id_country"], mobile=data["mobile"],
    )


def _save(request, *rows) -> None:
    """Insert in a savepoint: a concurrent registration of the same account or
    code becomes a message, not a server error."""
    db = request.dbsession
    try:
        with db.begin_nested():
            db.add_all(rows)
            db.flush()
    except IntegrityError:
        data = {"account": rows[-1].account}
        if isinstance(rows[0], Organisation):
            data.update(credit_code=rows[0].credit_code, org_name=rows[0].name)
        raise RegistrationRefused(_taken(db, data) or {"account": "该账号已被注册，请更换其他账号"}) from None


def register_legal(request, raw) -> User:
    data = _checked(request, forms.LEGAL, raw)
    identity = _identity(data)
    org = Organisation(
        name=data["org_name"], credit_code=data["credit_code"], legal_type=data["legal_type"],
        status="incomplete",
        legal_rep_name=identity["name"], legal_rep_id_type=identity["id_type"],
        legal_rep_id_number=identity["id_number"], legal_rep_id_valid_from=identity["id_valid_from"],
        legal_rep_id_valid_to=identity["id_valid_to"], legal_rep_id_long_term=identity["id_long_term"],
        legal_rep_id_country=identity["id_country"], legal_rep_mobile=identity["mobile"],
    )
    user = User(account=data["account"], password_hash=hash_password(data["password"]), kind="org_admin",
                status="active", organisation=org, **identity)
    set_questions(user, [(data[f"security_q{n}"], data[f"security_a{n}"]) for n in (1, 2, 3)])
    _save(request, org, user)
    record(request.dbsession, request, "register", user=user, object_type="user", object_id=user.id,
           kind="org_admin", organisation_id=org.id, credit_code=org.credit_code)
    return user


def register_individual(request, raw) -> User:
    data = _checked(request, forms.INDIVIDUAL, raw)
    # the SMS code is consumed last, so a refusal above does not burn it
    message = sms_codes.check(request, data["mobile"], SMS_PURPOSE, data["sms_code"])
    if message:
        raise RegistrationRefused({"sms_code": message})
    user = User(account=data["account"], password_hash=hash_password(data["password"]), kind="individual",
                status="active", email=data["email"], **_identity(data))
    _save(request, user)
    record(request.dbsession, request, "register", user=user, object_type="user", object_id=user.id,
           kind="individual")
    return user


def send_register_code(request, raw) -> str:
    """Send a registration SMS code to ``raw['mobile']`` after the graphic
    captcha; returns the masked number for the confirmation message."""
    ensure_open(request)
    mobile = raw.get("mobile")
    mobile = mobile.strip() if isinstance(mobile, str) else ""
    errors = {}
    if not mobile:
        errors["mobile"] = "请先填写手机号码"
    elif validators.mobile(mobile):
        errors["mobile"] = validators.mobile(mobile)
    answer = raw.get("captcha")
    message = captcha.check(request, answer if isinstance(answer, str) else None)
    if message:
        errors["captcha"] = message
    if errors:
        raise RegistrationRefused(errors)
    try:
        sms_codes.issue(request, mobile, SMS_PURPOSE)
    except sms_codes.SmsCodeError as refused:
        raise RegistrationRefused({"sms_code": str(refused)}, status=429) from None
    return mask_mobile(mobile)
