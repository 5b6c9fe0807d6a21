import pytest

from kjgl.core import factories
from kjgl.core.testing import login

from .helpers import BLANK


@pytest.fixture
def incomplete_org(dbsession):
    return factories.organisation(dbsession, status="incomplete", **BLANK)


@pytest.fixture
def admin_app(app, dbsession, incomplete_org):
    """The test app logged in as the incomplete organisation's admin."""
    login(app, factories.org_admin(dbsession, incomplete_org).account)
    return app
