"""Field rules from the seeds, each returning ``None`` or a Chinese message.

Check digits come from python-stdnum: GB 32100 (统一社会信用代码) and
GB 11643 (居民身份证号码)."""
from __future__ import annotations

import re

from stdnum.cn import ric, uscc

ACCOUNT_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,29}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")

ID_TYPES_LEGAL = (
    "身份证", "普通护照", "台湾居民来往大陆通行证", "港澳居民往来大陆通行证",
    "户口簿", "军官证", "出生医学证明", "中国人民武装警察部队警官证", "其他",
)
ID_TYPES_PERSON = (
    "身份证", "普通护照", "台湾居民来往大陆通行证", "港澳居民往来大陆通行证",
    "外国人永久居留身份证", "户口簿", "军官证", "出生医学证明", "中国人民武装警察部队警官证",
)
LEGAL_TYPES = ("企业", "机关事业单位", "社会组织")
LEGAL_NATURES = ("企业法人", "事业单位法人", "机关法人", "社会团体法人", "民办非企业单位", "其他")
SECURITY_QUESTIONS = (
    "您的出生地是？", "您母亲的姓名是？", "您父亲的姓名是？", "您就读的小学名称是？",
    "您配偶的姓名是？", "您最喜欢的一本书是？", "您的第一份工作单位是？",
)
VALIDITY_YEARS = {"5年": 5, "10年": 10, "20年": 20, "长期": None}


def account(value: str) -> str | None:
    if not ACCOUNT_RE.match(value):
        return "请输入以字母开头的4-30位字母、数字或下划线的组合"
    return None


def password_strength(value: str) -> str | None:
    if not 8 <= len(value) <= 20:
        return "请输入8-20位密码"
    classes = sum(
        bool(re.search(p, value)) for p in (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]")
    )
    if classes < 3:
        return "密码须包含大写字母、小写字母、数字和特殊字符中的任意三种"
    if any(ord(c) < 33 or ord(c) > 126 for c in value):
        return "密码只能包含字母、数字和英文特殊字符"
    return None


def mobile(value: str) -> str | None:
    return None if MOBILE_RE.match(value) else "请输入正确的11位手机号码"


def email(value: str) -> str | None:
    return None if EMAIL_RE.match(value) and len(value) <= 120 else "请输入正确的电子邮箱"


def credit_code(value: str) -> str | None:
    if len(value) != 18:
        return "统一社会信用代码应为18位"
    if not uscc.is_valid(value):
        return "统一社会信用代码校验位不正确，请核对"
    return None


def resident_id(value: str) -> str | None:
    if not re.match(r"^\d{17}[\dX]$", value):
        return "身份证号码应为18位（最后一位可为X）"
    if not ric.is_valid(value):
        return "身份证号码校验位或出生日期不正确，请核对"
    return None


def id_number(id_type: str, value: str) -> str | None:
    """Per-type check of an ID number (only 身份证 has a check digit)."""
    if id_type == "身份证":
        return resident_id(value)
    if not re.match(r"^[A-Za-z0-9()（）\-]{4,40}$", value):
        return "证件号码格式不正确（4-40位字母、数字）"
    return None
