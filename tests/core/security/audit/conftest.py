import pytest

from kjgl.core import factories
from kjgl.core.testing import login


@pytest.fixture
def audit_app(app, dbsession):
    """The app with the audit admin logged in."""
    admin = factories.user(dbsession, "audit_admin", account="auditor", name="审计管理员")
    login(app, admin.account)
    return app
