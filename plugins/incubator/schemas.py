"""天津市科技企业孵化器绩效评估表 (seed 000 §4, issue 3 §3): the indicators
follow the national Torch statistics of technology business incubators; the
performance indicators count the evaluated year (1 January – 31 December)
unless they say 累计."""
from __future__ import annotations

from kjgl.core import validators
from kjgl.core.filings import rules
from kjgl.core.filings.rules import amount, count
from kjgl.core.filings.types import FilingType, Section
from kjgl.core.forms import Field

from .models import IncubatorEvaluation


# --- 基本情况 ---
NAME = Field("name", "孵化器名称", max_length=100,
             help="填写孵化器的全称（与认定文件一致）；同一孵化器每年度只能填报一次。")
OPERATOR_NAME = Field("operator_name", "运营主体名称", max_length=200, readonly=True,
                      help="运营孵化器的法人单位全称，取自本单位注册信息，不能在此修改（如有变更，请由法人用户更新单位信息）。")
OPERATOR_CREDIT_CODE = Field("operator_credit_code", "运营主体统一社会信用代码", max_length=18, readonly=True,
                             checks=(validators.credit_code,),
                             help="18位统一社会信用代码，取自本单位注册信息，不能在此修改（如有变更，请由法人用户更新单位信息）。")
DISTRICT = Field("district", "所在区", "select", choices=rules.TIANJIN_LOCATIONS, help=rules.DISTRICT_HELP)
ADDRESS = Field("address", "详细地址", max_length=200, placeholder="街道、门牌号",
                help="孵化器场地的实际地址；位于功能区的请写明功能区名称（如：天津经济技术开发区第三大街）。")
FOUNDED_ON = Field("founded_on", "成立时间", "date", checks=(rules.not_future("成立时间"),),
                   help="孵化器开始运营的日期（年-月-日），不能晚于今天。")
RECOGNITION = Field("recognition_level", "认定级别", "select", choices=("国家级", "市级", "区级"),
                    help="已取得的最高级别：科技部认定的国家级科技企业孵化器选“国家级”，"
                         "市科技局认定的选“市级”，区科技主管部门认定的选“区级”。")
INCUBATOR_TYPE = Field("incubator_type", "孵化器类型", "radio", choices=("综合", "专业"),
                       help="选择“专业”时，须填写在同一产业领域从事研发、生产的在孵企业数量和专业技术领域。")
SAME_FIELD = count("same_field_incubatees", "在同一产业领域从事研发、生产的在孵企业数量", "家",
                   "“孵化器类型”选择“专业”时必填：在孵企业中在同一产业领域从事研发、生产的企业数量，"
                   "不能大于在孵企业数。", show_when="incubator_type=专业")
TECH_FIELD = Field("tech_field", "专业技术领域", max_length=100, show_when="incubator_type=专业",
                   placeholder="如：生物医药、新一代信息技术",
                   help="“孵化器类型”选择“专业”时必填：孵化器聚焦的专业技术领域。")
HEAD_NAME = Field("head_name", "负责人姓名", max_length=50, help="孵化器运营负责人。")
HEAD_MOBILE = rules.mobile("head_mobile", "负责人手机", help="负责人的11位手机号码。")
CONTACT_NAME = Field("contact_name", "联系人姓名", max_length=50, help="负责本次填报的联系人。")
CONTACT_MOBILE = rules.mobile("contact_mobile", "联系人手机", help="联系人的11位手机号码。")
CONTACT_EMAIL = rules.email("contact_email", "联系人电子邮箱", help="联系人的电子邮箱，如：name@example.cn。")

# --- 孵化场地 ---
AREA_TOTAL = amount("incubation_area", "孵化场地总面积", "m²",
                    "孵化器可自主支配的孵化场地总面积（平方米），最多两位小数。")
AREA_INCUBATEES = amount("incubatee_area", "在孵企业使用面积", "m²",
                         "其中在孵企业实际使用的场地面积（平方米），不能大于孵化场地总面积。")
AREA_PUBLIC = amount("public_area", "公共服务场地面积", "m²",
                     "其中用于公共技术服务、展示、会议、培训等的公共服务场地面积（平方米）；"
                     "与在孵企业使用面积之和不能大于孵化场地总面积。")

# --- 服务团队 ---
STAFF_TOTAL = count("staff_total", "孵化器管理机构从业人员数", "人", "孵化器运营管理机构的从业人员总数（整数）。")
STAFF_TRAINED = count("staff_trained", "接受专业培训的从业人员数", "人",
                      "其中接受过孵化器从业人员专业培训的人数，不能大于从业人员数。")
MENTORS = count("mentors", "创业导师人数", "人", "签约并为在孵企业提供辅导服务的创业导师人数（整数）。")

# --- 孵化绩效 ---
INCUBATEES = count("incubatees_total", "在孵企业数", "家", "评估年度末在孵化器内接受孵化服务的企业数量。")
INCUBATEES_NEW = count("incubatees_new", "当年新增在孵企业数", "家",
                       "其中评估年度内新入驻的在孵企业数，不能大于在孵企业数。")
GRADUATED = count("graduated_total", "累计毕业企业数", "家", "孵化器成立以来累计毕业的企业数量。")
GRADUATED_YEAR = count("graduated_year", "当年毕业企业数", "家", "其中评估年度内毕业的企业数，不能大于累计毕业企业数。")
EMPLOYEES = count("employees", "在孵企业从业人员数", "人", "评估年度末在孵企业的从业人员总数。")
EMPLOYEES_COLLEGE = count("employees_college", "大专以上学历人员数", "人",
                          "其中具有大专及以上学历的人数，不能大于在孵企业从业人员数。")
EMPLOYEES_RETURNEES = count("employees_returnees", "留学回国人员数", "人",
                            "其中留学回国人员人数，不能大于在孵企业从业人员数。")
INCUBATEE_INCOME = amount("incubatee_income", "在孵企业总收入", "万元", "评估年度内在孵企业的总收入（万元）。")
INCUBATEE_RD = amount("incubatee_rd", "在孵企业研究与试验发展经费支出", "万元",
                      "评估年度内在孵企业的研发经费支出（万元）。")
IP_APPLIED = count("ip_applied", "当年知识产权申请数", "项", "评估年度内在孵企业申请的专利、软件著作权等知识产权数量。")
IP_APPLIED_INVENTION = count("ip_applied_invention", "当年发明专利申请数", "项",
                             "其中发明专利申请数，不能大于当年知识产权申请数。")
IP_GRANTED = count("ip_granted", "当年知识产权授权数", "项", "评估年度内在孵企业获得授权的知识产权数量。")
IP_GRANTED_INVENTION = count("ip_granted_invention", "当年发明专利授权数", "项",
                             "其中发明专利授权数，不能大于当年知识产权授权数。")
FINANCED = count("financed_count", "当年获得投融资的在孵企业数", "家",
                 "评估年度内获得股权投资、债权融资等投融资的在孵企业数量，不能大于在孵企业数。")
FINANCING_AMOUNT = amount("financing_amount", "当年获得投融资总额", "万元",
                          "评估年度内在孵企业获得的投融资总额（万元），最多两位小数。")
FUND = amount("incubation_fund", "孵化基金总额", "万元", "孵化器自有或合作设立的孵化基金总额（万元）。")
PLATFORMS = count("platforms", "公共技术服务平台数", "个", "孵化器建设或引进、向在孵企业开放的公共技术服务平台数量。")

# --- 收入（评估年度） ---
INCOME_TOTAL = amount("income_total", "孵化器总收入", "万元", "孵化器运营主体评估年度内的总收入（万元）。")
INCOME_SERVICE = amount("income_service", "综合服务收入", "万元",
                        "其中提供创业辅导、技术服务、培训等服务取得的收入（万元）。")
INCOME_INVESTMENT = amount("income_investment", "投资收入", "万元", "其中投资在孵企业取得的收益（万元）。")
INCOME_PROPERTY = amount("income_property", "房租及物业收入", "万元",
                         "其中场地租金和物业管理收入（万元）；三项收入之和不能大于孵化器总收入。")
INCOME_PARTS = (INCOME_SERVICE, INCOME_INVESTMENT, INCOME_PROPERTY)

SECTIONS = (
    Section("basic", "基本情况", (NAME, OPERATOR_NAME, OPERATOR_CREDIT_CODE, DISTRICT, ADDRESS, FOUNDED_ON,
                               RECOGNITION, INCUBATOR_TYPE, SAME_FIELD, TECH_FIELD, HEAD_NAME, HEAD_MOBILE,
                               CONTACT_NAME, CONTACT_MOBILE, CONTACT_EMAIL)),
    Section("venue", "孵化场地", (AREA_TOTAL, AREA_INCUBATEES, AREA_PUBLIC),
            note="面积单位为平方米，按评估年度末的情况填写。"),
    Section("team", "服务团队", (STAFF_TOTAL, STAFF_TRAINED, MENTORS), note="按评估年度末的人数填写。"),
    Section("performance", "孵化绩效", (
        INCUBATEES, INCUBATEES_NEW, GRADUATED, GRADUATED_YEAR, EMPLOYEES, EMPLOYEES_COLLEGE, EMPLOYEES_RETURNEES,
        INCUBATEE_INCOME, INCUBATEE_RD, IP_APPLIED, IP_APPLIED_INVENTION, IP_GRANTED, IP_GRANTED_INVENTION,
        FINANCED, FINANCING_AMOUNT, FUND, PLATFORMS,
    ), note="除注明“累计”的指标外，按评估年度（1月1日至12月31日）统计。"),
    Section("income", "收入", (INCOME_TOTAL,) + INCOME_PARTS, note="评估年度内的收入，单位为万元。"),
    Section("summary", "年度工作总结", (
        rules.summary("summary_work", "年度工作开展情况及成效", "概述评估年度内开展的主要工作及取得的成效。"),
        rules.summary("summary_highlights", "特色亮点", "孵化器在孵化服务、专业化服务等方面的特色和亮点。"),
        rules.summary("summary_problems", "存在的问题", "运营中存在的主要问题和困难。"),
        rules.summary("summary_plan", "下一年度工作计划", "下一年度的工作目标和主要举措。"),
    ), note="每项限填800字符。"),
)

CHECKS = (
    rules.district_zone_rule(DISTRICT, ADDRESS),
    rules.part_le_whole(SAME_FIELD, INCUBATEES),
    rules.part_le_whole(AREA_INCUBATEES, AREA_TOTAL),
    rules.part_le_whole(AREA_PUBLIC, AREA_TOTAL),
    rules.parts_le_whole((AREA_INCUBATEES, AREA_PUBLIC), AREA_TOTAL),
    rules.part_le_whole(STAFF_TRAINED, STAFF_TOTAL),
    rules.part_le_whole(INCUBATEES_NEW, INCUBATEES),
    rules.part_le_whole(GRADUATED_YEAR, GRADUATED),
    rules.part_le_whole(EMPLOYEES_COLLEGE, EMPLOYEES),
    rules.part_le_whole(EMPLOYEES_RETURNEES, EMPLOYEES),
    rules.part_le_whole(IP_APPLIED_INVENTION, IP_APPLIED),
    rules.part_le_whole(IP_GRANTED_INVENTION, IP_GRANTED),
    rules.part_le_whole(FINANCED, INCUBATEES),
    rules.positive_needs(FINANCING_AMOUNT, FINANCED),
    *(rules.part_le_whole(part, INCOME_TOTAL) for part in INCOME_PARTS),
    rules.parts_le_whole(INCOME_PARTS, INCOME_TOTAL, on=INCOME_TOTAL.name),
)


FILING = FilingType(
    module_key="incubator",
    kind="incubator",
    title="天津市科技企业孵化器绩效评估",
    noun="孵化器",
    document_title="{year}年度天津市科技企业孵化器绩效评估表",
    sections=SECTIONS,
    slots=(
        rules.attachment_slot("venue_proof", "场地证明", "孵化场地产权证明或租赁合同等材料。"),
        rules.attachment_slot("staff_proof", "从业人员及导师证明", "管理机构从业人员劳动合同或社保证明、培训证书，创业导师聘任协议等材料。"),
        rules.attachment_slot("incubatee_proof", "在孵及毕业企业证明", "在孵企业入驻协议、毕业企业认定材料等。"),
        rules.attachment_slot("service_proof", "孵化服务证明", "投融资、公共技术服务平台、孵化服务活动等证明材料。"),
        rules.attachment_slot("other", "其他材料", "其他能够证明孵化器绩效的材料。"),
    ),
    signature_slot=rules.signature_slot(),
    review_title="孵化器绩效评估审核",
    submitted_message="已提交至区科技局审核，提交后不能修改申报内容",
    list_note="填写过程中可随时点击“暂存”；填写完毕并暂存后点击“导出Word”，打印并签字盖章，扫描成PDF上传到签章页附件内并暂存，"
              "确认无误后点击“提交”至区科技局审核。提交后不能修改申报内容。",
    name_field="name",
    district_field="district",
    checks=CHECKS,
    prefill=rules.operator_prefill,
    model=IncubatorEvaluation,
)
