"""``kjgl demo``: complete for the README, idempotent, and its logins work."""
import re
from pathlib import Path

import pytest
import webtest
from pyramid.paster import get_app
from sqlalchemy import MetaData, create_engine, func, select

from kjgl.core import demo
from kjgl.core.cli import main
from kjgl.core.testing import login

README = Path(__file__).resolve().parents[3] / "README.md"

# where each demo login lands (accounts.services.home_route)
LANDINGS = {
    "admin": "/admin/staff",
    "secadmin": "/admin/locked",
    "auditor": "/admin/audit",
    "tjkjj": "/agency/organisations",
    "tjshenhe": "/agency/organisations",
    "hepingkj": "/agency/organisations",
    "xiqingkj": "/agency/organisations",
    "binhaigxq": "/agency/organisations",
    "cqkjj": "/agency/organisations",
    "torch": "/agency/organisations",
    "hpchuangke": "/org/users",
    "xqfuhua": "/org/status",
    "zhangmin": "/portal",
    "liuyang": "/portal",
    "wangfang": "/me/profile",
}


def _counts(url):
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        counts = {name: conn.scalar(select(func.count()).select_from(table)) for name, table in meta.tables.items()}
    engine.dispose()
    return counts


@pytest.fixture
def demo_ini(write_ini):
    ini = write_ini("development.ini")
    assert main(["demo", str(ini)]) == 0
    return ini


def test_demo_is_idempotent(demo_ini, sqlite_url, capsys):
    first = _counts(sqlite_url)
    assert first["user_account"] == len(demo.DEMO_LOGINS)
    assert first["organisation"] == 2 and first["module_grant"] >= 1
    capsys.readouterr()
    assert main(["demo", str(demo_ini)]) == 0
    assert "演示数据已就绪" in capsys.readouterr().out
    assert _counts(sqlite_url) == first


def test_demo_after_create_admin_still_loads_everything(write_ini, sqlite_url):
    ini = write_ini("development.ini")
    assert main(["create-admin", str(ini), "--account", "admin", "--password", "Own@Pass2026"]) == 0
    assert main(["demo", str(ini)]) == 0
    assert _counts(sqlite_url)["user_account"] == len(demo.DEMO_LOGINS)


def test_readme_lists_exactly_the_demo_logins():
    listed = re.findall(r"^\| `([a-z]+)` \|", README.read_text(encoding="utf-8"), re.M)
    assert listed == [account for account, _ in demo.DEMO_LOGINS]
    assert f"`{demo.DEMO_PASSWORD}`" in README.read_text(encoding="utf-8")


def test_every_demo_login_works_and_lands_where_the_role_works(demo_ini):
    app = webtest.TestApp(get_app(str(demo_ini), "main"), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    for account, _ in demo.DEMO_LOGINS:
        res = login(app, account, demo.DEMO_PASSWORD)
        assert res.location.endswith(LANDINGS[account]), account
        if account in ("zhangmin", "liuyang"):
            page = res.follow()
            titles = [h.get_text(strip=True) for h in page.html.select(".module h3")]
            if account == "zhangmin":
                assert {"天津市众创空间绩效评估系统", "科技型企业信息系统"} <= set(titles)
            else:
                assert titles == []
        app.reset()


def test_demo_shows_up_for_the_admin(demo_ini):
    app = webtest.TestApp(get_app(str(demo_ini), "main"), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    login(app, "admin", demo.DEMO_PASSWORD)
    staff = app.get("/admin/staff")
    for account in ("tjkjj", "hepingkj", "xiqingkj", "binhaigxq", "cqkjj", "torch"):
        assert account in staff.text
    assert "天津市科学技术局 / 和平区科学技术局" in staff.text
    app.get("/admin/audit", status=403)  # 三员分立: the audit log is the audit admin's
    app.reset()
    login(app, "auditor", demo.DEMO_PASSWORD)
    log = app.get("/admin/audit", {"account": "admin"})
    assert "登录成功" in log.text
