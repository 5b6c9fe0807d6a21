"""The incubator evaluation's rules, validated the way 暂存 (partial) and
提交 (full) validate them."""
import datetime as dt

import pytest

from kjgl.plugins.incubator.samples import evaluation_sample
from kjgl.plugins.incubator.schemas import FILING

SCHEMA = FILING.schema
LABELS = {f.name: f.label for f in FILING.fields}
COUNTS = [f.name for f in FILING.fields if f.kind == "int"]
AMOUNTS = [f.name for f in FILING.fields if f.kind == "decimal"]
SUMMARIES = ["summary_work", "summary_highlights", "summary_problems", "summary_plan"]
SPECIALISED = ("same_field_incubatees", "tech_field")


def errors(partial=False, **overrides):
    return SCHEMA.validate(evaluation_sample(**overrides), partial=partial).errors


def test_complete_sample_passes_full_validation():
    result = SCHEMA.validate(evaluation_sample())
    assert result.errors == {}
    assert result.data["incubatees_total"] == 86
    assert str(result.data["incubatee_area"]) == "21300.50"


def test_sections_and_numbers_with_units_minimum_zero_and_help():
    assert [s.title for s in FILING.sections] == ["基本情况", "孵化场地", "服务团队", "孵化绩效", "收入", "年度工作总结"]
    for f in FILING.fields:
        assert f.help, f"{f.label} has no help tip"
        if f.kind in ("int", "decimal"):
            assert f.min_value == 0, f.label
            assert f.unit in ("m²", "个", "人", "家", "项", "次", "万元"), f.label


def test_recognition_levels_and_types():
    assert SCHEMA.by_name["recognition_level"].choices == ("国家级", "市级", "区级")
    assert errors(recognition_level="国家备案")["recognition_level"] == "认定级别的取值无效"
    assert errors(incubator_type="混合")["incubator_type"] == "孵化器类型的取值无效"


# --- 孵化器类型 = 专业 (seed 000 §4 4(2)) ----------------------------------------------

@pytest.mark.parametrize("name", SPECIALISED)
def test_specialised_incubator_needs_both_fields(name):
    assert errors(incubator_type="专业", **{name: ""}) == {name: f"{LABELS[name]}不能为空"}


def test_comprehensive_incubator_needs_neither():
    result = SCHEMA.validate(evaluation_sample(incubator_type="综合", same_field_incubatees="", tech_field=""))
    assert result.errors == {}
    result = SCHEMA.validate(evaluation_sample(incubator_type="综合"))
    assert result.errors == {}
    assert result.data["same_field_incubatees"] is None and result.data["tech_field"] is None


def test_same_field_incubatees_not_more_than_incubatees():
    message = errors(same_field_incubatees="87")["same_field_incubatees"]
    assert LABELS["incubatees_total"] in message and "不能大于" in message
    assert errors(same_field_incubatees="86") == {}
    assert errors(incubator_type="综合", same_field_incubatees="87") == {}  # not asked, not checked


# --- 年度工作总结 --------------------------------------------------------------------------

@pytest.mark.parametrize("name", SUMMARIES)
def test_summary_800_characters_pass_801_fail(name):
    assert name not in errors(**{name: "孵" * 800})
    message = errors(**{name: "孵" * 801})[name]
    assert LABELS[name] in message and "800" in message


# --- part ≤ whole ------------------------------------------------------------------------

PART_WHOLE = [
    ("incubatee_area", "incubation_area"),
    ("public_area", "incubation_area"),
    ("staff_trained", "staff_total"),
    ("incubatees_new", "incubatees_total"),
    ("graduated_year", "graduated_total"),
    ("employees_college", "employees"),
    ("employees_returnees", "employees"),
    ("ip_applied_invention", "ip_applied"),
    ("ip_granted_invention", "ip_granted"),
    ("financed_count", "incubatees_total"),
    ("income_service", "income_total"),
    ("income_investment", "income_total"),
    ("income_property", "income_total"),
]
SUMMED = {"incubation_area": ("incubatee_area", "public_area"),
          "income_total": ("income_service", "income_investment", "income_property")}


@pytest.mark.parametrize("part,whole", PART_WHOLE)
def test_a_part_larger_than_its_whole_is_refused_naming_both(part, whole):
    message = errors(**{part: str(int(float(evaluation_sample()[whole])) + 1)})[part]
    assert LABELS[part] in message and LABELS[whole] in message and "不能大于" in message


@pytest.mark.parametrize("part,whole", PART_WHOLE)
def test_a_part_equal_to_its_whole_is_accepted(part, whole):
    others = {name: "0" for name in SUMMED.get(whole, ()) if name != part}
    assert errors(**{part: evaluation_sample()[whole]}, **others) == {}


def test_area_parts_together_not_more_than_total():
    message = errors(incubation_area="1000", incubatee_area="800", public_area="200.5")["public_area"]
    assert "在孵企业使用面积与公共服务场地面积之和（1000.5m²）不能大于孵化场地总面积（1000m²）" == message


def test_income_parts_together_not_more_than_total():
    message = errors(income_total="100", income_service="50", income_investment="30",
                     income_property="20.01")["income_total"]
    assert "综合服务收入与投资收入与房租及物业收入之和（100.01万元）" in message


def test_financing_amount_needs_a_financed_incubatee():
    assert "当年获得投融资总额大于0时" in errors(financed_count="0", financing_amount="1")["financed_count"]


# --- numbers, dates, contact, district -------------------------------------------------------

@pytest.mark.parametrize("name", COUNTS + AMOUNTS)
def test_negative_numbers_are_refused(name):
    assert errors(**{name: "-0.5" if name in AMOUNTS else "-1"})[name] == f"{LABELS[name]}不能小于0"


@pytest.mark.parametrize("name", COUNTS)
def test_counts_must_be_whole_numbers(name):
    assert errors(**{name: "1.5"})[name] == f"{LABELS[name]}须为整数"


def test_future_founding_date_and_bad_contact():
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert errors(founded_on=tomorrow)["founded_on"] == "成立时间不能晚于今天"
    assert errors(contact_email="lijing@example")["contact_email"] == "请输入正确的电子邮箱"
    assert errors(contact_mobile="23920008765")["contact_mobile"] == "请输入正确的11位手机号码"


def test_district_zone_rule():
    address = "天津市滨海新区中新天津生态城和旭路276号"
    assert "中新天津生态城" in errors(district="滨海新区", address=address)["district"]
    assert errors(district="中新天津生态城", address=address) == {}
    assert errors(district="滨海新区", address="天津市滨海新区汉沽街道新开中路") == {}


# --- 暂存 ----------------------------------------------------------------------------------------

def test_partial_save_accepts_empty_required_but_not_malformed():
    assert SCHEMA.validate({"name": "西青科技企业孵化器", "incubator_type": "专业"}, partial=True).errors == {}
    bad = SCHEMA.validate({"name": "西青科技企业孵化器", "incubatees_total": "十", "contact_email": "x@"},
                          partial=True)
    assert set(bad.errors) == {"incubatees_total", "contact_email"}


def test_full_validation_of_a_specialised_draft_lists_the_conditional_fields():
    result = SCHEMA.validate({"incubator_type": "专业"})
    assert set(SPECIALISED) <= set(result.errors)
    assert len(result.errors) == len(FILING.fields) - 1


def test_attachment_slots_and_signature_page():
    for slot in FILING.slots:
        assert slot.multiple and not slot.required and slot.max_bytes == 10 * 1024 * 1024
    sig = FILING.signature_slot
    assert (sig.title, sig.accepts, sig.multiple, sig.required) == ("签章页", ("pdf",), False, True)
    # the limit is stated once, by the slot's own description (issue 13 §5), not again in its tip
    assert "不超过10MB" in sig.describe(10 * 1024 * 1024) and "10M" not in sig.help
