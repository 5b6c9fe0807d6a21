"""A small filing declaration for the export tests: two sections with every
kind of field the exports treat differently, one conditional field, one
attachment slot and the signature slot."""
import datetime as dt
from decimal import Decimal

from kjgl.core.attachments.models import Attachment
from kjgl.core.attachments.services import Slot
from kjgl.core.filings.types import FilingType, Section
from kjgl.core.forms import Field

BASICS = Section("basics", "基本情况", (
    Field("name", "测试空间名称", max_length=100),
    Field("credit_code", "运营主体统一社会信用代码", max_length=18),
    Field("district", "所在区", kind="select", choices=("和平区", "滨海新区", "滨海高新区")),
    Field("founded", "成立时间", kind="date"),
    Field("level", "认定级别", kind="select", choices=("国家备案", "市级", "区级")),
    Field("specialised", "是否为专业化众创空间", kind="radio", choices=("是", "否")),
    Field("domain", "专业领域", max_length=30, when=lambda d: d.get("specialised") == "是"),
), note="名称与营业执照一致")

SERVICE = Section("service", "服务情况", (
    Field("area", "场地总面积", kind="decimal", unit="m²", min_value=0),
    Field("workstations", "工位数", kind="int", unit="个", min_value=0),
    Field("income", "总收入", kind="decimal", unit="万元", min_value=0),
    Field("work", "工作开展情况及成效", kind="textarea", max_length=800),
    Field("plan", "下一年度工作计划", kind="textarea", max_length=800, required=False),
))

FILING = FilingType(
    module_key="demo", kind="demo", title="天津市测试空间绩效评估", noun="测试空间",
    document_title="{year}年度天津市测试空间绩效评估表",
    sections=(BASICS, SERVICE),
    slots=(Slot("venue", "场地证明材料"), Slot("other", "其他材料", required=False)),
    signature_slot=Slot("signature", "签章页", accepts=("pdf",), multiple=False),
    name_field="name", district_field="district",
)

DATA = {
    "name": "天津市某某科技发展有限公司创新创业众创空间",
    "credit_code": "91120116MA05JXXX0X",
    "district": "滨海高新区",
    "founded": dt.date(2018, 5, 1),
    "level": "市级",
    "specialised": "否",
    "domain": "遗留的旧值",  # stored before 是 was changed to 否: must not be shown
    "area": Decimal("1200.50"),
    "workstations": 120,
    "income": Decimal("356.8"),
    "work": "　　全年服务创业团队四十个，举办活动二十场。\n\n新增注册企业十二家，带动就业三百人。",
    "plan": "",
}


def attachment(slot, filename, size=1024):
    return Attachment(slot=slot, filename=filename, size=size, owner_type="demo.submission", owner_id=1,
                      content_type="application/pdf", sha256="0" * 64, storage_key=filename)
