"""Every event type the code can write reads as Chinese sentences: the
detail keys have titles and coded values their labels (issue 13 §4).

The events and their detail keys are found in the source (every
``record(…, "event", key=…)`` and ``ctx.audit("event", key=…)`` call of the
core and the bundled plugins), so a new event or key without a title fails
here."""
from __future__ import annotations

import ast
import json
import pathlib
import re
from collections import defaultdict

import pytest

import kjgl.core
import kjgl.plugins
from kjgl.core import factories
from kjgl.core.audit import REGISTRY_KEY
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.readable import Reader
from kjgl.core.review import services as review

SOURCES = (pathlib.Path(kjgl.core.__file__).parent, pathlib.Path(kjgl.plugins.__file__).parent)
RESERVED = {"user", "object_type", "object_id", "success", "ip", "request"}


def written_events() -> dict[str, set[str]]:
    """event → detail keys, from the source; events named by a variable
    are collected under ``None`` (their keys apply to each of them)."""
    found: dict = defaultdict(set)
    for path in [p for root in SOURCES for p in root.rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name not in ("record", "audit"):
                continue
            event = next((a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)),
                         None)
            found[event] |= {k.arg for k in node.keywords if k.arg and k.arg not in RESERVED}
    return found


# the keys a call passes on with **detail (review_export's filters, rows, columns)
SPREAD = {"filing_export_excel": {"filters", "rows", "columns"},
          "filing_export_excel_full": {"filters", "rows", "columns"}}

# raw values as the services write them; none of these may show through
RAW = {
    "decision": "approve", "state": "approved", "step": 0, "grade": "优秀", "score": "92.5",
    "kind": "filing_word", "added": ["makerspace"], "removed": ["incubator"], "grants_removed": ["makerspace"],
    "source_type": "makerspace.submission", "fields": ["contact_mobile"], "masked": ["contact_mobile"],
    "slot": "signature", "method": "sms", "columns": "all",
    "changes": {"state": ["draft", "submitted"], "last_opinion": ["", "同意"]},
}
CODES = ("approve", "approved", "draft", "submitted", "makerspace", "incubator", "filing_word", "signature",
         "sms", "contact_mobile", "last_opinion", "org_admin", "\"all\"", "state", "pending", "active")


def sample(key: str, event: str, district_id: int):
    if key == "kind" and event == "register":
        return "org_admin"
    if key == "filters":
        return {"state": "submitted", "district": str(district_id), "year": "2026"}
    if key == "changes" and event in ("org_review", "org_submit"):
        return {"status": ["pending", "active"]}
    return RAW.get(key, "示例")


def object_type_of(event: str) -> tuple[str, int | None]:
    if event.startswith(("filing_", "attachment_", "document_")):
        return "makerspace.submission", None
    if event.startswith("org_"):
        return "organisation", None
    if event.startswith("batch_"):
        return "review_batch", None
    return "user", None


def test_every_event_type_reads_without_a_raw_key_or_code(app, dbsession):
    registry = app.app.registry
    events = registry[REGISTRY_KEY]
    written = written_events()
    dynamic_keys = written.pop(None, set())
    assert set(written) <= set(events), f"events written without a title: {sorted(set(written) - set(events))}"

    org = factories.organisation(dbsession, name="天津样例科技有限公司")
    person = factories.user(dbsession, "individual", organisation=org, name="张敏")
    city = factories.user(dbsession, "agency", agency_code="tj")
    batch = review.open_batch(dbsession, "makerspace", 2031, __import__("datetime").date(2031, 12, 31), city)
    sub = review.create_draft(dbsession, module_key="makerspace", kind="makerspace", batch=batch, organisation=org,
                              applicant=person, title="样例众创空间", today=batch.deadline)
    district = factories.agency(dbsession, "tj-d01")
    ids = {"makerspace.submission": sub.id, "organisation": org.id, "review_batch": batch.id, "user": person.id}

    rows = []
    for event in events:
        keys = (written.get(event) or dynamic_keys) | SPREAD.get(event, set())
        object_type, _ = object_type_of(event)
        detail = {k: sample(k, event, district.id) for k in sorted(keys)}
        rows.append(AuditEvent(event=event, object_type=object_type, object_id=str(ids[object_type]),
                               detail=json.dumps(detail, ensure_ascii=False), success=True))
    reader = Reader(dbsession, registry, rows)
    problems = []
    for row in rows:
        title = reader.event_title(row)
        if not re.search(r"[\u4e00-\u9fff]", title):
            problems.append(f"{row.event}: event title {title!r}")
        for key, (shown, text) in zip(json.loads(row.detail), reader.details(row)):
            if shown == key or not re.search(r"[\u4e00-\u9fff]", shown):
                problems.append(f"{row.event}: key {key!r} shown as {shown!r}")
            for code in CODES:
                if re.search(rf"(?<![A-Za-z_]){re.escape(code)}(?![A-Za-z_])", text):
                    problems.append(f"{row.event}: {shown}：{text} shows the code {code!r}")
        obj = reader.object_text(row)
        if not re.search(r"“.+”", obj):
            problems.append(f"{row.event}: object {obj!r} without its name")
    assert not problems, "\n".join(problems)


def test_sentences_name_the_module_step_decision_and_object(app, dbsession):
    registry = app.app.registry
    org = factories.organisation(dbsession, name="天津样例科技有限公司")
    city = factories.user(dbsession, "agency", agency_code="tj")
    batch = review.open_batch(dbsession, "makerspace", 2032, __import__("datetime").date(2032, 12, 31), city)
    person = factories.user(dbsession, "individual", organisation=org)
    sub = review.create_draft(dbsession, module_key="makerspace", kind="makerspace", batch=batch, organisation=org,
                              applicant=person, title="样例众创空间", today=batch.deadline)
    review_row = AuditEvent(event="filing_review", object_type="makerspace.submission", object_id=str(sub.id),
                            detail=json.dumps({"decision": "approve", "step": 0, "state": "submitted"}))
    batch_row = AuditEvent(event="batch_open", object_type="review_batch", object_id=str(batch.id),
                           detail=json.dumps({"year": 2032}))
    grant_row = AuditEvent(event="grant_change", object_type="user", object_id=str(person.id),
                           detail=json.dumps({"added": ["makerspace"], "removed": []}))
    reader = Reader(dbsession, registry, [review_row, batch_row, grant_row])
    assert reader.text(review_row) == "审核结果：审核通过；审核环节：区科技局初审；状态：审核中"
    assert reader.object_text(review_row) == "天津市众创空间绩效评估系统填报记录“样例众创空间”"
    assert "天津市众创空间绩效评估系统" in reader.object_text(batch_row)  # which subsystem's batch
    assert reader.text(grant_row) == "新增授权：天津市众创空间绩效评估系统；取消授权：无"


def test_the_log_page_reads_sentences_and_links_each_object(make_app, dbsession):
    from kjgl.core.audit.services import record
    from kjgl.core.testing import login

    auditor = factories.user(dbsession, "audit_admin")
    org = factories.organisation(dbsession, name="天津样例科技有限公司")
    record(dbsession, None, "org_review", user=auditor, object_type="organisation", object_id=org.id,
           decision="return", opinion="材料不全", changes={"status": ["pending", "returned"]})
    dbsession.flush()
    app = make_app()
    login(app, auditor.account)
    page = app.get("/admin/audit", {"event": "org_review"}).html
    row = page.select_one("table.list tbody tr")
    cells = row.select("td")
    assert "nowrap" in cells[4]["class"]  # 事件 does not wrap
    link = cells[5].select_one("a")
    assert link.text == "单位“天津样例科技有限公司”" and f"object_id={org.id}" in link["href"]
    detail = cells[7].text
    assert "审核结果：审核不通过（退回修改）" in detail and "审核意见：材料不全" in detail
    assert "returned" not in detail and "pending" not in detail
