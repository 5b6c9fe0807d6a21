"""申报事项: the credit rating (apply → rated by the city) and the innovation
voucher (apply → approve / return → redeem by the district), their lists,
scoping, and the two voucher statistics tables against a hand-counted
fixture — every cell, 合计 included, drills through to a list whose count
and sums equal it."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
from decimal import Decimal

import openpyxl
import pytest

from kjgl.core import factories
from kjgl.plugins.enterprise_registry import declaration_queries as dq
from kjgl.plugins.enterprise_registry import declaration_services as ds
from kjgl.plugins.enterprise_registry.declaration_models import Rating, Voucher

from .helpers import client, csrf, ctx, listed_enterprise, reviewer

AG = "/enterprise-registry/agency"
THIS_YEAR = str(dt.date.today().year)
LAST_YEAR = str(dt.date.today().year - 1)


def city(db):
    return factories.user(db, "agency", agency_code="cq")


def _rating_form(**kw):
    return {"year": LAST_YEAR, "rd_expense": "800.50", "rd_staff": "12", "ip_count": "7", "revenue": "12000",
            "note": "", **kw}


def _voucher(db, org, user, kind="研发设计", amount="10.00", year=LAST_YEAR, state="applied", redeemed=None):
    """A voucher taken through the services to ``state``."""
    v = ds.apply_voucher(ctx(db, user), org, {"year": year, "kind": kind, "amount": amount, "purpose": "委托检测"})
    if state in ("approved", "redeemed", "returned"):
        decider = reviewer(db, "cq-d01" if v.agency_id == _agency_id(db, "cq-d01") else "cq-d02")
        ds.decide_voucher(ctx(db, decider), v, {"decision": "return" if state == "returned" else "approve",
                                                "opinion": "材料不全" if state == "returned" else ""})
        if state == "redeemed":
            ds.redeem_voucher(ctx(db, decider), v, {"redeemed_amount": redeemed or amount,
                                                    "redeemed_on": dt.date.today().isoformat()})
    return v


def _agency_id(db, code):
    return factories.agency(db, code).id


# --- the credit rating ---------------------------------------------------------------------

def test_rating_apply_validates_each_field_and_one_per_year(dbsession):
    org, user, enterprise = listed_enterprise(dbsession)
    with pytest.raises(ds.Invalid) as exc:
        ds.apply_rating(ctx(dbsession, user), org, {"year": "1999", "rd_expense": "-1", "rd_staff": "x"})
    assert set(exc.value.errors) == {"year", "rd_expense", "rd_staff", "ip_count", "revenue"}
    assert "研发投入" in exc.value.errors["rd_expense"] and "研发人员数" in exc.value.errors["rd_staff"]
    rating = ds.apply_rating(ctx(dbsession, user), org, _rating_form())
    assert (rating.state, rating.agency_id, rating.year) == ("applied", enterprise.agency_id, int(LAST_YEAR))
    with pytest.raises(ds.Invalid) as exc:
        ds.apply_rating(ctx(dbsession, user), org, _rating_form())
    assert "已申请" in exc.value.errors["year"]


def test_an_enterprise_not_listed_cannot_apply(dbsession):
    from .helpers import filer, submitted_basic

    org, user = filer(dbsession)
    submitted_basic(dbsession, org, user)
    with pytest.raises(ds.Invalid) as exc:
        ds.apply_voucher(ctx(dbsession, user), org, {"year": LAST_YEAR, "kind": "研发设计", "amount": "1"})
    assert "已入库" in exc.value.errors["year"]


def test_rating_flow_in_the_browser_apply_then_the_city_rates(make_app, dbsession):
    org, user, enterprise = listed_enterprise(dbsession)
    app = client(make_app, user)
    page = app.get("/enterprise-registry/declarations/")
    form = page.forms[1] if "rating" in page.forms[1].action else page.forms[0]
    res = app.post("/enterprise-registry/declarations/rating", {"csrf_token": csrf(app), "year": ""}, status=400)
    assert "请选择年份" in res.text and "研发投入不能为空" in res.text
    app.post("/enterprise-registry/declarations/rating", {"csrf_token": csrf(app), **_rating_form()}, status=303)
    rating = dbsession.query(Rating).one()
    assert form is not None and rating.rd_expense == Decimal("800.50")

    district = client(make_app, reviewer(dbsession, "cq-d01"))
    detail = district.get(f"{AG}/ratings/{rating.id}")
    assert "录入评价结果" not in detail.text  # the district sees, the city rates
    district.post(f"{AG}/ratings/{rating.id}/rate", {"csrf_token": csrf(district), "level": "AA", "score": "85"},
                  status=403)
    bureau = client(make_app, city(dbsession))
    res = bureau.post(f"{AG}/ratings/{rating.id}/rate", {"csrf_token": csrf(bureau), "level": "AAAA", "score": "101"},
                      status=400)
    assert "信用等级" in res.text and "评分" in res.text
    bureau.post(f"{AG}/ratings/{rating.id}/rate", {"csrf_token": csrf(bureau), "level": "AA", "score": "85.5"},
                status=303)
    dbsession.refresh(rating)
    assert (rating.state, rating.level, rating.score) == ("rated", "AA", Decimal("85.5"))
    from kjgl.core.audit.models import AuditEvent
    assert dbsession.query(AuditEvent).filter_by(event="rating_result", object_id=str(rating.id)).count() == 1 or \
        dbsession.query(AuditEvent).filter_by(event="rating_result").count() == 1


def _ratings_world(db):
    made = []
    for code, district, name, level, year in (("cq-d01", "万州区", "重庆甲科技有限公司", "AAA", LAST_YEAR),
                                              ("cq-d01", "万州区", "重庆乙科技有限公司", "A", LAST_YEAR),
                                              ("cq-d01", "万州区", "重庆丙科技有限公司", "AAA", THIS_YEAR),
                                              ("cq-d02", "黔江区", "重庆丁科技有限公司", "AAA", LAST_YEAR)):
        org, user, _ = listed_enterprise(db, code, district, name=name)
        rating = ds.apply_rating(ctx(db, user), org, _rating_form(year=year))
        ds.rate(ctx(db, city(db)), rating, {"level": level, "score": "90"})
        made.append(rating)
    return made


def _detail_ids(text, what):
    return [int(i) for i in re.findall(rf'/agency/{what}/(\d+)(?:\?[^"]*)?">查看', text)]


def test_ratings_list_filters_scope_and_export(make_app, dbsession):
    made = _ratings_world(dbsession)
    district = client(make_app, reviewer(dbsession, "cq-d01"))
    assert _detail_ids(district.get(f"{AG}/ratings/").text, "ratings") == [r.id for r in made[:3]][::-1]
    assert _detail_ids(district.get(f"{AG}/ratings/", {"level": "AAA", "year": LAST_YEAR}).text,
                       "ratings") == [made[0].id]
    assert _detail_ids(district.get(f"{AG}/ratings/", {"q": "乙科"}).text, "ratings") == [made[1].id]
    district.get(f"{AG}/ratings/{made[3].id}", status=404)  # another district's
    book = openpyxl.load_workbook(io.BytesIO(district.get(f"{AG}/ratings/export.xlsx", {"level": "AAA"}).body))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:5] == ("年份", "企业名称", "统一社会信用代码", "所属区县", "信用等级")
    assert [r[1] for r in rows[1:]] == ["重庆丙科技有限公司", "重庆甲科技有限公司"]  # list order: newest first
    bureau = client(make_app, city(dbsession))
    d2 = str(_agency_id(dbsession, "cq-d02"))
    assert _detail_ids(bureau.get(f"{AG}/ratings/", {"district": d2}).text, "ratings") == [made[3].id]


# --- the voucher ---------------------------------------------------------------------------

def test_voucher_flow_apply_return_or_approve_then_redeem(make_app, dbsession):
    org, user, enterprise = listed_enterprise(dbsession)
    app = client(make_app, user)
    res = app.post("/enterprise-registry/declarations/voucher",
                   {"csrf_token": csrf(app), "year": LAST_YEAR, "kind": "午餐券", "amount": "0"}, status=400)
    assert "创新券类型" in res.text and "申领金额" in res.text and "服务内容不能为空" in res.text
    for _ in range(2):
        app.post("/enterprise-registry/declarations/voucher", {"csrf_token": csrf(app), "year": LAST_YEAR,
                 "kind": "检验检测", "amount": "20.00", "purpose": "产品检测"}, status=303)
    first, second = dbsession.query(Voucher).order_by(Voucher.id).all()
    district = client(make_app, reviewer(dbsession, "cq-d01"))
    res = district.post(f"{AG}/vouchers/{first.id}/decide", {"csrf_token": csrf(district), "decision": "return"},
                        status=400)
    assert "退回时必须填写审核意见" in res.text
    district.post(f"{AG}/vouchers/{first.id}/decide",
                  {"csrf_token": csrf(district), "decision": "return", "opinion": "用途不符"}, status=303)
    district.post(f"{AG}/vouchers/{second.id}/decide", {"csrf_token": csrf(district), "decision": "approve"},
                  status=303)
    res = district.post(f"{AG}/vouchers/{first.id}/redeem", {"csrf_token": csrf(district), "redeemed_amount": "5",
                        "redeemed_on": dt.date.today().isoformat()}, status=400)
    assert "已批准" in res.text
    res = district.post(f"{AG}/vouchers/{second.id}/redeem", {"csrf_token": csrf(district), "redeemed_amount": "25",
                        "redeemed_on": (dt.date.today() + dt.timedelta(days=1)).isoformat()}, status=400)
    assert "兑付日期不能晚于今天" in res.text
    res = district.post(f"{AG}/vouchers/{second.id}/redeem", {"csrf_token": csrf(district), "redeemed_amount": "25",
                        "redeemed_on": dt.date.today().isoformat()}, status=400)
    assert "兑付金额不能超过申领金额" in res.text
    district.post(f"{AG}/vouchers/{second.id}/redeem", {"csrf_token": csrf(district), "redeemed_amount": "18.5",
                  "redeemed_on": dt.date.today().isoformat()}, status=303)
    dbsession.refresh(first)
    dbsession.refresh(second)
    assert (first.state, first.opinion) == ("returned", "用途不符")
    assert (second.state, second.redeemed_amount) == ("redeemed", Decimal("18.50"))
    # the city sees but does not decide
    bureau = client(make_app, city(dbsession))
    bureau.get(f"{AG}/vouchers/{second.id}")
    bureau.post(f"{AG}/vouchers/{first.id}/decide", {"csrf_token": csrf(bureau), "decision": "approve"}, status=403)
    # the enterprise sees its outcomes
    page = app.get("/enterprise-registry/declarations/").text
    assert "用途不符" in page and "已兑付" in page


def test_another_district_cannot_see_decide_redeem_or_export_a_voucher(make_app, dbsession):
    org, user, _ = listed_enterprise(dbsession, "cq-d02", "黔江区", name="重庆黔江科技有限公司")
    applied = _voucher(dbsession, org, user)
    approved = _voucher(dbsession, org, user, state="approved")
    other = client(make_app, reviewer(dbsession, "cq-d01"))
    other.get(f"{AG}/vouchers/{applied.id}", status=404)
    other.post(f"{AG}/vouchers/{applied.id}/decide", {"csrf_token": csrf(other), "decision": "approve"}, status=404)
    other.post(f"{AG}/vouchers/{approved.id}/redeem", {"csrf_token": csrf(other), "redeemed_amount": "1",
               "redeemed_on": dt.date.today().isoformat()}, status=404)
    assert "重庆黔江科技有限公司" not in other.get(f"{AG}/vouchers/").text
    assert "重庆黔江科技有限公司" not in other.get(f"{AG}/voucher-summary/").text
    book = openpyxl.load_workbook(io.BytesIO(other.get(f"{AG}/vouchers/export.xlsx").body))
    assert book.active.max_row == 1
    stats = dq.voucher_stats(dbsession, reviewer(dbsession, "cq-d01").agency, "kind", {})
    assert stats[-1].numbers["applied"] == 0
    dbsession.refresh(applied)
    assert applied.state == "applied"


# --- the statistics, hand-counted ------------------------------------------------------------

# (district, enterprise, scale, industry, tech field, [(kind, amount, state, redeemed, year)])
FIXTURE = (
    ("cq-d01", "万州区", "重庆统计甲科技有限公司", "小型", "第二产业", "电子信息", [
        ("研发设计", "10.00", "applied", None, LAST_YEAR),
        ("研发设计", "20.00", "approved", None, LAST_YEAR),
        ("检验检测", "5.50", "redeemed", "5.00", LAST_YEAR),
        ("检验检测", "7.00", "redeemed", "7.00", THIS_YEAR)]),
    ("cq-d01", "万州区", "重庆统计乙科技有限公司", "中型", "第三产业", "新材料", [
        ("研发设计", "30.00", "returned", None, LAST_YEAR),
        ("知识产权", "4.25", "redeemed", "4.25", LAST_YEAR)]),
    ("cq-d02", "黔江区", "重庆统计丙科技有限公司", "小型", "第二产业", "电子信息", [
        ("研发设计", "100.00", "approved", None, LAST_YEAR)]),
)


def _stats_world(db):
    for code, district, name, scale, industry, field, vouchers in FIXTURE:
        org, user, _ = listed_enterprise(db, code, district, name=name, scale=scale, industry=industry,
                                         tech_field=field)
        for kind, amount, state, redeemed, year in vouchers:
            _voucher(db, org, user, kind, amount, year, state, redeemed)


D = Decimal
# 万州区, LAST_YEAR: applied / amount / granted / amount / redeemed / redeemed amount
EXPECTED_KIND_D01 = {
    "研发设计": (3, D("60.00"), 1, D("20.00"), 0, D("0.00")),
    "检验检测": (1, D("5.50"), 1, D("5.50"), 1, D("5.00")),
    "技术转移": (0, D("0.00"), 0, D("0.00"), 0, D("0.00")),
    "知识产权": (1, D("4.25"), 1, D("4.25"), 1, D("4.25")),
    "科技咨询": (0, D("0.00"), 0, D("0.00"), 0, D("0.00")),
    "合计": (5, D("69.75"), 3, D("29.75"), 2, D("9.25")),
}
EXPECTED_SCALE_D01 = {"大型": (0, D("0.00"), 0, D("0.00"), 0, D("0.00")),
                      "中型": (2, D("34.25"), 1, D("4.25"), 1, D("4.25")),
                      "小型": (3, D("35.50"), 2, D("25.50"), 1, D("5.00")),
                      "微型": (0, D("0.00"), 0, D("0.00"), 0, D("0.00")),
                      "合计": (5, D("69.75"), 3, D("29.75"), 2, D("9.25"))}
KEYS = [k for k, *_ in dq.MEASURES]


def _table(rows):
    return {r.label: tuple(r.numbers[k] for k in KEYS) for r in rows}


def test_statistics_by_kind_and_scale_are_the_hand_count(dbsession):
    _stats_world(dbsession)
    d01 = reviewer(dbsession, "cq-d01").agency
    assert _table(dq.voucher_stats(dbsession, d01, "kind", {"year": LAST_YEAR})) == EXPECTED_KIND_D01
    assert _table(dq.voucher_stats(dbsession, d01, "scale", {"year": LAST_YEAR})) == EXPECTED_SCALE_D01
    industry = _table(dq.voucher_stats(dbsession, d01, "industry", {"year": LAST_YEAR}))
    assert industry["第二产业"] == EXPECTED_SCALE_D01["小型"] and industry["第三产业"] == EXPECTED_SCALE_D01["中型"]
    # every year: 万州区's THIS_YEAR voucher is added
    all_years = _table(dq.voucher_stats(dbsession, d01, "kind", {}))
    assert all_years["检验检测"] == (2, D("12.50"), 2, D("12.50"), 2, D("12.00"))
    assert all_years["合计"][0] == 6
    # the city: 黔江区's approved 研发设计 is counted too
    bureau = city(dbsession).agency
    city_kind = _table(dq.voucher_stats(dbsession, bureau, "kind", {"year": LAST_YEAR}))
    assert city_kind["研发设计"] == (4, D("160.00"), 2, D("120.00"), 0, D("0.00"))
    assert city_kind["合计"] == (6, D("169.75"), 4, D("129.75"), 2, D("9.25"))
    field = _table(dq.voucher_stats(dbsession, bureau, "tech_field", {"year": LAST_YEAR}))
    assert field["电子信息"] == (4, D("135.50"), 3, D("125.50"), 1, D("5.00"))


def _cells(page_text):
    """(measure, href, shown number) of every cell of the statistics table."""
    return [(m, html.unescape(h), n) for h, m, n in
            re.findall(r'<a href="([^"]+)" data-measure="(\w+)">([^<]+)</a>', page_text)]


@pytest.mark.parametrize("who, tab", [("cq-d01", "kind"), ("cq-d01", "scale"), ("cq", "industry"),
                                      ("cq", "tech_field"), ("cq", "kind")])
def test_every_cell_drills_through_to_a_list_of_exactly_what_it_counts(make_app, dbsession, who, tab):
    _stats_world(dbsession)
    app = client(make_app, city(dbsession) if who == "cq" else reviewer(dbsession, who))
    page = app.get(f"{AG}/voucher-stats/", {"tab": tab, "year": LAST_YEAR})
    cells = _cells(page.text)
    assert len(cells) == 6 * (len(dq.DIMENSIONS[tab][2]) + 1)
    for measure, href, shown in cells:
        listing = app.get(href.replace("http://localhost", ""))
        count = int(re.search(r'id="total-count">(\d+)<', listing.text).group(1))
        amount = re.search(r'id="total-amount">([\d.]+)<', listing.text).group(1)
        redeemed = re.search(r'id="total-redeemed">([\d.]+)<', listing.text).group(1)
        want = {"amount": amount, "redeemed_amount": redeemed}
        if measure.endswith("amount"):
            assert shown == want["redeemed_amount" if measure == "redeemed_amount" else "amount"], (measure, href)
        else:
            assert int(shown) == count, (measure, href)
            assert int(re.search(r'id="count">(\d+)<', listing.text).group(1)) == count
    # the list of the last cell (合计's 兑付金额) exports exactly what it lists
    export = html.unescape(re.search(r'id="export-excel" href="([^"]+)"', listing.text).group(1))
    book = openpyxl.load_workbook(io.BytesIO(app.get(export.replace("http://localhost", "")).body))
    assert book.active.max_row - 1 == count


def test_statistics_export_is_the_current_tab_with_its_total(make_app, dbsession):
    _stats_world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    book = openpyxl.load_workbook(io.BytesIO(app.get(f"{AG}/voucher-stats/export.xlsx",
                                                     {"tab": "scale", "year": LAST_YEAR}).body))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "企业规模" and [r[0] for r in rows[1:]] == ["大型", "中型", "小型", "微型", "合计"]
    assert rows[-1][1:] == (5, 69.75, 3, 29.75, 2, 9.25)


def test_voucher_summary_per_enterprise(make_app, dbsession):
    _stats_world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    book = openpyxl.load_workbook(io.BytesIO(app.get(f"{AG}/voucher-summary/export.xlsx",
                                                     {"year": LAST_YEAR}).body))
    rows = {r[0]: r[3:] for r in list(book.active.iter_rows(values_only=True))[1:]}
    assert rows == {"重庆统计甲科技有限公司": (3, 35.5, 2, 25.5, 1, 5.0),
                    "重庆统计乙科技有限公司": (2, 34.25, 1, 4.25, 1, 4.25)}
    page = app.get(f"{AG}/voucher-summary/", {"q": "统计乙"})
    assert "重庆统计乙科技有限公司" in page.text and "重庆统计甲科技有限公司" not in page.text


def test_demo_declarations_are_made_once_in_mixed_states(dbsession):
    from kjgl.plugins.enterprise_registry import declaration_demo

    for n in range(6):
        listed_enterprise(dbsession, name=f"重庆演示{n}科技有限公司")
    declaration_demo.load(dbsession)
    ratings, vouchers = dbsession.query(Rating).count(), dbsession.query(Voucher).count()
    declaration_demo.load(dbsession)
    assert (dbsession.query(Rating).count(), dbsession.query(Voucher).count()) == (ratings, vouchers)
    assert {r.state for r in dbsession.query(Rating)} == {"applied", "rated"}
    for r in dbsession.query(Rating).filter_by(state="rated"):
        assert r.level == ("AAA", "AA", "A", "B", "C")[min(4, max(0, 9 - int(r.score) // 10))]
