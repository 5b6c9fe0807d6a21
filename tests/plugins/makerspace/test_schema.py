"""The makerspace evaluation's rules, validated the way 暂存 (partial) and
提交 (full) validate them."""
import datetime as dt

import pytest

from kjgl.core.filings import rules
from kjgl.plugins.makerspace.samples import evaluation_sample
from kjgl.plugins.makerspace.schemas import FILING

SCHEMA = FILING.schema
LABELS = {f.name: f.label for f in FILING.fields}
COUNTS = [f.name for f in FILING.fields if f.kind == "int"]
AMOUNTS = [f.name for f in FILING.fields if f.kind == "decimal"]
SUMMARIES = ["summary_work", "summary_highlights", "summary_problems", "summary_plan"]


def errors(partial=False, **overrides):
    return SCHEMA.validate(evaluation_sample(**overrides), partial=partial).errors


def test_complete_sample_passes_full_validation():
    result = SCHEMA.validate(evaluation_sample())
    assert result.errors == {}
    assert result.data["workstations"] == 260
    assert str(result.data["total_area"]) == "3200.50"
    assert result.data["founded_on"] == dt.date(2016, 5, 18)


def test_every_indicator_of_the_issue_is_in_its_section():
    titles = [s.title for s in FILING.sections]
    assert titles == ["基本情况", "服务场地", "服务团队", "孵化服务", "收入", "年度工作总结"]
    assert len(FILING.fields) == len(set(LABELS)) == 43


def test_numbers_have_units_minimum_zero_and_a_help_tip():
    for f in FILING.fields:
        assert f.help, f"{f.label} has no help tip"
        if f.kind in ("int", "decimal"):
            assert f.min_value == 0, f.label
            assert f.unit in ("m²", "个", "人", "家", "项", "次", "万元"), f.label


def test_district_choices_are_tianjins_16_districts_and_5_zones():
    choices = SCHEMA.by_name["district"].choices
    assert len(choices) == 21
    assert "滨海新区" in choices and "中新天津生态城" in choices and "东疆保税港" in choices
    assert errors(district="朝阳区")["district"] == "所在区的取值无效"


# --- the conditional 专业领域 ----------------------------------------------------

def test_professional_field_required_when_professional():
    assert errors(is_professional="是", professional_field="") == {"professional_field": "专业领域不能为空"}


def test_professional_field_not_required_otherwise_and_dropped():
    result = SCHEMA.validate(evaluation_sample(is_professional="否", professional_field=""))
    assert result.errors == {}
    result = SCHEMA.validate(evaluation_sample(is_professional="否", professional_field="人工智能"))
    assert result.errors == {} and result.data["professional_field"] is None


# --- 年度工作总结: 800 characters, not bytes ---------------------------------------

@pytest.mark.parametrize("name", SUMMARIES)
def test_summary_accepts_800_chinese_characters(name):
    text = "创" * 800
    assert len(text.encode("utf-8")) == 2400
    assert name not in errors(**{name: text})


@pytest.mark.parametrize("name", SUMMARIES)
def test_summary_rejects_801_characters_naming_the_item(name):
    message = errors(**{name: "创" * 801})[name]
    assert LABELS[name] in message and "800" in message and "801" in message


def test_summary_limit_also_applies_to_a_partial_save():
    assert "summary_plan" in errors(partial=True, summary_plan="新" * 801)


# --- part ≤ whole ---------------------------------------------------------------

PART_WHOLE = [
    ("team_area", "total_area"),
    ("public_area", "total_area"),
    ("staff_fulltime", "staff_total"),
    ("mentors_fulltime", "mentors_total"),
    ("teams_new", "teams_served"),
    ("startups_new", "startups_served"),
    ("jobs_graduates", "jobs_created"),
    ("ip_invention", "ip_valid"),
    ("income_service", "income_total"),
    ("income_investment", "income_total"),
    ("income_property", "income_total"),
    ("income_subsidy", "income_total"),
]


@pytest.mark.parametrize("part,whole", PART_WHOLE)
def test_a_part_larger_than_its_whole_is_refused_naming_both(part, whole):
    sample = evaluation_sample()
    message = errors(**{part: str(int(float(sample[whole])) + 1)})[part]
    assert LABELS[part] in message and LABELS[whole] in message and "不能大于" in message


# parts that also add up against the same whole: zero the others for the boundary
SUMMED = {"total_area": ("team_area", "public_area"),
          "income_total": ("income_service", "income_investment", "income_property", "income_subsidy")}


@pytest.mark.parametrize("part,whole", PART_WHOLE)
def test_a_part_equal_to_its_whole_is_accepted(part, whole):
    sample = evaluation_sample()
    others = {name: "0" for name in SUMMED.get(whole, ()) if name != part}
    assert errors(**{part: sample[whole]}, **others) == {}


def test_team_and_public_area_together_not_more_than_total():
    message = errors(total_area="3000", team_area="2000", public_area="1000.01")["public_area"]
    assert "提供给创业团队和初创企业使用的面积与公共服务场地面积之和（3000.01m²）" in message
    assert "服务场地总面积（3000m²）" in message
    assert errors(total_area="3000", team_area="2000", public_area="1000") == {}


def test_income_components_together_not_more_than_total():
    message = errors(income_total="100", income_service="30", income_investment="30",
                     income_property="30", income_subsidy="10.5")["income_total"]
    for name in ("income_service", "income_investment", "income_property", "income_subsidy", "income_total"):
        assert LABELS[name] in message
    assert errors(income_total="100", income_service="30", income_investment="30",
                  income_property="30", income_subsidy="10") == {}


def test_financed_not_more_than_teams_and_startups_served():
    message = errors(teams_served="5", teams_new="1", startups_served="4", startups_new="1",
                     financed_count="10")["financed_count"]
    assert "当年服务的创业团队数与当年服务的初创企业数之和（9个）" in message
    assert "financed_count" not in errors(teams_served="5", teams_new="1", startups_served="4",
                                          startups_new="1", financed_count="9")


def test_financing_amount_needs_somebody_financed():
    message = errors(financed_count="0", financing_amount="100")["financed_count"]
    assert "当年获得投融资总额大于0时" in message
    assert errors(financed_count="0", financing_amount="0") == {}


# --- numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("name", COUNTS + AMOUNTS)
def test_negative_numbers_are_refused(name):
    assert errors(**{name: "-1"})[name] == f"{LABELS[name]}不能小于0"


@pytest.mark.parametrize("name", COUNTS)
def test_counts_must_be_whole_numbers(name):
    assert errors(**{name: "2.5"})[name] == f"{LABELS[name]}须为整数"


@pytest.mark.parametrize("value", ["12.345", "1E+3", "abc"])
def test_amounts_are_plain_numbers_with_two_decimals(value):
    message = errors(income_total=value)["income_total"]
    assert message.startswith("总收入须为数字")


# --- 所在区 and the functional zones -------------------------------------------------

def test_address_in_eco_city_with_binhai_chosen_points_to_the_zone():
    message = errors(district="滨海新区", address="天津市滨海新区中新天津生态城中天大道2018号")["district"]
    assert "中新天津生态城" in message and "所在区应选择" in message


def test_address_in_eco_city_with_the_zone_chosen_passes():
    assert errors(district="中新天津生态城", address="天津市滨海新区中新天津生态城中天大道2018号") == {}


@pytest.mark.parametrize("address", [
    "天津市滨海新区塘沽街道上海道1998号",
    "天津市滨海新区大港经济开发区创业路6号",  # a development zone that is not a functional zone
])
def test_binhai_outside_the_zones_chooses_binhai(address):
    assert errors(district="滨海新区", address=address) == {}


@pytest.mark.parametrize("address,zone", [
    ("天津生态城动漫园创意大厦", "中新天津生态城"),
    ("天津港东疆港区亚洲路6865号", "东疆保税港"),
    ("天津开发区第三大街51号", "天津经济技术开发区"),
    ("滨海新区经开区洞庭路220号", "天津经济技术开发区"),
    ("天津经济技术开发区西区新业五街", "天津经济技术开发区"),
    ("泰达服务外包产业园", "天津经济技术开发区"),
    ("天津滨海高新区华苑产业区海泰西路18号", "滨海新区高新技术产业开发区"),
    ("天津市高新区塘沽海洋科技园", "滨海新区高新技术产业开发区"),
    ("天津港保税区海滨九路", "滨海新区天津港保税区"),
    ("滨海新区空港经济区西三道158号", "滨海新区天津港保税区"),
])
def test_zone_aliases_in_the_address(address, zone):
    message = errors(district="滨海新区", address=address)["district"]
    assert f"所在区应选择“{zone}”" in message
    assert errors(district=zone, address=address) == {}


def test_a_district_outside_binhai_with_a_zone_address_is_refused():
    assert "中新天津生态城" in errors(district="和平区", address="中新天津生态城和畅路")["district"]


@pytest.mark.parametrize("address", ["天津市西青区西青经济技术开发区赛达大道", "天津市北辰经济技术开发区高端园"])
def test_other_districts_own_development_zones_are_not_functional_zones(address):
    district = "西青区" if "西青" in address else "北辰区"
    assert errors(district=district, address=address) == {}


def test_zone_rule_needs_nothing_more_when_no_zone_is_named():
    assert rules.zone_in_address("天津市和平区南京路219号") is None


# --- dates, contact ---------------------------------------------------------------------

def test_founding_date_in_the_future_is_refused():
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert errors(founded_on=tomorrow)["founded_on"] == "成立时间不能晚于今天"
    assert "founded_on" not in errors(founded_on=dt.date.today().isoformat())


def test_founding_date_must_be_a_date():
    assert errors(founded_on="2016-13-01")["founded_on"] == "成立时间须为日期（年-月-日）"


@pytest.mark.parametrize("value", ["contact@", "contact.example.cn", "a b@example.cn"])
def test_bad_email_is_refused(value):
    assert errors(contact_email=value)["contact_email"] == "请输入正确的电子邮箱"


@pytest.mark.parametrize("name", ["contact_mobile", "head_mobile"])
def test_bad_mobile_is_refused(name):
    assert errors(**{name: "1234567890"})[name] == "请输入正确的11位手机号码"


def test_bad_credit_code_is_refused():
    assert "统一社会信用代码" in errors(operator_credit_code="91120101MA05K3XQ1A")["operator_credit_code"]


def test_recognition_level_choices():
    assert SCHEMA.by_name["recognition_level"].choices == ("国家备案", "市级", "区级")
    assert errors(recognition_level="国家级")["recognition_level"] == "认定级别的取值无效"


# --- 暂存 (partial) versus 提交 -----------------------------------------------------------

def test_partial_save_accepts_empty_required_fields():
    assert SCHEMA.validate({"name": "和平创客汇众创空间"}, partial=True).errors == {}
    assert SCHEMA.validate({"is_professional": "是"}, partial=True).errors == {}


def test_full_validation_lists_every_empty_required_field():
    result = SCHEMA.validate({"is_professional": "是"})
    assert "professional_field" in result.errors
    assert len(result.errors) == len(FILING.fields) - 1


@pytest.mark.parametrize("name,value", [
    ("workstations", "abc"), ("staff_total", "-3"), ("contact_email", "bad@"), ("contact_mobile", "123"),
    ("founded_on", "2016/05/18"), ("district", "朝阳区"),
])
def test_partial_save_still_refuses_malformed_values(name, value):
    assert name in SCHEMA.validate({"name": "和平创客汇众创空间", name: value}, partial=True).errors


def test_unfinished_draft_is_stored_and_inconsistencies_wait_for_submit():
    """暂存 stores a draft whose filled parts don't add up yet; 提交 names them."""
    inconsistent = evaluation_sample(staff_total="5", staff_fulltime="6")
    assert SCHEMA.validate(inconsistent, partial=True).errors == {}
    assert "staff_fulltime" in SCHEMA.validate(inconsistent, partial=False).errors


# --- the declaration ---------------------------------------------------------------------

def test_operator_comes_from_the_organisation():
    class Org:
        name, credit_code = "天津和平创客空间管理有限公司", "91120101MA05K3XQ1F"

    assert FILING.prefill(Org()) == {"operator_name": Org.name, "operator_credit_code": Org.credit_code}


def test_attachment_slots_and_signature_page():
    assert [s.title for s in FILING.slots] == ["场地证明", "服务人员及导师证明", "活动证明", "其他材料"]
    for slot in FILING.slots:
        assert slot.multiple and not slot.required and slot.max_bytes == 10 * 1024 * 1024
    sig = FILING.signature_slot
    assert (sig.title, sig.accepts, sig.multiple, sig.required) == ("签章页", ("pdf",), False, True)
    assert sig.max_bytes == 10 * 1024 * 1024
    assert FILING.name_field == "name" and FILING.district_field == "district"
