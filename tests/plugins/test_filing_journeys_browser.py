"""Issue 3 §5: one journey per evaluation plugin in headless Chromium on the
demo deployment — fill, 暂存, export Word, upload, submit, the district
returns it, the applicant sees the opinion, fixes and resubmits, the district
forwards, the city grades, the applicant sees the grade."""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from docx import Document

from kjgl.core.filings.types import FilingType
from kjgl.plugins.incubator import samples as incubator_samples
from kjgl.plugins.incubator.schemas import FILING as INCUBATOR
from kjgl.plugins.makerspace import samples as makerspace_samples
from kjgl.plugins.makerspace.schemas import FILING as MAKERSPACE
from kjgl.core.testing import valid_pdf

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "Demo@2026"
ORGANISATION = "天津和平创客空间管理有限公司"
OPINION = "请补充场地证明"
PDF = valid_pdf()


@dataclass(frozen=True)
class Journey:
    filing: FilingType
    values: dict[str, str]
    changed: tuple[str, str]  # the field the applicant corrects after the return, and its new value


JOURNEYS = {
    # the demo draft already holds the sample's carrier: one record per carrier per batch
    "makerspace": Journey(MAKERSPACE, makerspace_samples.evaluation_sample(name="和平浏览器测试众创空间"),
                          ("workstations", "300")),
    # the sample sits in 西青区; the demo applicant's reviewer is 和平区
    "incubator": Journey(INCUBATOR, incubator_samples.evaluation_sample(
        name="和平浏览器测试孵化器", district="和平区", address="天津市和平区南京路189号科技大厦6层"),
        ("platforms", "7")),
}


def shot(page, name: str) -> None:
    if os.environ.get("KJGL_SCREENSHOTS") == "1":
        out = os.path.join("test-artifacts", "journey-filings")
        os.makedirs(out, exist_ok=True)
        page.screenshot(path=os.path.join(out, name + ".png"), full_page=True)


@pytest.fixture
def sign_in(browser, live_server, request):
    """Log a demo account in, in a browser context of its own; every page is
    closed at the end (after a screenshot of each when the test failed)."""
    pages = {}

    def sign_in(account: str):
        page = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}).new_page()
        page.goto(live_server + "/login")
        page.fill("#account", account)
        page.fill("#password", DEMO_PASSWORD)
        follow(page, "form[action$='/login'] button[type=submit]")
        assert "/login" not in page.url, account
        pages[account] = page
        return page

    yield sign_in
    report = getattr(request.node, "rep_call", None)
    for account, page in pages.items():
        if report is not None and report.failed:
            out = os.environ.get("KJGL_ARTIFACTS", "test-artifacts")
            os.makedirs(out, exist_ok=True)
            page.screenshot(path=os.path.join(out, f"{request.node.name}-{account}.png"), full_page=True)
        page.context.close()


def follow(page, target, url=None) -> None:
    """Click a link or button that loads another page, and wait until it has
    loaded (also when it loads the same address again)."""
    with page.expect_navigation(**({"url": url} if url is not None else {})):
        (page.locator(target) if isinstance(target, str) else target).click()


def open_menu(page, title: str) -> None:
    follow(page, f"aside.menu a:text-is('{title}')")


def row(page, name: str):
    rows = page.locator("table.list tbody tr", has_text=name)
    assert rows.count() == 1
    return rows


def editable_fields(filing: FilingType):
    return [f for f in filing.fields if not f.readonly]


def fill_form(page, filing: FilingType, values: dict[str, str]) -> None:
    for f in editable_fields(filing):
        value = values[f.name]
        if f.kind == "select":
            page.select_option(f"#{f.name}", value)
        elif f.kind == "radio":
            page.check(f"input[name='{f.name}'][value='{value}']")
        else:  # a field shown only after its radio is chosen must be visible by now
            page.fill(f"#{f.name}", value)


def assert_form_holds(page, filing: FilingType, values: dict[str, str]) -> None:
    for f in editable_fields(filing):
        expected = values[f.name]
        if f.kind == "radio":
            assert page.is_checked(f"input[name='{f.name}'][value='{expected}']"), f.name
            continue
        shown = page.input_value(f"#{f.name}")
        if f.kind == "decimal":
            assert Decimal(shown) == Decimal(expected), f.name
        else:
            assert shown == expected, f.name


def save(page) -> None:
    follow(page, ".sticky-actions button[value=save]", re.compile(r"/\d+/edit$"))


def review_as(page, filing: FilingType, name: str):
    open_menu(page, f"{filing.noun}绩效评估审核")
    follow(page, row(page, name).locator("a:text-is('审核')"))


def decide(page, filing: FilingType) -> None:
    follow(page, "#decision-form button[type=submit]", re.compile(rf"/{filing.module_key}/review/$"))


@pytest.mark.parametrize("key", sorted(JOURNEYS))
def test_evaluation_journey(key, sign_in, tmp_path):
    journey = JOURNEYS[key]
    filing, values = journey.filing, journey.values
    name = values[filing.name_field]

    # 1. the applicant fills the evaluation and saves it (暂存)
    applicant = sign_in("zhangmin")
    open_menu(applicant, filing.title)
    follow(applicant, "a.btn:text-is('增加')", re.compile(rf"/{key}/new$"))
    assert applicant.input_value("#operator_name") == ORGANISATION  # taken from the organisation, read-only
    fill_form(applicant, filing, values)
    shot(applicant, f"{key}-01-new-filled")
    save(applicant)
    assert "已暂存" in applicant.locator(".flash").inner_text()
    follow(applicant, "a:text-is('返回列表')", re.compile(rf"/{key}/$"))
    record = row(applicant, name)
    assert record.locator(".status").inner_text() == "暂存"
    shot(applicant, f"{key}-02-list-draft")
    follow(applicant, record.locator("a:text-is('编辑')"), re.compile(r"/\d+/edit$"))
    assert_form_holds(applicant, filing, values)
    edit_url = applicant.url

    # 2. 导出Word: the document carries the title and the carrier
    with applicant.expect_download() as download:
        applicant.click(".sticky-actions a:text-is('导出Word')")
    document = Document(download.value.path())
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert filing.document_title.format(year=dt.date.today().year) in paragraphs
    assert name in cells and ORGANISATION in cells

    # 3. the signed page and one supporting file are uploaded with 暂存
    signed = tmp_path / "签章页.pdf"
    signed.write_bytes(PDF)
    proof = tmp_path / "证明材料.pdf"
    proof.write_bytes(PDF)
    slot = filing.slots[0].name
    applicant.set_input_files("#signature", str(signed))
    applicant.set_input_files(f"#{slot}", str(proof))
    save(applicant)
    for slot_name, filename in (("signature", "签章页.pdf"), (slot, "证明材料.pdf")):
        uploaded = applicant.locator(f"#field-{slot_name} ul.files li")
        assert uploaded.count() == 1
        assert filename in uploaded.inner_text() and "上传成功" in uploaded.inner_text()
    shot(applicant, f"{key}-03-edit-uploaded")

    # 4. 提交 from the list, through its confirmation
    follow(applicant, "a:text-is('返回列表')", re.compile(rf"/{key}/$"))
    applicant.once("dialog", lambda dialog: dialog.accept())
    follow(applicant, row(applicant, name).locator("button:text-is('提交')"), re.compile(rf"/{key}/$"))
    assert "已提交至区科技局审核" in applicant.locator(".flash").inner_text()
    record = row(applicant, name)
    assert record.locator(".status").inner_text() == "审核中"
    assert record.locator("a:text-is('编辑')").count() == 0
    shot(applicant, f"{key}-04-list-submitted")

    # 5. the district returns it: the opinion is required
    district = sign_in("hepingkj")
    review_as(district, filing, name)
    shot(district, f"{key}-05-district-detail")
    district.check("#decision-form input[name=decision][value=return]")
    follow(district, "#decision-form button[type=submit]")
    assert district.locator("#field-opinion .error").inner_text() == "审核不通过时必须填写审批意见"
    shot(district, f"{key}-06-district-opinion-missing")
    district.check("#decision-form input[name=decision][value=return]")
    district.get_by_label("审批意见").fill(OPINION)
    decide(district, filing)
    assert "已退回申报单位" in district.locator(".flash").inner_text()

    # 6. the applicant sees the opinion, corrects one value and submits again
    open_menu(applicant, filing.title)
    record = row(applicant, name)
    assert record.locator(".status").inner_text() == "审核不通过"
    assert record.locator("td.opinion").inner_text() == OPINION
    shot(applicant, f"{key}-07-list-returned")
    follow(applicant, record.locator("a:text-is('编辑')"), edit_url)
    assert OPINION in applicant.locator(".notice.bad").inner_text()
    field, new_value = journey.changed
    label = next(f.label for f in filing.fields if f.name == field)
    applicant.fill(f"#{field}", new_value)
    shot(applicant, f"{key}-08-edit-returned")
    applicant.once("dialog", lambda dialog: dialog.accept())  # 提交 asks first (issue 13 §5)
    follow(applicant, ".sticky-actions button[value=submit]", re.compile(rf"/{key}/$"))
    assert row(applicant, name).locator(".status").inner_text() == "审核中"
    follow(applicant, row(applicant, name).locator("a:text-is('查看')"), re.compile(r"/\d+$"))
    assert applicant.locator(f"dt:has-text('{label}') + dd").inner_text() == new_value

    # 7. the district forwards it, the city grades it
    review_as(district, filing, name)
    assert district.locator(f"dt:has-text('{label}') + dd").inner_text() == new_value
    district.check("#decision-form input[name=decision][value=approve]")
    decide(district, filing)
    assert "已审核通过" in district.locator(".flash").inner_text()

    city = sign_in("tjkjj")
    open_menu(city, f"{filing.noun}绩效评估审核")
    assert "市科技局评价" in row(city, name).inner_text()
    review_as(city, filing, name)
    city.check("#decision-form input[name=decision][value=approve]")
    city.get_by_label("评价等级").select_option("良好")
    city.get_by_label("评分").fill("85")
    shot(city, f"{key}-09-city-grading")
    decide(city, filing)
    assert "评价等级：良好" in city.locator(".flash").inner_text()
    assert row(city, name).locator(".status").inner_text() == "审核通过"

    # 8. the applicant sees the grade
    open_menu(applicant, filing.title)
    record = row(applicant, name)
    assert "评价等级：良好" in record.inner_text()
    assert record.locator("a:text-is('编辑')").count() == 0
    shot(applicant, f"{key}-10-list-graded")
