import pytest

from kjgl.core import factories
from kjgl.core.testing import login


@pytest.fixture
def admin_app(app, dbsession):
    """The app with a platform admin logged in."""
    admin = factories.user(dbsession, "admin", account="auditor", name="审计管理员")
    login(app, admin.account)
    return app
