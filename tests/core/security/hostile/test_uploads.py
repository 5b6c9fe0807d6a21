"""Uploads by content: PDFs opened with pypdf (broken and encrypted ones are
refused naming the slot), legacy Office recognised, hostile file names."""
import io
import pathlib
import unicodedata
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import func, select

from kjgl.core import factories
from kjgl.core.attachments import filetypes
from kjgl.core.attachments.filenames import MAX_NAME_CHARS, content_disposition, sanitize
from kjgl.core.attachments.models import Attachment
from kjgl.core.attachments.services import Slot, UploadRefused, add_upload
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.testing import login

from . import pdfs
from .pdfs import GARBAGE_PDF, encrypted_pdf, truncated_pdf, valid_pdf

MB = 1024 * 1024
SLOT = Slot("licence", "营业执照")
OLE2 = filetypes.OLE2_MAGIC + b"\x00" * 504


@pytest.fixture
def storage(tmp_path):
    return DirectoryStorage(str(tmp_path / "files"))


def stored(storage):
    return [p for p in pathlib.Path(storage.root).rglob("*") if p.is_file()]


def put(dbsession, storage, filename, content, slot=SLOT):
    return add_upload(dbsession, storage, owner_type="organisation", owner_id=1, slot=slot,
                      upload=SimpleNamespace(filename=filename, file=io.BytesIO(content)),
                      default_max=10 * MB, parse_pdf=True)


# --- PDFs ---

def test_a_real_pdf_is_stored(dbsession, storage):
    attachment = put(dbsession, storage, "营业执照.pdf", valid_pdf())
    assert attachment.content_type == "application/pdf"
    assert len(stored(storage)) == 1


@pytest.mark.parametrize("content", [truncated_pdf(), GARBAGE_PDF, b"%PDF-1.4" + b"\x00" * 100],
                         ids=["truncated", "objects-only", "zeros"])
def test_a_broken_pdf_is_refused_naming_the_slot(dbsession, storage, content):
    with pytest.raises(UploadRefused) as refused:
        put(dbsession, storage, "扫描件.pdf", content)
    message = str(refused.value)
    assert message.startswith("营业执照：") and "扫描件.pdf" in message and "不是有效的PDF文件" in message
    assert stored(storage) == []


def test_an_encrypted_pdf_is_refused_naming_the_slot(dbsession, storage):
    with pytest.raises(UploadRefused) as refused:
        put(dbsession, storage, "加密.pdf", encrypted_pdf())
    message = str(refused.value)
    assert message.startswith("营业执照：") and "加密" in message and "取消密码" in message
    assert stored(storage) == []


@pytest.mark.parametrize("build, found", [
    (pdfs.javascript_pdf, "JavaScript"),
    (pdfs.escaped_name_javascript_pdf, "JavaScript"),
    (pdfs.open_action_javascript_pdf, "OpenAction"),
    (pdfs.open_action_launch_pdf, "Launch"),
    (pdfs.launch_link_pdf, "Launch"),
    (pdfs.embedded_file_pdf, "嵌入文件"),
    (pdfs.page_additional_action_pdf, "AA"),
], ids=lambda v: getattr(v, "__name__", v))
def test_a_pdf_with_active_content_is_refused_naming_the_file(dbsession, storage, build, found):
    with pytest.raises(UploadRefused) as refused:
        put(dbsession, storage, "年度报告.pdf", build())
    message = str(refused.value)
    assert message.startswith("营业执照：") and "年度报告.pdf" in message and "可自动执行的内容" in message
    assert found in message
    assert stored(storage) == []


def test_a_pdf_that_opens_at_a_page_and_links_to_the_web_is_accepted(dbsession, storage):
    put(dbsession, storage, "说明.pdf", pdfs.harmless_open_at_page_pdf())
    assert len(stored(storage)) == 1


@pytest.fixture
def org_app(make_app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    testapp = make_app()  # parsing PDFs is the default
    login(testapp, factories.org_admin(dbsession, org).account)
    return testapp, org


def post_files(testapp, files):
    page = testapp.get("/org/profile")
    params = {"csrf_token": page.forms["org-profile-form"]["csrf_token"].value, "action": "draft"}
    return testapp.post("/org/profile", params, upload_files=files)


def count_files(dbsession, org):
    return dbsession.scalar(select(func.count()).select_from(Attachment)
                            .where(Attachment.owner_type == "organisation", Attachment.owner_id == org.id))


def test_the_form_shows_broken_and_encrypted_pdfs_next_to_their_slots(org_app, dbsession):
    testapp, org = org_app
    res = post_files(testapp, [("licence", "营业执照.pdf", truncated_pdf()),
                               ("risk_letter", "风险承诺书.pdf", encrypted_pdf()),
                               ("bank_proof", "开户许可证.pdf", valid_pdf())])
    assert res.status_int == 200
    licence = " ".join(n.get_text(" ", strip=True) for n in res.html.select("#field-licence .error"))
    letter = " ".join(n.get_text(" ", strip=True) for n in res.html.select("#field-risk_letter .error"))
    assert "企业营业执照或者事业单位法人证书" in licence and "不是有效的PDF文件" in licence
    assert "风险承诺书" in letter and "加密" in letter
    assert count_files(dbsession, org) == 1  # only the good one


def test_the_form_names_a_pdf_with_javascript_next_to_its_slot(org_app, dbsession):
    testapp, org = org_app
    res = post_files(testapp, [("licence", "带脚本的执照.pdf", pdfs.javascript_pdf())])
    licence = " ".join(n.get_text(" ", strip=True) for n in res.html.select("#field-licence .error"))
    assert "带脚本的执照.pdf" in licence and "JavaScript" in licence
    assert count_files(dbsession, org) == 0


# --- legacy Office (OLE2) ---

def test_legacy_office_is_recognised_but_accepted_by_no_slot_by_default(dbsession, storage):
    assert filetypes.choose(OLE2, "申报书.doc", ("doc",)) == (filetypes.KINDS["doc"], None)
    assert filetypes.choose(OLE2, "汇总表.xls", ("doc", "xls")) == (filetypes.KINDS["xls"], None)
    assert filetypes.KINDS["doc"].content_type == "application/msword"
    assert filetypes.KINDS["xls"].content_type == "application/vnd.ms-excel"
    with pytest.raises(UploadRefused, match="内容不是PDF、JPG、PNG格式"):
        put(dbsession, storage, "申报书.doc", OLE2)
    word = Slot("old_word", "申报书", accepts=("doc",))
    assert put(dbsession, storage, "申报书.doc", OLE2, slot=word).content_type == "application/msword"


def test_no_declared_slot_accepts_legacy_office():
    from kjgl.core.organisations.schemas import SLOTS
    from kjgl.plugins.incubator.schemas import FILING as INCUBATOR
    from kjgl.plugins.makerspace.schemas import FILING as MAKERSPACE

    for slot in (*SLOTS, *MAKERSPACE.all_slots, *INCUBATOR.all_slots):
        assert not {"doc", "xls"} & set(slot.accepts), slot.name


# --- file names ---

@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
    ("../../", "附件"),
    ("/etc/..", "附件"),
    ("报告\r\nContent-Type: text.pdf", "报告Content-Type_ text.pdf"),
    ("申报书\u202egpj.exe", "申报书gpj.exe"),
    ("\u200f\u2066\u2069名单.xlsx", "名单.xlsx"),
    ("\ufeff附件.pdf", "附件.pdf"),
])
def test_hostile_file_names(raw, clean):
    assert sanitize(raw) == clean


def test_a_300_character_name_is_capped():
    assert len(sanitize("a" * 300)) == MAX_NAME_CHARS
    name = sanitize("申" * 300 + ".pdf")
    assert len(name) == MAX_NAME_CHARS and name.endswith(".pdf")
    # an "extension" that is really a long name part is not kept whole
    assert len(sanitize("x." + "y" * 300)) == MAX_NAME_CHARS


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_name_becomes_a_safe_name(raw):
    name = sanitize(raw)
    assert 0 < len(name) <= MAX_NAME_CHARS
    assert "/" not in name and "\\" not in name and name not in (".", "..")
    assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    header = content_disposition(name)
    assert header.isascii() and "\r" not in header and "\n" not in header


@settings(max_examples=150, deadline=None)
@given(st.one_of(
    st.binary(max_size=2000).map(lambda b: b"%PDF-1.7\n" + b),
    st.tuples(st.integers(min_value=0, max_value=len(valid_pdf(2))), st.binary(max_size=40)).map(
        lambda cut: valid_pdf(2)[: cut[0]] + cut[1]),
))
def test_the_pdf_check_never_crashes_on_damaged_files(content):
    assert filetypes.pdf_problem(io.BytesIO(content)) in (None, "已损坏", "已加密")


def test_a_deployment_can_switch_pdf_parsing_off(make_app, dbsession):
    org = factories.organisation(dbsession, status="incomplete")
    testapp = make_app(**{"kjgl.upload_parse_pdf": "false"})
    login(testapp, factories.org_admin(dbsession, org).account)
    post_files(testapp, [("licence", "营业执照.pdf", GARBAGE_PDF)])
    assert count_files(dbsession, org) == 1
