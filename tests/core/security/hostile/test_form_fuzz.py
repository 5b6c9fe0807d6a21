"""Hostile input through the real forms (WebTest): never a 500, HTML
payloads come back escaped, and a refused request changes nothing stored."""
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import func, select

from kjgl.core import factories
from kjgl.core.accounts.models import User
from kjgl.core.accounts.registration_schemas import INDIVIDUAL, LEGAL
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.grants.schemas import RESIDENT_ID
from kjgl.core.organisations.models import Organisation
from kjgl.core.review import services as review
from kjgl.core.review.models import Submission
from kjgl.core.testing import login
from kjgl.core.validators import SECURITY_QUESTIONS
from kjgl.plugins.makerspace.schemas import FILING as MAKERSPACE

from .payloads import HOSTILE_STRINGS, SCRIPT

FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
RAW_HTML = (SCRIPT, "<img src=x onerror=alert(1)>")
START = (dt.date.today() - dt.timedelta(days=700)).isoformat()
# posted text: hostile strings, random text, or huge values (WebTest posts str only)
posted_text = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=120),
                        st.sampled_from(("x" * 70_000, "中" * 5_000)))


def overrides(names):
    """Some fields replaced by hostile text, some posted twice."""
    return st.tuples(st.dictionaries(st.sampled_from(names), posted_text, min_size=1, max_size=4),
                     st.lists(st.tuples(st.sampled_from(names), posted_text), max_size=2))


def posted(base: dict, change) -> list[tuple[str, str]]:
    replaced, repeated = change
    return list({**base, **replaced}.items()) + list(repeated)


def assert_safe(res):
    assert res.status_int < 500
    if res.content_type == "text/html":
        for payload in RAW_HTML:
            assert payload not in res.text


def csrf(testapp, path: str, form=0) -> str:
    return testapp.get(path).forms[form]["csrf_token"].value


def counts(dbsession):
    dbsession.expire_all()
    return (dbsession.scalar(select(func.count()).select_from(User)),
            dbsession.scalar(select(func.count()).select_from(Organisation)))


# --- registration ---

LEGAL_BASE = dict(
    account="fuzzlegal01", password="Abcd1234!", password_confirm="Abcd1234!",
    legal_type="企业", org_name="天津模糊测试科技有限公司", credit_code=factories.credit_code(990777),
    name="王建国", id_type="身份证", id_number="11010519491231002X", id_valid_from=START, id_validity="20年",
    mobile="13812345678", security_q1=SECURITY_QUESTIONS[0], security_a1="天津",
    security_q2=SECURITY_QUESTIONS[1], security_a2="李秀英", security_q3=SECURITY_QUESTIONS[3],
    security_a3="和平路小学", captcha="AAAA",
)
INDIVIDUAL_BASE = dict(
    account="fuzzperson01", password="Abcd1234!", password_confirm="Abcd1234!", name="张三",
    id_type="身份证", id_number="11010519491231002X", id_valid_from=START, id_validity="10年",
    mobile="13912345678", email="zhangsan@example.cn", captcha="AAAA", sms_code="123456",
)


@pytest.mark.parametrize("path, schema, base", [
    ("/register/legal", LEGAL, LEGAL_BASE),
    ("/register/individual", INDIVIDUAL, INDIVIDUAL_BASE),
], ids=["legal", "individual"])
def test_registration_survives_hostile_input(app, dbsession, path, schema, base):
    @FUZZ
    @given(overrides([f.name for f in schema]))
    def fuzz(change):
        app.reset()  # a registration that succeeded logged its user in
        token = csrf(app, path)
        before = counts(dbsession)
        res = app.post(path, posted(base, change) + [("csrf_token", token)], status="*")
        assert_safe(res)
        if res.status_int != 303:  # refused: nobody was registered
            assert counts(dbsession) == before

    fuzz()


def test_a_script_in_a_refused_registration_comes_back_escaped(app, dbsession):
    before = counts(dbsession)
    fields = dict(LEGAL_BASE, org_name=SCRIPT, credit_code="not-a-code", csrf_token=csrf(app, "/register/legal"))
    res = app.post("/register/legal", fields, status=200)
    assert "&lt;script&gt;alert(&#39;kjgl&#39;)&lt;/script&gt;" in res.text or \
        "&lt;script&gt;alert('kjgl')&lt;/script&gt;" in res.text
    assert SCRIPT not in res.text
    assert counts(dbsession) == before


# --- the individual's own details ---

@pytest.fixture
def person_app(app, dbsession):
    person = factories.user(dbsession, name="李明", mobile="13800000077", email="liming@example.cn")
    login(app, person.account)
    return app, person


def test_profile_survives_hostile_input_and_refusals_change_nothing(person_app, dbsession):
    testapp, person = person_app
    token = csrf(testapp, "/me/profile", "profile-form")
    base = dict(name="李明", mobile="13800000077", email="liming@example.cn", id_valid_from=START,
                id_valid_to=(dt.date.today() + dt.timedelta(days=3000)).isoformat())

    def stored():
        dbsession.expire_all()
        user = dbsession.get(User, person.id)
        return (user.name, user.mobile, user.email, user.id_valid_from, user.id_valid_to, user.id_number)

    @FUZZ
    @given(overrides([f.name for f in RESIDENT_ID] + ["id_number", "account"]))
    def fuzz(change):
        before = stored()
        res = testapp.post("/me/profile", posted(base, change) + [("csrf_token", token)], status="*")
        assert_safe(res)
        if res.status_int != 303:
            assert stored() == before
        assert stored()[5] == before[5]  # the ID number never changes here

    fuzz()


def test_a_script_as_a_name_is_refused_or_shown_escaped(person_app, dbsession):
    testapp, person = person_app
    token = csrf(testapp, "/me/profile", "profile-form")
    res = testapp.post("/me/profile", {"name": SCRIPT, "mobile": "1380000007x", "email": "liming@example.cn",
                                       "csrf_token": token}, status=200)
    assert SCRIPT not in res.text and "&lt;script&gt;" in res.text


# --- makerspace 暂存 ---

@pytest.fixture
def draft(make_app, dbsession):
    org = factories.organisation(dbsession, name="天津模糊众创空间管理有限公司", agency_code="tj-d01")
    applicant = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=applicant.id, module_key="makerspace"))
    city = factories.user(dbsession, "agency", agency_code="tj")
    dbsession.flush()
    today = dt.date.today()
    review.open_batch(dbsession, "makerspace", today.year, today + dt.timedelta(days=30), city)
    testapp = make_app()
    login(testapp, applicant.account)
    page = testapp.get("/makerspace/new")
    form = page.forms["filing-form"]
    form["name"] = "模糊测试众创空间"
    res = form.submit("action", value="save", status=303)
    edit = res.follow()
    sub = dbsession.scalars(select(Submission).where(Submission.module_key == "makerspace",
                                                     Submission.organisation_id == org.id)).one()
    return testapp, sub, edit.request.path


def _stored_draft(dbsession, sub):
    dbsession.expire_all()
    row = dbsession.scalars(select(MAKERSPACE.model).where(MAKERSPACE.model.submission_id == sub.id)).one()
    fresh = dbsession.get(Submission, sub.id)
    return dict(row.data or {}), fresh.version, fresh.title


def test_makerspace_draft_survives_hostile_input_and_refusals_change_nothing(draft, dbsession):
    testapp, sub, path = draft
    text_fields = [f.name for f in MAKERSPACE.fields if not f.readonly]

    @FUZZ
    @given(overrides(text_fields))
    def fuzz(change):
        page = testapp.get(path)
        form = page.forms["filing-form"]
        base = {"csrf_token": form["csrf_token"].value, "version": form["version"].value, "action": "save",
                "name": "模糊测试众创空间"}
        before = _stored_draft(dbsession, sub)
        res = testapp.post(path, posted(base, change), status="*")
        assert_safe(res)
        if res.status_int != 303:
            assert _stored_draft(dbsession, sub) == before
        else:
            assert_safe(testapp.get(path))  # whatever was stored is shown escaped

    fuzz()


def test_a_stored_script_is_shown_escaped(draft, dbsession):
    testapp, sub, path = draft
    text = next(f.name for f in MAKERSPACE.fields
                if f.kind == "textarea" and not f.readonly and (f.max_length or 1000) >= len(SCRIPT))
    form = testapp.get(path).forms["filing-form"]
    form[text] = SCRIPT
    form.submit("action", value="save", status=303)
    assert _stored_draft(dbsession, sub)[0][text] == SCRIPT  # stored as typed …
    for page in (testapp.get(path), testapp.get(f"/makerspace/{sub.id}")):
        assert SCRIPT not in page.text and "&lt;script&gt;" in page.text  # … shown as text
