"""The request properties of the features live on one request class made at
start-up (core/requests.py), not on a new class Pyramid makes per request."""
from __future__ import annotations

from pyramid.interfaces import INewRequest, IRequestExtensions

from kjgl.core import factories
from kjgl.core.testing import login


def test_every_request_is_of_the_one_class_holding_the_features_properties(make_app, dbsession):
    app = make_app()
    seen = []
    registry = app.app.registry
    registry.registerHandler(lambda event: seen.append(type(event.request)), (INewRequest,))
    user = factories.user(dbsession, "individual", organisation=factories.organisation(dbsession))
    dbsession.flush()
    login(app, user.account)
    app.get("/portal")
    assert len(set(seen)) == 1, set(seen)
    cls = seen[0]
    for name in ("dbsession", "tm", "kjgl_identity", "granted_modules", "records_root"):
        assert name in vars(cls), name
    # the router applies nothing per request; the registry keeps them for
    # requests made elsewhere
    assert app.app.request_extensions is None
    assert set(registry.queryUtility(IRequestExtensions).descriptors) >= {"dbsession", "kjgl_identity"}


def test_a_request_made_outside_the_router_still_gets_the_properties(make_app):
    from pyramid.request import Request
    from pyramid.scripting import prepare

    env = prepare(request=Request.blank("/"), registry=make_app().app.registry)
    try:
        assert hasattr(env["request"], "granted_modules") and hasattr(env["request"], "dbsession")
    finally:
        env["closer"]()
