"""The incubator's lists run as many statements for 50 records as for one
(issue 9): the same engine as makerspace, its own declaration."""
from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from tests.core.test_query_counts import Records, as_, constant

MODULE = "incubator"


def chain_of(make_app):
    return make_app().app.registry["kjgl.review_chains"][MODULE]


def test_the_city_reviewers_list(make_app, dbsession, sql_statements):
    records = Records(dbsession, chain_of(make_app), module=MODULE)
    constant(sql_statements, as_(make_app, records.city), f"/{MODULE}/review/", records.add)


def test_the_applicants_list(make_app, dbsession, sql_statements):
    org = factories.organisation(dbsession, agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key=MODULE))
    records = Records(dbsession, chain_of(make_app), organisation=org, applicant=applicant, submit=False,
                      module=MODULE)
    constant(sql_statements, as_(make_app, applicant), f"/{MODULE}/", records.add)
