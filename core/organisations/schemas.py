"""信息补全 (seed 001 图2-5, seed 000 §(二)4) and the agency's decision.

The seed's form: 法人性质, 法人类型, 联系人姓名, 手机号, 电子邮箱, 局级（区县）主管部门,
注册地址 and 坐落地址 (province fixed, district, detail), 账户（收款单位） which
must equal the organisation name, 开户银行, 银行账户; three attachment slots
(营业执照/法人证书, signed 风险承诺书 from the template, 开户许可证 or the
bank's account information). Every field is required (red asterisk).
"""
from __future__ import annotations

import re
from typing import Callable

from ..attachments.services import Slot
from ..forms import Field, Schema
from .. import names, validators

OWNER_TYPE = "organisation"

SLOTS = (
    Slot("licence", "企业营业执照或者事业单位法人证书"),
    Slot("risk_letter", "风险承诺书", help="请下载模板，签字盖章后扫描上传"),
    Slot("bank_proof", "开户许可证或者由开户银行出具的账户信息等材料扫描件"),
)

BANK_ACCOUNT_RE = re.compile(r"^\d{8,30}$")
BANK_NAME_MISMATCH = "账户（收款单位）必须与单位名称相同"


def bank_account_no(value: str) -> str | None:
    return None if BANK_ACCOUNT_RE.match(value) else "银行账户须为8-30位数字"


def profile_schema(org_name: str, districts: list[str], province: str,
                   agency_ok: Callable[[str], bool]) -> Schema:
    """The 信息补全 form of one organisation (the account name must equal
    its name; districts and agencies come from the deployment's tree)."""

    def same_name(value: str) -> str | None:
        # （集团） and (集团), spaces and letter case do not count
        if names.same_name(value, org_name):
            return None
        what = names.name_difference(value, org_name, given_label="账户名称", expected_label="单位名称")
        return f"{BANK_NAME_MISMATCH}（单位名称：{org_name}）：{what}"

    def district(label):
        def check(value: str) -> str | None:
            return None if value in districts else f"{label}的区县须为{province}的区县，请从列表中选择"
        return check

    def agency(value: str) -> str | None:
        return None if agency_ok(value) else "请从列表中选择本平台的局级（区县）主管部门"

    return Schema(
        Field("legal_nature", "法人性质", "select", choices=validators.LEGAL_NATURES),
        Field("legal_type", "法人类型", "select", choices=validators.LEGAL_TYPES),
        Field("contact_name", "联系人姓名", max_length=50),
        Field("contact_mobile", "手机号", "mobile", max_length=11, checks=(validators.mobile,),
              help="用于接收审核结果等通知，请准确填写"),
        Field("contact_email", "电子邮箱", "email", max_length=120, checks=(validators.email,),
              help="用于接收审核结果等通知，请准确填写"),
        Field("agency", "局级（区县）主管部门", "select", checks=(agency,),
              help="负责审核本单位信息的区县科技局或功能区科技主管部门"),
        Field("reg_district", "注册地址", "select", checks=(district("注册地址"),)),
        Field("reg_address", "注册地址的详细地址", max_length=200, placeholder="街道、门牌号"),
        Field("loc_district", "坐落地址", "select", checks=(district("坐落地址"),)),
        Field("loc_address", "坐落地址的详细地址", max_length=200, placeholder="街道、门牌号"),
        Field("bank_account_name", "账户（收款单位）", max_length=200, checks=(same_name,),
              help=BANK_NAME_MISMATCH),
        Field("bank_name", "开户银行", max_length=200, placeholder="如：中国工商银行天津分行营业部"),
        Field("bank_account_no", "银行账户", max_length=30, checks=(bank_account_no,),
              placeholder="8-30位数字"),
    )


def normalise(raw) -> dict:
    """The posted values as the schema reads them: a bank account number is
    often typed in groups of four, so spaces inside it are dropped."""
    data = {name: raw.get(name) for name in raw.keys()}
    account = data.get("bank_account_no")
    if isinstance(account, str):
        data["bank_account_no"] = re.sub(r"\s+", "", account)
    return data


DECISIONS = {"approve": "审核通过", "return": "审核不通过"}

DECISION = Schema(
    Field("decision", "审核结果", "radio", choices=tuple(DECISIONS)),
    Field("opinion", "审核意见", "textarea", required=False, max_length=500,
          placeholder="审核不通过时必须填写，说明需要修改的内容；法人用户将看到该意见并据此修改后重新提交"),
    checks=(lambda d: {"opinion": "审核不通过时必须填写审核意见，说明需要修改的内容"}
            if d.get("decision") == "return" and not d.get("opinion") else {},),
)
