"""Changing the mobile or the e-mail of an account (个人信息). Recovery sends
its code to the mobile, and a password reset by the organisation admin goes
to the e-mail, so whoever holds an open session could take the account over
by changing them. A change therefore needs the current password again
(counted toward the login lock), a new mobile needs the SMS code sent to
it, and the previous mobile and e-mail are told once it is done."""
from __future__ import annotations

from .. import validators
from ..audit.localtime import show_minutes
from ..db import utcnow
from ..forms import Field, Schema
from ..masking import email as mask_email
from ..masking import mobile as mask_mobile
from ..messaging import sms_codes
from . import services

SMS_PURPOSE = "mobile_change"

PASSWORD_NEEDED = "修改手机号码或电子邮箱，须输入当前登录密码"
CODE_NEEDED = "请输入发送到新手机号码的短信验证码"

# asked for on the profile form besides its fields; required only for a change
REAUTH = Schema(
    Field("current_password", "当前登录密码", kind="password", max_length=64, secret=True, required=False,
          help="修改手机号码或电子邮箱时必填"),
    Field("sms_code", "短信验证码", max_length=6, required=False),
)


class ChangeRefused(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def changes_contact(user, data: dict) -> tuple[bool, bool]:
    """Whether ``data`` changes the mobile, the e-mail."""
    return (data.get("mobile") or None) != (user.mobile or None), (data.get("email") or None) != (user.email or None)


def confirm(request, user, data: dict, raw) -> None:
    """Refuses (:class:`ChangeRefused`) a change of the mobile or the e-mail
    without the current password, or of the mobile without the code sent to
    the new number. A wrong password counts toward the login lock
    (:class:`services.AccountLocked` once locked). Nothing to prove when
    neither changes."""
    mobile_changed, email_changed = changes_contact(user, data)
    if not (mobile_changed or email_changed):
        return
    checked = REAUTH.validate(raw)
    if checked.errors:
        raise ChangeRefused(dict(checked.errors))
    password = checked.data.get("current_password") or ""
    if not password:
        raise ChangeRefused({"current_password": PASSWORD_NEEDED})
    try:
        services.confirm_current_password(request.dbsession, user, password, request.registry.settings,
                                          wrong="当前登录密码不正确")
    except services.AccountLocked:
        raise
    except services.LoginRefused as refused:
        raise ChangeRefused({"current_password": str(refused)}) from None
    if mobile_changed:
        code = (checked.data.get("sms_code") or "").strip()
        if not code and sms_codes.checks_on(request.registry.settings):
            raise ChangeRefused({"sms_code": CODE_NEEDED})
        message = sms_codes.check(request, data["mobile"], SMS_PURPOSE, code)
        if message:
            raise ChangeRefused({"sms_code": message})


def send_code(request, user, mobile) -> str:
    """The code for a new mobile, sent to that number; returns it masked."""
    mobile = mobile.strip() if isinstance(mobile, str) else ""
    message = "请先填写新的手机号码" if not mobile else validators.mobile(mobile)
    if not message and mobile == (user.mobile or ""):
        message = "新手机号码与当前手机号码相同，无需验证"
    if message:
        raise ChangeRefused({"mobile": message})
    try:
        sms_codes.issue(request, mobile, SMS_PURPOSE)
    except sms_codes.SmsCodeError as refused:
        raise ChangeRefused({"sms_code": str(refused)}) from None
    return mask_mobile(mobile)


def tell_previous(request, user, old_mobile: str | None, old_email: str | None) -> None:
    """After the change: a message to the previous mobile and e-mail, so a
    change the owner did not make does not go unnoticed."""
    settings = request.registry.settings
    when = show_minutes(utcnow())
    advice = "如非本人操作，请立即联系本单位法人用户或系统管理员。"
    if old_mobile and old_mobile != user.mobile:
        request.registry["kjgl.sms"].send(
            request.dbsession, old_mobile,
            f"【{settings['kjgl.title']}】您的账号{user.account}绑定的手机号码已于{when}（北京时间）"
            f"改为{mask_mobile(user.mobile)}。{advice}")
    if old_email and old_email != user.email:
        request.registry["kjgl.mail"].send(
            request.dbsession, old_email, f"{settings['kjgl.title']}：账号电子邮箱已修改",
            f"您的账号{user.account}的电子邮箱已于{when}（北京时间）改为{mask_email(user.email)}。{advice}")
