"""The individual's 信息补全 form. The ID type and number are fixed at
registration; what else the form holds depends on the ID type."""
from __future__ import annotations

import datetime as dt

from .. import validators
from ..forms import Field, Schema


def _long_term(raw) -> bool:
    value = raw.get("id_long_term")
    return bool(value) and value not in ("0", "false", "off")


NAME = Field("name", "用户姓名", max_length=50, help="与证件上的姓名保持一致；修改姓名需重新通过实名核验")
MOBILE = Field("mobile", "手机号码", kind="mobile", max_length=11, checks=(validators.mobile,),
               placeholder="请输入11位手机号码")
EMAIL = Field("email", "电子邮箱", kind="email", max_length=120, checks=(validators.email,),
              help="本单位法人用户为您重置密码时，新密码将发送到此邮箱")
ID_VALID_FROM = Field("id_valid_from", "身份证有效期开始日期", kind="date")
ID_LONG_TERM = Field("id_long_term", "长期有效", kind="checkbox", required=False)
ID_VALID_TO = Field("id_valid_to", "身份证有效期结束日期", kind="date",
                    when=lambda raw: not _long_term(raw))
ID_COUNTRY = Field("id_country", "国家或地区", max_length=64)


def _validity(data: dict) -> dict:
    start, end = data.get("id_valid_from"), data.get("id_valid_to")
    if start and start > dt.date.today():
        return {"id_valid_from": "有效期开始日期不能晚于今天"}
    if start and end and end <= start:
        return {"id_valid_to": "有效期结束日期须晚于开始日期"}
    return {}


BASE = (NAME, MOBILE, EMAIL)
RESIDENT_ID = Schema(*BASE, ID_VALID_FROM, ID_LONG_TERM, ID_VALID_TO, checks=(_validity,))
FOREIGN_RESIDENT = Schema(*BASE, ID_COUNTRY)
OTHER_ID = Schema(*BASE)


def profile_schema(user) -> Schema:
    if user.id_type == "身份证":
        return RESIDENT_ID
    if user.id_type == "外国人永久居留身份证":
        return FOREIGN_RESIDENT
    return OTHER_ID


def current_values(user, schema: Schema) -> dict[str, str]:
    values = {}
    for f in schema:
        value = getattr(user, f.name)
        if f.kind == "checkbox":
            values[f.name] = "1" if value else ""
        else:
            values[f.name] = "" if value is None else str(value)
    return values


def apply(user, schema: Schema, data: dict) -> list[str]:
    """Copy the validated data onto the user; returns the names changed."""
    changed = []
    for f in schema:
        value = data.get(f.name)
        if f.kind == "checkbox":
            value = bool(value)
        if getattr(user, f.name) != value:
            setattr(user, f.name, value)
            changed.append(f.name)
    return changed
