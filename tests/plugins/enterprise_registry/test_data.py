"""Generated enterprises (``kjgl generate-enterprises``, the demo): valid
credit codes, sealed personal data, three years of reports in mixed states,
rows the lists read like any other."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select, text
from stdnum.cn import uscc

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.organisations.models import Organisation
from kjgl.core.review.models import Submission, SubmissionRoute
from kjgl.plugins.enterprise_registry import demo, generate, queries
from kjgl.plugins.enterprise_registry.models import Enterprise, Report
from kjgl.plugins.enterprise_registry.schemas import REPORT


def test_generated_enterprises_are_valid_and_listed_like_any_other(dbsession):
    city = factories.agency(dbsession, "cq")
    before = dbsession.scalar(select(func.count()).select_from(Enterprise))
    assert generate.generate(dbsession, 60, years=3, seed=7, batch=25) == 60
    made = list(dbsession.scalars(select(Enterprise).order_by(Enterprise.id.desc()).limit(60)))
    assert dbsession.scalar(select(func.count()).select_from(Enterprise)) == before + 60
    assert all(uscc.is_valid(e.credit_code) for e in made)
    assert [e.contact_mobile for e in made if len(e.contact_mobile or "") != 11] == []  # sealed in the table, read back through the ORM
    stored = dbsession.execute(text("SELECT contact_mobile FROM er_enterprise WHERE id = :id"), {"id": made[0].id}).scalar()
    assert stored.startswith("enc")
    listed = [e for e in made if e.listed]
    assert 30 < len(listed) < 60
    years = Counter(dbsession.scalars(select(Report.year).where(Report.enterprise_id.in_([e.id for e in made]))))
    assert len(years) == 3 and set(years.values()) == {len(listed)}
    states = Counter(dbsession.scalars(select(Submission.state).join(Report, Report.submission_id == Submission.id)
                                       .where(Report.enterprise_id.in_([e.id for e in made]))))
    assert {"approved", "submitted"} <= set(states)
    pending = dbsession.scalars(select(Submission).where(Submission.kind == REPORT.kind,
                                                         Submission.state == "submitted")).first()
    routes = dbsession.scalars(select(SubmissionRoute.agency_id).where(SubmissionRoute.submission_id == pending.id)
                               .order_by(SubmissionRoute.step)).all()
    assert routes == [pending.agency_id, city.id]
    page = queries.page(dbsession, queries.LISTS["enterprises"], city, {}, size=100)
    assert {e.id for e in made} <= {r["id"] for r in page.rows}


def test_demo_loads_a_few_hundred_enterprises_and_its_accounts_once(dbsession):
    city = factories.agency(dbsession, "cq")
    demo.load(dbsession, {"agencies": {"cq": city}})
    demo.load(dbsession, {"agencies": {"cq": city}})
    count = dbsession.scalar(select(func.count()).select_from(Organisation).where(
        Organisation.credit_code.like(generate.CODE_PREFIX + "%")))
    assert count == demo.DEMO_ENTERPRISES
    accounts = set(dbsession.scalars(select(User.account).where(User.account.in_(("yuzhongkj", "cqqiye")))))
    assert accounts == {"yuzhongkj", "cqqiye"}


def test_the_development_deployment_keeps_its_small_demo(dbsession):
    before = dbsession.scalar(select(func.count()).select_from(Organisation))
    demo.load(dbsession, {"agencies": {"cq": factories.agency(dbsession, "cq"), "tj": factories.agency(dbsession, "tj")}})
    assert dbsession.scalar(select(func.count()).select_from(Organisation)) == before


def test_the_demo_has_members_in_every_screened_pool_under_its_defaults(dbsession):
    """A bureau opening any 培育库 / 后备库 of the demo sees enterprises, not an empty list."""
    import datetime as dt

    from kjgl.plugins.enterprise_registry import pool_settings, pools

    city = factories.agency(dbsession, "cq")
    demo.load(dbsession, {"agencies": {"cq": city}})
    for pool in pools.POOLS.values():
        settings = pool.defaults()
        f = pool_settings.listdef(pool, settings).filters({})
        if pool.yearly:
            f["year"] = str(pools.latest_year(dbsession, city))
        found = dbsession.execute(pools.compile_pool(pool, city, f, settings, dt.date.today())).first()
        assert found is not None, pool.title
