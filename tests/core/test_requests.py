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
    extensions = registry.queryUtility(IRequestExtensions)
    assert not extensions.descriptors and not extensions.methods
