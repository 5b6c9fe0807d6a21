"""A small tabbed document type for the engine's tests: not any plugin's."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import JSON, Column, Date, Integer, MetaData, Numeric, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kjgl.core import validators
from kjgl.core.attachments.services import Slot
from kjgl.core.filings.models import FilingContent
from kjgl.core.filings.tables import (DetailRow, DetailTable, FromTable, InBatchWindow, NotFillable,
                                      PartsNotAbove, ProofRequired, RequiredWhen, When)
from kjgl.core.filings.tabs import Count, Figure, Ratio, Section, Sum, Tab, Total
from kjgl.core.filings.types import FilingType
from kjgl.core.forms import Field
from kjgl.core.hookspecs import ReviewChain, ReviewStep


class DocBase(DeclarativeBase):
    metadata = MetaData()


# the engine's table, only so that the foreign keys resolve here
Table("submission", DocBase.metadata, Column("id", Integer, primary_key=True))


class DocContent(FilingContent, DocBase):
    __tablename__ = "testdoc_content"
    data = mapped_column(JSON, default=dict)  # plain JSON: no sealed kinds here
    submission = None  # the engine's Submission is mapped on the core's registry, not this one


class RoomRow(DetailRow, DocBase):
    __tablename__ = "testdoc_room"
    area: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    shared: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    office: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    seats: Mapped[int | None] = mapped_column(Integer)


class TeamRow(DetailRow, DocBase):
    __tablename__ = "testdoc_team"
    name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str | None] = mapped_column(String(8))
    members: Mapped[int | None] = mapped_column(Integer)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    funded: Mapped[str | None] = mapped_column(String(2))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))


class FirmRow(DetailRow, DocBase):
    __tablename__ = "testdoc_firm"
    name: Mapped[str | None] = mapped_column(String(100))
    credit_code: Mapped[str | None] = mapped_column(String(18))
    team: Mapped[str | None] = mapped_column(String(100))
    event_on: Mapped[dt.date | None] = mapped_column(Date)


PROOF = Slot("proof", "证明材料", accepts=("pdf",), max_bytes=3 * 1024 * 1024, multiple=False)
ROOMS = DetailTable("rooms", "场地", columns=(
    Field("area", "面积", "decimal", min_value=0),
    Field("shared", "公共面积", "decimal", min_value=0),
    Field("office", "办公面积", "decimal", min_value=0),
    Field("seats", "工位数", "int", min_value=0),
), model=RoomRow, rules=(PartsNotAbove(("shared", "office"), "area"),), slots=(PROOF,))
TEAMS = DetailTable("teams", "团队", columns=(
    Field("name", "团队名称", max_length=100),
    Field("status", "状态", "radio", choices=("在孵", "迁出")),
    Field("members", "人数", "int", min_value=0),
    Field("left_on", "迁出时间", "date"),
    Field("funded", "是否融资", "radio", choices=("是", "否")),
    Field("amount", "融资金额", "decimal", required=False, min_value=0),
), model=TeamRow, label_column="name", rules=(
    NotFillable(("left_on",), When("status", ("在孵",)), "在孵的团队"),
    NotFillable(("members",), When("status", ("迁出",)), "迁出的团队"),
    RequiredWhen(("amount",), When("funded", ("是",)), "获得融资的团队"),
    ProofRequired("deal"),
), slots=(Slot("deal", "入驻协议", accepts=("pdf",), multiple=False),))
FIRMS = DetailTable("firms", "企业", columns=(
    Field("name", "企业名称", max_length=100),
    Field("credit_code", "统一社会信用代码", max_length=18, checks=(validators.credit_code,)),
    Field("team", "团队名称", required=False, max_length=100),
    Field("event_on", "活动日期", "date"),
), model=FirmRow, rules=(FromTable("team", "teams", "name"), InBatchWindow("event_on")))

DOC = FilingType(
    module_key="testdoc", kind="testdoc", title="测试申报书", noun="载体", document_title="{year}年测试申报书",
    model=DocContent,
    tabs=(
        Tab("guide", "填报说明", instructions=("## 说明", "请逐页填写。")),
        Tab("basic", "基础信息", sections=(Section("s", "基本情况", (
            Field("intro", "简介", "textarea", max_length=200),
            Field("founded", "成立日期", "date"),
        )),)),
        Tab("rooms", "场地", tables=(ROOMS,), figures=(
            Figure("total_area", "总面积", Sum("rooms", "area"), "m²", places=2),
            Figure("shared_area", "公共面积", Sum("rooms", "shared"), "m²", places=2),
            Figure("office_area", "办公面积", Sum("rooms", "office"), "m²", places=2),
            Figure("room_count", "场地数", Count("rooms"), "处"),
            Figure("share", "公共与办公面积占比", Ratio(("shared_area", "office_area"), "total_area")),
        )),
        Tab("teams", "团队和企业", tables=(TEAMS, FIRMS), figures=(
            Figure("team_count", "团队数", Count("teams"), "个"),
            Figure("firm_count", "企业数", Count("firms"), "家"),
            Figure("all_count", "合计", Total(("team_count", "firm_count")), "个"),
        )),
        Tab("pledge", "承诺书", slots=(Slot("pledge", "承诺书", accepts=("pdf",), multiple=False),)),
    ),
)
CHAIN = ReviewChain("testdoc", "测试", (ReviewStep("accept", "受理机构审核", "chosen"),))


# --- a document whose tabs are typed columns (Tab.model), reviewed by the district
class FiguresRow(DocBase):
    __tablename__ = "testdoc_figures"
    submission_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff: Mapped[int | None] = mapped_column(Integer)
    revenue: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    kind: Mapped[str | None] = mapped_column(String(8))


TYPED = FilingType(
    module_key="typeddoc", kind="typeddoc", title="测试年报", noun="年报", document_title="{year}年测试年报",
    tabs=(
        Tab("money", "经营", model=FiguresRow, sections=(Section("m", "经营情况", (
            Field("revenue", "收入", "decimal", min_value=0, unit="千元"),
            Field("started_on", "开始日期", "date"),
        )),)),
        Tab("people", "人员", model=FiguresRow, sections=(Section("p", "人员情况", (
            Field("staff", "人数", "int", min_value=0),
            Field("kind", "类型", "radio", choices=("甲", "乙")),
        )),)),
    ),
)
DISTRICT_CHAIN = ReviewChain("typeddoc", "测试年报", (ReviewStep("district", "区审核", "district"),))
