"""The menu decides its items with the policy's ``decider`` (the identity,
its gate and the rules looked up once per request): for every registered
permission and every kind of user, including one who must change their
password and one whose second factor is pending, it says what
``request.has_permission`` says."""
from __future__ import annotations

import pytest
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import Request
from pyramid.scripting import prepare

from kjgl.core import factories
from kjgl.core.grants.models import ModuleGrant
from kjgl.core.layout import menu_for
from kjgl.core.security import SECOND_FACTOR_PENDING_KEY, SESSION_USER_KEY

ALL_PLUGINS = ("makerspace", "incubator", "national_record", "enterprise_registry")


def users(db):
    org = factories.organisation(db, agency_code="tj-d01")
    granted = factories.user(db, "individual", organisation=org)
    for key in ("makerspace", "national_record"):
        db.add(ModuleGrant(user_id=granted.id, module_key=key))
    return {
        "individual, two grants": (granted, {}),
        "individual, no organisation": (factories.user(db, "individual"), {}),
        "organisation admin": (factories.org_admin(db, org), {}),
        "district staff": (factories.user(db, "agency", agency_code="tj-d01"), {}),
        "city staff": (factories.user(db, "agency", agency_code="tj"), {}),
        "Chongqing district staff": (factories.user(db, "agency", agency_code="cq-d04"), {}),
        "system admin": (factories.user(db, "admin"), {}),
        "security admin": (factories.user(db, "security_admin"), {}),
        "audit admin": (factories.user(db, "audit_admin"), {}),
        "must change the password": (factories.user(db, "individual", organisation=org,
                                                    must_change_password=True), {}),
        "second factor pending": (factories.user(db, "agency", agency_code="tj-d01"),
                                  {SECOND_FACTOR_PENDING_KEY: "1"}),
    }


@pytest.fixture
def registry(make_app):
    return make_app(plugins=ALL_PLUGINS).app.registry


def test_the_menus_decisions_are_has_permissions(registry, dbsession):
    people = users(dbsession)
    dbsession.flush()
    permissions = registry["kjgl.permission_rules"].names() + ["no:such:permission"]
    policy = registry.queryUtility(ISecurityPolicy)
    for who, (user, session) in people.items():
        env = prepare(request=Request.blank("/"), registry=registry)
        try:
            request = env["request"]
            request.environ["kjgl.dbsession"] = dbsession
            request.session[SESSION_USER_KEY] = user.id
            request.session.update(session)
            request.__dict__["kjgl_identity"] = user  # as the session's identity statement gives it
            allowed = policy.decider(request)
            decided = {p: allowed(p) for p in permissions}
            assert decided == {p: bool(request.has_permission(p)) for p in permissions}, who
            assert [i.route for i in menu_for(request)] == [
                i.route for i in registry["kjgl.menu"] if request.has_permission(i.permission)], who
            assert any(decided.values()) or session, who  # each holds something, unless gated
        finally:
            env["closer"]()
