from __future__ import annotations

from ..forms import Field, Schema
from .. import validators

LOGIN = Schema(
    Field("account", "账号", max_length=30, autocomplete="username"),
    Field("password", "密码", kind="password", max_length=64, secret=True, autocomplete="current-password"),
    Field("captcha", "验证码", max_length=8, required=False, secret=True),
)


def _confirm(data):
    if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
        return {"password_confirm": "两次输入的密码不一致"}
    return {}


PASSWORD_FIELD = Field("password", "登录密码", kind="password", max_length=64, secret=True,
                       checks=(validators.password_strength,),
                       placeholder="请输入8-20位大写字母，小写字母，数字和特殊字符其中任意三种",
                       help="8-20位，至少包含大写字母、小写字母、数字和特殊字符中的任意三种")
CONFIRM_FIELD = Field("password_confirm", "确认密码", kind="password", max_length=64, secret=True,
                      placeholder="请输入确认密码")

CHANGE_PASSWORD = Schema(
    Field("old_password", "原密码", kind="password", max_length=64, secret=True, autocomplete="current-password"),
    PASSWORD_FIELD,
    CONFIRM_FIELD,
    checks=(_confirm,),
)
confirm_matches = _confirm
