"""Demo data (``kjgl demo``): an operator with three carriers, last year's
approved application and this year's draft, submitted and returned ones, to
the 天津市科学技术局 as accepting agency (its demo reviewer: ``tjkjj``, or
``tjsl`` in the national tree alone). Running it again adds nothing."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from sqlalchemy import select

from kjgl.core.attachments.storage import storage_from_settings
from kjgl.core.filings import application, versions
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission

from . import models
from .schemas import CHAIN, FILING

CARRIERS = (
    ("和平创客空间", "众创空间", "天津市和平区南京路189号", dt.date(2016, 5, 20), "国家级"),
    ("和平科技企业孵化器", "孵化器", "天津市和平区贵州路66号", dt.date(2012, 9, 1), "市级"),
    ("南开大学科技园和平分园", "大学科技园", "天津市和平区卫津路94号", dt.date(2010, 3, 15), "省级"),
)


def _fill(db, sub, carrier, org_name, year):
    db.add(models.Venue(submission_id=sub.id, position=0, address=carrier.address, area=Decimal("1200"),
                        team_area=Decimal("600"), public_area=Decimal("300"), own_area=Decimal("200"),
                        other_area=Decimal("100"), workstations=120, ownership="租赁"))
    db.add(models.Staff(submission_id=sub.id, position=0, name="李明", age=35, title="运营总监", education="硕士",
                        major="工商管理", experience="从事创业服务8年，持有创业咨询师证书"))
    db.add(models.Mentor(submission_id=sub.id, position=0, name="王磊", employer="南开大学", title="教授",
                         field="人工智能", mode="兼职"))
    db.add(models.Team(submission_id=sub.id, position=0, name="智能传感团队", joined_on=dt.date(year - 1, 3, 1),
                       status="在孵", members=6, financed="否"))
    db.add(models.Team(submission_id=sub.id, position=1, name="云医影像团队", joined_on=dt.date(year - 2, 5, 1),
                       status="已转化为企业", registered_on=dt.date(year - 1, 6, 8), financed="是",
                       financed_on=dt.date(year - 1, 9, 1), financing_amount=Decimal("300")))
    db.add(models.Activity(submission_id=sub.id, position=0, name="创业训练营", kind="创业培训",
                           summary="面向入驻团队的三期创业训练营", held_on=dt.date(year - 1, 12, 10)))
    db.add(models.MediaReport(submission_id=sub.id, position=0, title="和平创客空间助力青年创业",
                              media="天津日报", published_on=dt.date(year - 1, 8, 2)))
    db.flush()
    content = db.get(models.Application, sub.id)
    content.carrier_id = carrier.id
    content.data = {
        "name": carrier.name, "operator": org_name, "address": carrier.address,
        "founded_on": carrier.founded_on.isoformat(), "kind": "专业型", "field": "人工智能与智能制造",
        "head": "陈建国", "head_mobile": "13820001234", "contact": "张敏", "contact_mobile": "13612345678",
        "intro": "聚焦人工智能与智能制造的专业化众创空间，提供场地、导师、投融资对接等一站式服务。",
        "capability": "建有公共技术服务平台，与6家投资机构签订合作协议。",
        "performance": "近一年服务创业团队30个，新注册企业8家，获得投融资团队5个。",
        "brand": "打造“和平创客汇”品牌活动，每月举办路演。",
        "plan": "未来三年建成市级专业化众创空间标杆，累计孵化企业100家。",
        "media_count": "1", "honour_count": "0", "total_area": "1200.00", "team_area": "600.00",
        "public_area": "300.00", "own_area": "200.00", "other_area": "100.00", "workstations": "120",
        "service_share": "75.0", "people": "2", "staff_count": "1", "mentor_count": "1",
        "team_count": "2", "enterprise_count": "0", "activity_count": "1",
    }


def _proof_pdf(title: str) -> bytes:
    """A one-page PDF standing for a scanned proof."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _attach_proofs(db, storage, sub, applicant):
    """Every proof slot of every row, and the document's slots, hold a file."""
    from types import SimpleNamespace

    from kjgl.core.attachments.services import add_upload
    from kjgl.core.filings import tabbed

    def put(owner_type, owner_id, slot):
        upload = SimpleNamespace(filename=f"{slot.title}.pdf", file=io.BytesIO(_proof_pdf(slot.title)))
        add_upload(db, storage, owner_type=owner_type, owner_id=owner_id, slot=slot, upload=upload,
                   default_max=slot.max_bytes or 3 * 1024 * 1024, user=applicant)

    for tab in FILING.tabs:
        for slot in tab.slots:
            put(FILING.owner_type, sub.id, slot)
        for table in tab.tables:
            for obj in tabbed.row_objects(db, table, sub.id):
                row = tabbed.row_values(table, obj)
                for slot in table.slots:
                    rule = next((r for r in table.rules if getattr(r, "slot", None) == slot.name), None)
                    if rule is None or rule.when is None or rule.when.holds(row):
                        put(FILING.row_owner_type(table), obj.id, slot)


def load(db, context: dict) -> None:
    org, applicant = context["organisations"]["hp"], context["users"]["zhangmin"]
    if org.status != "active":
        return
    agencies = context["agencies"]
    # 天津市科学技术局: "tj" where Tianjin's tree is expanded, "p02" in the national tree alone
    accepting = agencies.get("tj") or agencies.get("p02")
    reviewer = next((u for u in context["users"].values()
                     if u.kind == "agency" and accepting is not None and u.agency_id == accepting.id), None)
    if reviewer is None:
        return
    carriers = []
    for name, kind, address, founded, level in CARRIERS:
        carrier = db.scalar(select(models.Carrier).where(models.Carrier.organisation_id == org.id,
                                                         models.Carrier.name == name))
        if carrier is None:
            carrier = models.Carrier(organisation_id=org.id, name=name, kind=kind, address=address,
                                     founded_on=founded, level=level)
            db.add(carrier)
        carriers.append(carrier)
    db.flush()
    today = dt.date.today()
    year = today.year
    chain = CHAIN
    window = {"cutoff_on": dt.date(year, 10, 31), "window_start": dt.date(year - 1, 11, 1),
              "window_end": dt.date(year, 10, 31)}
    last = review.ensure_batch(db, FILING.module_key, year - 1, dt.date(year - 1, 12, 31), reviewer)
    current = review.ensure_batch(db, FILING.module_key, year, max(dt.date(year, 12, 31), today), reviewer)
    for batch, y in ((last, year - 1), (current, year)):
        for name, value in window.items():
            if getattr(batch, name) is None:
                setattr(batch, name, value.replace(year=value.year - (year - y)))
    plan = ((last, carriers[0], "approved"), (current, carriers[0], "draft"),
            (current, carriers[1], "submitted"), (current, carriers[2], "returned"))
    for batch, carrier, state in plan:
        exists = db.scalar(select(Submission.id).where(
            Submission.batch_id == batch.id, Submission.organisation_id == org.id,
            Submission.carrier_key == review.carrier_key(carrier.name)))
        if exists is not None:
            continue
        sub = review.create_draft(db, module_key=FILING.module_key, kind=FILING.kind, batch=batch, organisation=org,
                                  applicant=applicant, title=carrier.name, today=min(batch.deadline, today))
        db.add(FILING.model(submission_id=sub.id, data={}))
        db.flush()
        _fill(db, sub, carrier, org.name, batch.year)
        if state == "draft":
            continue
        storage = storage_from_settings(context["settings"])
        _attach_proofs(db, storage, sub, applicant)
        version, _ = versions.record_version(db, submission_id=sub.id, actor=applicant,
                                             snapshot=application.snapshot(db, FILING, sub), storage=storage,
                                             permission=f"{FILING.module_key}:module:use")
        review.submit(db, chain, sub, applicant, chosen=accepting)
        sub.document_number = version.number
        if state == "approved":
            review.decide(db, chain, sub, reviewer, decision="approve", opinion="材料齐全，同意备案。",
                          expected_version=sub.version)
        elif state == "returned":
            review.decide(db, chain, sub, reviewer, decision="return",
                          opinion="服务场地证明材料不清晰，请重新上传租赁合同扫描件。", expected_version=sub.version)
