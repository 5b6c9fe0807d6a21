"""Forms of the two password-recovery flows (SMS code to the registered
mobile; the three security questions of seed 002 图10)."""
from __future__ import annotations

import dataclasses

from .. import validators
from ..forms import Field, Schema
from .registration_schemas import ANSWER_LABELS, CAPTCHA_FIELD
from .schemas import CONFIRM_FIELD, PASSWORD_FIELD

ACCOUNT = Field("account", "账号", max_length=30, placeholder="请输入注册时填写的账号")
NEW_PASSWORD = dataclasses.replace(PASSWORD_FIELD, label="新密码")
CONFIRM_NEW = dataclasses.replace(CONFIRM_FIELD, label="确认新密码", placeholder="请再次输入新密码")

SMS_START = Schema(
    ACCOUNT,
    Field("mobile", "注册手机号码", kind="mobile", max_length=11, checks=(validators.mobile,),
          placeholder="请输入注册时填写的手机号码"),
    CAPTCHA_FIELD,
)

SMS_RESET = Schema(
    Field("sms_code", "短信验证码", max_length=6, placeholder="请输入收到的6位短信验证码"),
    NEW_PASSWORD,
    CONFIRM_NEW,
)

QUESTIONS_START = Schema(ACCOUNT, CAPTCHA_FIELD)

QUESTIONS_ANSWER = Schema(
    *(Field(f"answer{n}", label, max_length=50, secret=True, placeholder="请填写答案")
      for n, label in enumerate(ANSWER_LABELS, start=1)),
    NEW_PASSWORD,
    CONFIRM_NEW,
)


def new_password_errors(data: dict, account: str) -> dict[str, str]:
    password, confirm = data.get("password"), data.get("password_confirm")
    found = {}
    if password and account and password.lower() == account.lower():
        found["password"] = "密码不能与账号相同"
    if password and confirm and password != confirm:
        found["password_confirm"] = "两次输入的密码不一致"
    return found
