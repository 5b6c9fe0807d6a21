"""``kjgl create-admin``."""
import pytest
import webtest
from pyramid.paster import get_app
from sqlalchemy import create_engine, text

from kjgl.core.cli import main
from kjgl.core.testing import login


@pytest.fixture
def ini(write_ini):
    return str(write_ini("development.ini"))


def _admins(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT account, name, kind, status, must_change_password FROM user_account")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_creates_an_admin_who_can_log_in(ini, sqlite_url, capsys):
    assert main(["create-admin", ini, "--account", "root_admin", "--name", "平台管理员",
                 "--password", "Strong#2026"]) == 0
    assert "已创建系统管理员 root_admin" in capsys.readouterr().out
    assert _admins(sqlite_url) == [("root_admin", "平台管理员", "admin", "active", 0)]
    app = webtest.TestApp(get_app(ini, "main"), extra_environ={"REMOTE_ADDR": "127.0.0.1"})
    res = login(app, "root_admin", "Strong#2026")
    assert res.location.endswith("/admin/staff")
    res.follow(status=200)


@pytest.mark.parametrize("args, message", [
    (["--account", "1admin", "--password", "Strong#2026"], "以字母开头"),
    (["--account", "ad", "--password", "Strong#2026"], "4-30位"),
    (["--account", "goodadmin", "--password", "short1A"], "请输入8-20位密码"),
    (["--account", "goodadmin", "--password", "alllowercase1"], "任意三种"),
    (["--account", "goodadmin", "--name", "  ", "--password", "Strong#2026"], "姓名不能为空"),
])
def test_refuses_bad_account_password_or_name(ini, sqlite_url, capsys, args, message):
    assert main(["create-admin", ini, *args]) == 2
    assert message in capsys.readouterr().err
    main(["db", "upgrade", ini])
    assert _admins(sqlite_url) == []


def test_refuses_a_duplicate_account_ignoring_case(ini, sqlite_url, capsys):
    assert main(["create-admin", ini, "--account", "opsadmin", "--password", "Strong#2026"]) == 0
    assert main(["create-admin", ini, "--account", "OpsAdmin", "--password", "Other#2026x"]) == 2
    assert "账号 OpsAdmin 已存在" in capsys.readouterr().err
    assert [r[0] for r in _admins(sqlite_url)] == ["opsadmin"]


def test_asks_twice_for_the_password_on_a_terminal(ini, sqlite_url, monkeypatch, capsys):
    answers = iter(["Strong#2026", "Strong#2027"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["create-admin", ini, "--account", "typo_admin"]) == 2
    assert "两次输入的密码不一致" in capsys.readouterr().err
    answers = iter(["Strong#2026", "Strong#2026"])
    assert main(["create-admin", ini, "--account", "typo_admin"]) == 0
