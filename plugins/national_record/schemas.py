"""国家备案众创空间申报书 (seed 003 §四(三)): the tabs, their fields, the
detail tables with the seed's numbered row rules, and the figures computed
from them. Everything the pages, the checks, the document and the exports
do comes from this declaration."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from kjgl.core import validators
from kjgl.core.agencies.models import Agency
from kjgl.core.attachments.services import Slot
from kjgl.core.filings.rules import decimal_places, mobile
from kjgl.core.filings.tables import (DetailTable, FromTable, InBatchWindow, NotFillable, PartsNotAbove,
                                      ProofRequired, RequiredWhen, When)
from kjgl.core.filings.tabs import Count, Figure, Ratio, Section, Sum, Tab, Total
from kjgl.core.filings.types import FilingType, ListFilter
from kjgl.core.forms import Field
from kjgl.core.hookspecs import ReviewChain, ReviewStep
from kjgl.core.organisations.models import Organisation
from kjgl.core.review.models import Submission

from . import models

MB3 = 3 * 1024 * 1024
AREA_MAX = Decimal("9999999.99")
MONEY_MAX = Decimal("999999999999.99")


def proof(name="proof", title="证明材料", required=False) -> Slot:
    """A row's proof: PDF only, at most 3 MB (seed: 请上传.pdf格式文件不大于3M)."""
    return Slot(name, title, accepts=("pdf",), max_bytes=MB3, multiple=False, required=required)


def text(name, label, limit, **kw) -> Field:
    return Field(name, label, max_length=limit, **kw)


def date(name, label, **kw) -> Field:
    return Field(name, label, "date", **kw)


def area(name, label, **kw) -> Field:
    return Field(name, label, "decimal", min_value=Decimal(0), max_value=AREA_MAX, unit="m²",
                 checks=(decimal_places(label),), **kw)


def count(name, label, max_value=99999, **kw) -> Field:
    return Field(name, label, "int", min_value=0, max_value=max_value, **kw)


def money(name, label, **kw) -> Field:
    return Field(name, label, "decimal", min_value=Decimal(0), max_value=MONEY_MAX, unit="万元",
                 checks=(decimal_places(label),), **kw)


YES_NO = ("是", "否")
FINANCED = When("financed", ("是",))

# --- 基础信息 -------------------------------------------------------------------------
MEDIA = DetailTable("media", "宣传报道", model=models.MediaReport, label_column="title", columns=(
    text("title", "报道标题", 200), text("media", "媒体名称", 100), date("published_on", "报道日期"),
    text("link", "链接", 300, required=False),
), slots=(proof(),), rules=(ProofRequired("proof"),), note="主流媒体对众创空间的宣传报道，每条须上传证明材料。")
HONOURS = DetailTable("honours", "荣誉", model=models.Honour, label_column="name", columns=(
    text("name", "荣誉名称", 200), text("issuer", "颁发单位", 100), date("awarded_on", "获得时间"),
), slots=(proof(),), rules=(ProofRequired("proof"),), note="众创空间获得的荣誉，每项须上传证明材料。")

BASIC = Tab("basic", "基础信息", sections=(
    Section("carrier", "众创空间基本情况", (
        text("name", "众创空间名称", 100, readonly=True, help="取自所选载体，不能在此修改。"),
        text("operator", "运营主体名称", 200, readonly=True, help="取自本单位注册信息。"),
        text("address", "众创空间地址", 200),
        date("founded_on", "开始运营时间"),
        Field("kind", "众创空间类型", "radio", choices=("综合型", "专业型")),
        text("field", "专业服务领域", 100, required=False, show_when="kind=专业型", help="专业型众创空间须填写。"),
        text("head", "负责人", 50), mobile("head_mobile", "负责人手机"),
        text("contact", "联系人", 50), mobile("contact_mobile", "联系人手机"),
        Field("intro", "众创空间简介", "textarea", max_length=1000),
    )),
), figures=(
    Figure("media_count", "主流媒体报道次数", Count("media"), "次"),
    Figure("honour_count", "获得荣誉数量", Count("honours"), "项"),
), tables=(MEDIA, HONOURS))

# --- 服务场地 -------------------------------------------------------------------------
VENUES = DetailTable("venues", "服务场地", model=models.Venue, label_column="address", columns=(
    text("address", "孵化场地地址", 200),
    area("area", "众创空间面积"),
    area("team_area", "创业团队和企业场地面积"),
    area("public_area", "公共服务场地面积"),
    area("own_area", "自用场地面积"),
    area("other_area", "其它面积"),
    count("workstations", "创业工位数"),
    Field("ownership", "产权情况", "radio", choices=("自有产权", "委托管理", "租赁")),
), slots=(proof(),), min_rows=1, rules=(
    PartsNotAbove(("team_area", "public_area", "own_area", "other_area"), "area"),
    ProofRequired("proof"),
), note="每处场地一行；其中各项面积之和不能大于该场地的众创空间面积；证明材料请上传.pdf格式文件，不大于3M。")

VENUE_TAB = Tab("venues", "服务场地", figures_title="众创空间服务场地", figures=(
    Figure("total_area", "众创空间服务场地总面积", Sum("venues", "area"), "m²", places=2),
    Figure("team_area", "其中：创业团队和企业场地面积", Sum("venues", "team_area"), "m²", places=2),
    Figure("public_area", "公共服务场地面积", Sum("venues", "public_area"), "m²", places=2),
    Figure("own_area", "自用面积", Sum("venues", "own_area"), "m²", places=2),
    Figure("other_area", "其他面积", Sum("venues", "other_area"), "m²", places=2),
    Figure("workstations", "提供创业工位数量", Sum("venues", "workstations"), "个"),
    Figure("service_share", "创业团队和企业场地与公共服务场地的面积占总面积比例",
           Ratio(("team_area", "public_area"), "total_area"), "%"),
), tables=(VENUES,))

# --- 人员情况 -------------------------------------------------------------------------
STAFF = DetailTable("staff", "专业服务人员情况列表", model=models.Staff, label_column="name", columns=(
    text("name", "姓名", 50), count("age", "年龄", max_value=120),
    text("title", "职务", 50),
    Field("education", "学历", "select", choices=("大专及以下", "本科", "硕士", "博士")),
    text("major", "所学专业", 50),
    Field("experience", "创业、投融资、企业管理等经验或创业服务相关培训情况", "textarea", max_length=500),
), slots=(proof(),), min_rows=1, rules=(ProofRequired("proof"),))
MENTORS = DetailTable("mentors", "创业导师情况列表", model=models.Mentor, label_column="name", columns=(
    text("name", "姓名", 50), text("employer", "所在单位", 100), text("title", "职务", 50),
    text("field", "服务领域", 100), Field("mode", "专职/兼职", "radio", choices=("专职", "兼职")),
), slots=(proof("proof", "聘书或聘用文件"),), rules=(ProofRequired("proof", reason="创业导师须"),))

STAFF_TAB = Tab("staff", "人员情况", figures_title="服务队伍情况", figures=(
    Figure("people", "众创空间管理服务人员数量", Total(("staff_count", "mentor_count")), "人"),
    Figure("staff_count", "其中：专职专业服务人员", Count("staff"), "人"),
    Figure("mentor_count", "兼专职创业导师数量", Count("mentors"), "人"),
), tables=(STAFF, MENTORS))

# --- 孵化和服务情况 ------------------------------------------------------------------------
FINANCING_COLUMNS = (
    Field("financed", "是否获得投融资", "radio", choices=YES_NO),
    date("financed_on", "获得时间", required=False),
    money("financing_amount", "投融资金额", required=False),
)


def financing_rules(who: str) -> tuple:
    """Teams and enterprises alike: financed → 获得时间 and 投融资金额 required
    with a proof; not financed → neither may be filled."""
    return (
        NotFillable(("financed_on", "financing_amount"), When("financed", ("否",)), f"未获得投融资的{who}"),
        RequiredWhen(("financed_on", "financing_amount"), FINANCED, f"获得投融资的{who}"),
        ProofRequired("financing_proof", FINANCED, f"获得投融资的{who}须"),
    )

IN_SPACE, CONVERTED, MOVED = "在孵", "已转化为企业", "已迁出"
TEAMS = DetailTable("teams", "累计创业团队情况汇总表", model=models.Team, label_column="name", columns=(
    text("name", "创业团队名称", 100),
    date("joined_on", "入驻时间"),
    Field("status", "团队状态", "radio", choices=(IN_SPACE, CONVERTED, MOVED)),
    count("members", "创业团队人员数量", unit="人"),
    date("registered_on", "转化为企业注册时间"),
    date("moved_out_on", "迁出时间"),
    *FINANCING_COLUMNS,
), slots=(proof("agreement", "入驻协议"), proof("financing_proof", "投融资佐证材料")), rules=(
    NotFillable(("registered_on", "moved_out_on"), When("status", (IN_SPACE,)), "众创空间内的创业团队"),
    NotFillable(("members", "moved_out_on"), When("status", (CONVERTED,)), "转化为企业的创业团队"),
    NotFillable(("members", "registered_on"), When("status", (MOVED,)), "迁出的创业团队"),
    ProofRequired("agreement", reason="所有创业团队均须"),
    *financing_rules("创业团队"),
    InBatchWindow("joined_on", start=None, end="cutoff_on"),
), note="1. 众创空间内的创业团队“转化为企业注册时间”与“迁出时间”为不可填项目；\n"
        "2. 转化为企业的创业团队“创业团队人员数量”与“迁出时间”为不可填项目；\n"
        "3. 迁出的创业团队“创业团队人员数量”与“转化为企业注册时间”为不可填项目；\n"
        "4. 所有创业团队均须上传与众创空间签订的入驻协议；\n"
        "5. 获得投融资的创业团队须填写“获得时间”及“投融资金额”并上传相关佐证材料。")
ENTERPRISES = DetailTable("enterprises", "累计入驻企业情况汇总表", model=models.Enterprise, label_column="name", columns=(
    text("name", "企业名称", 100),
    Field("credit_code", "统一社会信用代码", max_length=18, checks=(validators.credit_code,)),
    Field("from_team", "是否由创业团队转化为企业", "radio", choices=YES_NO),
    text("team_name", "团队名称", 100, required=False),
    date("registered_on", "注册时间"),
    date("joined_on", "入驻时间"),
    Field("moved_out", "是否迁出", "radio", choices=YES_NO),
    count("employees", "企业人员数量", unit="人"),
    date("moved_out_on", "迁出时间", required=False),
    *FINANCING_COLUMNS,
), slots=(proof("agreement", "入驻协议"), proof("licence", "营业执照（加盖公章的复印件）"), proof("financing_proof", "投融资佐证材料")),
    rules=(
    NotFillable(("joined_on",), When("from_team", ("是",)), "由创业团队转化而来的企业"),
    NotFillable(("team_name",), When("from_team", ("否",)), "非创业团队转化的企业"),
    RequiredWhen(("team_name",), When("from_team", ("是",)), "由创业团队转化而来的企业"),
    FromTable("team_name", "teams", "name"),
    NotFillable(("employees",), When("moved_out", ("是",)), "迁出的企业"),
    NotFillable(("moved_out_on",), When("moved_out", ("否",)), "未迁出的企业"),
    RequiredWhen(("moved_out_on",), When("moved_out", ("是",)), "迁出的企业"),
    ProofRequired("agreement", reason="所有企业均须"),
    ProofRequired("licence", reason="所有企业均须"),
    *financing_rules("企业"),
    InBatchWindow("joined_on", start=None, end="cutoff_on"),
), note="1. 由创业团队转化而来的企业“入驻时间”为不可填项目，“团队名称”须从累计创业团队情况汇总表中选择；\n"
        "2. 迁出的企业“企业人员数量”为不可填项目；\n"
        "3. 所有企业须上传加盖公章的营业执照复印件和与众创空间签署的入驻协议；\n"
        "4. 获得投融资的企业须填写“获得时间”及“投融资金额”并上传相关佐证材料。")
ACTIVITIES = DetailTable("activities", "开展创新创业活动情况汇总表", model=models.Activity, label_column="name", columns=(
    text("name", "活动名称", 200),
    Field("kind", "活动类型", "select", choices=("创业培训", "路演活动", "投融资对接", "创业大赛", "沙龙讲座", "其他")),
    Field("summary", "简要概述", "textarea", max_length=500),
    date("held_on", "活动日期"),
), slots=(proof(),), rules=(InBatchWindow("held_on"), ProofRequired("proof")))

INCUBATION = Tab("incubation", "孵化和服务情况", figures_title="孵化和服务情况", figures=(
    Figure("team_count", "累计入驻创业团队数量", Count("teams"), "个"),
    Figure("enterprise_count", "累计入驻企业数量", Count("enterprises"), "家"),
    Figure("activity_count", "开展创新创业活动数量", Count("activities"), "次"),
), tables=(TEAMS, ENTERPRISES, ACTIVITIES),
    note="累计创业团队和入驻企业情况填写自众创空间开始运营至本批次统计截止日期；创新创业活动填写本批次活动时间范围内开展的活动。")


def essay(key, title, limit, help_text) -> Tab:
    return Tab(key, title, sections=(Section(key, title, (
        Field(key, title, "textarea", max_length=limit, help=help_text),
    )),))


GUIDE = Tab("guide", "填报说明", instructions=(
    "## 规范性要求",
    "1. 申报机构须保证信息系统中填报的信息和上报的纸质版申报材料内容一致，且申报材料每页的版本号相同。",
    "2. 每填完一张表单需点击“保存”；保存只保存当前页，不影响其他页已保存的内容。",
    "3. 证明材料均须为PDF格式，单个文件不大于3M；加盖公章的材料请扫描后上传。",
    "4. 累计创业团队和入驻企业情况填写自众创空间开始运营至本批次统计截止日期的情况；创新创业活动填写本批次活动时间范围内开展的活动。",
    "## 主要指标解释",
    "众创空间服务场地总面积：众创空间可自主支配、用于提供创业服务的场地面积之和，由“服务场地”表中各处场地面积自动汇总。",
    "创业团队和企业场地与公共服务场地的面积占总面积比例：（创业团队和企业场地面积＋公共服务场地面积）÷ 众创空间服务场地总面积 × 100%。",
    "众创空间管理服务人员数量：专职专业服务人员与兼专职创业导师之和，由“人员情况”两张表自动统计。",
    "主流媒体报道次数、获得荣誉数量：由“基础信息”页下方的宣传报道表、荣誉表自动统计。",
    "## 申报流程",
    "填写各页并保存 → 下载材料（生成带版本号的申报书）→ 核对无误后打印、盖章 → 提交申报材料并选择受理机构 → 受理机构审核。",
))
PLEDGE = Tab("pledge", "承诺书", downloads=(("下载承诺书模板", "national_record.pledge_template"),),
             note="下载承诺书模板，填写、签字及盖章后扫描为PDF上传。",
             slots=(Slot("pledge", "承诺书（签字盖章扫描件）", accepts=("pdf",), max_bytes=MB3, multiple=False),))


# --- the accepting agency's list filters ----------------------------------------------

def _carrier_kinds(db, scoped):
    return [(k, k) for k in models.CARRIER_KINDS]


def _by_carrier_kind(stmt, value):
    carriers = (select(models.Application.submission_id)
                .join(models.Carrier, models.Carrier.id == models.Application.carrier_id)
                .where(models.Carrier.kind == value))
    return stmt.where(Submission.id.in_(carriers))


def _regions(db, scoped):
    """The regions (所属区市) of the operators whose applications the reviewer sees."""
    ids = scoped.with_only_columns(Submission.organisation_id).scalar_subquery()
    regions = db.scalars(select(Agency.region).join(Organisation, Organisation.agency_id == Agency.id)
                         .where(Organisation.id.in_(ids)).distinct().order_by(Agency.region))
    return [(r, r) for r in regions if r]


def _by_region(stmt, value):
    orgs = select(Organisation.id).join(Agency, Organisation.agency_id == Agency.id).where(Agency.region == value)
    return stmt.where(Submission.organisation_id.in_(orgs))


FILING = FilingType(
    module_key="national_record",
    kind="national_record",
    title="众创空间国家备案",
    noun="众创空间国家备案",
    document_title="{year}年国家备案众创空间申报书",
    model=models.Application,
    tabs=(GUIDE, PLEDGE, BASIC, VENUE_TAB, STAFF_TAB, INCUBATION,
          essay("capability", "服务能力", 2000, "众创空间提供创业辅导、技术、投融资等服务的能力，限2000字。"),
          essay("performance", "服务绩效", 2000, "众创空间近一年的服务成效，限2000字。"),
          essay("brand", "品牌和文化建设", 1500, "众创空间的品牌活动与创业文化建设情况，限1500字。"),
          essay("plan", "发展思路、目标及措施", 2000, "未来三年的发展思路、目标及保障措施，限2000字。")),
    batch_fields=(
        Field("cutoff_on", "累计数据统计截止日期", "date", help="累计创业团队、入驻企业统计至此日期（如2021-10-31）。"),
        Field("window_start", "活动时间范围开始", "date", help="创新创业活动须在此范围内（如2020-11-01）。"),
        Field("window_end", "活动时间范围结束", "date", help="如2021-10-31。"),
    ),
    review_title="众创空间国家备案受理",
    batch_levels=("national",),  # the Torch Center opens the yearly batch
    name_label="载体名称",
    versioned=True,
    list_filters=(
        ListFilter("carrier_kind", "载体类型", _carrier_kinds, _by_carrier_kind),
        ListFilter("region", "所属区市", _regions, _by_region),
    ),
    submitted_message="已提交，提交后不能修改申报内容",
)

CHAIN = ReviewChain(kind="national_record", title="国家备案众创空间申报", steps=(
    ReviewStep("accept", "受理机构审核", "chosen"),
))

