"""Exports mask personal data by default: the reviewers' Excel export writes
mobiles (any field whose kind is personal) masked; the city bureau may ask
for full values, and that export is audited as unmasked."""
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from kjgl.core.audit.models import AuditEvent
from kjgl.core.filings import exporting
from kjgl.core.filings.types import FilingType, Section
from kjgl.core.forms import Field
from kjgl.plugins.makerspace import samples
from tests.core.filings.conftest import Flow
from tests.core.filings.test_evaluation_flow import start_draft, submit, the_record, upload_signature

HEAD, CONTACT = "13820001234", "13920005678"  # the sample's mobiles
HEAD_MASKED, CONTACT_MASKED = "138****1234", "139****5678"


@pytest.fixture
def flow(make_app, dbsession):
    flow = Flow(make_app, dbsession, module="makerspace", district="tj-d01")
    flow.prefix, flow.sample = "/makerspace", samples.evaluation_sample
    flow.open_batch()
    applicant = flow.as_(flow.applicant)
    upload_signature(applicant, start_draft(applicant, flow))
    submit(applicant, flow, the_record(dbsession, flow).id)
    return flow


def _cells(res) -> list:
    sheet = openpyxl.load_workbook(io.BytesIO(res.body)).active
    return [c.value for row in sheet.iter_rows() for c in row]


def _events(dbsession, name):
    return list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_the_excel_export_masks_mobiles_by_default(flow, dbsession):
    for reviewer in (flow.district, flow.city):
        res = flow.as_(reviewer).get("/makerspace/review/export.xlsx", {"state": "submitted"})
        cells = _cells(res)
        assert HEAD not in cells and CONTACT not in cells
        assert HEAD_MASKED in cells and CONTACT_MASKED in cells
    events = _events(dbsession, "filing_export_excel")
    assert len(events) == 2 and _events(dbsession, "filing_export_excel_full") == []
    assert json.loads(events[0].detail)["masked"] == ["head_mobile", "contact_mobile"]


def test_the_city_bureau_may_export_full_contacts_and_it_is_audited(flow, dbsession):
    city = flow.as_(flow.city)
    page = city.get("/makerspace/review/", {"state": "submitted"})
    form = page.forms["export-form"]
    assert form["state"].value == "submitted"
    form["full"] = True
    cells = _cells(form.submit())
    assert HEAD in cells and CONTACT in cells
    [event] = _events(dbsession, "filing_export_excel_full")
    detail = json.loads(event.detail)
    assert (event.account, event.object_type) == (flow.city.account, "makerspace.submission")
    assert detail["filters"] == {"state": "submitted"} and detail["rows"] == 1 and detail["columns"] == "all"
    assert detail["fields"] == ["head_mobile", "contact_mobile"]
    assert _events(dbsession, "filing_export_excel") == []


def test_a_district_reviewer_cannot_export_full_contacts(flow, dbsession):
    district = flow.as_(flow.district)
    assert "full" not in district.get("/makerspace/review/").forms["export-form"].fields
    res = district.get("/makerspace/review/export.xlsx", {"full": "1"}, status=403)
    assert "导出完整联系方式" in res.text
    assert _events(dbsession, "filing_export_excel_full") == []


def test_a_plugins_personal_fields_are_masked_by_their_kind():
    filing = FilingType(
        module_key="x", kind="x", title="x", noun="x", document_title="x", slots=(), signature_slot=None,
        name_field="name", district_field="district",
        sections=(Section("s", "s", (Field("name", "名称"), Field("id", "身份证号", kind="id_number"),
                                     Field("bank", "银行账号", kind="bank_account"),
                                     Field("phone", "手机", kind="mobile"))),))
    data = {"name": "某空间", "id": "11010519491231002X", "bank": "6216601234567890", "phone": "13812342210"}
    assert exporting.masked(filing, data) == {"name": "某空间", "id": "110105********002X",
                                              "bank": "621660******7890", "phone": "138****2210"}
    assert exporting.personal_fields(filing) == ["id", "bank", "phone"]


def test_the_applicants_word_export_of_their_own_record_keeps_full_values(flow, dbsession):
    sub = the_record(dbsession, flow)
    text = _word_text(flow.as_(flow.applicant).get(f"/makerspace/{sub.id}/word.docx"))
    assert HEAD in text and CONTACT in text


def _word_text(res) -> str:
    from docx import Document

    return "\n".join(c.text for t in Document(io.BytesIO(res.body)).tables for r in t.rows for c in r.cells)


def test_a_reviewers_word_copy_masks_mobiles_and_is_audited(flow, dbsession):
    sub = the_record(dbsession, flow)
    text = _word_text(flow.as_(flow.district).get(f"/makerspace/review/{sub.id}/word.docx"))
    assert HEAD not in text and CONTACT not in text and HEAD_MASKED in text
    [event] = _events(dbsession, "filing_export_word")
    assert event.account == flow.district.account and event.object_id == str(sub.id)


def test_the_reviewers_filing_detail_masks_mobiles_and_revealing_is_audited(flow, dbsession):
    sub = the_record(dbsession, flow)
    page = flow.as_(flow.district).get(f"/makerspace/review/{sub.id}")
    assert HEAD not in page.text and CONTACT not in page.text and CONTACT_MASKED in page.text
    assert _events(dbsession, "pii_view") == []
    full = page.click(linkid="reveal-pii")
    assert HEAD in full.text and CONTACT in full.text
    [event] = _events(dbsession, "pii_view")
    assert (event.object_type, event.object_id) == ("makerspace.submission", str(sub.id))
    assert json.loads(event.detail)["fields"] == ["head_mobile", "contact_mobile"]


def test_the_applicant_sees_their_own_record_in_full(flow, dbsession):
    sub = the_record(dbsession, flow)
    page = flow.as_(flow.applicant).get(f"/makerspace/{sub.id}")
    assert HEAD in page.text and CONTACT in page.text and not page.html.select("a#reveal-pii")
