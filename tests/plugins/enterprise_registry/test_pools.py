"""The screened pools (科企梯次培育库, 科企后备库): a small fixed data set with
values exactly at each threshold and band edge (money in 千元: 5000万 =
50000, 2亿 = 200000), the members of every pool by hand, parameters changed,
reset, remembered per agency and audited, scoping, the explanation, and the
export equal to the list."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal as D

import openpyxl
import pytest
from sqlalchemy import select

from kjgl.core.audit.models import AuditEvent
from kjgl.plugins.enterprise_registry import pool_settings, pools, queries
from kjgl.plugins.enterprise_registry.models import PoolSetting

from .helpers import client, csrf, listed_enterprise, report, reviewer

Y = dt.date.today().year - 1
TODAY = dt.date.today()
BACK3 = pools._years_back_from_today({"young_years": D(3)}, pools.Ref(None, TODAY))  # three years ago today

# an enterprise at every 高企后备库 edge: registered long ago, 1 invention patent, 电子信息, R&D staff 10 of 100
# (10%), main revenue 5000万 (band ≤ 5000万: 5%) with R&D 250万 (5%), high-tech income 60% of total, no incident
EDGE = dict(invention_granted=1, utility_granted=0, design_granted=0, software_copyrights=0, employees=100,
            rd_staff=10, main_revenue=D("50000"), total_revenue=D("50000"), rd_expense=D("2500"),
            hitech_income=D("30000"), hitech_certified="否", hitech_cert_no=None, hitech_cert_on=None,
            hitech_valid_until=None, serious_incident="否", listing_status="未上市")

# name -> (basic values, [(year, report overrides, submitted)])
CASES = {
    "H1边界全符合": ({}, [(Y, {}, True)]),
    "H2收入5000万以上4%": ({}, [(Y, dict(main_revenue=D("50001"), total_revenue=D("50001"), rd_expense=D("2000.04"),
                                       hitech_income=D("30000.60")), True)]),
    "H3收入2亿研发不足4%": ({}, [(Y, dict(main_revenue=D("200000"), total_revenue=D("200000"), rd_expense=D("7900"),
                                       hitech_income=D("120000")), True)]),
    "H4收入2亿以上3%": ({}, [(Y, dict(main_revenue=D("200000.01"), total_revenue=D("200000.01"),
                                    rd_expense=D("6000.01"), hitech_income=D("120000.01")), True)]),
    "H5研发人员9%": ({}, [(Y, dict(rd_staff=9), True)]),
    "H6其他知识产权5件": ({}, [(Y, dict(invention_granted=0, utility_granted=3, design_granted=1,
                                     software_copyrights=1), True)]),
    "H7其他知识产权4件": ({}, [(Y, dict(invention_granted=0, utility_granted=3, design_granted=1), True)]),
    "H8注册不满1年": (dict(registered_on=dt.date(Y, 1, 1)), [(Y, {}, True)]),
    "H9注册刚满1年": (dict(registered_on=dt.date(Y - 1, 12, 31)), [(Y, {}, True)]),
    "H10高新收入59.99%": ({}, [(Y, dict(hitech_income=D("29995")), True)]),
    "H11发生事故": ({}, [(Y, dict(serious_incident="是"), True)]),
    "H12已认定高企": ({}, [(Y, dict(hitech_certified="是", hitech_cert_no="GR1", hitech_cert_on=dt.date(Y, 1, 1),
                                  hitech_valid_until=dt.date(Y + 2, 12, 31)), True)]),
    "H13年报未提交": ({}, [(Y, {}, False)]),
    "H14无年报": ({}, []),
    "S1从业500人": ({}, [(Y, dict(employees=500, rd_staff=50), True)]),
    "S2从业501人": ({}, [(Y, dict(employees=501, rd_staff=51), True)]),
    "C1科创板边界": ({}, [(Y, dict(main_revenue=D("100000"), total_revenue=D("100000"), rd_expense=D("5000"),
                                 invention_granted=5, hitech_income=D("60000")), True)]),
    "C2已上市": ({}, [(Y, dict(main_revenue=D("100000"), total_revenue=D("100000"), rd_expense=D("5000"),
                             invention_granted=5, listing_status="已上市", listing_board="主板"), True)]),
    "L1领军边界": ({}, [(Y, dict(main_revenue=D("500000"), total_revenue=D("500000"), rd_expense=D("20000"),
                               hitech_income=D("300000")), True)]),
    "L2收入差一分": ({}, [(Y, dict(main_revenue=D("499999.99"), total_revenue=D("499999.99"),
                                 rd_expense=D("20000")), True)]),
    "G1连续增长20%": ({}, [(Y - 2, dict(main_revenue=D("1000")), True), (Y - 1, dict(main_revenue=D("1200")), True),
                        (Y, dict(main_revenue=D("1440")), True)]),
    "G2第二年不足20%": ({}, [(Y - 2, dict(main_revenue=D("1000")), True),
                          (Y - 1, dict(main_revenue=D("1200")), True), (Y, dict(main_revenue=D("1439.99")), True)]),
    "G3早一年已符合": ({}, [(Y - 3, dict(main_revenue=D("1000")), True), (Y - 2, dict(main_revenue=D("1300")), True),
                         (Y - 1, dict(main_revenue=D("1690")), True), (Y, dict(main_revenue=D("2197")), True)]),
    "I1成立满3年当天": (dict(registered_on=BACK3), []),
    "I2成立3年多一天": (dict(registered_on=BACK3 - dt.timedelta(days=1)), []),
}
OTHER_DISTRICT = "X1黔江区全符合"

# by hand, with the defaults (every condition ticked): the H rows that are not members fail exactly one condition;
# the other rows are EDGE with what their name says (C1, L1 and the G rows meet the 高企 conditions too: a high R&D
# share of a small revenue, 60% high-tech income; H8 and H9 were registered within three years)
EXPECTED = {
    "hitech_reserve": {"H1边界全符合", "H2收入5000万以上4%", "H4收入2亿以上3%", "H6其他知识产权5件", "H9注册刚满1年",
                       "S1从业500人", "S2从业501人", "C1科创板边界", "L1领军边界", "G1连续增长20%", "G2第二年不足20%",
                       "G3早一年已符合"},
    "sme_reserve": {"H1边界全符合", "H2收入5000万以上4%", "H3收入2亿研发不足4%", "H5研发人员9%", "H6其他知识产权5件",
                    "H7其他知识产权4件", "H8注册不满1年", "H9注册刚满1年", "H10高新收入59.99%", "H11发生事故",
                    "H12已认定高企", "S1从业500人", "C1科创板边界", "C2已上市", "G1连续增长20%", "G2第二年不足20%",
                    "G3早一年已符合"},
    "star_reserve": {"C1科创板边界"},
    "leading": {"L1领军边界"},
    "high_growth": {"G1连续增长20%", "G3早一年已符合"},
    "incubation": {"I1成立满3年当天", "H8注册不满1年", "H9注册刚满1年"},
}


@pytest.fixture
def world(dbsession):
    made = {}
    for name, (basic, reports) in CASES.items():
        org, user, e = listed_enterprise(dbsession, name=f"重庆{name}科技有限公司",
                                         **{"registered_on": dt.date(2015, 3, 1), **basic})
        for year, overrides, submitted in reports:
            report(dbsession, org, user, year, submit=submitted, **{**EDGE, **overrides})
        made[name] = e
    org, user, e = listed_enterprise(dbsession, "cq-d02", "黔江区", name=f"重庆{OTHER_DISTRICT}科技有限公司")
    report(dbsession, org, user, Y, **EDGE)
    made[OTHER_DISTRICT] = e
    # the incubation rows were registered recently, the others are not; G rows' (and the others') R&D share
    # follows from EDGE: H-criteria of G rows fail on revenue bands only where stated
    return made


def members(dbsession, world, pool, agency, settings=None, **filters):
    settings = settings or pool.defaults()
    ld = pool_settings.listdef(pool, settings)
    f = {**ld.filters(filters)}
    if pool.yearly and not f.get("year"):
        f["year"] = str(pools.latest_year(dbsession, agency))
    ids = {r["id"] for r in dbsession.execute(pools.compile_pool(pool, agency, f, settings, TODAY)).mappings()}
    by_id = {e.id: n for n, e in world.items()}
    return {by_id[i] for i in ids if i in by_id}


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_pool_holds_by_hand_the_enterprises_at_and_inside_its_edges(dbsession, world, key):
    district = reviewer(dbsession, "cq-d01").agency
    assert members(dbsession, world, pools.POOLS[key], district) == EXPECTED[key]
    city = reviewer(dbsession, "cq").agency
    expected_city = EXPECTED[key] | ({OTHER_DISTRICT} if key in ("hitech_reserve", "sme_reserve") else set())
    assert members(dbsession, world, pools.POOLS[key], city) == expected_city


def test_in_the_list_exactly_when_every_criterion_passes_in_the_explanation(dbsession, world):
    agency = reviewer(dbsession, "cq").agency
    for pool in pools.POOLS.values():
        for settings in (pool.defaults(), pools.Settings(frozenset(), pool.defaults().values)):
            listed = members(dbsession, world, pool, agency, settings)
            for name, e in world.items():
                member, verdicts = pools.explain(dbsession, pool, agency, e.id, Y if pool.yearly else None,
                                                 settings, TODAY)
                assert member == (name in listed), (pool.key, name, [(v.text, v.lines) for v in verdicts])


def test_first_year_it_qualified_and_its_filter(dbsession, world):
    agency = reviewer(dbsession, "cq-d01").agency
    pool = pools.POOLS["high_growth"]
    settings = pool.defaults()
    f = {"year": str(Y)}
    rows = {r["id"]: r["first_year"] for r in dbsession.execute(
        pools.compile_pool(pool, agency, f, settings, TODAY)).mappings()}
    assert rows == {world["G1连续增长20%"].id: Y, world["G3早一年已符合"].id: Y - 1}
    assert members(dbsession, world, pool, agency, first=str(Y - 1)) == {"G3早一年已符合"}
    # the year before: only G3 grew 30% then (1000 → 1300 → 1690)
    assert members(dbsession, world, pool, agency, year=str(Y - 1)) == {"G3早一年已符合"}


def test_parameters_change_the_members(dbsession, world):
    agency = reviewer(dbsession, "cq-d01").agency
    pool = pools.POOLS["hitech_reserve"]
    d = pool.defaults()
    # R&D staff ≥ 9%: H5 joins; the band of 5000万–2亿 at 3.95%: H3 joins
    assert "H5研发人员9%" in members(dbsession, world, pool, agency, pools.Settings(
        d.ticked, {**d.values, "rd_staff_share": D("9")}))
    assert "H3收入2亿研发不足4%" in members(dbsession, world, pool, agency, pools.Settings(
        d.ticked, {**d.values, "rd_medium": D("3.95")}))
    # 5000万 is in the lowest band: 5% there is required even when the middle band asks less
    raised = members(dbsession, world, pool, agency, pools.Settings(d.ticked, {**d.values, "rd_small": D("5.01")}))
    assert "H1边界全符合" not in raised and "H2收入5000万以上4%" in raised
    # unticking the IP condition lets H7 in; unticking everything leaves the fixed conditions only
    assert "H7其他知识产权4件" in members(dbsession, world, pool, agency, pools.Settings(d.ticked - {"ip"}, d.values))
    loose = members(dbsession, world, pool, agency, pools.Settings(frozenset(), d.values))
    assert "H12已认定高企" not in loose and "H13年报未提交" not in loose and "H14无年报" not in loose
    assert "H11发生事故" in loose
    sme = pools.POOLS["sme_reserve"]
    assert "S2从业501人" in members(dbsession, world, sme, agency, pools.Settings(
        sme.defaults().ticked, {**sme.defaults().values, "sme_employees": D("501")}))
    # 2亿 is 200000 千元: an income of 20000.01万元 is over the limit
    assert "H4收入2亿以上3%" not in members(dbsession, world, sme, agency)


def test_the_explanation_names_the_failed_criterion_with_figure_and_threshold(dbsession, world):
    agency = reviewer(dbsession, "cq-d01").agency
    pool = pools.POOLS["hitech_reserve"]
    member, verdicts = pools.explain(dbsession, pool, agency, world["H3收入2亿研发不足4%"].id, Y, pool.defaults(), TODAY)
    failed = [v for v in verdicts if not v.passed]
    assert not member and [v.criterion.key for v in failed] == ["rd_share"]
    assert failed[0].lines == ["研发费用占主营业务收入比例 3.95%，低于4%（收入5000万元至2亿元）"]
    member, verdicts = pools.explain(dbsession, pool, agency, world["H8注册不满1年"].id, Y, pool.defaults(), TODAY)
    failed = [v for v in verdicts if not v.passed]
    assert [v.criterion.key for v in failed] == ["registered"]
    assert failed[0].lines == [f"注册时间 {Y}-01-01，不符合（须不晚于{Y - 1}-12-31（满1年））"]
    _, verdicts = pools.explain(dbsession, pool, agency, world["H14无年报"].id, Y, pool.defaults(), TODAY)
    assert [v.criterion.key for v in verdicts if not v.passed][0] == "reported"
    member, verdicts = pools.explain(dbsession, pool, agency, world["H1边界全符合"].id, Y, pool.defaults(), TODAY)
    assert member and all(v.passed for v in verdicts)
    assert "研发人员占比 10%，不低于10%，符合" in [line for v in verdicts for line in v.lines]


def test_pages_settings_remembered_per_agency_audited_and_reset(make_app, dbsession, world):
    who = reviewer(dbsession, "cq-d01")
    app = client(make_app, who)
    base = "/enterprise-registry/agency/pools/hitech-reserve/"
    page = app.get(base)
    assert "条件说明" in page.text and "（默认10%）" in page.text and f'value="{Y}" selected' in page.text
    assert _names(page) == EXPECTED["hitech_reserve"]
    form = {"tick": [c.key for c in pools.HITECH_RESERVE.choosable()],
            **{p.name: str(p.default) for p in pools.HITECH_RESERVE.params()}, "csrf_token": csrf(app)}
    bad = app.post(base + "params", {**form, "rd_staff_share": "abc"}, status=400)
    assert "研发人员占比须为数字" in bad.text
    bad = app.post(base + "params", {**form, "rd_staff_share": "101"}, status=400)
    assert "研发人员占比须在0到100%之间" in bad.text
    app.post(base + "params", {**form, "rd_staff_share": "9"}, status=303)
    assert "H5研发人员9%" in _names(app.get(base))
    # remembered for this agency, not for another
    other = client(make_app, reviewer(dbsession, "cq-d01"))
    assert "H5研发人员9%" in _names(other.get(base))  # a colleague of the same agency sees them
    city = client(make_app, reviewer(dbsession, "cq"))
    assert "H5研发人员9%" not in _names(city.get(base))
    events = list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "registry_pool_settings")))
    assert len(events) == 1
    detail = json.loads(events[0].detail)
    assert detail == {"title": "高企后备库", "changes": {"研发人员占比": ["10%", "9%"]}}
    assert events[0].object_id == str(who.agency.id)
    app.post(base + "reset", {"csrf_token": csrf(app)}, status=303)
    assert _names(app.get(base)) == EXPECTED["hitech_reserve"]
    assert dbsession.scalar(select(PoolSetting)) is None
    events = list(dbsession.scalars(select(AuditEvent).where(AuditEvent.event == "registry_pool_settings")
                                    .order_by(AuditEvent.id)))
    assert len(events) == 2 and json.loads(events[1].detail)["changes"] == {"研发人员占比": ["9%", "10%"]}


def _names(page) -> set[str]:
    return set(re.findall(r"重庆(\S+?)科技有限公司", page.text.split('id="pool-list"')[1]))


def test_detail_explains_any_enterprise_of_the_district_and_404_for_another(make_app, dbsession, world):
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    base = "/enterprise-registry/agency/pools/hitech-reserve/"
    page = app.get(f"{base}{world['H3收入2亿研发不足4%'].id}")
    assert "不在高企后备库中" in page.text and "研发费用占主营业务收入比例 3.95%，低于4%（收入5000万元至2亿元）" in page.text
    assert "在高企后备库中" in app.get(f"{base}{world['H1边界全符合'].id}").text
    app.get(f"{base}{world[OTHER_DISTRICT].id}", status=404)
    for pool in pools.POOLS.values():
        app.get(f"/enterprise-registry/agency/pools/{pool.path}/{world[OTHER_DISTRICT].id}", status=404)
    # reachable from the agency's enterprise detail
    detail = app.get(f"/enterprise-registry/agency/enterprises/{world['H3收入2亿研发不足4%'].id}")
    assert "为何不在高企后备库？" in detail.text


def test_export_equals_the_list_and_keeps_the_filters(make_app, dbsession, world):
    app = client(make_app, reviewer(dbsession, "cq"))
    for pool in pools.POOLS.values():
        base = f"/enterprise-registry/agency/pools/{pool.path}/"
        shown = _names(app.get(base))
        sheet = openpyxl.load_workbook(io.BytesIO(app.get(base + "export.xlsx").body)).active
        rows = list(sheet.iter_rows(values_only=True))
        name_col = rows[0].index("企业名称")
        assert {re.match(r"重庆(\S+?)科技有限公司", r[name_col]).group(1) for r in rows[1:]} == shown, pool.key
    rows = list(openpyxl.load_workbook(io.BytesIO(app.get(
        "/enterprise-registry/agency/pools/hitech-reserve/export.xlsx", {"q": "H1"}).body)).active.iter_rows(
        values_only=True))
    header = rows[0]
    assert len(rows) == 2 and rows[1][header.index("主营业务收入（千元）")] == 50000
    assert rows[1][header.index("研发费用占主营业务收入比例（%）")] == 5


def test_bad_filters_are_named_not_a_500(make_app, dbsession, world):
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    page = app.get("/enterprise-registry/agency/pools/incubation/", {"founded_from": "2020-13-45"})
    assert "成立日期（起）须为日期" in page.text
    assert _names(app.get("/enterprise-registry/agency/pools/incubation/",
                          {"founded_to": BACK3.isoformat()})) == {"I1成立满3年当天"}
    app.get("/enterprise-registry/agency/pools/high-growth/", {"year": "abcd", "first": "x"})


def test_a_loader_that_omits_the_incident_answer_gets_no(dbsession, world):
    from sqlalchemy import text

    from kjgl.plugins.enterprise_registry.models import ReportMarket
    sub_id = dbsession.scalar(select(ReportMarket.submission_id).limit(1))
    dbsession.execute(text("DELETE FROM er_report_market WHERE submission_id = :id"), {"id": sub_id})
    dbsession.execute(text("INSERT INTO er_report_market (submission_id) VALUES (:id)"), {"id": sub_id})
    assert dbsession.scalar(text("SELECT serious_incident FROM er_report_market WHERE submission_id = :id"),
                            {"id": sub_id}) == "否"


def test_the_enterprise_answers_the_incident_question_on_the_hitech_tab(make_app, dbsession):
    from kjgl.plugins.enterprise_registry.models import ReportMarket

    from .helpers import version_in
    org, user, _ = listed_enterprise(dbsession)
    sub = report(dbsession, org, user, Y, submit=False)
    app = client(make_app, user)
    tab = app.get(f"/enterprise-registry/reports/{sub.id}/tab/hitech")
    assert "本年度是否发生重大安全、质量事故或严重环境违法行为" in tab.text
    fields = {"hitech_certified": "否", "version": version_in(tab), "csrf_token": csrf(app)}
    bad = app.post(f"/enterprise-registry/reports/{sub.id}/tab/hitech", {**fields, "serious_incident": "也许"},
                   status=400)
    assert "本年度是否发生重大安全、质量事故或严重环境违法行为" in bad.text
    app.post(f"/enterprise-registry/reports/{sub.id}/tab/hitech", {**fields, "serious_incident": "是"}, status=303)
    row = dbsession.get(ReportMarket, sub.id)
    dbsession.refresh(row)
    assert row.serious_incident == "是"
