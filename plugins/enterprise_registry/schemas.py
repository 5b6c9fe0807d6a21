"""What the registry's documents hold (seed 004): the enterprise's basic
information (a standing record reviewed by its district) and the yearly
科技信息年报 with the seed's nine tabs (reviewed by the district, then the
city). Every tab's values are typed columns (``Tab.model``)."""
from __future__ import annotations

from decimal import Decimal

from kjgl.core import validators
from kjgl.core.agencies.tree_data import CHONGQING_DISTRICTS, CHONGQING_ZONES
from kjgl.core.filings.rules import decimal_places, mobile, not_future
from kjgl.core.filings.tabs import Section, Tab
from kjgl.core.filings.types import FilingType
from kjgl.core.forms import Field
from kjgl.core.hookspecs import ReviewChain, ReviewStep

from . import models

MODULE_KEY = "enterprise_registry"
MONEY_MAX = Decimal("999999999999.99")
COUNT_MAX = 9_999_999
# 所属区县: the district-level agencies of the tree (districts, counties and the zones' bureaus)
DISTRICTS = CHONGQING_DISTRICTS + CHONGQING_ZONES


def money(name, label, signed=False, **kw) -> Field:
    """千元, two decimals (a profit may be negative)."""
    return Field(name, label, "decimal", min_value=-MONEY_MAX if signed else Decimal(0), max_value=MONEY_MAX,
                 unit="千元", checks=(decimal_places(label),), **kw)


def count(name, label, unit, **kw) -> Field:
    return Field(name, label, "int", min_value=0, max_value=COUNT_MAX, unit=unit, **kw)


def text(name, label, limit, **kw) -> Field:
    return Field(name, label, max_length=limit, **kw)


# --- 基本信息 (standing record) ---------------------------------------------------------
BASIC_FIELDS = (
    text("name", "企业名称", 200),
    Field("credit_code", "统一社会信用代码", max_length=18, checks=(validators.credit_code,),
          help="18位，含校验位"),
    Field("registered_on", "注册时间", "date", checks=(not_future("注册时间"),)),
    Field("district", "所属区县", "select", choices=DISTRICTS, help="决定审核本企业的区县科技主管部门"),
    Field("zone", "所在园区", "select", choices=models.ZONES, required=False,
          help="两江新区、高新区或经开区内的企业选择所在园区，其他企业不选"),
    money("registered_capital", "注册资本"),
    Field("industry", "产业类别", "radio", choices=models.INDUSTRIES),
    Field("scale", "企业规模", "radio", choices=models.SCALES),
    Field("tech_field", "高新技术领域", "select", choices=models.TECH_FIELDS,
          help="《国家重点支持的高新技术领域》八大领域"),
    Field("main_business", "主营业务", "textarea", max_length=500),
    text("legal_rep", "法定代表人", 50),
    text("contact_name", "科研联系人", 50),
    mobile("contact_mobile", "科研联系人手机"),
    text("address", "通讯地址", 200),
    Field("above_scale", "是否规上工业企业", "radio", choices=models.YES_NO),
)
BASIC_TAB = Tab("basic", "基本信息", model=models.BasicVersion, sections=(
    Section("basic", "企业基本信息", BASIC_FIELDS),
))
BASIC = FilingType(
    module_key=MODULE_KEY, kind="enterprise_registry.basic", title="企业基本信息", noun="企业基本信息",
    document_title="企业基本信息", tabs=(BASIC_TAB,), submitted_message="提交后不能修改，请等待区县审核",
)
BASIC_CHAIN = ReviewChain(kind="enterprise_registry.basic", title="企业基本信息审核", steps=(
    ReviewStep("district", "区县审核", "district"),
))

# --- 科技信息年报 ---------------------------------------------------------------------
REPORT_TABS = (
    Tab("basic", "基本信息", model=models.Report, sections=(Section("basic", "本年度企业情况", (
        Field("scale", "企业规模", "radio", choices=models.SCALES),
        Field("industry", "产业类别", "radio", choices=models.INDUSTRIES),
        Field("tech_field", "高新技术领域", "select", choices=models.TECH_FIELDS),
        Field("above_scale", "是否规上工业企业", "radio", choices=models.YES_NO),
    )),)),
    Tab("finance", "经营概况", model=models.Report, sections=(Section("finance", "经营概况（单位：千元）", (
        money("main_revenue", "主营业务收入"), money("total_revenue", "总收入"),
        money("profit", "利润总额", signed=True), money("tax", "上缴税金"),
        money("export_earnings", "出口创汇"), money("total_assets", "资产总额"),
        money("rd_expense", "研发费用"),
    )),)),
    Tab("achievements", "科技成果", model=models.ReportInnovation, sections=(
        Section("patents", "专利", (
            count("invention_applied", "发明专利申请数", "件"), count("invention_granted", "发明专利授权数", "件"),
            count("utility_applied", "实用新型专利申请数", "件"), count("utility_granted", "实用新型专利授权数", "件"),
            count("design_applied", "外观设计专利申请数", "件"), count("design_granted", "外观设计专利授权数", "件"),
        )),
        Section("others", "其他成果", (
            count("software_copyrights", "软件著作权数", "件"), count("new_products", "新产品数", "个"),
        )),
    )),
    Tab("standards", "主导或参与标准制定", model=models.ReportInnovation, sections=(
        Section("standards", "主导或参与制定的标准数", (
            count("std_international", "国际标准", "项"), count("std_national", "国家标准", "项"),
            count("std_industry", "行业标准", "项"), count("std_local", "地方标准", "项"),
            count("std_group", "团体标准", "项"),
        )),
    )),
    Tab("people", "人员状况", model=models.ReportPeople, sections=(
        Section("people", "从业人员", (count("employees", "从业人员数", "人"), count("rd_staff", "研发人员数", "人"))),
        Section("education", "从业人员学历", (
            count("doctors", "博士", "人"), count("masters", "硕士", "人"), count("bachelors", "本科", "人"),
            count("college_below", "大专及以下", "人"),
        )),
    )),
    Tab("platforms", "研发平台", model=models.ReportInnovation, sections=(
        Section("platforms", "研发平台数", (
            count("platform_national", "国家级", "个"), count("platform_city", "市级", "个"),
            count("platform_district", "区县级", "个"),
        )),
    )),
    Tab("listing", "挂牌上市", model=models.ReportMarket, sections=(Section("listing", "挂牌上市情况", (
        Field("listing_status", "上市状态", "radio", choices=models.LISTING_STATUSES),
        Field("listing_board", "上市板块", "select", choices=models.BOARDS, show_when="listing_status=已上市|已挂牌",
              help="已上市或已挂牌的企业选择板块"),
    )),)),
    Tab("hitech", "高企认定情况", model=models.ReportMarket, sections=(Section("hitech", "高新技术企业认定", (
        Field("hitech_certified", "是否认定为高新技术企业", "radio", choices=models.YES_NO),
        text("hitech_cert_no", "证书编号", 32, show_when="hitech_certified=是"),
        Field("hitech_cert_on", "发证日期", "date", show_when="hitech_certified=是"),
        Field("hitech_valid_until", "有效期至", "date", show_when="hitech_certified=是"),
    )), Section("incident", "安全、质量和环境", (
        Field("serious_incident", "本年度是否发生重大安全、质量事故或严重环境违法行为", "radio", choices=models.YES_NO),
    )))),
    Tab("products", "高新技术产品数", model=models.ReportInnovation, sections=(Section("products", "高新技术产品", (
        count("hitech_products", "高新技术产品数", "个"), money("hitech_income", "高新技术产品收入"),
    )),)),
)
REPORT = FilingType(
    module_key=MODULE_KEY, kind="enterprise_registry.report", title="科技信息年报", noun="科技信息年报",
    document_title="{year}年度科技信息年报", tabs=REPORT_TABS, submitted_message="提交后不能修改，请等待区县、市科技局审核",
)
REPORT_CHAIN = ReviewChain(kind="enterprise_registry.report", title="科技信息年报审核", steps=(
    ReviewStep("district", "区县审核", "district"),
    ReviewStep("city", "市局审核", "city"),
))
