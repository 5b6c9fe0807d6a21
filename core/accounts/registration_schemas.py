"""The two registration forms of seeds 000/001 (图2-4 法人用户, 图2-7 个人用户),
declared once for the HTML form, the server-side check and the JSON API.

Rules that read more than one field (confirm password, ID number by type,
ID-card validity, distinct security questions) are in :func:`validate`, which
reports them next to their field even when other fields are wrong too."""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from .. import validators
from ..forms import Field, Result, Schema
from .schemas import CONFIRM_FIELD, PASSWORD_FIELD

RESIDENT_ID = "身份证"
ACCOUNT_HINT = "请输入以字母开头的4-30位字母、数字或下划线的组合"


def _resident_id(raw) -> bool:
    return raw.get("id_type") == RESIDENT_ID


def _type_is(id_type: str):
    return lambda raw: raw.get("id_type") == id_type


def account_field(label: str) -> Field:
    return Field("account", label, max_length=30, checks=(validators.account,), placeholder=ACCOUNT_HINT)


def identity_fields(*, name_label: str, prefix: str, id_types: tuple[str, ...], country_for: str,
                    mobile_label: str) -> tuple[Field, ...]:
    """A person's name, ID document (with the per-type extra fields) and mobile."""
    return (
        Field("name", name_label, max_length=50, placeholder=f"请输入{prefix or '您'}的真实姓名",
              help="与证件上的姓名保持一致"),
        Field("id_type", f"{prefix}证件类型", kind="select", choices=id_types),
        Field("id_number", f"{prefix}证件号码", max_length=40, placeholder=f"请输入{prefix or '您'}的证件号码"),
        Field("id_valid_from", "身份证有效期开始日期", kind="date", when=_resident_id),
        Field("id_valid_to", "身份证有效期结束日期", kind="date", required=False, when=_resident_id),
        Field("id_validity", "有效期限", kind="radio", choices=tuple(validators.VALIDITY_YEARS),
              required=False, when=_resident_id),
        Field("id_country", "国家或地区", max_length=64, when=_type_is(country_for),
              placeholder="请输入或选择国家或地区"),
        Field("mobile", mobile_label, kind="mobile", max_length=11, checks=(validators.mobile,),
              placeholder=f"请输入{mobile_label}"),
    )


CAPTCHA_FIELD = Field("captcha", "图形验证码", max_length=8, required=False, secret=True)

QUESTION_LABELS = ("密保问题一", "密保问题二", "密保问题三")
ANSWER_LABELS = ("答案一", "答案二", "答案三")


def security_question_fields() -> tuple[Field, ...]:
    fields = []
    for n, (q_label, a_label) in enumerate(zip(QUESTION_LABELS, ANSWER_LABELS), start=1):
        fields.append(Field(f"security_q{n}", q_label, kind="select", choices=validators.SECURITY_QUESTIONS))
        # the answers are not secret to the person typing them: a failed submit keeps them
        fields.append(Field(f"security_a{n}", a_label, max_length=50, placeholder="请填写答案"))
    return tuple(fields)


LEGAL = Schema(
    account_field("法人账号"),
    PASSWORD_FIELD,
    CONFIRM_FIELD,
    Field("legal_type", "法人类型", kind="select", choices=validators.LEGAL_TYPES),
    Field("org_name", "企业名称", max_length=200, placeholder="请输入企业名称",
          help="请填写营业执照（或事业单位法人证书、社会组织登记证书）上的单位全称"),
    Field("credit_code", "统一社会信用代码", max_length=18, checks=(validators.credit_code,),
          placeholder="请输入18位统一社会信用代码"),
    *identity_fields(name_label="法定代表人姓名", prefix="法定代表人", id_types=validators.ID_TYPES_LEGAL,
                     country_for="普通护照", mobile_label="法定代表人手机号码"),
    *security_question_fields(),
    CAPTCHA_FIELD,
)

INDIVIDUAL = Schema(
    account_field("用户账号"),
    PASSWORD_FIELD,
    CONFIRM_FIELD,
    *identity_fields(name_label="用户姓名", prefix="", id_types=validators.ID_TYPES_PERSON,
                     country_for="外国人永久居留身份证", mobile_label="手机号码"),
    Field("email", "电子邮箱", kind="email", max_length=120, checks=(validators.email,),
          placeholder="请输入电子邮箱", help="用于接收通知及找回密码，请准确填写"),
    CAPTCHA_FIELD,
    Field("sms_code", "短信验证码", max_length=6, placeholder="请输入短信验证码"),
)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def resolve_validity(data: dict, today: dt.date) -> dict[str, str]:
    """Fill ``id_valid_to`` / ``id_long_term`` from the start date and the chosen
    period (5年/10年/20年/长期) or the end date; return errors by field."""
    data["id_long_term"] = False
    if data.get("id_type") != RESIDENT_ID:
        data["id_valid_from"] = data["id_valid_to"] = None
        return {}
    start, end, period = data.get("id_valid_from"), data.get("id_valid_to"), data.get("id_validity")
    if start is None:
        return {}  # the field's own "不能为空" message is already there
    if start > today:
        return {"id_valid_from": "身份证有效期开始日期不能晚于今天"}
    if period is None and end is None:
        return {"id_valid_to": "请选择身份证有效期结束日期，或选择有效期限（5年、10年、20年、长期）"}
    if period == "长期":
        if end is not None:
            return {"id_valid_to": "有效期限为长期时无需填写结束日期"}
        data["id_long_term"] = True
        return {}
    if period is not None:
        computed = add_years(start, validators.VALIDITY_YEARS[period])
        if end is not None and end != computed:
            return {"id_valid_to": f"结束日期与所选有效期限（{period}）不一致，应为{computed:%Y-%m-%d}"}
        end = computed
    if end <= start:
        return {"id_valid_to": "身份证有效期结束日期应晚于开始日期"}
    if end < today:
        return {"id_valid_to": "身份证已过期，请使用有效期内的身份证注册"}
    data["id_valid_to"] = end
    return {}


def _cross_field_errors(data: dict, today: dt.date) -> dict[str, str]:
    found: dict[str, str] = {}
    password, confirm, account = data.get("password"), data.get("password_confirm"), data.get("account")
    if password and confirm and password != confirm:
        found["password_confirm"] = "两次输入的密码不一致"
    if password and account and password.lower() == account.lower():
        found["password"] = "密码不能与账号相同"
    if data.get("id_type") and data.get("id_number"):
        message = validators.id_number(data["id_type"], data["id_number"])
        if message:
            found["id_number"] = message
    found.update(resolve_validity(data, today))
    chosen = []
    for n in (1, 2, 3):
        question = data.get(f"security_q{n}")
        if question and question in chosen:
            found[f"security_q{n}"] = "三个密保问题不能重复，请选择不同的问题"
        chosen.append(question)
    return found


def normalise(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Codes are compared and stored in capitals (身份证 ``x`` → ``X``)."""
    data = dict(raw)
    for key in ("credit_code", "id_number"):
        if isinstance(data.get(key), str):
            data[key] = data[key].strip().upper()
    return data


def validate(schema: Schema, raw: Mapping[str, Any], today: dt.date) -> Result:
    raw = normalise(raw)
    result = schema.validate(raw)
    errors = dict(result.errors)
    for name, message in _cross_field_errors(result.data, today).items():
        errors.setdefault(name, message)
    return Result(result.data, errors)
