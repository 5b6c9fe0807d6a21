"""The filing journey through both evaluations (makerspace, incubator): 增加, 暂存, upload,
导出Word, 提交, district review, city grading — and every refusal on the way."""
import io

import openpyxl
import pytest
from docx import Document
from sqlalchemy import select
from webtest import Upload

from kjgl.core.review.models import Submission
from kjgl.plugins.incubator import samples as incubator_samples
from kjgl.plugins.makerspace import samples as makerspace_samples

from .conftest import PDF, fill

# what differs between the two evaluations, as the tests need it
PLUGINS = {
    "makerspace": dict(prefix="/makerspace", sample=makerspace_samples.evaluation_sample,
                       int_field=("workstations", "提供工位数", "个"), area=("total_area", "服务场地总面积", "3200.50"),
                       document="众创空间绩效评估表", district_code="tj-d01"),
    "incubator": dict(prefix="/incubator", sample=incubator_samples.evaluation_sample,
                      int_field=("incubatees_total", "在孵企业数", "家"), area=("incubation_area", "孵化场地总面积", "28500"),
                      document="科技企业孵化器绩效评估表", district_code="tj-d08"),
}


@pytest.fixture(params=sorted(PLUGINS))
def plugin(request):
    return request.param


@pytest.fixture
def flow(make_app, dbsession, plugin):
    from .conftest import Flow

    flow = Flow(make_app, dbsession, module=plugin, district=PLUGINS[plugin]["district_code"])
    flow.__dict__.update(PLUGINS[plugin])
    return flow


def start_draft(app, flow, values=None):
    page = app.get(f"{flow.prefix}/new")
    res = fill(page.forms["filing-form"], values or flow.sample()).submit("action", value="save")
    assert res.status_int == 303, res.text[:2000]
    return res.follow()


def upload_signature(app, edit_page):
    form = edit_page.forms["filing-form"]
    form["signature"] = Upload("签章页.pdf", PDF, "application/pdf")
    res = form.submit("action", value="save")
    assert res.status_int == 303
    return res.follow()


def the_record(db, flow) -> Submission:
    db.expire_all()  # the app wrote through its own session
    return db.scalars(select(Submission).where(Submission.module_key == flow.module)).one()


def submit(app, flow, sub_id, status=303):
    """提交 from the list page (the record's own small form)."""
    listing = app.get(f"{flow.prefix}/")
    form = next(f for f in listing.forms.values() if f.action.endswith(f"{flow.prefix}/{sub_id}/submit"))
    return form.submit(status=status)


def test_add_needs_an_open_batch(flow):
    app = flow.as_(flow.applicant)
    res = app.get(f"{flow.prefix}/new").follow()
    assert "当前没有开放的申报批次" in res.text
    assert "增加</a>" not in app.get(f"{flow.prefix}/").text


def test_draft_saves_partial_data_and_reopens_as_saved(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    area = flow.area[0]
    page = start_draft(app, flow, {"name": "和平创客汇众创空间", area: "3200.5"})
    assert "已暂存" in page.text
    assert page.forms["filing-form"][area].value == "3200.5"
    # operator name and credit code come from the organisation
    assert page.forms["filing-form"]["operator_name"].value == flow.org.name
    sub = the_record(dbsession, flow)
    assert sub.state == "draft" and sub.title == "和平创客汇众创空间"


def test_malformed_value_is_named_and_nothing_saved_is_lost(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    name, label, _ = flow.int_field
    page = start_draft(app, flow, {"name": "和平创客汇众创空间", name: "260"})
    res = fill(page.forms["filing-form"], {name: "二百六", "staff_total": "18"}).submit("action", value="save")
    assert res.status_int == 200
    assert "须为整数" in res.text and label in res.text
    assert res.forms["filing-form"][name].value == "二百六"  # what they typed is still on the page
    reopened = app.get(res.request.path)
    assert reopened.forms["filing-form"][name].value == "260"


def test_duplicate_carrier_in_one_batch_is_refused(flow):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    start_draft(app, flow)
    page = app.get(f"{flow.prefix}/new")
    name = flow.sample()["name"]
    res = fill(page.forms["filing-form"], {"name": name[:2] + " " + name[2:]}).submit("action", value="save")
    assert res.status_int == 200
    assert "同一载体每个批次只能填报一次" in res.text


def test_submit_lists_every_problem_and_needs_the_signed_pdf(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    start_draft(app, flow, {"name": "和平创客汇众创空间"})
    sub = the_record(dbsession, flow)
    res = submit(app, flow, sub.id, status=200)
    assert "提交失败" in res.text
    assert "签章页" in res.text and f"{flow.area[1]}不能为空" in res.text
    assert the_record(dbsession, flow).state == "draft"


def test_signature_must_really_be_a_pdf(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    page = start_draft(app, flow)
    form = page.forms["filing-form"]
    form["signature"] = Upload("签章页.pdf", b"GIF89a not a pdf at all", "application/pdf")
    res = form.submit("action", value="save")
    assert "签章页" in res.text and "未上传" in res.text


def test_after_submit_nothing_can_change(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    edit = upload_signature(app, start_draft(app, flow))
    sub = the_record(dbsession, flow)
    form = edit.forms["filing-form"]
    submit(app, flow, sub.id)
    assert the_record(dbsession, flow).state == "submitted"
    # a stale form posted after submit: refused with 409, stored values unchanged
    form[flow.int_field[0]] = "1"
    res = form.submit("action", value="save", status=409)
    assert "不能修改" in res.text
    app.post(f"{flow.prefix}/{sub.id}/submit", {"csrf_token": form["csrf_token"].value}, status=409)
    from kjgl.core.attachments.models import Attachment

    attachment = dbsession.scalars(select(Attachment).where(Attachment.owner_id == sub.id)).first()
    app.post(f"/files/{attachment.id}/delete", {"csrf_token": form["csrf_token"].value}, status=409)
    assert the_record(dbsession, flow).state == "submitted"


def test_two_tabs_second_save_is_refused_not_lost(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    first = start_draft(app, flow)
    second = app.get(first.request.path)
    name = flow.int_field[0]
    fill(first.forms["filing-form"], {name: "300"}).submit("action", value="save", status=303)
    res = fill(second.forms["filing-form"], {name: "999"}).submit("action", value="save", status=409)
    assert "其他窗口" in res.text
    assert res.forms["filing-form"][name].value == "999"
    assert app.get(first.request.path).forms["filing-form"][name].value == "300"


def test_word_export_holds_the_evaluation(flow, dbsession):
    flow.open_batch()
    app = flow.as_(flow.applicant)
    start_draft(app, flow)
    sub = the_record(dbsession, flow)
    res = app.get(f"{flow.prefix}/{sub.id}/word.docx")
    assert "attachment" in res.headers["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(res.body)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(res.body)).tables for r in t.rows for c in r.cells)
    assert flow.document in text
    assert flow.sample()["name"] in tables and flow.area[2] in tables


def test_review_journey_return_fix_resubmit_forward_grade(flow, dbsession):
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)

    other = flow.as_(flow.other_district)
    carrier = flow.sample()["name"]
    assert carrier not in other.get(f"{flow.prefix}/review/").text
    other.get(f"{flow.prefix}/review/{sub.id}", status=404)

    district = flow.as_(flow.district)
    listing = district.get(f"{flow.prefix}/review/")
    assert carrier in listing.text
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    res = fill(detail.forms["decision-form"], {"decision": "return", "opinion": ""}).submit()
    assert res.status_int == 200 and "必须填写审批意见" in res.text
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    fill(detail.forms["decision-form"], {"decision": "return", "opinion": "场地证明材料不清晰，请重新上传"}).submit(status=303)

    mine = applicant.get(f"{flow.prefix}/")
    assert "场地证明材料不清晰" in mine.text and "审核不通过" in mine.text
    edit = applicant.get(f"{flow.prefix}/{sub.id}/edit")
    assert "审批意见" in edit.text and "场地证明材料不清晰" in edit.text
    fill(edit.forms["filing-form"], {flow.int_field[0]: "280"}).submit("action", value="save", status=303)
    submit(applicant, flow, sub.id)

    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    fill(detail.forms["decision-form"], {"decision": "approve", "opinion": "同意上报"}).submit(status=303)
    city = flow.as_(flow.city)
    detail = city.get(f"{flow.prefix}/review/{sub.id}")
    assert "市科技局评价" in detail.text
    res = fill(detail.forms["decision-form"], {"decision": "approve"}).submit()
    assert "请选择评价等级" in res.text
    detail = city.get(f"{flow.prefix}/review/{sub.id}")
    fill(detail.forms["decision-form"], {"decision": "approve", "grade": "优秀", "score": "93.5"}).submit(status=303)

    mine = applicant.get(f"{flow.prefix}/")
    assert "评价等级：优秀" in mine.text
    view = applicant.get(f"{flow.prefix}/{sub.id}")
    assert "场地证明材料不清晰" in view.text and "同意上报" in view.text and "优秀" in view.text


def test_stale_decision_gets_already_decided(flow, dbsession):
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)
    district = flow.as_(flow.district)
    first = district.get(f"{flow.prefix}/review/{sub.id}")
    second = district.get(f"{flow.prefix}/review/{sub.id}")
    fill(first.forms["decision-form"], {"decision": "approve"}).submit(status=303)
    res = fill(second.forms["decision-form"], {"decision": "return", "opinion": "x"}).submit(status=409)
    assert "已被其他审核人员处理" in res.text or "已被审核" in res.text


def test_excel_export_is_the_filtered_list(flow, dbsession):
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)
    city = flow.as_(flow.city)
    res = city.get(f"{flow.prefix}/review/export.xlsx", {"state": "submitted"})
    sheet = openpyxl.load_workbook(io.BytesIO(res.body)).active
    headers = [c.value for c in sheet[1]]
    assert f"{flow.area[1]}（m²）" in headers and "状态" in headers and "评价等级" in headers
    assert sheet.max_row == 2
    row = {h: c.value for h, c in zip(headers, sheet[2])}
    name, label, unit = flow.int_field
    assert row[f"{label}（{unit}）"] == int(flow.sample()[name])
    assert isinstance(row[f"{flow.area[1]}（m²）"], (int, float))
    assert sheet.freeze_panes == "A2"
    empty = city.get(f"{flow.prefix}/review/export.xlsx", {"state": "approved"})
    assert openpyxl.load_workbook(io.BytesIO(empty.body)).active.max_row == 1


def test_reviewer_pages_are_for_agencies_only(flow):
    applicant = flow.as_(flow.applicant)
    applicant.get(f"{flow.prefix}/review/", status=403)
    district = flow.as_(flow.district)
    district.get(f"{flow.prefix}/", status=403)
    district.get(f"{flow.prefix}/batches", status=403)  # batches: city level


def test_city_opens_and_closes_a_batch(flow):
    city = flow.as_(flow.city)
    page = city.get(f"{flow.prefix}/batches")
    res = fill(page.forms["batch-form"], {"year": "2026", "deadline": "2000-01-01"}).submit()
    assert "截止日期不能早于今天" in res.text
    page = city.get(f"{flow.prefix}/batches")
    import datetime as dt

    deadline = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    res = fill(page.forms["batch-form"], {"year": "2026", "deadline": deadline}).submit().follow()
    assert "已开放2026年度填报" in res.text
    applicant = flow.as_(flow.applicant)
    assert "2026年度" in applicant.get(f"{flow.prefix}/").text


def test_grading_reports_every_problem_at_once_and_the_flash_says_where_it_went(flow, dbsession):
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)
    district = flow.as_(flow.district)
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    res = fill(detail.forms["decision-form"], {"decision": "approve", "opinion": "同意上报"}).submit(status=303)
    flashed = res.follow().html.select_one(".flash").text
    assert "已转至天津市科学技术局" in flashed and "审核中" in flashed

    city = flow.as_(flow.city)
    detail = city.get(f"{flow.prefix}/review/{sub.id}")
    res = fill(detail.forms["decision-form"], {"decision": "approve", "score": "120"}).submit()
    # the score out of range and the missing grade, in one answer
    assert "请选择评价等级" in res.text and "不能大于100" in res.text
    detail = city.get(f"{flow.prefix}/review/{sub.id}")
    res = fill(detail.forms["decision-form"], {"decision": "approve"}).submit()
    assert "请选择评价等级" in res.text and "请填写0-100之间的评分" in res.text
    detail = city.get(f"{flow.prefix}/review/{sub.id}")
    res = fill(detail.forms["decision-form"], {"decision": "approve", "grade": "良好", "score": "85"}).submit(status=303)
    assert "评价完成，审核流程已结束，评价等级：良好" in res.follow().html.select_one(".flash").text


def test_amounts_read_the_same_everywhere_and_no_column_repeats_the_organisation(flow, dbsession):
    """万元 amounts: two decimals in Word, on the page and as the Excel number
    format (520.00 next to 180.00, not 520 next to 180); 运营主体名称 is the
    单位名称 column, not a second one."""
    from decimal import Decimal

    from kjgl.core.filings import REGISTRY_KEY

    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    filing = flow.make_app().app.registry[REGISTRY_KEY][flow.module]
    amounts = [f for f in filing.fields if f.unit == "万元"]
    assert amounts and all(f.places == 2 for f in amounts)
    sample = flow.sample()
    shown = [f"{Decimal(sample[f.name]):.2f}" for f in amounts if sample.get(f.name)]
    doc = Document(io.BytesIO(applicant.get(f"{flow.prefix}/{sub.id}/word.docx").body))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert all(value in cells for value in shown), (shown, sorted(cells)[:40])
    page = applicant.get(f"{flow.prefix}/{sub.id}").text
    assert all(value in page for value in shown)

    submit(applicant, flow, sub.id)
    sheet = openpyxl.load_workbook(io.BytesIO(flow.as_(flow.city).get(f"{flow.prefix}/review/export.xlsx").body)).active
    headers = [c.value for c in sheet[1]]
    assert "运营主体名称" not in headers and headers.count("单位名称") == 1
    for f in amounts:
        cell = sheet.cell(row=2, column=headers.index(f"{f.label}（万元）") + 1)
        assert cell.number_format == "0.00", f.label


def _two_submitted(flow, dbsession):
    from kjgl.core import factories
    from kjgl.core.grants.models import ModuleGrant

    flow.open_batch()
    subs = []
    for person in (flow.applicant, None):
        if person is None:  # a second organisation's record in the same district
            org = factories.organisation(dbsession, agency_code="tj-d01")
            person = factories.user(dbsession, "individual", organisation=org)
            dbsession.add(ModuleGrant(user_id=person.id, module_key=flow.module))
            dbsession.flush()
        app = flow.as_(person)
        sample = flow.sample()
        sample["name"] = sample["name"] + str(person.id)
        upload_signature(app, start_draft(app, flow, sample))
        dbsession.expire_all()
        sub = dbsession.scalars(select(Submission).where(Submission.applicant_id == person.id)).one()
        submit(app, flow, sub.id)
        subs.append(sub)
    return subs


def test_bulk_approve_decides_each_record_and_reports_one_decided_meanwhile(flow, dbsession):
    from kjgl.core.audit.models import AuditEvent
    from kjgl.core.review.models import ReviewEvent

    first, second = _two_submitted(flow, dbsession)
    district = flow.as_(flow.district)
    listing = district.get(f"{flow.prefix}/review/")
    form = listing.forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = True
    # meanwhile a colleague returns the second record from its own page
    colleague = flow.as_(flow.district)
    detail = colleague.get(f"{flow.prefix}/review/{second.id}")
    fill(detail.forms["decision-form"], {"decision": "return", "opinion": "请补充材料"}).submit(status=303)
    form["decision"] = "approve"
    form["opinion"] = "同意上报"
    flashed = form.submit(status=303).follow().html.select_one(".flash").text
    assert "已审核通过1条记录" in flashed and "1条记录已被其他审核人员处理" in flashed
    dbsession.expire_all()
    first, second = dbsession.get(Submission, first.id), dbsession.get(Submission, second.id)
    assert (first.state, first.step) == ("submitted", 1)  # on to the city
    assert second.state == "returned" and second.last_opinion == "请补充材料"  # not overwritten
    decisions = [e.decision for e in dbsession.scalars(select(ReviewEvent).where(
        ReviewEvent.submission_id == first.id).order_by(ReviewEvent.id))]
    assert decisions == ["submit", "approve"]
    audited = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "filing_review",
                                                         AuditEvent.object_id == str(first.id))).all()
    assert len(audited) == 1 and '"bulk": true' in audited[0].detail


def test_bulk_return_needs_an_opinion_and_grading_is_one_by_one(flow, dbsession):
    first, second = _two_submitted(flow, dbsession)
    district = flow.as_(flow.district)
    form = district.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = True
    form["decision"] = "return"
    flashed = form.submit(status=303).follow().html.select_one(".flash").text
    assert "批量退回时必须填写审批意见" in flashed
    form = district.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = True
    form["decision"] = "approve"
    form.submit(status=303)
    city = flow.as_(flow.city)
    form = city.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = True
    form["decision"] = "approve"
    flashed = form.submit(status=303).follow().html.select_one(".flash").text
    assert "已审核通过0条记录" in flashed and "需逐条评分" in flashed


def test_bulk_ignores_records_outside_the_reviewers_subtree(flow, dbsession):
    first, second = _two_submitted(flow, dbsession)
    other = flow.as_(flow.other_district)
    page = other.get(f"{flow.prefix}/review/")
    token = page.html.select_one("input[name=csrf_token]")["value"]
    res = other.post(f"{flow.prefix}/review/bulk", {"csrf_token": token, "decision": "return", "opinion": "x",
                                                     "ids": [f"{first.id}:{first.version}"]}, status=303)
    assert "已退回申报单位修改0条记录" in res.follow().html.select_one(".flash").text
    dbsession.expire_all()
    assert dbsession.get(Submission, first.id).state == "submitted"


def test_field_marks_reach_the_applicant_and_the_reviewer_sees_what_changed(flow, dbsession):
    from kjgl.core.audit.models import AuditEvent

    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    sub = the_record(dbsession, flow)
    submit(applicant, flow, sub.id)
    district = flow.as_(flow.district)
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    form = fill(detail.forms["decision-form"], {"decision": "return", "opinion": "请按标记修改"})
    field, label, _ = flow.int_field
    area = flow.area[0]
    for box in form.fields["mark"]:
        box.checked = box._value in (field, area)
    form[f"mark_note.{field}"] = "数字与附表不一致"
    form.submit(status=303)

    edit = applicant.get(f"{flow.prefix}/{sub.id}/edit")
    listed = edit.html.select_one(".review-marks")
    assert "2处" in listed.text and f"{label}：数字与附表不一致" in listed.text
    assert listed.select_one(f"a[href='#field-{field}']") is not None
    assert "数字与附表不一致" in edit.html.select_one(f"#field-{field} .review-mark").text
    assert "请修改" in edit.html.select_one(f"#field-{area} .review-mark").text
    audited = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "filing_review")).all()
    assert label in audited[-1].detail  # marked fields, by title

    fill(edit.forms["filing-form"], {field: "281"}).submit("action", value="save", status=303)
    submit(applicant, flow, sub.id)
    detail = district.get(f"{flow.prefix}/review/{sub.id}")
    lines = [li.text for li in detail.html.select(".since-return li")]
    old = flow.sample()[field]
    assert f"{label}（已标记）：{old} → 281" in lines
    assert any(line.startswith("已标记但未修改") and flow.area[1] in line for line in lines)
    # resubmitted: the applicant's page no longer shows the marks
    assert applicant.get(f"{flow.prefix}/{sub.id}").html.select_one(".review-marks") is None


def test_assignment_puts_records_first_for_the_assignee_and_reassignment_is_audited(flow, dbsession):
    from kjgl.core import factories
    from kjgl.core.agencies.heads import AgencyHead
    from kjgl.core.audit.models import AuditEvent
    from kjgl.core.notifications.models import Notification

    first, second = _two_submitted(flow, dbsession)
    colleague = factories.user(dbsession, "agency", agency_code=flow.district.agency.code, name="李审核")
    dbsession.add(AgencyHead(agency_id=flow.district.agency_id, user_id=flow.district.id))
    dbsession.flush()
    district = flow.as_(flow.district)
    form = district.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = box._value.startswith(f"{first.id}:")
    form["assignee"] = str(colleague.id)
    flashed = form.submit("action", value="assign", status=303).follow().html.select_one(".flash").text
    assert "已分派1条记录" in flashed
    mine = flow.as_(colleague).get(f"{flow.prefix}/review/")
    rows = mine.html.select("table.list tbody tr")
    assert first.title in rows[0].text and "我" in rows[0].text  # assigned to me: first
    assert dbsession.scalars(select(Notification).where(Notification.user_id == colleague.id,
                                                        Notification.title.contains("分派给您"))).first()
    # reassigned to the district reviewer: audited with both names
    form = district.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = box._value.startswith(f"{first.id}:")
    form["assignee"] = str(flow.district.id)
    form.submit("action", value="assign", status=303)
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "review_assign")
                               .order_by(AuditEvent.id)).all()
    assert len(events) == 2 and "李审核" in events[1].detail and flow.district.name in events[1].detail


def test_a_declared_conflict_removes_the_reviewer_from_the_record(flow, dbsession):
    from kjgl.core import factories
    from kjgl.core.agencies.heads import AgencyHead

    first, second = _two_submitted(flow, dbsession)
    colleague = factories.user(dbsession, "agency", agency_code=flow.district.agency.code, name="李审核")
    dbsession.flush()
    district = flow.as_(flow.district)
    detail = district.get(f"{flow.prefix}/review/{first.id}")
    res = detail.forms["recuse-form"].submit()
    assert "请填写回避原因" in res.text
    form = district.get(f"{flow.prefix}/review/{first.id}").forms["recuse-form"]
    form["reason"] = "申报单位负责人为本人亲属"
    form.submit(status=303)
    detail = district.get(f"{flow.prefix}/review/{first.id}")
    assert "decision-form" not in detail.forms and "已对该记录声明回避" in detail.text
    # no decision, no bulk decision and no assignment to the recused reviewer
    listing = district.get(f"{flow.prefix}/review/")
    assert not any(b._value.startswith(f"{first.id}:") for b in listing.forms["bulk-form"].fields["ids"])
    dbsession.add(AgencyHead(agency_id=colleague.agency_id, user_id=colleague.id))
    dbsession.flush()
    other = flow.as_(colleague)  # the head
    form = other.get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = box._value.startswith(f"{first.id}:")
    form["assignee"] = str(flow.district.id)
    flashed = form.submit("action", value="assign", status=303).follow().html.select_one(".flash").text
    assert "已分派0条记录" in flashed and "已声明回避" in flashed
    token = listing.html.select_one("input[name=csrf_token]")["value"]
    res = district.post(f"{flow.prefix}/review/{first.id}/decide",
                        {"csrf_token": token, "decision": "approve", "version": str(first.version)}, status=403)
    assert "您无权审核该环节" in res.text


def test_only_the_agency_head_assigns_and_sees_the_assignment_controls(flow, dbsession):
    """分派 is the head's alone: a reviewer who is not the head sees no
    assignment controls and is refused (403) when posting one anyway."""
    from kjgl.core import factories
    from kjgl.core.agencies.heads import AgencyHead
    from kjgl.core.review.assignment import Assignment

    first, second = _two_submitted(flow, dbsession)
    head = factories.user(dbsession, "agency", agency_code=flow.district.agency.code, name="王主任")
    dbsession.add(AgencyHead(agency_id=head.agency_id, user_id=head.id))
    dbsession.flush()
    reviewer = flow.as_(flow.district)
    listing = reviewer.get(f"{flow.prefix}/review/")
    assert "assignee" not in listing.forms["bulk-form"].fields and "分派审核" not in listing.text
    token = listing.html.select_one("input[name=csrf_token]")["value"]
    res = reviewer.post(f"{flow.prefix}/review/bulk", {"csrf_token": token, "action": "assign",
                                                       "assignee": str(flow.district.id),
                                                       "ids": [f"{first.id}:{first.version}"]}, status=403)
    assert "只有本单位负责人可以分派" in res.text
    assert dbsession.get(Assignment, first.id) is None
    # the head assigns both records at once, to the reviewer
    form = flow.as_(head).get(f"{flow.prefix}/review/").forms["bulk-form"]
    for box in form.fields["ids"]:
        box.checked = True
    form["assignee"] = str(flow.district.id)
    flashed = form.submit("action", value="assign", status=303).follow().html.select_one(".flash").text
    assert "已分派2条记录" in flashed
    dbsession.expire_all()
    assert {dbsession.get(Assignment, s.id).user_id for s in (first, second)} == {flow.district.id}
    # a head of another district assigns nothing here
    other_head = flow.other_district
    dbsession.add(AgencyHead(agency_id=other_head.agency_id, user_id=other_head.id))
    dbsession.flush()
    other = flow.as_(other_head)
    token = other.get(f"{flow.prefix}/review/").html.select_one("input[name=csrf_token]")
    if token is not None:
        res = other.post(f"{flow.prefix}/review/bulk", {"csrf_token": token["value"], "action": "assign",
                                                        "assignee": str(other_head.id),
                                                        "ids": [f"{first.id}:{first.version}"]}, status=303)
        assert "请先勾选要分派的记录" in res.follow().html.select_one(".flash").text
    dbsession.expire_all()
    assert dbsession.get(Assignment, first.id).user_id == flow.district.id
