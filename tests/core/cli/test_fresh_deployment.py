"""A province that does not load demo data: ``kjgl db upgrade`` and
``kjgl create-admin`` alone give a deployment where a legal person registers,
chooses a 主管部门 and is approved (issue 8, "Done when")."""
import getpass

import webtest
from pyramid.paster import get_app
from sqlalchemy import create_engine, text

from kjgl.core.cli import main
from kjgl.core.testing import login

from ..accounts.conftest import legal_data, submit
from ..organisations.helpers import ALL_FILES, post_profile, valid_fields
from .conftest import rows

# what the deployment template asks for that a WebTest client cannot give
# (HTTPS-only cookies, a TOTP app, office hours)
TEST_SIDE = {"kjgl.cookie_secure": "false", "kjgl.totp": "off", "kjgl.realname_hours": "always",
             "kjgl.captcha": "off"}


def test_db_upgrade_seeds_the_agency_tree_once_and_audits_it(write_ini, sqlite_url, capsys):
    ini = str(write_ini("chongqing.ini", **TEST_SIDE))
    assert main(["db", "upgrade", ini]) == 0
    assert "已初始化主管部门" in capsys.readouterr().out
    count = rows(sqlite_url, "SELECT count(*) FROM agency")[0][0]
    assert count == 1 + 38 + len(rows(sqlite_url, "SELECT id FROM agency WHERE kind = 'zone'"))
    assert rows(sqlite_url, "SELECT name FROM agency WHERE code = 'cq'") == [("重庆市科学技术局",)]
    # a second upgrade adds nothing and records nothing
    assert main(["db", "upgrade", ini]) == 0
    assert "已初始化主管部门" not in capsys.readouterr().out
    assert rows(sqlite_url, "SELECT count(*) FROM agency")[0][0] == count
    assert rows(sqlite_url, "SELECT account, role FROM audit_event WHERE event = 'agency_seed'") == [
        (getpass.getuser()[:30], "cli")]


def test_upgrade_keeps_what_the_admin_renamed(write_ini, sqlite_url):
    ini = str(write_ini("tianjin.ini", **TEST_SIDE))
    assert main(["db", "upgrade", ini]) == 0
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE agency SET name = '和平区科技局（新）', status = 'retired' WHERE code = 'tj-d01'"))
    engine.dispose()
    assert main(["db", "upgrade", ini]) == 0
    assert rows(sqlite_url, "SELECT name, status FROM agency WHERE code = 'tj-d01'") == [
        ("和平区科技局（新）", "retired")]


def test_upgrade_and_create_admin_alone_let_a_legal_person_register_and_be_approved(write_ini, sqlite_url):
    ini = str(write_ini("tianjin.ini", **TEST_SIDE))
    assert main(["db", "upgrade", ini]) == 0
    assert main(["create-admin", ini, "--account", "sysadmin", "--password", "Strong#2026"]) == 0
    assert rows(sqlite_url, "SELECT count(*) FROM organisation") == [(0,)]
    assert rows(sqlite_url, "SELECT count(*) FROM user_account") == [(1,)]
    wsgi = get_app(ini, "main")

    def client():
        return webtest.TestApp(wsgi, extra_environ={"REMOTE_ADDR": "127.0.0.1"})

    # the legal person registers and fills 信息补全, choosing the seeded 和平区科学技术局
    legal = client()
    submit(legal, "/register/legal", legal_data(), status=303)
    profile = legal.get("/org/profile")
    options = [o[0] for o in profile.forms["org-profile-form"]["agency"].options]
    assert "tj-d01" in options and "tj-z01" in options
    fields = valid_fields(type("Org", (), {"name": legal_data()["org_name"]}))
    res = post_profile(legal, fields, files=ALL_FILES)
    assert res.status_int == 303, res.text
    assert rows(sqlite_url, "SELECT o.status, a.name FROM organisation o JOIN agency a ON a.id = o.agency_id") == [
        ("pending", "和平区科学技术局")]

    # the system admin creates the district's reviewer (password shown once)
    admin = client()
    login(admin, "sysadmin", "Strong#2026")
    page = admin.get("/admin/staff/new")
    form = next(f for f in page.forms.values() if "account" in f.fields)
    form["account"], form["name"], form["agency"], form["mobile"] = "hpreviewer", "和平区审核员", "tj-d01", "13602000002"
    shown = form.submit(status=200)
    password = shown.html.select_one("#one-time-password").get_text(strip=True)

    # the reviewer changes the initial password and approves the organisation
    reviewer = client()
    login(reviewer, "hpreviewer", password)
    change = reviewer.get("/account/password").forms["password-form"]
    change["old_password"], change["password"], change["password_confirm"] = password, "Review#2026", "Review#2026"
    change.submit(status=303)
    org_id = rows(sqlite_url, "SELECT id FROM organisation")[0][0]
    decide = reviewer.get(f"/agency/organisations/{org_id}").forms["decision-form"]
    decide["decision"] = "approve"
    decide.submit(status=303)
    assert rows(sqlite_url, "SELECT status FROM organisation") == [("active",)]
    assert legal.get("/org/users").status_int == 200
