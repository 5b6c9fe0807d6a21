"""Building blocks for filing schemas: non-negative number fields, "a part is
not more than its whole" checks, conditional predicates, and the Tianjin
所在区 rule (seed 000 §3: a carrier inside a functional zone chooses the zone,
any other carrier in 滨海新区 chooses 滨海新区).

Whole-form checks take the cleaned data and return ``{field: message}``;
they skip a comparison while a value it needs is still empty (暂存 accepts
partial data; 提交 reports the empty field itself).
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Callable, Mapping, Sequence

from .. import validators
from ..agencies.tree_data import TIANJIN_DISTRICTS, TIANJIN_ZONES
from ..attachments.services import Slot
from ..forms import Field

SUMMARY_MAX_CHARS = 800
COUNT_MAX = 9_999_999
AMOUNT_MAX = Decimal("99999999.99")

FormCheck = Callable[[dict], dict]


# --- fields -----------------------------------------------------------------

def count(name: str, label: str, unit: str, help: str, **kw) -> Field:
    """A non-negative whole number (人, 家, 个, 项, 次)."""
    return Field(name, label, "int", min_value=0, max_value=COUNT_MAX, unit=unit, help=help, **kw)


def decimal_places(label: str, places: int = 2) -> Callable[[Decimal], str | None]:
    def check(value: Decimal) -> str | None:
        exponent = value.as_tuple().exponent
        if exponent > 0 or exponent < -places:  # 1E+3 or 1.234
            return f"{label}须为数字，最多保留{places}位小数"
        return None
    return check


def amount(name: str, label: str, unit: str, help: str, **kw) -> Field:
    """A non-negative decimal with at most two decimal places (万元, m²)."""
    return Field(name, label, "decimal", min_value=0, max_value=AMOUNT_MAX, unit=unit, help=help,
                 checks=(decimal_places(label),), places=2, **kw)


def not_future(label: str) -> Callable[[dt.date], str | None]:
    def check(value: dt.date) -> str | None:
        return f"{label}不能晚于今天" if value > dt.date.today() else None
    return check


def mobile(name: str, label: str, help: str = "11位手机号码", **kw) -> Field:
    return Field(name, label, "mobile", max_length=11, checks=(validators.mobile,), help=help, **kw)


def email(name: str, label: str, help: str = "如：name@example.cn", **kw) -> Field:
    return Field(name, label, "email", max_length=120, checks=(validators.email,), help=help, **kw)


def summary(name: str, label: str, help: str) -> Field:
    """One item of 年度工作总结: at most 800 characters (not bytes)."""
    return Field(name, label, "textarea", max_length=SUMMARY_MAX_CHARS,
                 help=f"{help}限填{SUMMARY_MAX_CHARS}字符（汉字、字母、数字、标点各计1个字符）。")


# --- part ≤ whole -------------------------------------------------------------

def _fmt(value, unit: str) -> str:
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return f"{text}{unit}"


def _values(data: dict, fields: Sequence[Field]):
    values = [data.get(f.name) for f in fields]
    return None if any(v is None for v in values) else values


def parts_le_whole(parts: Sequence[Field], whole: Sequence[Field] | Field, on: str | None = None) -> FormCheck:
    """The sum of ``parts`` must not exceed ``whole`` (a field, or the sum of
    several). The message names every label and goes next to ``on``
    (default: the last part)."""
    wholes = (whole,) if isinstance(whole, Field) else tuple(whole)
    parts = tuple(parts)
    target = on or parts[-1].name
    unit = wholes[0].unit

    def label(fields):
        return fields[0].label if len(fields) == 1 else "与".join(f.label for f in fields) + "之和"

    def check(data: dict) -> dict:
        part_values, whole_values = _values(data, parts), _values(data, wholes)
        if part_values is None or whole_values is None:
            return {}
        p, w = sum(part_values), sum(whole_values)
        if p <= w:
            return {}
        return {target: f"{label(parts)}（{_fmt(p, unit)}）不能大于{label(wholes)}（{_fmt(w, unit)}）"}
    return check


def part_le_whole(part: Field, whole: Field) -> FormCheck:
    """One "其中" value must not exceed its total; the message goes next to the part."""
    return parts_le_whole((part,), whole)


def positive_needs(value: Field, counter: Field) -> FormCheck:
    """``value`` greater than 0 requires ``counter`` greater than 0 (an amount
    financed needs somebody who received it)."""
    def check(data: dict) -> dict:
        v, c = data.get(value.name), data.get(counter.name)
        if v is None or c is None or not (v > 0 and c == 0):
            return {}
        return {counter.name: f"{value.label}大于0时，{counter.label}不能为0"}
    return check


# --- 所在区 and the functional zones -------------------------------------------

TIANJIN_LOCATIONS = TIANJIN_DISTRICTS + TIANJIN_ZONES

# What in an address names a functional zone. Generic words (开发区, 高新区,
# 保税区) count only right after 天津/滨海新区 or at the start, because other
# districts have development zones of their own (西青经济技术开发区,
# 大港经济开发区) that are not functional zones. Order matters: 东疆综合保税区
# is 东疆, 泰达综合保税区 is the development zone.
_LEAD = r"(?:^|天津市?|滨海新区|[\s,，、(（])"
TIANJIN_ZONE_PATTERNS: dict[str, tuple[str, ...]] = {
    "中新天津生态城": (r"生态城",),
    "东疆保税港": (r"东疆",),
    "天津经济技术开发区": (r"天津经济技术开发区", r"泰达", r"TEDA",
                      _LEAD + r"(?:经济技术开发区|经开区|开发区)"),
    "滨海新区高新技术产业开发区": (r"滨海高新", r"滨海新区高新技术产业开发区", r"华苑产业区", r"华苑科技园",
                        _LEAD + r"(?:高新技术产业开发区|高新区)"),
    "滨海新区天津港保税区": (r"天津港保税区", r"天津港综合保税区", r"空港经济区", r"临港经济区",
                    _LEAD + r"保税区"),
}


def zone_in_address(address: str, patterns: Mapping[str, Sequence[str]] = TIANJIN_ZONE_PATTERNS) -> str | None:
    """The functional zone an address names, if any (the first in ``patterns``' order)."""
    text = re.sub(r"\s+", "", address or "")
    for zone, zone_patterns in patterns.items():
        if any(re.search(p, text, re.IGNORECASE) for p in zone_patterns):
            return zone
    return None


def district_zone_rule(district: Field, address: Field,
                       patterns: Mapping[str, Sequence[str]] = TIANJIN_ZONE_PATTERNS) -> FormCheck:
    """An address inside a functional zone requires 所在区 to be that zone
    (not 滨海新区, not another district); the message goes next to 所在区."""
    def check(data: dict) -> dict:
        chosen = data.get(district.name)
        zone = zone_in_address(data.get(address.name) or "", patterns)
        if zone is None or chosen is None or chosen == zone:
            return {}
        return {district.name: f"{address.label}位于{zone}，{district.label}应选择“{zone}”"
                               f"（位于功能区的载体选择所在功能区，滨海新区其他区域选择滨海新区）"}
    return check


DISTRICT_HELP = ("载体场地实际所在的区。位于滨海新区高新技术产业开发区、滨海新区天津港保税区、"
                 "天津经济技术开发区、中新天津生态城、东疆保税港的，应选择所在的功能区；"
                 "位于滨海新区其他区域的，选择滨海新区。")


def operator_prefill(organisation) -> dict:
    """``operator_name`` and ``operator_credit_code`` come from the operator's
    registration (the filing services apply them on every save)."""
    return {"operator_name": organisation.name, "operator_credit_code": organisation.credit_code}


# --- attachment slots (seed 000: several files per slot, 10 MB each) ----------------

MB = 1024 * 1024
ATTACHMENT_KINDS = ("pdf", "jpg", "png", "docx", "xlsx")


def attachment_slot(name: str, title: str, help: str) -> Slot:
    """An optional multi-file evidence slot (场地证明, 活动证明 …)."""
    return Slot(name, title, accepts=ATTACHMENT_KINDS, required=False, max_bytes=10 * MB, multiple=True, help=help)


def signature_slot() -> Slot:
    """签章页: the exported Word file, printed, signed, sealed and scanned to one PDF."""
    return Slot("signature", "签章页", accepts=("pdf",), required=True, max_bytes=10 * MB, multiple=False,
                help="填写完毕并暂存后，在列表中点击“导出Word”，打印并签字盖章，扫描成PDF上传到此处")  # the limit: describe()
