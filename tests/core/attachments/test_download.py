"""Who may download and delete an organisation's attachments."""
import os

import pytest

from kjgl.core import factories
from kjgl.core.attachments.models import Attachment
from kjgl.core.testing import login

PDF = b"%PDF-1.4 licence scan"


@pytest.fixture
def org(dbsession):
    return factories.organisation(dbsession, status="incomplete", agency_code="tj-d01")


@pytest.fixture
def attachment(dbsession, org, storage_dir):
    return factories.organisation_upload(dbsession, org, storage_dir, PDF, "营业执照（副本）.pdf")


def csrf(app):
    return app.get("/account/password").html.select_one("input[name=csrf_token]")["value"]


def test_owner_downloads_with_attachment_disposition(app, dbsession, org, attachment):
    login(app, factories.org_admin(dbsession, org).account)
    res = app.get(f"/files/{attachment.id}")
    assert res.body == PDF
    assert res.content_type == "application/pdf"
    assert res.headers["X-Content-Type-Options"] == "nosniff"
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7%EF%BC%88%E5%89%AF%E6%9C%AC%EF%BC%89.pdf" in disposition


def test_another_organisations_admin_gets_not_found(app, dbsession, attachment):
    other = factories.organisation(dbsession, status="active", agency_code="tj-d01")
    login(app, factories.org_admin(dbsession, other).account)
    res = app.get(f"/files/{attachment.id}", status=404)
    assert PDF not in res.body
    app.post(f"/files/{attachment.id}/delete", {"csrf_token": csrf(app)}, status=404)
    assert dbsession.get(Attachment, attachment.id) is not None


@pytest.mark.parametrize("agency_code", ["tj-d01", "tj", "torch"])
def test_reviewer_whose_subtree_holds_the_agency_downloads(app, dbsession, attachment, agency_code):
    login(app, factories.user(dbsession, "agency", agency_code=agency_code).account)
    res = app.get(f"/files/{attachment.id}", status=200)
    assert res.body == PDF and res.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("agency_code", ["tj-d02", "cq"])
def test_reviewer_of_another_subtree_gets_not_found(app, dbsession, attachment, agency_code):
    login(app, factories.user(dbsession, "agency", agency_code=agency_code).account)
    app.get(f"/files/{attachment.id}", status=404)


@pytest.mark.parametrize("kind", ["admin", "security_admin", "audit_admin"])
def test_admins_get_not_found(app, dbsession, attachment, kind):
    login(app, factories.user(dbsession, kind).account)
    res = app.get(f"/files/{attachment.id}", status=404)
    assert PDF not in res.body


def test_individual_of_the_organisation_gets_not_found(app, dbsession, org, attachment):
    login(app, factories.user(dbsession, "individual", organisation=org).account)
    app.get(f"/files/{attachment.id}", status=404)


def test_anonymous_is_sent_to_login(app, attachment):
    res = app.get(f"/files/{attachment.id}", status=302)
    assert "/login" in res.location


def test_missing_attachment_is_not_found(app, dbsession, org):
    login(app, factories.org_admin(dbsession, org).account)
    app.get("/files/999999", status=404)
    app.get("/files/99999999999999999999999", status=404)  # beyond any integer column: still not found


def test_owner_deletes_while_editable(app, dbsession, org, attachment, storage_dir):
    login(app, factories.org_admin(dbsession, org).account)
    attachment_id = attachment.id
    path = os.path.join(storage_dir, attachment.storage_key[:2], attachment.storage_key)
    assert os.path.exists(path)
    res = app.post(f"/files/{attachment.id}/delete", {"csrf_token": csrf(app), "next": "/org/profile"}, status=303)
    assert res.location.endswith("/org/profile")
    assert "已删除附件“营业执照（副本）.pdf”" in res.follow().text
    dbsession.expire_all()
    assert dbsession.get(Attachment, attachment_id) is None
    assert not os.path.exists(path)


def test_delete_redirects_only_inside_the_site(app, dbsession, org, attachment):
    login(app, factories.org_admin(dbsession, org).account)
    res = app.post(f"/files/{attachment.id}/delete",
                   {"csrf_token": csrf(app), "next": "//evil.example.com/"}, status=303)
    assert "evil" not in res.location


def test_delete_button_in_the_widget_posts_to_the_delete_route(app, dbsession, org, attachment):
    login(app, factories.org_admin(dbsession, org).account)
    page = app.get("/org/profile")
    button = page.html.select_one("#field-licence button.delete-file")
    assert button["formaction"].startswith(f"http://localhost/files/{attachment.id}/delete?next=")
    # pressing Enter in a text field uses the form's first submit button: it must save, not delete
    first = page.html.select_one("#org-profile-form button[type=submit]")
    assert (first["name"], first["value"]) == ("action", "save")
    form = page.forms["org-profile-form"]
    res = app.post(button["formaction"], {"csrf_token": form["csrf_token"].value}, status=303)
    assert res.follow().html.select_one("#field-licence .files") is None


def test_reviewer_cannot_delete(app, dbsession, attachment):
    login(app, factories.user(dbsession, "agency", agency_code="tj-d01").account)
    app.post(f"/files/{attachment.id}/delete", {"csrf_token": csrf(app)}, status=403)
    assert dbsession.get(Attachment, attachment.id) is not None


def test_delete_requires_csrf(app, dbsession, org, attachment):
    login(app, factories.org_admin(dbsession, org).account)
    app.post(f"/files/{attachment.id}/delete", {}, status=400)
    assert dbsession.get(Attachment, attachment.id) is not None
