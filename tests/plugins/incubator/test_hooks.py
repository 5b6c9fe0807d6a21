"""The incubator plugin's review chain and demo data."""
import datetime as dt

from sqlalchemy import select

from kjgl.core import factories
from kjgl.core.review.models import Batch, Submission
from kjgl.plugins.incubator import demo


def test_chain_is_district_review_then_city_grading(make_app):
    app = make_app(plugins=["incubator"])
    chain = app.app.registry["kjgl.review_chains"]["incubator"]
    assert [(s.key, s.level) for s in chain.steps] == [("district", "district"), ("city", "city")]
    assert chain.steps[1].grades == ("优秀", "良好", "合格", "不合格")


def test_demo_opens_this_years_batch_once(dbsession):
    org = factories.organisation(dbsession)
    context = {"organisations": {"hp": org}, "users": {"zhangmin": factories.user(dbsession, organisation=org)}}
    demo.load(dbsession, context)
    demo.load(dbsession, context)
    year = dt.date.today().year
    batches = dbsession.scalars(select(Batch).where(Batch.module_key == "incubator")).all()
    assert [(b.year, b.deadline) for b in batches] == [(year, dt.date(year, 12, 31))]
    assert dbsession.scalars(select(Submission).where(Submission.module_key == "incubator")).all() == []
