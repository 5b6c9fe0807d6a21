"""Field-level return on a tabbed document (core, on the tests' own small
document type): what can be marked on each tab, the marks as the
applicant's pages place them, and what changed since the return —
fields, rows (edited, added, removed) and proofs, across the tabs."""
from __future__ import annotations

import datetime as dt

from webob.multidict import MultiDict

from kjgl.core.filings import marks, tabbed
from kjgl.core.review import services as review

from .tabbed_doc import CHAIN, DOC, RoomRow, TeamRow
from .test_tabbed_engine import PDF, Upload, complete, doc, post, room_row, team_row  # noqa: F401


def _returned(d, chosen: dict[str, str]):
    """Submitted, then returned by the accepting agency with ``chosen`` marks."""
    out, _ = tabbed.submit(d.ctx, DOC, CHAIN, d.sub, str(d.accepting.id))
    assert out.ok
    known = marks.titles(DOC, marks.targets(d.db, DOC, d.sub))
    params = MultiDict([("mark", name) for name in chosen] + [(f"mark_note.{k}", v) for k, v in chosen.items()])
    marked, errors = marks.posted(DOC, params, known)
    assert not errors
    event = review.decide(d.db, CHAIN, d.sub, d.accepting_user, decision="return", opinion="请按标记修改",
                          expected_version=d.sub.version)
    marks.keep(d.db, DOC, d.sub, event, marked)
    return marked


def _rows(d, model):
    return d.db.query(model).filter_by(submission_id=d.sub.id).order_by(model.position).all()


def test_every_tab_offers_its_fields_rows_proofs_and_slots(doc):
    complete(doc)
    room, team = _rows(doc, RoomRow)[0], _rows(doc, TeamRow)[0]
    found = {t.name: t for t in marks.targets(doc.db, DOC, doc.sub)}
    assert found["intro"].tab == "basic" and found["intro"].anchor == "field-intro"
    assert found[f"row.rooms.{room.id}"].title == "场地 · 场地第1行（10.00）"
    assert found[f"row.teams.{team.id}"].title == "团队和企业 · 团队第1行（甲团队）"
    assert found[f"proof.teams.{team.id}.deal"].anchor == f"field-teams-r{team.id}-deal"
    assert found["pledge"].tab == "pledge"
    assert not any(t.tab == "guide" for t in found.values())  # a page to read has nothing to mark
    assert "total_area" not in found  # computed figures are not marked


def test_a_name_not_offered_is_ignored_and_a_long_comment_is_named(doc):
    complete(doc)
    known = marks.titles(DOC, marks.targets(doc.db, DOC, doc.sub))
    marked, errors = marks.posted(DOC, MultiDict([("mark", "row.rooms.999999"), ("mark", "intro"),
                                                   ("mark_note.intro", "长" * 201)]), known)
    assert list(marked) == ["intro"] and "简介" in errors["marks"]


def test_the_applicant_sees_each_mark_on_its_tab_and_the_count_per_tab(doc):
    complete(doc)
    room, team = _rows(doc, RoomRow)[0], _rows(doc, TeamRow)[0]
    _returned(doc, {"intro": "简介太短", f"row.rooms.{room.id}": "", f"proof.teams.{team.id}.deal": "协议未盖章"})
    shown = marks.shown_marks(doc.db, DOC, doc.sub)
    assert shown.per_tab == {"basic": 1, "rooms": 1, "teams": 1}
    assert [(t.tab, t.anchor, note) for t, note in shown.listed] == [
        ("basic", "field-intro", "简介太短"), ("rooms", f"row-rooms-r{room.id}", "请修改"),
        ("teams", f"field-teams-r{team.id}-deal", "协议未盖章")]


def test_the_diff_since_the_return_covers_fields_rows_and_proofs_across_tabs(doc):
    complete(doc)
    room, team = _rows(doc, RoomRow)[0], _rows(doc, TeamRow)[0]
    _returned(doc, {"intro": "简介太短", f"row.rooms.{room.id}": "面积不对", "founded": "核对日期",
                    f"proof.teams.{team.id}.deal": "协议未盖章"})
    assert post(doc, "basic", [("intro", "更完整的简介"), ("founded", "2020-01-02")]).ok
    assert post(doc, "rooms", room_row(f"r{room.id}", "12", "1", "2") + [(f"rooms-r{room.id}-id", str(room.id))]
                + room_row("n2", "5", "1", "1")).ok
    assert post(doc, "teams", team_row(f"r{team.id}", row_id=str(team.id), deal=Upload("盖章协议.pdf", PDF))).ok
    out, _ = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(doc.accepting.id))
    assert out.ok
    doc.db.expire_all()  # read back as stored, as the reviewer's next request does
    lines = marks.changes_since_return(doc.db, DOC, doc.sub)
    assert "基础信息 · 简介：简介 → 更完整的简介" in lines
    assert "场地 · 第1行（面积：10.00）· 面积：10.00 → 12.00" in lines
    assert not any("公共面积：1.00 → 1" in line for line in lines)  # unchanged cells are not listed
    assert "场地：新增第2行（面积：5.00）" in lines
    assert "团队和企业 · 团队 · 第1行（团队名称：甲团队）· 证明材料：新增 盖章协议.pdf；删除 协议.pdf" in lines
    assert "已标记但未修改：基础信息 · 成立日期" in lines
    done = next(line for line in lines if line.startswith("已标记并已修改"))
    assert "简介" in done and "场地第1行" in done and "入驻协议" in done


def test_a_record_never_returned_has_no_diff_and_no_marks(doc):
    complete(doc)
    out, _ = tabbed.submit(doc.ctx, DOC, CHAIN, doc.sub, str(doc.accepting.id))
    assert marks.changes_since_return(doc.db, DOC, doc.sub) is None
    assert marks.shown_marks(doc.db, DOC, doc.sub) is None
