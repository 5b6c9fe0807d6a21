"""天津市众创空间绩效评估表 (seed 000 §3, issue 3 §2): the indicators follow
the national Torch statistics of makerspaces; the service indicators count
the evaluated year (1 January – 31 December)."""
from __future__ import annotations

from kjgl.core import validators
from kjgl.core.filings import rules
from kjgl.core.filings.rules import amount, count
from kjgl.core.filings.types import FilingType, Section
from kjgl.core.forms import Field

from .models import MakerspaceEvaluation


# --- 基本情况 ---
NAME = Field("name", "众创空间名称", max_length=100,
             help="填写众创空间的全称（与认定或备案文件一致）；同一众创空间每年度只能填报一次。")
OPERATOR_NAME = Field("operator_name", "运营主体名称", max_length=200, readonly=True,
                      help="运营众创空间的法人单位全称，取自本单位注册信息，不能在此修改（如有变更，请由法人用户更新单位信息）。")
OPERATOR_CREDIT_CODE = Field("operator_credit_code", "运营主体统一社会信用代码", max_length=18, readonly=True,
                             checks=(validators.credit_code,),
                             help="18位统一社会信用代码，取自本单位注册信息，不能在此修改（如有变更，请由法人用户更新单位信息）。")
DISTRICT = Field("district", "所在区", "select", choices=rules.TIANJIN_LOCATIONS, help=rules.DISTRICT_HELP)
ADDRESS = Field("address", "详细地址", max_length=200, placeholder="街道、门牌号",
                help="众创空间场地的实际地址；位于功能区的请写明功能区名称（如：中新天津生态城中天大道2018号）。")
FOUNDED_ON = Field("founded_on", "成立时间", "date", checks=(rules.not_future("成立时间"),),
                   help="众创空间开始运营的日期（年-月-日），不能晚于今天。")
RECOGNITION = Field("recognition_level", "认定级别", "select", choices=("国家备案", "市级", "区级"),
                    help="已取得的最高级别：经科技部备案的国家级众创空间选“国家备案”，"
                         "经市科技局认定的选“市级”，经区科技主管部门认定的选“区级”。")
IS_PROFESSIONAL = Field("is_professional", "是否为专业化众创空间", "radio", choices=("是", "否"),
                        help="聚焦某一细分产业领域、提供专业化服务的众创空间选“是”，并填写专业领域。")
PROFESSIONAL_FIELD = Field("professional_field", "专业领域", max_length=100,
                           show_when="is_professional=是",
                           placeholder="如：人工智能、生物医药、智能制造",
                           help="“是否为专业化众创空间”选择“是”时必填：众创空间服务的细分产业领域。")
HEAD_NAME = Field("head_name", "负责人姓名", max_length=50, help="众创空间运营负责人。")
HEAD_MOBILE = rules.mobile("head_mobile", "负责人手机", help="负责人的11位手机号码。")
CONTACT_NAME = Field("contact_name", "联系人姓名", max_length=50, help="负责本次填报的联系人。")
CONTACT_MOBILE = rules.mobile("contact_mobile", "联系人手机", help="联系人的11位手机号码。")
CONTACT_EMAIL = rules.email("contact_email", "联系人电子邮箱", help="联系人的电子邮箱，如：name@example.cn。")

# --- 服务场地 ---
TOTAL_AREA = amount("total_area", "服务场地总面积", "m²",
                    "众创空间可自主支配、用于提供创业服务的场地总面积（平方米），最多两位小数。")
TEAM_AREA = amount("team_area", "提供给创业团队和初创企业使用的面积", "m²",
                   "其中提供给入驻创业团队和初创企业使用的场地面积（平方米），不能大于服务场地总面积。")
PUBLIC_AREA = amount("public_area", "公共服务场地面积", "m²",
                     "其中用于路演、会议、展示、培训等的公共服务场地面积（平方米）；"
                     "与团队和企业使用面积之和不能大于服务场地总面积。")
WORKSTATIONS = count("workstations", "提供工位数", "个", "可提供给创业团队和初创企业使用的工位总数（整数）。")

# --- 服务团队 ---
STAFF_TOTAL = count("staff_total", "服务人员总数", "人", "众创空间运营、服务人员总数（含兼职，整数）。")
STAFF_FULLTIME = count("staff_fulltime", "全职服务人员数", "人", "其中全职服务人员人数，不能大于服务人员总数。")
MENTORS_TOTAL = count("mentors_total", "创业导师总数", "人", "签约并提供辅导服务的创业导师人数（含兼职，整数）。")
MENTORS_FULLTIME = count("mentors_fulltime", "专职创业导师数", "人", "其中专职创业导师人数，不能大于创业导师总数。")

# --- 孵化服务（评估年度） ---
TEAMS_SERVED = count("teams_served", "当年服务的创业团队数", "个", "评估年度内服务的未注册企业的创业团队数量。")
TEAMS_NEW = count("teams_new", "当年新增创业团队数", "个", "其中评估年度内新入驻的创业团队数，不能大于当年服务的创业团队数。")
STARTUPS_SERVED = count("startups_served", "当年服务的初创企业数", "家",
                        "评估年度内服务的注册时间不超过3年的初创企业数量。")
STARTUPS_NEW = count("startups_new", "当年新注册企业数", "家",
                     "其中评估年度内新注册成立的企业数，不能大于当年服务的初创企业数。")
JOBS = count("jobs_created", "创业团队和初创企业吸纳就业人数", "人", "评估年度末创业团队和初创企业的从业人员总数。")
JOBS_GRADUATES = count("jobs_graduates", "吸纳应届大学毕业生人数", "人",
                       "其中当年应届大学毕业生人数，不能大于吸纳就业人数。")
FINANCED = count("financed_count", "当年获得投融资的团队和企业数", "个",
                 "评估年度内获得股权投资、债权融资等投融资的创业团队和初创企业数量，"
                 "不能大于服务的创业团队数与初创企业数之和。")
FINANCING_AMOUNT = amount("financing_amount", "当年获得投融资总额", "万元",
                          "评估年度内创业团队和初创企业获得的投融资总额（万元），最多两位小数。")
IP_VALID = count("ip_valid", "拥有有效知识产权数", "项",
                 "创业团队和初创企业拥有的有效专利、软件著作权、集成电路布图设计、植物新品种等知识产权数量。")
IP_INVENTION = count("ip_invention", "有效发明专利数", "项", "其中有效发明专利数量，不能大于拥有有效知识产权数。")
EVENTS = count("events", "举办创新创业活动次数", "次", "评估年度内举办的路演、沙龙、大赛、对接会等创新创业活动场次。")
TRAININGS = count("trainings", "开展创业教育培训次数", "次", "评估年度内开展的创业教育、培训课程场次。")

# --- 收入（评估年度） ---
INCOME_TOTAL = amount("income_total", "总收入", "万元", "众创空间运营主体评估年度内的总收入（万元）。")
INCOME_SERVICE = amount("income_service", "服务收入", "万元",
                        "其中提供创业辅导、技术服务、培训等服务取得的收入（万元）。")
INCOME_INVESTMENT = amount("income_investment", "投资收入", "万元", "其中投资创业团队和初创企业取得的收益（万元）。")
INCOME_PROPERTY = amount("income_property", "房租及物业收入", "万元", "其中场地租金和物业管理收入（万元）。")
INCOME_SUBSIDY = amount("income_subsidy", "财政补贴收入", "万元",
                        "其中各级政府给予的补贴、奖励等支持资金（万元）；四项收入之和不能大于总收入。")
INCOME_PARTS = (INCOME_SERVICE, INCOME_INVESTMENT, INCOME_PROPERTY, INCOME_SUBSIDY)

SECTIONS = (
    Section("basic", "基本情况", (NAME, OPERATOR_NAME, OPERATOR_CREDIT_CODE, DISTRICT, ADDRESS, FOUNDED_ON,
                               RECOGNITION, IS_PROFESSIONAL, PROFESSIONAL_FIELD, HEAD_NAME, HEAD_MOBILE,
                               CONTACT_NAME, CONTACT_MOBILE, CONTACT_EMAIL)),
    Section("venue", "服务场地", (TOTAL_AREA, TEAM_AREA, PUBLIC_AREA, WORKSTATIONS),
            note="面积单位为平方米，按评估年度末的情况填写。"),
    Section("team", "服务团队", (STAFF_TOTAL, STAFF_FULLTIME, MENTORS_TOTAL, MENTORS_FULLTIME),
            note="按评估年度末的人数填写。"),
    Section("services", "孵化服务", (TEAMS_SERVED, TEAMS_NEW, STARTUPS_SERVED, STARTUPS_NEW, JOBS, JOBS_GRADUATES,
                                  FINANCED, FINANCING_AMOUNT, IP_VALID, IP_INVENTION, EVENTS, TRAININGS),
            note="以下指标按评估年度（1月1日至12月31日）统计。"),
    Section("income", "收入", (INCOME_TOTAL,) + INCOME_PARTS, note="评估年度内的收入，单位为万元。"),
    Section("summary", "年度工作总结", (
        rules.summary("summary_work", "年度工作开展情况及成效", "概述评估年度内开展的主要工作及取得的成效。"),
        rules.summary("summary_highlights", "特色亮点", "众创空间在服务模式、专业化服务等方面的特色和亮点。"),
        rules.summary("summary_problems", "存在的问题", "运营中存在的主要问题和困难。"),
        rules.summary("summary_plan", "下一年度工作计划", "下一年度的工作目标和主要举措。"),
    ), note="每项限填800字符。"),
)

CHECKS = (
    rules.district_zone_rule(DISTRICT, ADDRESS),
    rules.part_le_whole(TEAM_AREA, TOTAL_AREA),
    rules.part_le_whole(PUBLIC_AREA, TOTAL_AREA),
    rules.parts_le_whole((TEAM_AREA, PUBLIC_AREA), TOTAL_AREA),
    rules.part_le_whole(STAFF_FULLTIME, STAFF_TOTAL),
    rules.part_le_whole(MENTORS_FULLTIME, MENTORS_TOTAL),
    rules.part_le_whole(TEAMS_NEW, TEAMS_SERVED),
    rules.part_le_whole(STARTUPS_NEW, STARTUPS_SERVED),
    rules.part_le_whole(JOBS_GRADUATES, JOBS),
    rules.parts_le_whole((FINANCED,), (TEAMS_SERVED, STARTUPS_SERVED)),
    rules.positive_needs(FINANCING_AMOUNT, FINANCED),
    rules.part_le_whole(IP_INVENTION, IP_VALID),
    *(rules.part_le_whole(part, INCOME_TOTAL) for part in INCOME_PARTS),
    rules.parts_le_whole(INCOME_PARTS, INCOME_TOTAL, on=INCOME_TOTAL.name),
)


FILING = FilingType(
    module_key="makerspace",
    kind="makerspace",
    title="天津市众创空间绩效评估",
    noun="众创空间",
    document_title="{year}年度天津市众创空间绩效评估表",
    sections=SECTIONS,
    slots=(
        rules.attachment_slot("venue_proof", "场地证明", "场地产权证明或租赁合同等材料。"),
        rules.attachment_slot("staff_proof", "服务人员及导师证明", "服务人员劳动合同或社保证明、创业导师聘任协议等材料。"),
        rules.attachment_slot("event_proof", "活动证明", "评估年度内举办创新创业活动、培训的通知、照片、签到表等材料。"),
        rules.attachment_slot("other", "其他材料", "其他能够证明众创空间绩效的材料。"),
    ),
    signature_slot=rules.signature_slot(),
    review_title="众创空间绩效评估审核",
    submitted_message="已提交至区科技局审核，提交后不能修改申报内容",
    list_note="填写过程中可随时点击“暂存”；填写完毕并暂存后点击“导出Word”，打印并签字盖章，扫描成PDF上传到签章页附件内并暂存，"
              "确认无误后点击“提交”至区科技局审核。提交后不能修改申报内容。",
    name_field="name",
    district_field="district",
    checks=CHECKS,
    prefill=rules.operator_prefill,
    model=MakerspaceEvaluation,
)
