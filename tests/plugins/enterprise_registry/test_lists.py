"""The agencies' lists: one query builder for the page, its keyset pages,
the detail's 上一页/下一页 and 导出Excel; fuzzy search taken literally."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl

from kjgl.plugins.enterprise_registry import queries

from .helpers import client, listed_enterprise, reviewer

LIST = "/enterprise-registry/agency/enterprises/"


def _ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'/agency/enterprises/(\d+)(?:\?[^"]*)?">查看', page.text)]


def _world(dbsession):
    made = {}
    for name, capital, scale in (("重庆甲一科技有限公司", "100.5", "小型"), ("重庆乙科技有限公司", "2000", "中型"),
                                 ("重庆甲二科技有限公司", "300.25", "小型"), ("重庆甲三科技有限公司", "40", "微型"),
                                 ("重庆百分%科技有限公司", "50", "小型")):
        _, _, e = listed_enterprise(dbsession, name=name, registered_capital=Decimal(capital), scale=scale)
        made[name] = e
    _, _, elsewhere = listed_enterprise(dbsession, "cq-d02", "黔江区", name="重庆甲四科技有限公司")
    made["elsewhere"] = elsewhere
    return made


def test_prev_next_walk_the_filtered_list_in_its_order_and_end_at_the_list(make_app, dbsession):
    made = _world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    listing = app.get(LIST, {"q": "甲"})
    ids = _ids(listing)
    assert ids == sorted(made[n].id for n in ("重庆甲一科技有限公司", "重庆甲二科技有限公司", "重庆甲三科技有限公司"))[::-1]
    walked, url = [], f"{LIST}{ids[0]}?q=%E7%94%B2"
    while "/enterprises/" in url and url.split("?")[0] != LIST:
        page = app.get(url)
        walked.append(int(url.split("?")[0].rstrip("/").split("/")[-1]))
        url = re.search(r'id="next" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
        url = url.replace("http://localhost", "")
    assert walked == ids
    assert url == LIST + "?q=%E7%94%B2"  # past the last: back to the list, filters kept
    first = app.get(f"{LIST}{ids[0]}?q=%E7%94%B2")
    assert re.search(r'id="prev" href="http://localhost/enterprise-registry/agency/enterprises/\?q=', first.text)


def test_export_holds_exactly_the_filtered_rows_typed(make_app, dbsession):
    _world(dbsession)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    shown = _ids(app.get(LIST, {"q": "甲"}))
    res = app.get(LIST + "export.xlsx", {"q": "甲"})
    from urllib.parse import quote
    assert quote("企业信息查询列表") in res.headers["Content-Disposition"]
    assert f"{dt.date.today():%Y%m%d}" in res.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(res.body)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "企业名称" and "注册资本（千元）" in header
    names = [r[0] for r in rows[1:]]
    assert names == ["重庆甲三科技有限公司", "重庆甲二科技有限公司", "重庆甲一科技有限公司"] and len(names) == len(shown)
    capital = header.index("注册资本（千元）")
    assert [r[capital] for r in rows[1:]] == [40, 300.25, 100.5]
    cell = sheet.cell(row=2, column=capital + 1)
    assert cell.number_format == "#,##0.00"
    registered = sheet.cell(row=2, column=header.index("注册时间") + 1)
    assert isinstance(registered.value, dt.datetime) and registered.number_format == "yyyy-mm-dd"
    everything = openpyxl.load_workbook(io.BytesIO(app.get(LIST + "export.xlsx").body)).active
    assert everything.max_row - 1 == 5  # by default all of the district's enterprises, not another district's


def test_search_by_part_of_a_name_or_a_credit_code_takes_percent_literally(make_app, dbsession):
    made = _world(dbsession)
    agency = reviewer(dbsession, "cq-d01").agency
    ld = queries.LISTS["enterprises"]

    def found(q):
        return {r["name"] for r in queries.page(dbsession, ld, agency, {"q": q}).rows}

    assert found("甲二") == {"重庆甲二科技有限公司"}
    code = made["重庆乙科技有限公司"].credit_code
    assert found(code[8:17]) == {"重庆乙科技有限公司"}
    assert found("%") == {"重庆百分%科技有限公司"}
    assert found("_") == set()
    assert found("甲四") == set()  # another district's


def test_keyset_pages_cover_the_list_once_and_the_city_filters_by_district(dbsession):
    made = _world(dbsession)
    ld = queries.LISTS["enterprises"]
    city = reviewer(dbsession, "cq").agency
    seen, after = [], None
    while True:
        page = queries.page(dbsession, ld, city, {"q": "重庆"}, after=after, size=2)
        seen += [r["id"] for r in page.rows]
        if page.next_key is None:
            break
        after = page.next_key
    assert seen == sorted(e.id for e in made.values())[::-1] and page.count == 6
    back = queries.page(dbsession, ld, city, {"q": "重庆"}, before=seen[2], size=2)
    assert [r["id"] for r in back.rows] == seen[:2]
    only = queries.page(dbsession, ld, city, {"district": str(made["elsewhere"].agency_id)})
    assert [r["id"] for r in only.rows] == [made["elsewhere"].id]
    district = reviewer(dbsession, "cq-d01").agency
    ignored = queries.page(dbsession, ld, district, {"district": str(made["elsewhere"].agency_id)})
    assert made["elsewhere"].id not in [r["id"] for r in ignored.rows]


def _approved_report(dbsession, org, user, year, **values):
    from kjgl.plugins.enterprise_registry.schemas import REPORT

    from .helpers import decide, report
    sub = report(dbsession, org, user, year, **values)
    decide(dbsession, REPORT.kind, sub, reviewer(dbsession, "cq-d01"))
    decide(dbsession, REPORT.kind, sub, reviewer(dbsession, "cq"))
    return sub


def test_recognition_pools(make_app, dbsession):
    """科技型企业认定库: listed with a city-approved report; 高新技术企业认定库: a
    valid certificate in the latest approved report."""
    from kjgl.plugins.enterprise_registry.schemas import REPORT

    from .helpers import decide, report
    year = dt.date.today().year
    valid, expired = dt.date(year + 1, 6, 30), dt.date(year - 1, 6, 30)
    org, user, both = listed_enterprise(dbsession, name="重庆双库科技有限公司")
    _approved_report(dbsession, org, user, year - 1, hitech_valid_until=valid)
    org, user, lapsed = listed_enterprise(dbsession, name="重庆过期科技有限公司")
    _approved_report(dbsession, org, user, year - 2, hitech_valid_until=valid)
    _approved_report(dbsession, org, user, year - 1, hitech_valid_until=expired)
    org, user, halfway = listed_enterprise(dbsession, name="重庆区县已审科技有限公司")
    decide(dbsession, REPORT.kind, report(dbsession, org, user, year - 1, hitech_valid_until=valid),
           reviewer(dbsession, "cq-d01"))
    # its latest approved report is older than the others' (the newer one still waits for the city):
    # that older report's certificate counts
    org, user, older = listed_enterprise(dbsession, name="重庆早报科技有限公司")
    _approved_report(dbsession, org, user, year - 2, hitech_valid_until=valid)
    decide(dbsession, REPORT.kind, report(dbsession, org, user, year - 1, hitech_valid_until=expired),
           reviewer(dbsession, "cq-d01"))
    agency = reviewer(dbsession, "cq-d01").agency
    tech = {r["id"] for r in queries.page(dbsession, queries.LISTS["pool_tech"], agency, {}).rows}
    hitech = {r["id"] for r in queries.page(dbsession, queries.LISTS["pool_hitech"], agency, {}).rows}
    assert tech == {both.id, lapsed.id, older.id} and hitech == {both.id, older.id}
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    assert "重庆双库科技有限公司" in app.get("/enterprise-registry/agency/pools/hitech/").text
    app.get(f"/enterprise-registry/agency/pools/hitech/{lapsed.id}", status=404)
    client(make_app, reviewer(dbsession, "cq-d02")).get(f"/enterprise-registry/agency/pools/tech/{both.id}", status=404)
    sheet = openpyxl.load_workbook(io.BytesIO(app.get("/enterprise-registry/agency/pools/tech/export.xlsx").body)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == \
        sorted(["重庆双库科技有限公司", "重庆过期科技有限公司", "重庆早报科技有限公司"])


def test_report_export_equals_the_filtered_report_list(make_app, dbsession):
    from .helpers import report
    year = dt.date.today().year
    org, user, _ = listed_enterprise(dbsession, name="重庆年报甲科技有限公司")
    report(dbsession, org, user, year - 1)
    report(dbsession, org, user, year - 2)
    app = client(make_app, reviewer(dbsession, "cq-d01"))
    listing = app.get("/enterprise-registry/agency/reports/", {"year": str(year - 1)})
    assert len(re.findall(r'/agency/reports/\d+\?[^"]*">查看', listing.text)) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(app.get("/enterprise-registry/agency/reports/export.xlsx",
                                                      {"year": str(year - 1)}).body)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == 2 and rows[1][0] == year - 1 and rows[1][header.index("审核状态")] == "待区县审核"
    assert rows[1][header.index("利润总额（千元）")] == -50.25
    assert rows[1][header.index("从业人员（人）")] == 50
