"""The tabbed document engine on a small document type declared in the tests:
tab saves, detail-table rows and their rules, figures, per-row proofs,
submission to a chosen agency and the stored route."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from webob.multidict import MultiDict

from kjgl.core import factories
from kjgl.core.attachments.storage import DirectoryStorage
from kjgl.core.filings import services, tabbed
from kjgl.core.review import services as review
from kjgl.core.testing import valid_pdf

from .tabbed_doc import CHAIN, DOC, DocBase, FirmRow, RoomRow, TeamRow

TODAY = dt.date.today()
CODE = "911201160000000011"  # a credit code whose check character is right
PDF = valid_pdf()


class Upload:
    def __init__(self, filename, body):
        self.filename, self.file = filename, io.BytesIO(body)


@pytest.fixture
def doc(dbsession, tmp_path):
    DocBase.metadata.create_all(dbsession.connection(),
                                 tables=[t for n, t in DocBase.metadata.tables.items() if n != "submission"])
    org = factories.organisation(dbsession)
    applicant = factories.user(dbsession, "individual", organisation=org)
    accepting = factories.agency(dbsession, "tj")
    other = factories.agency(dbsession, "tj-d02")
    accepting_user = factories.user(dbsession, "agency", agency_code="tj")
    other_user = factories.user(dbsession, "agency", agency_code="tj-d02")
    batch = review.open_batch(dbsession, "testdoc", TODAY.year, TODAY + dt.timedelta(days=30), accepting_user,
                              cutoff_on=TODAY, window_start=dt.date(TODAY.year - 1, 11, 1), window_end=TODAY)
    settings = {"kjgl.upload_max_bytes": 10 * 1024 * 1024, "kjgl.upload_parse_pdf": "true",
                "kjgl.upload_max_files": 20,
                "kjgl.accepting.testdoc": f"{accepting.code} {other.code}"}
    ctx = tabbed.Context(db=dbsession, actor=applicant, settings=settings, storage=DirectoryStorage(str(tmp_path)))
    sub = tabbed.create(ctx, DOC, title="测试众创空间")

    class D:
        pass
    d = D()
    d.__dict__.update(db=dbsession, ctx=ctx, sub=sub, batch=batch, accepting=accepting, other=other,
                      accepting_user=accepting_user, other_user=other_user)
    return d


def post(d, tab, fields=(), version=None):
    params = MultiDict(fields)
    return tabbed.save_tab(d.ctx, DOC, d.sub, DOC.tab(tab), params, version)


def team_row(tok, name="甲团队", status="在孵", members="5", left_on="", funded="否", amount="", row_id="", deal=None):
    out = [("teams-rows", tok), (f"teams-{tok}-name", name), (f"teams-{tok}-status", status),
           (f"teams-{tok}-members", members), (f"teams-{tok}-left_on", left_on),
           (f"teams-{tok}-funded", funded), (f"teams-{tok}-amount", amount), (f"teams-{tok}-id", row_id)]
    if deal:
        out.append((f"teams-{tok}-deal", deal))
    return out


def room_row(tok, area, shared, office, seats="2"):
    return [("rooms-rows", tok), (f"rooms-{tok}-area", area), (f"rooms-{tok}-shared", shared),
            (f"rooms-{tok}-office", office), (f"rooms-{tok}-seats", seats)]


def data(d):
    return services.content(d.db, DOC, d.sub).data


def test_a_tab_save_leaves_the_other_tabs_untouched(doc):
    assert post(doc, "basic", [("intro", "简介一"), ("founded", "2020-01-02")]).ok
    assert post(doc, "rooms", room_row("n1", "10", "1", "2")).ok
    assert post(doc, "teams", team_row("n1")).ok
    stored = data(doc)
    assert stored["intro"] == "简介一" and stored["founded"] == "2020-01-02"
    assert post(doc, "basic", [("intro", "简介二")]).ok  # founded cleared on this tab only
    assert data(doc)["intro"] == "简介二" and "founded" not in data(doc)
    assert doc.db.query(RoomRow).count() == 1 and doc.db.query(TeamRow).count() == 1


def test_figures_are_computed_from_rows_and_never_taken_from_the_client(doc):
    out = post(doc, "rooms", room_row("n1", "10", "1", "2") + room_row("n2", "5.5", "0.5", "1") +
               [("total_area", "999"), ("share", "100")])
    assert out.ok, out.errors
    stored = data(doc)
    assert (stored["total_area"], stored["shared_area"], stored["office_area"]) == ("15.50", "1.50", "3.00")
    assert stored["room_count"] == "2"
    assert stored["share"] == "29.0"  # (1.5 + 3) / 15.5 = 29.03 %


def test_a_zero_total_gives_no_ratio_not_an_error(doc):
    assert post(doc, "rooms", room_row("n1", "0", "0", "0")).ok
    assert data(doc)["share"] == ""
    from kjgl.core.filings.tabs import shown
    share = next(f for f in DOC.figures if f.name == "share")
    assert shown(share, None) == "—" and shown(share, Decimal("30")) == "30.0 %"


def test_a_part_above_its_rows_area_is_refused_naming_the_row(doc):
    out = post(doc, "rooms", room_row("n1", "10", "6", "5"))
    assert not out.ok
    assert "场地第1行" in out.errors["rooms-n1-shared"] and "不能大于面积" in out.errors["rooms-n1-shared"]
    assert doc.db.query(RoomRow).count() == 0


def test_a_value_for_a_cell_not_fillable_is_refused_with_the_cells_message(doc):
    out = post(doc, "teams", team_row("n1", status="在孵", left_on="2024-01-01"))
    assert not out.ok
    assert out.errors["teams-n1-left_on"] == "团队第1行（甲团队）：在孵的团队“迁出时间”为不可填项目，请清空"
    out = post(doc, "teams", team_row("n1", status="迁出", members="3", left_on="2024-01-01"))
    assert "迁出的团队“人数”为不可填项目" in out.errors["teams-n1-members"]
    assert post(doc, "teams", team_row("n1", status="迁出", members="", left_on="2024-01-01")).ok


def test_rows_are_added_edited_removed_and_keep_their_order(doc):
    assert post(doc, "teams", team_row("n1", name="甲") + team_row("n2", name="乙")).ok
    a, b = doc.db.query(TeamRow).order_by(TeamRow.position).all()
    assert (a.name, b.name) == ("甲", "乙")
    # 乙 first, 甲 renamed, a new 丙 at the end
    assert post(doc, "teams", team_row(f"r{b.id}", name="乙", row_id=str(b.id)) +
                team_row(f"r{a.id}", name="甲二", row_id=str(a.id)) + team_row("n9", name="丙")).ok
    rows = doc.db.query(TeamRow).order_by(TeamRow.position).all()
    assert [r.name for r in rows] == ["乙", "甲二", "丙"] and rows[0].id == b.id and rows[1].id == a.id
    assert post(doc, "teams", team_row(f"r{a.id}", name="甲二", row_id=str(a.id))).ok
    assert [r.name for r in doc.db.query(TeamRow).all()] == ["甲二"]
    assert data(doc)["team_count"] == "1"


def test_a_row_id_of_another_document_is_refused(doc, dbsession):
    other = tabbed.create(doc.ctx, DOC, title="另一个空间")
    assert tabbed.save_tab(doc.ctx, DOC, other, DOC.tab("teams"), MultiDict(team_row("n1")), None).ok
    foreign = dbsession.query(TeamRow).filter_by(submission_id=other.id).one()
    out = post(doc, "teams", team_row("x1", name="篡改", row_id=str(foreign.id)))
    assert not out.ok and "不属于本申报书" in out.errors["teams-x1-id"]
    assert dbsession.get(TeamRow, foreign.id).name == "甲团队"


def test_a_team_name_not_in_the_teams_table_is_refused(doc):
    assert post(doc, "teams", team_row("n1", name="甲团队") + [
        ("firms-rows", "f1"), ("firms-f1-name", "某公司"), ("firms-f1-credit_code", CODE),
        ("firms-f1-team", "乙团队"), ("firms-f1-event_on", TODAY.isoformat())]).errors["firms-f1-team"] \
        .endswith("须从已填写的团队中选择（“乙团队”不在列表中）")
    assert post(doc, "teams", team_row("n1", name="甲团队") + [
        ("firms-rows", "f1"), ("firms-f1-name", "某公司"), ("firms-f1-credit_code", CODE),
        ("firms-f1-team", "甲团队"), ("firms-f1-event_on", TODAY.isoformat())]).ok


def test_a_date_outside_the_batch_window_is_refused(doc):
    late = TODAY + dt.timedelta(days=1)
    out = post(doc, "teams", [("firms-rows", "f1"), ("firms-f1-name", "某公司"), ("firms-f1-credit_code", CODE),
                              ("firms-f1-event_on", late.isoformat())])
    assert "须在" in out.errors["firms-f1-event_on"] and f"{late.year}年{late.month}月{late.day}日" in \
        out.errors["firms-f1-event_on"]


def test_a_credit_code_with_a_wrong_check_character_is_refused(doc):
    out = post(doc, "teams", [("firms-rows", "f1"), ("firms-f1-name", "某公司"),
                              ("firms-f1-credit_code", CODE[:-1] + "2"), ("firms-f1-event_on", TODAY.isoformat())])
    assert "统一社会信用代码" in out.errors["firms-f1-credit_code"]


def test_required_when_and_proofs_are_listed_at_submit_with_their_tab(doc):
    assert post(doc, "teams", team_row("n1", funded="是", amount="")).ok  # 保存 keeps the partial row
    found = {(p.tab, p.key): p.message for p in tabbed.problems(doc.db, DOC, doc.sub)}
    assert "获得融资的团队须填写“融资金额”" in found[("teams", f"teams-r{doc.db.query(TeamRow).one().id}-amount")]
    assert any(k[0] == "teams" and k[1].endswith("-deal") for k in found)  # every team uploads its agreement
    assert ("pledge", "pledge") in found and ("basic", "intro") in found
    assert tabbed.completeness(doc.db, DOC, doc.sub)["guide"] == 0


def test_row_proofs_are_pdf_only_and_at_most_3_mb(doc):
    out = post(doc, "rooms", room_row("n1", "10", "1", "2") + [("rooms-n1-proof", Upload("证明.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100))])
    assert not out.ok and "证明材料" in out.errors["rooms-n1-proof"]  # the row is saved, the file is not
    big = PDF + b"%" + b"0" * (3 * 1024 * 1024)
    row = doc.db.query(RoomRow).one()
    out = post(doc, "rooms", room_row(f"r{row.id}", "10", "1", "2") + [("rooms-r%d-id" % row.id, str(row.id)),
                                                                      (f"rooms-r{row.id}-proof", Upload("大.pdf", big))])
    assert out.errors[f"rooms-r{row.id}-proof"] == "证明材料：文件“大.pdf”超过3MB，未上传，请压缩或拆分后重新上传"
    out = post(doc, "rooms", room_row(f"r{row.id}", "10", "1", "2") + [("rooms-r%d-id" % row.id, str(row.id)),
                                                                      (f"rooms-r{row.id}-proof", Upload("证明.pdf", PDF))])
    assert out.ok, out.errors
    files = tabbed.row_files(doc.db, DOC, DOC.tab("rooms").tables[0], [row.id])
    assert [a.filename for a in files[row.id]["proof"]] == ["证明.pdf"]
    # a refused new proof leaves the row's proof in place; an accepted one replaces it
    post(doc, "rooms", room_row(f"r{row.id}", "10", "1", "2") + [("rooms-r%d-id" % row.id, str(row.id)),
                                                                (f"rooms-r{row.id}-proof", Upload("坏.png", b"\x89PNG\r\n\x1a\n0"))])
    post(doc, "rooms", room_row(f"r{row.id}", "10", "1", "2") + [("rooms-r%d-id" % row.id, str(row.id))])
    files = tabbed.row_files(doc.db, DOC, DOC.tab("rooms").tables[0], [row.id])
    assert [a.filename for a in files[row.id]["proof"]] == ["证明.pdf"]
    assert post(doc, "rooms", room_row(f"r{row.id}", "10", "1", "2") + [
        ("rooms-r%d-id" % row.id, str(row.id)), (f"rooms-r{row.id}-proof", Upload("新证明.pdf", PDF))]).ok
    files = tabbed.row_files(doc.db, DOC, DOC.tab("rooms").tables[0], [row.id])
    assert [a.filename for a in files[row.id]["proof"]] == ["新证明.pdf"]


def complete(doc):
    assert post(doc, "basic", [("intro", "简介"), ("founded", "2020-01-02")]).ok
    assert post(doc, "rooms", room_row("n1", "10", "1", "2")).ok
    assert post(doc, "teams", team_row("n1", deal=Upload("协议.pdf", PDF))).ok
    assert post(doc, "pledge", [("pledge", Upload("承诺书.pdf", PDF))]).ok
    assert tabbed.problems(doc.db, DOC, doc.sub) == []


def test_submit_needs_an_accepting_agency_then_locks_and_routes_to_it(doc):
    complete(doc)
    out, found = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, "")
    assert not out.ok and out.errors == {"agency": "请选择受理机构"}
    stranger = factories.agency(doc.db, "tj-d03")
    out, _ = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(stranger.id))  # not accepting for this module
    assert not out.ok
    out, _ = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(doc.accepting.id))
    assert out.ok and doc.sub.state == "submitted"
    assert review.step_agency(doc.db, doc.sub, CHAIN, 0).id == doc.accepting.id
    assert review.can_decide(doc.db, CHAIN, doc.sub, doc.accepting_user)
    assert not review.can_decide(doc.db, CHAIN, doc.sub, doc.other_user)  # another accepting agency
    with pytest.raises(review.NotEditable):
        post(doc, "basic", [("intro", "改")])


def test_submit_lists_every_problem(doc):
    out, found = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(doc.accepting.id))
    assert not out.ok and doc.sub.state == "draft"
    assert {p.tab for p in found} == {"basic", "pledge"} and str(len(found)) in out.message


def test_the_route_stays_as_stored_when_the_tree_changes(doc):
    complete(doc)
    assert tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(doc.accepting.id))[0].ok
    doc.ctx.settings["kjgl.accepting.testdoc"] = doc.other.code  # the deployment changes its list
    assert review.can_decide(doc.db, CHAIN, doc.sub, doc.accepting_user)
    assert not review.can_decide(doc.db, CHAIN, doc.sub, doc.other_user)
