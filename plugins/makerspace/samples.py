"""A complete, valid makerspace evaluation as the form posts it (strings),
for the demo data and for tests."""
from __future__ import annotations


def evaluation_sample(**overrides: str) -> dict[str, str]:
    data = {
        "name": "和平创客汇众创空间",
        "operator_name": "天津和平创客空间管理有限公司",
        "operator_credit_code": "91120101MA05K3XQ1F",
        "district": "和平区",
        "address": "天津市和平区南京路219号天津中心大厦12层",
        "founded_on": "2016-05-18",
        "recognition_level": "市级",
        "is_professional": "是",
        "professional_field": "文化创意与数字内容",
        "head_name": "陈建国",
        "head_mobile": "13820001234",
        "contact_name": "赵敏",
        "contact_mobile": "13920005678",
        "contact_email": "contact@example.cn",
        "total_area": "3200.50",
        "team_area": "2100",
        "public_area": "860.5",
        "workstations": "260",
        "staff_total": "18",
        "staff_fulltime": "12",
        "mentors_total": "35",
        "mentors_fulltime": "6",
        "teams_served": "46",
        "teams_new": "19",
        "startups_served": "38",
        "startups_new": "14",
        "jobs_created": "512",
        "jobs_graduates": "87",
        "financed_count": "9",
        "financing_amount": "2350.00",
        "ip_valid": "126",
        "ip_invention": "17",
        "events": "58",
        "trainings": "32",
        "income_total": "685.40",
        "income_service": "212.30",
        "income_investment": "45",
        "income_property": "318.10",
        "income_subsidy": "80",
        "summary_work": "全年服务创业团队46个、初创企业38家，组织路演、沙龙和创业大赛58场，"
                        "帮助9个团队和企业获得投融资2350万元，带动就业512人。",
        "summary_highlights": "聚焦文化创意与数字内容领域，联合高校共建数字内容实验室，"
                              "形成“导师辅导+专业实验室+投融资对接”的专业化服务模式。",
        "summary_problems": "专业服务人员偏少，部分初创企业融资难度较大，场地已接近饱和。",
        "summary_plan": "下一年度计划新增专业导师10名，引入2家投资机构驻场服务，"
                        "拓展服务场地800平方米，力争申报国家备案众创空间。",
    }
    data.update(overrides)
    return data
