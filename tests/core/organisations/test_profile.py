"""信息补全: the form of seed 001 图2-5, 暂存 and 提交."""
import io

import docx
import pytest
import webtest
from docx.oxml.ns import qn
from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.audit.models import AuditEvent
from kjgl.core.testing import login

from .helpers import ALL_FILES, BLANK, PDF, PNG, attachments_of, error_of, post_profile, valid_fields


def test_form_has_the_seed_fields_and_choices(admin_app, incomplete_org):
    page = admin_app.get("/org/profile")
    text = page.text
    assert f"{incomplete_org.name}</strong>，请补充以下信息" in text
    for label in ("法人性质", "法人类型", "联系人姓名", "手机号", "电子邮箱", "局级（区县）主管部门",
                  "注册地址", "坐落地址", "账户（收款单位）", "开户银行", "银行账户",
                  "企业营业执照或者事业单位法人证书", "风险承诺书",
                  "开户许可证或者由开户银行出具的账户信息等材料扫描件"):
        assert label in text, label
    form = page.forms["org-profile-form"]
    assert form["legal_type"].value == "企业"  # prefilled from registration
    # agencies: district-level ones, grouped under their city bureau
    groups = page.html.select("#agency optgroup")
    assert [g["label"] for g in groups][:2] == ["天津市科学技术局", "重庆市科学技术局"]
    tianjin = [o.get_text() for o in groups[0].select("option")]
    assert "和平区科学技术局" in tianjin and "滨海新区高新技术产业开发区科技主管部门" in tianjin
    # addresses: the deployment's province as text, its districts to choose
    assert page.html.select_one("#field-reg_district .province").get_text() == "天津市"
    districts = [o["value"] for o in page.html.select("#reg_district option") if o["value"]]
    assert districts[:2] == ["和平区", "河东区"] and "渝中区" not in districts
    # three multi-file slots and the template link
    for slot in ("licence", "risk_letter", "bank_proof"):
        file_input = page.html.select_one(f"input[type=file][name={slot}]")
        assert file_input.has_attr("multiple") and ".pdf" in file_input["accept"]
    assert page.html.select_one("a.template-link")["href"].endswith("/org/risk-commitment-letter.docx")


def test_complete_submission_through_the_real_form(admin_app, dbsession, incomplete_org):
    form = admin_app.get("/org/profile").forms["org-profile-form"]
    for name, value in valid_fields(incomplete_org).items():
        form[name] = value
    for slot, filename, content in ALL_FILES:
        form[slot] = [webtest.Upload(filename, content)]  # a multiple file input takes a list
    res = form.submit("action", value="submit", status=303)
    assert res.location.endswith("/org/status")

    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "pending" and incomplete_org.submitted_at is not None
    assert incomplete_org.agency.code == "tj-d01"
    assert incomplete_org.bank_account_no == "6216000000000001"
    assert [a.slot for a in attachments_of(dbsession, incomplete_org)] == ["licence", "risk_letter", "bank_proof"]
    events = dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "org_submit")).all()
    assert [e.object_id for e in events] == [str(incomplete_org.id)]

    status = res.follow()
    assert "待审核" in status.text and "和平区科学技术局" in status.text
    assert "营业执照.pdf" in status.text and "友谊路20号" in status.text
    assert not status.html.select("input[type=file], input[type=text], select, textarea")


REQUIRED = {
    "legal_nature": "请选择法人性质",
    "legal_type": "请选择法人类型",
    "contact_name": "联系人姓名不能为空",
    "contact_mobile": "手机号不能为空",
    "contact_email": "电子邮箱不能为空",
    "agency": "请选择局级（区县）主管部门",
    "reg_district": "请选择注册地址",
    "loc_district": "请选择坐落地址",
    "bank_account_name": "账户（收款单位）不能为空",
    "bank_name": "开户银行不能为空",
    "bank_account_no": "银行账户不能为空",
}


def test_submit_requires_every_field(admin_app, dbsession, incomplete_org):
    blank = {name: "" for name in valid_fields(incomplete_org)}
    res = post_profile(admin_app, blank, files=ALL_FILES, status=200)
    assert "提交未成功" in res.text
    for field, message in REQUIRED.items():
        assert error_of(res, field).startswith(message), field
    # the detail addresses are reported under their address row
    assert "注册地址的详细地址不能为空" in error_of(res, "reg_district")
    assert "坐落地址的详细地址不能为空" in error_of(res, "loc_district")
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"


@pytest.mark.parametrize("field", ["contact_name", "reg_address", "bank_account_no"])
def test_one_missing_field_is_enough_to_refuse(admin_app, dbsession, incomplete_org, field):
    fields = valid_fields(incomplete_org)
    fields[field] = "  "
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert len(res.html.select(".field .error")) == 1
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"


def _group_company_admin(make_app, dbsession):
    """An incomplete 天津某某（集团）有限公司 and a client logged in as its admin."""
    org = factories.organisation(dbsession, name="天津某某（集团）有限公司", status="incomplete", **BLANK)
    admin_app = make_app()
    login(admin_app, factories.org_admin(dbsession, org).account)
    return org, admin_app


def test_bank_account_name_differing_in_full_or_half_width_brackets_is_the_same_name(make_app, dbsession):
    org, admin_app = _group_company_admin(make_app, dbsession)
    fields = valid_fields(org)
    fields["bank_account_name"] = "天津某某(集团)有限公司 "
    post_profile(admin_app, fields, files=ALL_FILES, status=303)
    dbsession.refresh(org)
    assert org.status == "pending"


def test_bank_account_name_still_differing_says_where(make_app, dbsession):
    org, admin_app = _group_company_admin(make_app, dbsession)
    fields = valid_fields(org)
    fields["bank_account_name"] = "天津某某(团体)有限公司"
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert "账户名称为“团体”，单位名称为“集团”" in error_of(res, "bank_account_name")


def test_bank_account_name_must_equal_the_organisation_name(admin_app, dbsession, incomplete_org):
    fields = valid_fields(incomplete_org)
    fields["bank_account_name"] = incomplete_org.name + "天津分公司"
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    message = error_of(res, "bank_account_name")
    assert message.startswith("账户（收款单位）必须与单位名称相同")
    # and it says what differs
    assert f"单位名称：{incomplete_org.name}" in message and "账户名称多出“天津分公司”" in message
    # what was typed stays in the form
    assert res.forms["org-profile-form"]["bank_account_name"].value == incomplete_org.name + "天津分公司"
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"


@pytest.mark.parametrize("value", ["1234567", "1" * 31, "6216abc000000", "6216-0000-0000-0001"])
def test_bank_account_number_must_be_8_to_30_digits(admin_app, incomplete_org, value):
    fields = valid_fields(incomplete_org)
    fields["bank_account_no"] = value
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert "银行账户" in error_of(res, "bank_account_no")


def test_bank_account_number_typed_in_groups_is_accepted(admin_app, dbsession, incomplete_org):
    fields = valid_fields(incomplete_org)
    fields["bank_account_no"] = "6216 0000 0000 0002"
    post_profile(admin_app, fields, files=ALL_FILES, status=303)
    dbsession.refresh(incomplete_org)
    assert incomplete_org.bank_account_no == "6216000000000002"


@pytest.mark.parametrize("field, value, message", [
    ("contact_mobile", "1391234567", "请输入正确的11位手机号码"),
    ("contact_mobile", "23912345678", "请输入正确的11位手机号码"),
    ("contact_email", "contact.example.cn", "请输入正确的电子邮箱"),
    ("contact_email", "a@b", "请输入正确的电子邮箱"),
])
def test_mobile_and_email_are_checked(admin_app, incomplete_org, field, value, message):
    fields = valid_fields(incomplete_org)
    fields[field] = value
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert error_of(res, field) == message


@pytest.mark.parametrize("code", ["tj", "torch", "no-such-agency"])
def test_competent_agency_must_be_a_district_level_agency_of_the_tree(admin_app, dbsession, incomplete_org, code):
    fields = valid_fields(incomplete_org)
    fields["agency"] = code
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert "请从列表中选择本平台的局级（区县）主管部门" in error_of(res, "agency")
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"


def test_a_functional_zone_can_be_the_competent_agency(admin_app, dbsession, incomplete_org):
    fields = valid_fields(incomplete_org)
    fields["agency"] = "tj-z01"
    post_profile(admin_app, fields, files=ALL_FILES, status=303)
    dbsession.refresh(incomplete_org)
    assert incomplete_org.agency.name == "滨海新区高新技术产业开发区科技主管部门"


@pytest.mark.parametrize("reg, loc", [("渝中区", "朝阳区"), ("滨海新区高新技术产业开发区", "天津市")])
def test_district_must_belong_to_the_province(admin_app, incomplete_org, reg, loc):
    fields = dict(valid_fields(incomplete_org), reg_district=reg, loc_district=loc)
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert error_of(res, "reg_district") == "注册地址的区县须为天津市的区县，请从列表中选择"
    assert error_of(res, "loc_district") == "坐落地址的区县须为天津市的区县，请从列表中选择"


def test_submit_requires_a_file_in_every_slot(admin_app, dbsession, incomplete_org):
    res = post_profile(admin_app, valid_fields(incomplete_org), files=ALL_FILES[:1], status=200)
    assert error_of(res, "licence") == ""
    assert error_of(res, "risk_letter") == "请上传风险承诺书"
    assert error_of(res, "bank_proof") == "请上传开户许可证或者由开户银行出具的账户信息等材料扫描件"
    # the file that was sent is kept: the user adds only the missing ones
    assert [a.filename for a in attachments_of(dbsession, incomplete_org)] == ["营业执照.pdf"]
    assert "上传成功" in res.text
    post_profile(admin_app, valid_fields(incomplete_org), files=ALL_FILES[1:], status=303)
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "pending"


def test_several_files_in_one_slot(admin_app, dbsession, incomplete_org):
    files = ALL_FILES + [("licence", "营业执照副本.png", PNG)]
    post_profile(admin_app, valid_fields(incomplete_org), files=files, status=303)
    licence = [a.filename for a in attachments_of(dbsession, incomplete_org) if a.slot == "licence"]
    assert licence == ["营业执照.pdf", "营业执照副本.png"]


def test_an_11_mb_file_is_refused_naming_the_slot(admin_app, dbsession, incomplete_org):
    big = PDF + b"0" * (11 * 1024 * 1024)
    res = post_profile(admin_app, valid_fields(incomplete_org),
                       files=[("licence", "大文件.pdf", big)] + ALL_FILES[1:], status=200)
    message = error_of(res, "licence")
    assert "企业营业执照或者事业单位法人证书" in message and "大文件.pdf" in message and "超过10MB" in message
    assert [a.slot for a in attachments_of(dbsession, incomplete_org)] == ["risk_letter", "bank_proof"]
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"


def test_a_pdf_that_is_not_a_pdf_is_refused(admin_app, dbsession, incomplete_org):
    res = post_profile(admin_app, {}, action="save",
                       files=[("risk_letter", "承诺书.pdf", b"<html>not a pdf</html>")], status=200)
    assert "承诺书.pdf" in error_of(res, "risk_letter")
    assert "不是PDF、JPG、PNG格式" in error_of(res, "risk_letter")
    assert attachments_of(dbsession, incomplete_org) == []


def test_save_keeps_partial_data_and_files(admin_app, dbsession, incomplete_org):
    res = post_profile(admin_app, {"contact_name": "王五", "legal_type": "企业"}, action="save",
                       files=[("licence", "营业执照.pdf", PDF)], status=303)
    dbsession.refresh(incomplete_org)
    assert incomplete_org.status == "incomplete"
    assert incomplete_org.contact_name == "王五" and incomplete_org.contact_mobile is None
    page = res.follow()
    assert "已暂存" in page.text
    assert page.forms["org-profile-form"]["contact_name"].value == "王五"
    licence = page.html.select_one("#field-licence .files")
    assert "营业执照.pdf" in licence.get_text() and "上传成功" in licence.get_text()
    # a second 暂存 keeps the file already uploaded
    post_profile(admin_app, {"contact_name": "王五", "contact_mobile": "13912345678"}, action="save", status=303)
    assert len(attachments_of(dbsession, incomplete_org)) == 1
    dbsession.refresh(incomplete_org)
    assert incomplete_org.contact_mobile == "13912345678"


def test_save_with_a_malformed_value_keeps_earlier_data_and_stores_no_upload(admin_app, dbsession, incomplete_org,
                                                                              storage_dir):
    post_profile(admin_app, {"contact_name": "王五"}, action="save", status=303)
    files_before = stored_files(storage_dir)
    res = post_profile(admin_app, {"contact_name": "赵六", "contact_email": "not-an-email"}, action="save",
                       files=[("licence", "营业执照.pdf", PDF)], status=200)
    assert error_of(res, "contact_email") == "请输入正确的电子邮箱"
    assert "所选附件也未上传" in res.text
    assert res.forms["org-profile-form"]["contact_name"].value == "赵六"
    dbsession.refresh(incomplete_org)
    assert incomplete_org.contact_name == "王五"
    # the refused save left no upload behind: no row, no bytes
    assert attachments_of(dbsession, incomplete_org) == []
    assert stored_files(storage_dir) == files_before


def test_a_refused_submit_stores_no_upload(admin_app, dbsession, incomplete_org):
    fields = dict(valid_fields(incomplete_org), contact_email="not-an-email")
    res = post_profile(admin_app, fields, files=ALL_FILES, status=200)
    assert "提交未成功" in res.text and "所选附件也未上传" in res.text
    assert attachments_of(dbsession, incomplete_org) == []


def stored_files(root) -> set:
    import pathlib

    return {p for p in pathlib.Path(root).rglob("*") if p.is_file()}


def test_nothing_can_change_after_submit(admin_app, dbsession, incomplete_org):
    post_profile(admin_app, valid_fields(incomplete_org), files=ALL_FILES, status=303)
    assert admin_app.get("/org/profile", status=302).location.endswith("/org/status")
    csrf = admin_app.get("/org/status").html.select_one("input[name=csrf_token]")["value"]

    fields = dict(valid_fields(incomplete_org), contact_name="改名", csrf_token=csrf, action="save")
    res = admin_app.post("/org/profile", fields, upload_files=[("licence", "new.pdf", PDF)], status=409)
    assert "等待主管部门审核" in res.text
    attachment = attachments_of(dbsession, incomplete_org)[0]
    res = admin_app.post(f"/files/{attachment.id}/delete", {"csrf_token": csrf}, status=409)
    assert "等待主管部门审核" in res.text

    dbsession.refresh(incomplete_org)
    assert incomplete_org.contact_name == "李四"
    assert len(attachments_of(dbsession, incomplete_org)) == 3


def test_returned_org_sees_the_opinion_and_resubmits(app, dbsession):
    org = factories.organisation(dbsession, status="pending")
    reviewer = factories.user(dbsession, "agency", agency_code="tj-d01")
    login(app, reviewer.account)
    page = app.get(f"/agency/organisations/{org.id}")
    form = page.forms["decision-form"]
    form["decision"] = "return"
    form["opinion"] = "营业执照扫描件不清晰，请重新上传。"
    form.submit(status=303)
    app.post("/logout", {"csrf_token": app.get("/org/profile", status="*").html
                         .select_one("input[name=csrf_token]")["value"]})

    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/profile")
    opinion = page.html.select_one(".review-opinion")
    assert "营业执照扫描件不清晰，请重新上传。" in opinion.get_text()
    assert "审核不通过" in opinion.get_text()
    form = page.forms["org-profile-form"]
    assert form["contact_name"].value == "李四"  # the earlier data is there to fix
    for slot, filename, content in ALL_FILES:
        form[slot] = [webtest.Upload(filename, content)]  # a multiple file input takes a list
    form.submit("action", value="submit", status=303)
    dbsession.refresh(org)
    assert org.status == "pending"


def test_risk_commitment_letter_template_names_the_organisation(admin_app, incomplete_org):
    res = admin_app.get("/org/risk-commitment-letter.docx")
    assert res.content_type.endswith("wordprocessingml.document")
    assert "filename*=UTF-8''%E9%A3%8E%E9%99%A9" in res.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(res.body))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "风险承诺书" in text and incomplete_org.name in text and "法定代表人（签字）" in text
    fonts = {r._element.rPr.rFonts.get(qn("w:eastAsia")) for p in document.paragraphs for r in p.runs}
    assert fonts <= {"仿宋", "黑体"} and "仿宋" in fonts


def test_other_roles_cannot_use_the_form(app, dbsession):
    individual = factories.user(dbsession, "individual")
    login(app, individual.account)
    app.get("/org/profile", status=403)
    app.get("/org/risk-commitment-letter.docx", status=403)
