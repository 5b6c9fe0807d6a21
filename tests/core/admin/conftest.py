import pytest

from kjgl.core import factories
from kjgl.core.testing import login


@pytest.fixture
def admin_app(app, dbsession):
    """The app with a platform admin logged in and the agency tree seeded."""
    factories.agency(dbsession, "tj")
    admin = factories.user(dbsession, "admin", account="platformadmin", name="平台管理员")
    login(app, admin.account)
    app.admin = admin
    return app
