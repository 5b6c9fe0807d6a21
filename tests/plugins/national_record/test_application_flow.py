"""The national record application through its pages (seed 003): tabs saved
one by one, the seed's row rules, the numbered document, submission to a
chosen accepting agency, return, resubmission and approval."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import docx

from kjgl.core.review.models import Submission
from kjgl.plugins.national_record import models

from .conftest import PDF

TODAY = dt.date.today()
CODE = "911201160000000011"


def page_token(page, name):
    return page.html.find("input", {"name": name})["value"]


def save(app, sid, tab, fields, files=(), status=303, action="save"):
    page = app.get(f"/national-record/{sid}/tab/{tab}")
    params = [("csrf_token", page_token(page, "csrf_token")), ("version", page_token(page, "version")),
              ("action", action)] + list(fields)
    return app.post(f"/national-record/{sid}/tab/{tab}", params=params, upload_files=list(files), status=status)


def venue(tok, area="10", team="1", public="2", own="4", other="3", seats="2", ownership="租赁"):
    return [("venues-rows", tok), (f"venues-{tok}-address", "南京路189号"), (f"venues-{tok}-area", area),
            (f"venues-{tok}-team_area", team), (f"venues-{tok}-public_area", public), (f"venues-{tok}-own_area", own),
            (f"venues-{tok}-other_area", other), (f"venues-{tok}-workstations", seats),
            (f"venues-{tok}-ownership", ownership)]


def team(tok, name="智能传感团队", status="在孵", members="6", registered="", moved="", financed="否", on="", amount=""):
    return [("teams-rows", tok), (f"teams-{tok}-name", name), (f"teams-{tok}-joined_on", TODAY.isoformat()),
            (f"teams-{tok}-status", status), (f"teams-{tok}-members", members),
            (f"teams-{tok}-registered_on", registered), (f"teams-{tok}-moved_out_on", moved),
            (f"teams-{tok}-financed", financed), (f"teams-{tok}-financed_on", on),
            (f"teams-{tok}-financing_amount", amount)]


def enterprise(tok, from_team="否", team_name="", joined=None, moved="否", employees="10", moved_on=""):
    return [("enterprises-rows", tok), (f"enterprises-{tok}-name", "天津智感科技有限公司"),
            (f"enterprises-{tok}-credit_code", CODE), (f"enterprises-{tok}-from_team", from_team),
            (f"enterprises-{tok}-team_name", team_name), (f"enterprises-{tok}-registered_on", TODAY.isoformat()),
            (f"enterprises-{tok}-joined_on", joined if joined is not None else TODAY.isoformat()),
            (f"enterprises-{tok}-moved_out", moved), (f"enterprises-{tok}-employees", employees),
            (f"enterprises-{tok}-moved_out_on", moved_on), (f"enterprises-{tok}-financed", "否")]


def test_the_venue_tab_computes_totals_and_the_ratio_and_refuses_parts_above_the_area(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    save(app, sid, "venues", venue("n1"), files=[("venues-n1-proof", "租赁合同.pdf", PDF)])
    page = app.get(f"/national-record/{sid}/tab/venues")
    assert "由下表数据自动汇总生成" in page.text and "30.0 %" in page.text  # (1 + 2) / 10
    assert "租赁合同.pdf" in page.text
    res = save(app, sid, "venues", venue("n1", area="5"), status=400)
    assert "不能大于众创空间面积（5）" in res.text
    res = save(app, sid, "venues", venue("n1", area="10.125"), status=400)  # stored as Numeric(12, 2)
    assert "众创空间面积须为数字，最多保留2位小数" in res.text
    # a zero total shows "—", never an error
    row = journey.db.query(models.Venue).one()
    save(app, sid, "venues", venue(f"r{row.id}", area="0", team="0", public="0", own="0", other="0") +
         [(f"venues-r{row.id}-id", str(row.id))])
    assert "—" in app.get(f"/national-record/{sid}/tab/venues").text


def test_the_team_rules_of_seed_003(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    res = save(app, sid, "incubation", team("n1", status="在孵", moved=TODAY.isoformat()), status=400)
    assert "众创空间内的创业团队“迁出时间”为不可填项目" in res.text
    res = save(app, sid, "incubation", team("n1", status="已转化为企业", members="3", registered=TODAY.isoformat()),
               status=400)
    assert "转化为企业的创业团队“创业团队人员数量”为不可填项目" in res.text
    res = save(app, sid, "incubation", team("n1", status="已迁出", members="", registered=TODAY.isoformat(),
                                            moved=TODAY.isoformat()), status=400)
    assert "迁出的创业团队“转化为企业注册时间”为不可填项目" in res.text
    # what was typed is still on the page after a refused save
    assert 'value="智能传感团队"' in res.text
    save(app, sid, "incubation", team("n1", financed="是"))  # 保存 keeps the partial row
    page = app.get(f"/national-record/{sid}/submit")
    assert "获得投融资的创业团队须填写“获得时间”" in page.text
    assert "所有创业团队均须上传入驻协议" in page.text and "获得投融资的创业团队须上传投融资佐证材料" in page.text


def test_the_enterprise_rules_of_seed_003(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    res = save(app, sid, "incubation", team("n1") + enterprise("e1", from_team="是", team_name="不存在的团队", joined=""),
               status=400)
    assert "须从已填写的团队中选择（“不存在的团队”不在列表中）" in res.text
    res = save(app, sid, "incubation", team("n1") + enterprise("e1", from_team="是", team_name="智能传感团队"),
               status=400)
    assert "由创业团队转化而来的企业“入驻时间”为不可填项目" in res.text
    res = save(app, sid, "incubation", team("n1") + enterprise("e1", moved="是", employees="5"), status=400)
    assert "迁出的企业“企业人员数量”为不可填项目" in res.text
    bad = enterprise("e1")
    bad[2] = ("enterprises-e1-credit_code", CODE[:-1] + "2")
    assert "校验位" in save(app, sid, "incubation", team("n1") + bad, status=400).text
    save(app, sid, "incubation", team("n1") + enterprise("e1", from_team="是", team_name="智能传感团队", joined=""))
    assert journey.db.query(models.Enterprise).one().team_name == "智能传感团队"


def test_an_activity_outside_the_batch_window_is_refused(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    late = journey.batch.window_end + dt.timedelta(days=1)  # the batch's own window, not the collection day's date
    res = save(app, sid, "incubation", [("activities-rows", "a1"), ("activities-a1-name", "路演"),
                                        ("activities-a1-kind", "路演活动"), ("activities-a1-summary", "一次路演"),
                                        ("activities-a1-held_on", late.isoformat())], status=400)
    assert "“活动日期”须在" in res.text


def test_a_proof_must_be_a_pdf_of_at_most_3_mb(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    res = save(app, sid, "venues", venue("n1"), files=[("venues-n1-proof", "照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64)])
    assert res.status_int == 303  # the row is saved; the file is refused and said so
    assert "部分附件未上传成功" in res.follow().text
    row = journey.db.query(models.Venue).one()
    big = PDF + b"%" + b"0" * (3 * 1024 * 1024)
    res = save(app, sid, "venues", venue(f"r{row.id}") + [(f"venues-r{row.id}-id", str(row.id))],
               files=[(f"venues-r{row.id}-proof", "大.pdf", big)])
    assert "超过3MB" in res.follow().text


def complete(app, sid):
    save(app, sid, "pledge", [], files=[("pledge", "承诺书.pdf", PDF)])
    save(app, sid, "basic", [("address", "天津市和平区南京路189号"), ("founded_on", "2016-05-20"), ("kind", "综合型"),
                             ("head", "陈建国"), ("head_mobile", "13820001234"), ("contact", "张敏"),
                             ("contact_mobile", "13612345678"), ("intro", "综合型众创空间")])
    save(app, sid, "venues", venue("n1"), files=[("venues-n1-proof", "租赁合同.pdf", PDF)])
    save(app, sid, "staff", [("staff-rows", "s1"), ("staff-s1-name", "李明"), ("staff-s1-age", "35"),
                             ("staff-s1-title", "运营总监"), ("staff-s1-education", "硕士"),
                             ("staff-s1-major", "工商管理"), ("staff-s1-experience", "创业服务8年")],
         files=[("staff-s1-proof", "学历证明.pdf", PDF)])
    save(app, sid, "incubation", team("n1"), files=[("teams-n1-agreement", "入驻协议.pdf", PDF)])
    for key in ("capability", "performance", "brand", "plan"):
        save(app, sid, key, [(key, f"{key}的文字说明")])


def submit(app, sid, agency_code, db, status=303):
    from kjgl.core.agencies.models import Agency
    page = app.get(f"/national-record/{sid}/submit")
    agency = db.query(Agency).filter_by(code=agency_code).one()
    return app.post(f"/national-record/{sid}/submit",
                    params={"csrf_token": page_token(page, "csrf_token"), "agency": str(agency.id)}, status=status)


def version_in_headers(body: bytes) -> str:
    document = docx.Document(io.BytesIO(body))
    texts = {"".join(p.text for p in s.header.paragraphs) for s in document.sections}
    assert len(texts) == 1 and all("版本号：V" in t for t in texts)
    return texts.pop().split("版本号：")[1].split()[0]


def test_generate_submit_return_fix_resubmit_approve(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    complete(app, sid)
    assert "请先点击“下载材料”" in submit(app, sid, "tj", journey.db, status=400).text
    first = version_in_headers(app.get(f"/national-record/{sid}/application.docx").body)
    second = version_in_headers(app.get(f"/national-record/{sid}/application.docx").body)
    assert second > first  # a new, never reused number per generation
    save(app, sid, "plan", [("plan", "修改后的发展思路")])
    assert "有修改" in submit(app, sid, "tj", journey.db, status=400).text  # the printed copy is stale
    third = version_in_headers(app.get(f"/national-record/{sid}/application.docx").body)
    submit(app, sid, "tj-d02", journey.db)
    sub = journey.db.get(Submission, sid)
    assert (sub.state, sub.document_number) == ("submitted", third)
    # locked: any write is refused
    page = app.get(f"/national-record/{sid}/tab/plan")
    app.post(f"/national-record/{sid}/tab/plan", params={"csrf_token": page_token(page, "csrf_token"),
                                                          "plan": "x"}, status=409)
    # 打印材料: every proof, a folder per tab
    names = zipfile.ZipFile(io.BytesIO(app.get(f"/national-record/{sid}/proofs.zip").body)).namelist()
    assert names == ["02-承诺书/承诺书（签字盖章扫描件）-承诺书.pdf",
                     "04-服务场地/服务场地-第1行-南京路189号-证明材料-租赁合同.pdf",
                     "05-人员情况/专业服务人员情况列表-第1行-李明-证明材料-学历证明.pdf",
                     "06-孵化和服务情况/累计创业团队情况汇总表-第1行-智能传感团队-入驻协议-入驻协议.pdf"]

    # the route is fixed at submission: tj-d02 was chosen, the city bureau can see but not decide
    city = journey.as_(journey.city)
    detail = city.get(f"/national-record/review/{sid}")
    assert "提交审核结果" not in detail.text
    reviewer = journey.as_(journey.other)
    detail = reviewer.get(f"/national-record/review/{sid}")
    assert "提交审核结果" in detail.text and "租赁合同.pdf" in detail.text
    versions = detail.html.find("h2", string="申报书版本记录").find_parent("div")
    listed = [tr.find("strong").text for tr in versions.find("tbody").find_all("tr")]
    assert listed == [third, second, first] and "提交的版本" in str(versions.find("tbody").find("tr"))
    check = reviewer.get(f"/national-record/review/{sid}", params={"number": first})
    assert f"不是提交的版本（提交的版本为{third}）" in check.text and "修改后的发展思路" in check.text
    assert "与系统记录一致" in reviewer.get(f"/national-record/review/{sid}", params={"number": third}).text

    form = detail.forms["decision-form"]
    form["decision"], form["opinion"] = "return", "服务场地证明不清晰"
    form.submit(status=303)
    journey.db.expire_all()
    assert journey.db.get(Submission, sid).state == "returned"
    save(app, sid, "plan", [("plan", "第二次修改")])
    app.get(f"/national-record/{sid}/application.docx")
    submit(app, sid, "tj-d02", journey.db)
    detail = reviewer.get(f"/national-record/review/{sid}")
    form = detail.forms["decision-form"]
    form["decision"] = "approve"
    form.submit(status=303)
    journey.db.expire_all()
    assert journey.db.get(Submission, sid).state == "approved"


def test_a_tab_save_leaves_the_other_tabs_untouched(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    save(app, sid, "plan", [("plan", "发展思路")])
    save(app, sid, "venues", venue("n1"))
    save(app, sid, "brand", [("brand", "品牌")])
    content = journey.db.get(models.Application, sid)
    assert content.data["plan"] == "发展思路" and content.data["brand"] == "品牌"
    assert content.data["total_area"] == "10.00" and journey.db.query(models.Venue).count() == 1


def test_the_agency_list_filters_by_carrier_kind_and_region_and_exports_the_filtered_rows(journey):
    import openpyxl
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    complete(app, sid)
    app.get(f"/national-record/{sid}/application.docx")
    submit(app, sid, "tj-d02", journey.db)
    reviewer = journey.as_(journey.other)
    listed = reviewer.get("/national-record/review/", params={"carrier_kind": "众创空间", "region": "和平区"})
    assert "和平创客空间" in listed.text and "共查询出1条记录" in listed.text
    assert "共查询出0条记录" in reviewer.get("/national-record/review/", params={"carrier_kind": "孵化器"}).text
    assert "共查询出0条记录" in reviewer.get("/national-record/review/", params={"region": "西青区"}).text
    book = openpyxl.load_workbook(io.BytesIO(
        reviewer.get("/national-record/review/export.xlsx", params={"carrier_kind": "孵化器"}).body))
    assert "和平创客空间" not in {str(c.value) for row in book.active.iter_rows() for c in row}
    book = openpyxl.load_workbook(io.BytesIO(
        reviewer.get("/national-record/review/export.xlsx", params={"carrier_kind": "众创空间"}).body))
    cells = {str(c.value) for row in book.active.iter_rows() for c in row}
    assert "和平创客空间" in cells and "138****1234" in cells  # 负责人手机 masked


def test_the_batch_carries_its_cut_off_and_activity_window(journey, make_app):
    from kjgl.core import factories
    from kjgl.core.review.models import Batch
    from kjgl.core.testing import login
    city = make_app()
    login(city, journey.city.account)
    city.get("/national-record/batches", status=403)  # a provincial bureau does not open national batches
    torch = factories.user(journey.db, "agency", agency_code="torch")
    app = make_app()
    login(app, torch.account)
    page = app.get("/national-record/batches")
    form = page.forms["batch-form"]
    form["year"], form["deadline"] = str(TODAY.year + 1), (TODAY + dt.timedelta(days=60)).isoformat()
    form["cutoff_on"], form["window_start"], form["window_end"] = "2021-10-31", "2021-11-01", "2020-10-31"
    res = form.submit(status=200)
    assert "活动时间范围的开始日期不能晚于结束日期" in res.text
    form = res.forms["batch-form"]
    form["window_start"], form["window_end"] = "2020-11-01", "2021-10-31"
    form.submit(status=303)
    batch = journey.db.query(Batch).filter_by(module_key="national_record", year=TODAY.year + 1).one()
    assert (batch.cutoff_on, batch.window_start, batch.window_end) == (
        dt.date(2021, 10, 31), dt.date(2020, 11, 1), dt.date(2021, 10, 31))
    assert "累计数据统计截止日期：2021-10-31" in app.get("/national-record/batches").text


def test_the_pledge_template_names_the_operator_and_the_carrier(journey):
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    body = app.get(f"/national-record/{sid}/pledge-template.docx").body
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    assert "天津和平创客空间管理有限公司" in text and "和平创客空间" in text and "承 诺 书" in text


def test_the_application_as_pdf_carries_its_version_on_every_page(journey):
    import pytest
    from pypdf import PdfReader

    from kjgl.core.exports.pdf import soffice
    if soffice() is None:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-writer-nogui fonts-noto-cjk)")
    app = journey.as_(journey.applicant)
    sid = journey.start(app)
    complete(app, sid)
    reader = PdfReader(io.BytesIO(app.get(f"/national-record/{sid}/application.pdf").body))
    numbers = {page.extract_text().split("版本号：")[1].split()[0][:7] for page in reader.pages}
    assert len(reader.pages) > 1 and len(numbers) == 1 and numbers.pop().startswith("V")


def test_the_torch_center_finds_no_other_modules_batch_to_reopen(journey, make_app):
    from kjgl.core import factories
    from kjgl.core.review import services as review
    from kjgl.core.testing import login
    other = review.open_batch(journey.db, "makerspace", TODAY.year, TODAY + dt.timedelta(days=30), journey.city)
    torch = factories.user(journey.db, "agency", agency_code="torch")
    app = make_app()
    login(app, torch.account)
    for batch_id in (other.id, 999_999_999):
        app.get(f"/national-record/batches/{batch_id}/reopen", status=404)
    assert "重新开放" in app.get(f"/national-record/batches/{journey.batch.id}/reopen").text or \
        "延长截止日期" in app.get(f"/national-record/batches/{journey.batch.id}/reopen").text
