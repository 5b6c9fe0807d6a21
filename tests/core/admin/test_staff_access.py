"""Only the platform admin reaches the staff pages; the audit log is the
audit admin's (三员分立, tests/core/security/authn/test_admin_roles.py)."""
import pytest

from kjgl.core import factories
from kjgl.core.testing import login

ADMIN_PAGES = ["/admin/staff", "/admin/staff/new", "/admin/audit"]


def _staff(dbsession):
    return factories.user(dbsession, "agency", agency_code="tj-d01")


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(app, path):
    res = app.get(path, status=302)
    assert "/login" in res.location and "next=" in res.location


@pytest.mark.parametrize("kind", ["agency", "org_admin", "individual"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_other_roles_are_forbidden(app, dbsession, kind, path):
    if kind == "agency":
        user = _staff(dbsession)
    else:
        org = factories.organisation(dbsession)
        user = factories.org_admin(dbsession, org) if kind == "org_admin" else \
            factories.user(dbsession, "individual", organisation=org)
    login(app, user.account)
    res = app.get(path, status=403)
    assert "没有访问此功能的权限" in res.text


def test_staff_cannot_disable_a_colleague_or_reset_a_password(app, dbsession):
    actor, target = _staff(dbsession), _staff(dbsession)
    page = login(app, actor.account).follow(status="*")
    token = page.html.find("input", {"name": "csrf_token"})["value"]
    app.post(f"/admin/staff/{target.id}/status", {"csrf_token": token, "status": "disabled"}, status=403)
    app.post(f"/admin/staff/{target.id}/reset-password", {"csrf_token": token, "delivery": "页面显示（仅显示一次）"},
             status=403)
    dbsession.refresh(target)
    assert target.status == "active"


def test_admin_sees_the_pages(app, dbsession):
    admin = factories.user(dbsession, "admin")
    login(app, admin.account)
    for path in ADMIN_PAGES:
        app.get(path, status=403 if path == "/admin/audit" else 200)


def test_admin_lands_on_the_staff_list(app, dbsession):
    admin = factories.user(dbsession, "admin")
    res = login(app, admin.account)
    assert res.location.endswith("/admin/staff")
