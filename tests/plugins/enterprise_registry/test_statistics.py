"""科企信息统计表 against a hand count: a small fixed world (万州区, 黔江区,
两江新区 and 重庆高新区; reports of two years; dates at the edges of the
year, the month and Beijing's midnight), every table's cells and 合计 rows,
scoping, the drill-through behind every cell, exports and the chart data."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from sqlalchemy import select

from kjgl.core.agencies.models import Agency
from kjgl.plugins.enterprise_registry import statistics as st
from kjgl.plugins.enterprise_registry.models import Enterprise
from kjgl.plugins.enterprise_registry.schemas import REPORT
from kjgl.plugins.enterprise_registry.stats_views import table_rows

from .helpers import client, csrf, decide, filer, listed_enterprise, report, reviewer, submitted_basic

Y = dt.date.today().year - 1  # the year the tables show (reports are filed up to last year)
Y1 = Y - 1
BASE = "/enterprise-registry/agency/statistics"


def _utc(y, mo, d, h=0, mi=0):
    """A Beijing wall-clock time as the naive UTC the database keeps."""
    return dt.datetime(y, mo, d, h, mi) - dt.timedelta(hours=8)


def _filed(db, org, user, year, at, **values):
    from kjgl.core.review.models import Submission
    sub = report(db, org, user, year, **values)
    db.get(Submission, sub.id).submitted_at = at
    db.flush()
    return sub


@pytest.fixture
def world(dbsession):
    db = dbsession
    w = {}

    def ent(key, code, district, listed_on, **values):
        org, user, e = listed_enterprise(db, code, district, name=f"重庆统计{key}科技有限公司", **values)
        e.listed_on = listed_on
        db.flush()
        w[key] = (org, user, e)
        return org, user

    # 万州区
    org, user = ent("A1", "cq-d01", "万州区", dt.date(Y, 3, 15), scale="小型", industry="第二产业",
                    tech_field="电子信息")
    _filed(db, org, user, Y, _utc(Y, 3, 31, 23, 30), above_scale="是", main_revenue=Decimal("100.50"),
           employees=10, invention_granted=2, hitech_certified="是", hitech_cert_on=dt.date(Y, 3, 1))
    _filed(db, org, user, Y1, _utc(Y, 4, 1, 0, 30), hitech_certified="是", hitech_cert_on=dt.date(Y, 3, 1))
    org, user = ent("A2", "cq-d01", "万州区", dt.date(Y, 12, 31), scale="中型", industry="第三产业",
                    tech_field="新材料")
    report(db, org, user, Y, submit=False, main_revenue=Decimal("999"))  # a draft counts nowhere
    _filed(db, org, user, Y1, _utc(Y, 2, 10, 9), hitech_certified="是", hitech_cert_on=dt.date(Y, 1, 15))
    ent("A3", "cq-d01", "万州区", dt.date(Y + 1, 1, 1))  # listed the day after the year ended
    org, user = filer(db, "cq-d01")
    submitted_basic(db, org, user, "万州区")  # waiting for the district: registered, not listed
    # 黔江区
    org, user = ent("B1", "cq-d02", "黔江区", dt.date(Y, 1, 1))
    _filed(db, org, user, Y, _utc(Y, 3, 1, 0, 0), above_scale="否", main_revenue=Decimal("200.25"),
           profit=Decimal("-10.00"), employees=20, hitech_certified="是", hitech_cert_on=dt.date(Y1, 12, 31))
    org, user = ent("B2", "cq-d02", "黔江区", dt.date(Y, 6, 30))
    returned = _filed(db, org, user, Y, _utc(Y, 3, 5))
    decide(db, REPORT.kind, returned, reviewer(db, "cq-d02"), "return", "请补充")
    # the zones: 两江新区 and the national 重庆高新区
    org, user = ent("Z1", "cq-z01", "重庆两江新区", dt.date(Y, 7, 1))
    # filed in May, a certificate of February: counts in 高企认定 up to March though filed later
    _filed(db, org, user, Y, _utc(Y, 5, 1), main_revenue=Decimal("300.00"), hitech_certified="是",
           hitech_cert_on=dt.date(Y, 2, 20))
    ent("Z2", "cq-z02", "重庆高新技术产业开发区", dt.date(Y, 2, 2))
    w["agency"] = {code: db.scalars(select(Agency).where(Agency.code == code)).one()
                   for code in ("cq", "cq-d01", "cq-d02", "cq-z01", "cq-z02")}
    return w


def _values(db, table, tab_key, viewer, period):
    tab = table.tab(tab_key)
    body, total = table_rows(db, table, tab, viewer, period)
    out = {(row["agency"].region): row["values"] for row in body}
    out["合计"] = total["values"]
    return out


def test_listing_table_by_hand(dbsession, world):
    city = world["agency"]["cq"]
    got = _values(dbsession, st.LISTING, "count", city, st.Period(Y))
    assert got["万州区"] == {"registered": 3, "listed": 2, "reported": 1, "above": 1}
    assert got["黔江区"] == {"registered": 2, "listed": 2, "reported": 1, "above": 0}
    assert got["重庆两江新区"] == {"registered": 1, "listed": 1, "reported": 1, "above": 0}
    assert got["重庆高新技术产业开发区"] == {"registered": 1, "listed": 1, "reported": 0, "above": 0}
    assert got["合计"] == {"registered": 7, "listed": 6, "reported": 3, "above": 1}
    assert got["渝中区"] == {"registered": 0, "listed": 0, "reported": 0, "above": 0}
    # the year after: A3 is listed and registered too, and no report of that year is filed
    after = _values(dbsession, st.LISTING, "count", city, st.Period(Y + 1))
    assert after["万州区"] == {"registered": 4, "listed": 3, "reported": 0, "above": 0}
    scale = _values(dbsession, st.LISTING, "scale", city, st.Period(Y))
    assert (scale["万州区"]["scale3"], scale["万州区"]["scale2"], scale["万州区"]["listed"]) == (1, 1, 2)
    assert (scale["合计"]["scale3"], scale["合计"]["scale2"], scale["合计"]["scale1"], scale["合计"]["listed"]) == \
        (5, 1, 0, 6)
    industry = _values(dbsession, st.LISTING, "industry", city, st.Period(Y))
    assert (industry["合计"]["industry2"], industry["合计"]["industry3"]) == (5, 1)
    field = _values(dbsession, st.LISTING, "field", city, st.Period(Y))
    assert (field["合计"]["field1"], field["合计"]["field4"], field["合计"]["field0"]) == (5, 1, 0)


def test_annual_table_by_hand(dbsession, world):
    city = world["agency"]["cq"]
    business = _values(dbsession, st.ANNUAL, "business", city, st.Period(Y))
    assert business["万州区"]["main_revenue"] == Decimal("100.50")
    assert business["合计"]["reported"] == 3
    assert business["合计"]["main_revenue"] == Decimal("600.75")
    assert business["合计"]["profit"] == Decimal("-110.50")  # -50.25 (A1) - 10.00 (B1) - 50.25 (Z1)
    assert business["重庆高新技术产业开发区"]["main_revenue"] == Decimal("0.00")
    people = _values(dbsession, st.ANNUAL, "people", city, st.Period(Y))
    assert people["合计"]["employees"] == 80 and people["黔江区"]["employees"] == 20
    results = _values(dbsession, st.ANNUAL, "results", city, st.Period(Y))
    assert results["合计"]["invention_granted"] == 2 + 1 + 1
    assert results["合计"]["hitech_income"] == Decimal("15000.00")
    previous = _values(dbsession, st.ANNUAL, "business", city, st.Period(Y1))
    assert previous["合计"]["reported"] == 2 and previous["万州区"]["reported"] == 2


def test_progress_by_hand_month_edges_in_beijing_time(dbsession, world):
    city = world["agency"]["cq"]
    got = _values(dbsession, st.PROGRESS, "progress", city, st.Period(Y, 3))
    assert got["万州区"] == {"listed_month": 1, "listed_ytd": 1, "reports_month": 1, "reports_ytd": 2,
                          "hitech_month": 1, "hitech_ytd": 2}
    assert got["黔江区"] == {"listed_month": 0, "listed_ytd": 1, "reports_month": 1, "reports_ytd": 1,
                          "hitech_month": 0, "hitech_ytd": 0}
    assert got["重庆高新技术产业开发区"]["listed_ytd"] == 1  # listed on 2 February
    assert got["重庆两江新区"] == {"listed_month": 0, "listed_ytd": 0, "reports_month": 0, "reports_ytd": 0,
                            "hitech_month": 0, "hitech_ytd": 1}
    assert got["合计"] == {"listed_month": 1, "listed_ytd": 3, "reports_month": 2, "reports_ytd": 3,
                         "hitech_month": 1, "hitech_ytd": 3}
    april = _values(dbsession, st.PROGRESS, "progress", city, st.Period(Y, 4))
    assert april["万州区"]["reports_month"] == 1  # A1's second report, 00:30 on 1 April in Beijing


def test_a_district_sees_its_own_row_only(dbsession, world, make_app):
    wanzhou = world["agency"]["cq-d01"]
    got = _values(dbsession, st.LISTING, "count", wanzhou, st.Period(Y))
    assert set(got) == {"万州区", "合计"} and got["合计"] == got["万州区"] == \
        {"registered": 3, "listed": 2, "reported": 1, "above": 1}
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    for path in ("progress/", "listing/", "annual/", "overview/"):
        page = app.get(f"{BASE}/{path}", {"year": str(Y)} if path != "progress/" else {})
        assert "黔江区" not in page.text and "万州区" in page.text, path
    qianjiang = world["agency"]["cq-d02"].id
    for params in ({"table": "listing", "tab": "count", "measure": "listed", "year": str(Y), "district": qianjiang},
                   {"table": "annual", "tab": "business", "measure": "main_revenue", "year": str(Y),
                    "district": qianjiang},
                   {"table": "progress", "tab": "progress", "measure": "listed_ytd", "month": f"{Y}-03",
                    "district": qianjiang}):
        app.get(f"{BASE}/drill/", params, status=404)
        app.get(f"{BASE}/drill/export.xlsx", params, status=404)
    # the 合计 of a district: its own enterprises only, in the list and the export
    listed = app.get(f"{BASE}/drill/", {"table": "listing", "tab": "count", "measure": "listed", "year": str(Y)})
    assert "重庆统计A1科技有限公司" in listed.text and "重庆统计B1科技有限公司" not in listed.text
    sheet = openpyxl.load_workbook(io.BytesIO(app.get(f"{BASE}/drill/export.xlsx", {
        "table": "listing", "tab": "count", "measure": "listed", "year": str(Y)}).body)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == \
        ["重庆统计A1科技有限公司", "重庆统计A2科技有限公司"]


def _cells(db, viewer):
    """Every (table, tab, measure, period, row agency or None, value) the viewer's tables show."""
    for table in st.TABLES.values():
        period = st.Period(Y, 3) if table.by_month else st.Period(Y)
        for tab in table.tabs:
            body, total = table_rows(db, table, tab, viewer, period)
            for row in body + [total]:
                for measure in tab.measures:
                    yield table, tab, measure, period, row["agency"], row["values"][measure.key]


@pytest.mark.parametrize("who", ["cq", "cq-d01"])
def test_every_cell_equals_its_drill_through(dbsession, world, who):
    viewer = world["agency"][who]
    checked = nonzero = 0
    for table, tab, measure, period, agency, value in _cells(dbsession, viewer):
        stmt = st.drill_statement(table, tab, measure, viewer, period, district=agency.id if agency else None)
        count, total = st.drill_totals(dbsession, stmt)
        if measure.is_count:
            assert count == value, (table.key, tab.key, measure.key, agency and agency.region)
        else:
            assert (total or 0) == value, (table.key, tab.key, measure.key, agency and agency.region)
        checked += 1
        nonzero += bool(value)
    assert checked > 100 and nonzero > 20


def _drill_links(page) -> list[tuple[str, str]]:
    return [(unescape(href), text) for href, text in re.findall(r'<a class="drill"[^>]*href="([^"]+)">([^<]+)</a>',
                                                                page.text)]


def test_every_link_of_a_district_page_lands_on_a_list_of_that_count(dbsession, world, make_app):
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    links = 0
    for path, params, tabs in (("listing/", {"year": str(Y)}, st.LISTING.tabs),
                               ("annual/", {"year": str(Y)}, st.ANNUAL.tabs),
                               ("progress/", {"month": f"{Y}-03"}, st.PROGRESS.tabs)):
        for tab in tabs:
            page = app.get(f"{BASE}/{path}", {**params, "tab": tab.key})
            for href, text in _drill_links(page):
                drill = app.get(href.replace("http://localhost", ""))
                count = re.search(r'id="drill-count">(\d+)<', drill.text).group(1)
                total = re.search(r'id="drill-total">([^<]+)<', drill.text)
                assert text == (total.group(1) if total else count), href
                links += 1
    assert links == 2 * (4 + 6 + 5 + 10 + 8 + 10 + 16 + 6)


def test_export_equals_the_page(dbsession, world, make_app):
    app = client(make_app, reviewer(dbsession, "cq"))
    res = app.get(f"{BASE}/listing/export.xlsx", {"year": str(Y), "tab": "count"})
    rows = list(openpyxl.load_workbook(io.BytesIO(res.body)).active.iter_rows(values_only=True))
    assert rows[0] == ("序号", "区县", "两江新区/高新区、经开区", "注册企业数（家）", "入库科企数（家）", "年报科企数（家）",
                       "规上工业企业（家）")
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["万州区"][2:] == ("—", 3, 2, 1, 1)
    assert by_name["重庆两江新区"][2:] == ("两江新区", 1, 1, 1, 0)
    assert rows[-1] == ("", "合计", "--", 7, 6, 3, 1) or rows[-1] == (None, "合计", "--", 7, 6, 3, 1)
    assert len(rows) == 1 + 47 + 1
    page = app.get(f"{BASE}/listing/", {"year": str(Y), "tab": "count"})
    shown = [int(t) for _, t in _drill_links(page)]
    exported = [v for r in rows[1:] for v in r[3:]]
    assert shown == exported
    sheet = openpyxl.load_workbook(io.BytesIO(app.get(f"{BASE}/annual/export.xlsx", {
        "year": str(Y), "tab": "business"}).body)).active
    header = [c.value for c in sheet[1]]
    total = [c for c in sheet[sheet.max_row]]
    col = header.index("主营业务收入（千元）")
    assert total[col].value == 600.75 and total[col].number_format == "#,##0.00"
    assert total[header.index("利润总额（千元）")].value == -110.5


def test_targets_are_the_citys_to_set_and_give_the_rate(dbsession, world, make_app):
    city_app = client(make_app, reviewer(dbsession, "cq"))
    wanzhou = world["agency"]["cq-d01"].id
    token = csrf(city_app)
    bad = city_app.post(f"{BASE}/targets/save", {"csrf_token": token, "year": str(Y), f"listed_{wanzhou}": "-3"},
                        status=400)
    assert "万州区的入库企业目标须为0至1000000之间的整数" in bad.text
    city_app.post(f"{BASE}/targets/save", {"csrf_token": token, "year": str(Y), f"listed_{wanzhou}": "4",
                                           f"reports_{wanzhou}": "8", f"hitech_{wanzhou}": "0"}, status=303)
    page = city_app.get(f"{BASE}/progress/", {"month": f"{Y}-03"})
    assert "25.00%" in page.text and "37.50%" in page.text  # 1 of 4 listed, 3 of 8 reports
    sheet = openpyxl.load_workbook(io.BytesIO(city_app.get(f"{BASE}/progress/export.xlsx", {
        "month": f"{Y}-03"}).body)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    wz = next(r for r in rows if r[1] == "万州区")
    assert wz[header.index("入库企业年度目标（家）")] == 4 and wz[header.index("入库企业完成率（%）")] == 25
    assert rows[-1][header.index("年报企业年度目标（家）")] == 8
    from kjgl.core.audit.models import AuditEvent
    assert dbsession.scalar(select(AuditEvent).where(AuditEvent.event == "registry_targets_set")) is not None
    district_app = client(make_app, reviewer(dbsession, "cq-d01"))
    read = district_app.get(f"{BASE}/targets/", {"year": str(Y)})
    assert "区县只读" in read.text and 'name="listed_' not in read.text
    district_app.post(f"{BASE}/targets/save", {"csrf_token": csrf(district_app), "year": str(Y),
                                               f"listed_{wanzhou}": "99"}, status=403)


def test_chart_data_equals_the_table(dbsession, world, make_app):
    city = world["agency"]["cq"]
    data = st.chart_data(dbsession, city, Y)
    table = _values(dbsession, st.LISTING, "count", city, st.Period(Y))
    assert {d["name"]: d["value"] for d in data["districts"]} == \
        {name: v["listed"] for name, v in table.items() if name != "合计" and "区" in name and "开发区" not in name
         and "新区" not in name} | {name: v["listed"] for name, v in table.items() if name.endswith("县")}
    assert {z["key"]: z["value"] for z in data["zones"]} == {"liangjiang": 1, "national": 1, "municipal": 0}
    assert sum(d["value"] for d in data["districts"]) + sum(z["value"] for z in data["zones"]) == \
        table["合计"]["listed"]
    app = client(make_app, reviewer(dbsession, "cq"))
    page = app.get(f"{BASE}/overview/", {"year": str(Y)})
    assert "data-chart=" in page.text and "echarts.min.js" in page.text
    zone_drill = app.get(f"{BASE}/drill/", {"table": "listing", "tab": "count", "measure": "listed",
                                            "year": str(Y), "zone": "national"})
    assert "重庆统计Z2科技有限公司" in zone_drill.text and 'id="drill-count">1<' in zone_drill.text


def test_bad_filters_name_the_field(dbsession, world, make_app):
    app = client(make_app, reviewer(dbsession, "cq"))
    assert "年份须为" in app.get(f"{BASE}/listing/", {"year": "abc"}, status=400).text
    assert "月份格式" in app.get(f"{BASE}/progress/", {"month": "2026-13"}, status=400).text
    app.get(f"{BASE}/listing/", {"tab": "nope"}, status=404)
    app.get(f"{BASE}/drill/", {"table": "listing", "tab": "count", "measure": "nope"}, status=404)
    app.get(f"{BASE}/drill/", {"table": "listing", "tab": "count", "measure": "listed", "district": "abc"},
            status=404)
    assert "年份须为" in app.get(f"{BASE}/drill/", {"table": "listing", "tab": "count", "measure": "listed",
                                                "year": "1900"}, status=400).text


def test_the_unlisted_are_counted_only_as_registered(dbsession, world):
    """A guard on the fixture itself: the waiting enterprise exists and is not listed."""
    waiting = dbsession.scalars(select(Enterprise).where(Enterprise.review_state == "submitted")).all()
    assert len(waiting) == 1 and waiting[0].listed_on is None


def test_drill_pages_walk_the_whole_list_once(dbsession, world, make_app, monkeypatch):
    from kjgl.plugins.enterprise_registry import queries
    monkeypatch.setattr(queries, "PAGE_SIZE", 2)
    app = client(make_app, reviewer(dbsession, "cq"))
    url, seen = f"{BASE}/drill/?table=listing&tab=count&measure=registered&year={Y}", []
    while url:
        page = app.get(url)
        seen += [int(i) for i in re.findall(r'/agency/enterprises/(\d+)">查看', page.text)]
        found = re.search(r'<a href="([^"]+)">下一页</a>', page.text)
        url = unescape(found.group(1)).replace("http://localhost", "") if found else None
    assert len(seen) == len(set(seen)) == 7 and seen == sorted(seen, reverse=True)
    back = re.search(r'<a href="([^"]+)">上一页</a>', page.text)
    assert back and len(re.findall(r'">查看', app.get(unescape(back.group(1)).replace("http://localhost", "")).text)) == 2
