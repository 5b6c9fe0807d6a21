"""People and enterprises of the registry's tests: Chongqing's tree (cq,
cq-d01 万州区, cq-d02 黔江区 …), enterprises made through the services (so
the rows are what the pages make), and logged-in clients."""
from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from stdnum.cn import uscc

from kjgl.core import factories
from kjgl.core.filings import tabbed
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.testing import login
from kjgl.plugins.enterprise_registry import services
from kjgl.plugins.enterprise_registry.models import BasicVersion, Report, ReportInnovation, ReportMarket, ReportPeople

_seq = itertools.count(1)
SETTINGS = {"kjgl.province": "重庆市"}


def code(n: int) -> str:
    body = f"91500000{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def ctx(db, actor) -> tabbed.Context:
    return tabbed.Context(db=db, actor=actor, settings=SETTINGS)


def filer(db, district_code="cq-d01"):
    """An enterprise organisation under ``district_code`` and its individual holding the module."""
    n = next(_seq)
    org = factories.organisation(db, name=f"重庆测试科技有限公司{n:03d}", agency_code=district_code)
    user = factories.user(db, "individual", organisation=org)
    db.add(ModuleGrant(user_id=user.id, module_key="enterprise_registry"))
    db.flush()
    return org, user


def reviewer(db, agency_code):
    return factories.user(db, "agency", agency_code=agency_code)


BASIC_VALUES = dict(registered_on=dt.date(2015, 3, 1), zone=None, registered_capital=Decimal("5000.00"),
                    industry="第二产业", scale="小型", tech_field="电子信息", main_business="传感器研发与生产",
                    legal_rep="张三", contact_name="李四", contact_mobile="13800000000", address="重庆市某路1号",
                    above_scale="否")


def basic_version(db, org, user, district="万州区", **values):
    """A filled version of the basic information (a draft)."""
    sub = services.start_basic(ctx(db, user), org)
    row = db.get(BasicVersion, sub.id)
    for name, value in {**BASIC_VALUES, "name": org.name, "credit_code": org.credit_code, "district": district,
                        **values}.items():
        setattr(row, name, value)
    db.flush()
    return sub


def submitted_basic(db, org, user, district="万州区", **values):
    sub = basic_version(db, org, user, district, **values)
    outcome, found = services.submit_basic(ctx(db, user), sub)
    assert outcome.ok, (outcome, found)
    return sub


def decide(db, kind, sub, who, decision="approve", opinion=""):
    services.decide(ctx(db, who), kind, sub, decision=decision, opinion=opinion, expected_version=sub.version)


def listed_enterprise(db, district_code="cq-d01", district="万州区", **values):
    """An approved (已入库) enterprise: (org, user, enterprise)."""
    org, user = filer(db, district_code)
    sub = submitted_basic(db, org, user, district, **values)
    decide(db, "enterprise_registry.basic", sub, reviewer(db, district_code))
    return org, user, services.enterprise_of(db, org.id)


REPORT_VALUES = {
    Report: dict(scale="小型", industry="第二产业", tech_field="电子信息", above_scale="否",
                 main_revenue=Decimal("12345.67"), total_revenue=Decimal("13000.00"), profit=Decimal("-50.25"),
                 tax=Decimal("300.00"), export_earnings=Decimal("0.00"), total_assets=Decimal("20000.00"),
                 rd_expense=Decimal("800.50")),
    ReportInnovation: dict(invention_applied=3, invention_granted=1, utility_applied=5, utility_granted=4,
                           design_applied=0, design_granted=0, software_copyrights=2, new_products=1,
                           std_international=0, std_national=0, std_industry=1, std_local=0, std_group=0,
                           platform_national=0, platform_city=1, platform_district=0, hitech_products=2,
                           hitech_income=Decimal("5000.00")),
    ReportPeople: dict(employees=50, rd_staff=12, doctors=1, masters=5, bachelors=20, college_below=24),
    ReportMarket: dict(listing_status="未上市", listing_board=None, hitech_certified="是", hitech_cert_no="GR202250000123",
                       hitech_cert_on=dt.date(2022, 11, 1), hitech_valid_until=dt.date(2025, 10, 31)),
}


def report(db, org, user, year, submit=True, **overrides):
    sub = services.start_report(ctx(db, user), org, year)
    for model, values in REPORT_VALUES.items():
        row = db.get(model, sub.id)
        for name, value in {**values, **{k: v for k, v in overrides.items() if hasattr(model, k)}}.items():
            setattr(row, name, value)
    db.flush()
    if submit:
        outcome, found = services.submit_report(ctx(db, user), sub)
        assert outcome.ok, (outcome, found)
    return sub


def client(make_app, user):
    app = make_app(**SETTINGS)
    login(app, user.account)
    return app


def csrf(app) -> str:
    page = app.get("/account/password")
    return next(f for f in page.forms.values() if "csrf_token" in f.fields)["csrf_token"].value


def version_in(page) -> str:
    import re

    return re.search(r'name="version" value="(\d+)"', page.text).group(1)
