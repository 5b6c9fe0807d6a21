"""A complete, valid incubator evaluation as the form posts it (strings),
for the demo data and for tests."""
from __future__ import annotations


def evaluation_sample(**overrides: str) -> dict[str, str]:
    data = {
        "name": "西青科技企业孵化器",
        "operator_name": "天津西青科技孵化器有限公司",
        "operator_credit_code": "91120111MA06P8RL7C",
        "district": "西青区",
        "address": "天津市西青区李七庄街道凌奥创意产业园8号楼",
        "founded_on": "2012-09-26",
        "recognition_level": "国家级",
        "incubator_type": "专业",
        "same_field_incubatees": "41",
        "tech_field": "生物医药",
        "head_name": "周海",
        "head_mobile": "13820004321",
        "contact_name": "李静",
        "contact_mobile": "13920008765",
        "contact_email": "lijing@example.cn",
        "incubation_area": "28500",
        "incubatee_area": "21300.50",
        "public_area": "3600",
        "staff_total": "24",
        "staff_trained": "15",
        "mentors": "42",
        "incubatees_total": "86",
        "incubatees_new": "21",
        "graduated_total": "137",
        "graduated_year": "12",
        "employees": "1860",
        "employees_college": "1420",
        "employees_returnees": "38",
        "incubatee_income": "52800.75",
        "incubatee_rd": "6120.30",
        "ip_applied": "215",
        "ip_applied_invention": "96",
        "ip_granted": "168",
        "ip_granted_invention": "41",
        "financed_count": "14",
        "financing_amount": "18600",
        "incubation_fund": "5000",
        "platforms": "6",
        "income_total": "1285.60",
        "income_service": "436.20",
        "income_investment": "210",
        "income_property": "579.40",
        "summary_work": "全年在孵企业86家，新增入驻21家，毕业企业12家；在孵企业获得投融资18600万元，"
                        "申请知识产权215项，其中发明专利96项。",
        "summary_highlights": "围绕生物医药建设细胞培养、分析检测等6个公共技术服务平台，"
                              "与区内医院共建临床转化通道，缩短企业产品验证周期。",
        "summary_problems": "中试场地不足，部分企业的GMP车间需求难以满足；专业技术服务人才引进难。",
        "summary_plan": "下一年度计划新建中试车间5000平方米，新增孵化基金3000万元，"
                        "引进在孵企业20家以上，培育高新技术企业10家。",
    }
    data.update(overrides)
    return data
