"""The admin forms, declared once for validation and rendering."""
from __future__ import annotations

from .. import validators
from ..forms import Field, Schema

# how an initial or reset password reaches its owner (the value is the label)
SHOW_ONCE = "页面显示（仅显示一次）"
BY_EMAIL = "发送至电子邮箱"
DELIVERIES = (SHOW_ONCE, BY_EMAIL)


def _email_needed(data):
    if data.get("delivery") == BY_EMAIL and not data.get("email"):
        return {"email": "选择发送至电子邮箱时，电子邮箱不能为空"}
    return {}


def staff_schema(agency_codes) -> Schema:
    """The 新增主管部门用户 form; the agency choices are the deployment's tree."""
    return Schema(
        Field("account", "账号", max_length=30, checks=(validators.account,),
              placeholder="以字母开头的4-30位字母、数字或下划线",
              help="登录账号，以字母开头，4-30位字母、数字或下划线，创建后不可修改"),
        Field("name", "姓名", max_length=50),
        Field("agency", "所属主管部门", kind="select", choices=tuple(agency_codes),
              help="该用户审核本部门及其下级部门辖区内的单位"),
        Field("mobile", "手机号码", kind="mobile", max_length=11, checks=(validators.mobile,)),
        Field("email", "电子邮箱", kind="email", required=False, max_length=120, checks=(validators.email,)),
        Field("delivery", "初始密码告知方式", kind="radio", choices=DELIVERIES,
              help="初始密码由系统随机生成，用户首次登录后须修改密码"),
        checks=(_email_needed,),
    )


RESET = Schema(
    Field("delivery", "新密码告知方式", kind="radio", choices=DELIVERIES,
          help="新密码由系统随机生成，用户登录后须修改密码"),
)
