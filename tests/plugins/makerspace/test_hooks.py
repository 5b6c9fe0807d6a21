"""The makerspace plugin's review chain and demo data."""
import datetime as dt

from sqlalchemy import func, select

from kjgl.core import factories
from kjgl.core.review.models import Batch, Submission
from kjgl.plugins.makerspace import demo
from kjgl.plugins.makerspace.schemas import FILING


def test_chain_is_district_review_then_city_grading(make_app):
    app = make_app(plugins=["makerspace"])
    chain = app.app.registry["kjgl.review_chains"]["makerspace"]
    assert [(s.title, s.level) for s in chain.steps] == [("区科技局初审", "district"), ("市科技局评价", "city")]
    assert chain.steps[1].grades == ("优秀", "良好", "合格", "不合格")


def test_demo_opens_this_years_batch_and_one_complete_draft_once(dbsession):
    org = factories.organisation(dbsession, name="天津和平创客空间管理有限公司")
    applicant = factories.user(dbsession, "individual", organisation=org)
    context = {"organisations": {"hp": org}, "users": {"zhangmin": applicant}}
    demo.load(dbsession, context)
    demo.load(dbsession, context)

    year = dt.date.today().year
    batches = dbsession.scalars(select(Batch).where(Batch.module_key == "makerspace")).all()
    assert [(b.year, b.deadline, b.status) for b in batches] == [(year, dt.date(year, 12, 31), "open")]
    subs = dbsession.scalars(select(Submission).where(Submission.module_key == "makerspace")).all()
    assert len(subs) == 1
    sub = subs[0]
    assert (sub.state, sub.organisation_id, sub.applicant_id) == ("draft", org.id, applicant.id)
    assert sub.agency.name == "和平区科学技术局"
    content = dbsession.get(FILING.model, sub.id)
    assert content.data["operator_name"] == org.name and content.data["operator_credit_code"] == org.credit_code
    assert FILING.schema.validate(content.data).errors == {}
    assert dbsession.scalar(select(func.count()).select_from(FILING.model)) == 1
