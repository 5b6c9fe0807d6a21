"""The registry's lists and its long pages run as many statements for 50
rows as for one (issue 9): the agencies' lists (基本信息审核, 企业信息查询列表,
年报数据审核, 年报数据查询, the 认定库 and every screened pool), 知识价值信用评级
and 科技创新券 (the enterprise's and the district's), 自定义查询, the
statistics and their drill-through, and an enterprise's detail and home with
many versions and reports. Each row is an enterprise of its own, in one of three
districts."""
from __future__ import annotations

import datetime as dt

import pytest

from kjgl.plugins.enterprise_registry import declaration_services as ds
from kjgl.plugins.enterprise_registry import pools, services
from kjgl.plugins.enterprise_registry.schemas import REPORT
from tests.core.test_query_counts import constant, rows

from .helpers import client, ctx, decide, filer, listed_enterprise, report, reviewer, submitted_basic

AG = "/enterprise-registry/agency"
DISTRICTS = (("cq-d01", "万州区"), ("cq-d02", "黔江区"), ("cq-d03", "涪陵区"))
LAST_YEAR = dt.date.today().year - 1
# a valid 高企 certificate and figures that put enterprises into the screened pools
CERTIFIED = dict(hitech_certified="是", hitech_cert_on=dt.date(LAST_YEAR, 1, 10),
                 hitech_valid_until=dt.date(LAST_YEAR + 3, 1, 9))


def district(i):
    return DISTRICTS[i % len(DISTRICTS)]


def enterprise(db, i, **values):
    """The i-th listed enterprise: (org, user, enterprise)."""
    code, name = district(i)
    return listed_enterprise(db, code, name, name=f"重庆计数{i:03d}科技有限公司", **values)


def approved_report(db, org, user, i, year=LAST_YEAR, **values):
    sub = report(db, org, user, year, **{**CERTIFIED, **values})
    decide(db, REPORT.kind, sub, reviewer(db, district(i)[0]))
    decide(db, REPORT.kind, sub, reviewer(db, "cq"))
    return sub


@pytest.fixture
def city(make_app, dbsession):
    return client(make_app, reviewer(dbsession, "cq"))


def test_the_basic_information_review_list(city, dbsession, sql_statements):
    def pending(i):
        org, user = filer(dbsession, district(i)[0])
        submitted_basic(dbsession, org, user, district(i)[1])
    constant(sql_statements, city, f"{AG}/basic/", rows(dbsession, pending))


def test_the_enterprises_list(city, dbsession, sql_statements):
    constant(sql_statements, city, f"{AG}/enterprises/", rows(dbsession, lambda i: enterprise(dbsession, i)))


def reporting(dbsession):
    """Row maker: the i-th enterprise with last year's report submitted."""
    def submitted(i):
        org, user, _ = enterprise(dbsession, i)
        report(dbsession, org, user, LAST_YEAR)
    return rows(dbsession, submitted)


def test_the_report_review_list(city, dbsession, sql_statements):
    constant(sql_statements, city, f"{AG}/report-review/", reporting(dbsession))


def test_the_reports_list(city, dbsession, sql_statements):
    def filed(i):
        org, user, _ = enterprise(dbsession, i)
        if i % 2:
            approved_report(dbsession, org, user, i)
        else:
            report(dbsession, org, user, LAST_YEAR - 1)
    constant(sql_statements, city, f"{AG}/reports/", rows(dbsession, filed))


# three kinds of enterprise in turn, so that every pool holds rows: a young, large
# one not yet certified (科企孵化库, 高企后备库, 科创板储备库, 领军企业); a small
# certified one (高企认定库, 国家科技型中小企业后备库); one growing fast (高成长)
LARGE = dict(main_revenue=600000, total_revenue=650000, rd_expense=36000, hitech_income=500000,
             invention_granted=5, hitech_certified="否", hitech_cert_on=None, hitech_valid_until=None)
YOUNG = dict(registered_on=dt.date(LAST_YEAR - 1, 6, 1))


def pooled(db):
    """``make_row`` of an enterprise with approved reports (of several years for a growing one)."""
    def make(i):
        kind = i % 3
        org, user, _ = enterprise(db, i, **(YOUNG if kind == 0 else {}))
        if kind == 0:
            approved_report(db, org, user, i, **LARGE)
        elif kind == 1:
            approved_report(db, org, user, i, employees=50 + i)
        else:
            for back, revenue in ((2, 2000), (1, 3000), (0, 4500)):
                approved_report(db, org, user, i, year=LAST_YEAR - back, main_revenue=revenue,
                                total_revenue=revenue + 500)
    return make


def test_the_recognition_and_screened_pools(city, dbsession, sql_statements):
    """科技型企业认定库, 高新技术企业认定库 and every screened pool, over the same enterprises."""
    urls = [f"{AG}/pools/{path}/" for path in ("tech", "hitech", *(pool.path for pool in pools.POOLS.values()))]
    constant(sql_statements, city, urls, rows(dbsession, pooled(dbsession)))
    assert all("重庆计数" in city.get(url).text for url in urls)  # no pool was measured empty


RATING = {"rd_expense": "800.50", "rd_staff": "12", "ip_count": "7", "revenue": "12000", "note": ""}


def test_the_ratings_list(city, dbsession, sql_statements):
    bureau = reviewer(dbsession, "cq")

    def rating(i):
        org, user, _ = enterprise(dbsession, i)
        applied = ds.apply_rating(ctx(dbsession, user), org, {**RATING, "year": str(LAST_YEAR)})
        if i % 2:
            ds.rate(ctx(dbsession, bureau), applied, {"level": "AA", "score": "85"})
    constant(sql_statements, city, f"{AG}/ratings/", rows(dbsession, rating))


def voucher(db, org, user, i, year=LAST_YEAR):
    """A voucher, approved and redeemed for every other row."""
    applied = ds.apply_voucher(ctx(db, user), org, {"year": str(year), "kind": "研发设计", "amount": f"{10 + i}.00",
                                                     "purpose": "委托检测"})
    if i % 2:
        decider = reviewer(db, district(i)[0])
        ds.decide_voucher(ctx(db, decider), applied, {"decision": "approve", "opinion": ""})
        ds.redeem_voucher(ctx(db, decider), applied, {"redeemed_amount": f"{10 + i}.00",
                                                      "redeemed_on": dt.date.today().isoformat()})
    return applied


def vouchers(db):
    def make(i):
        org, user, _ = enterprise(db, i)
        voucher(db, org, user, i)
    return make


def test_the_districts_voucher_lists(city, dbsession, sql_statements):
    """科技创新券列表, 情况统计表 and 兑付统计."""
    constant(sql_statements, city, [f"{AG}/{path}/" for path in ("vouchers", "voucher-summary", "voucher-stats")],
             rows(dbsession, vouchers(dbsession)))


def test_the_enterprises_declarations(make_app, dbsession, sql_statements):
    """申报事项 of one enterprise: its vouchers and ratings of many years."""
    org, user, _ = enterprise(dbsession, 0)

    def declared(i):
        voucher(dbsession, org, user, i, year=LAST_YEAR - i % 5)
        if i < 5:
            ds.apply_rating(ctx(dbsession, user), org, {**RATING, "year": str(LAST_YEAR - i)})
    constant(sql_statements, client(make_app, user), "/enterprise-registry/declarations/", rows(dbsession, declared))


def test_the_custom_query(city, dbsession, sql_statements):
    constant(sql_statements, city, f"{AG}/custom-query/", reporting(dbsession))


def test_the_statistics_and_their_drill_through(city, dbsession, sql_statements):
    """The drill-through list behind a cell, and the tables themselves (one row per district)."""
    params = "table=listing&tab=count&measure=listed&year=" + str(dt.date.today().year)
    urls = [f"{AG}/statistics/drill/?{params}"] + [f"{AG}/statistics/{path}/"
                                                   for path in ("progress", "listing", "annual", "overview")]
    constant(sql_statements, city, urls, rows(dbsession, lambda i: enterprise(dbsession, i)))


def new_versions(db, org, user, i=0):
    """``add(count)``: each a new version of the basic information, returned once then approved."""
    code, name = district(i)
    district_reviewer = reviewer(db, code)

    def add(count):
        for _ in range(count):
            sub = submitted_basic(db, org, user, name)
            decide(db, "enterprise_registry.basic", sub, district_reviewer, decision="return", opinion="请补充")
            outcome, _ = services.submit_basic(ctx(db, user), sub)
            assert outcome.ok, outcome
            decide(db, "enterprise_registry.basic", sub, district_reviewer)
        db.expire_all()
    return add


def test_an_enterprises_detail_with_many_versions(city, dbsession, sql_statements):
    org, user, listed = enterprise(dbsession, 0)
    constant(sql_statements, city, f"{AG}/enterprises/{listed.id}", new_versions(dbsession, org, user),
             first=0, then=20)


def test_an_enterprises_detail_with_many_reports(city, dbsession, sql_statements):
    org, user, listed = enterprise(dbsession, 0)
    years = iter(range(LAST_YEAR, LAST_YEAR - 11, -1))

    def filed(count):
        for _ in range(count):
            approved_report(dbsession, org, user, 0, year=next(years))
        dbsession.expire_all()
    constant(sql_statements, city, f"{AG}/enterprises/{listed.id}", filed, first=1, then=10)


def test_the_enterprises_home(make_app, dbsession, sql_statements):
    """The enterprise's own page: every version of its basic information and its reports."""
    org, user, _ = enterprise(dbsession, 0)
    app = client(make_app, user)
    years = iter(range(LAST_YEAR, LAST_YEAR - 11, -1))
    versions = new_versions(dbsession, org, user)

    def add(count):
        versions(count)
        for _ in range(min(count, 5)):
            report(dbsession, org, user, next(years), submit=False)
        dbsession.expire_all()
    constant(sql_statements, app, "/enterprise-registry/", add, first=1, then=10)
