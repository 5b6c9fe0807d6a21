"""A plugin's own ``kjgl`` sub-command (``kjgl_commands``): listed by the
command, run only where the INI enables its plugin."""
from __future__ import annotations

import sqlite3

from kjgl.core.cli import main


def test_generate_enterprises_runs_on_the_chongqing_deployment(write_ini, sqlite_url, capsys):
    ini = write_ini("chongqing.ini")
    assert main(["generate-enterprises", str(ini), "25", "--years", "2"]) == 0
    assert "已生成 25 家企业" in capsys.readouterr().out
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM er_enterprise").fetchone() == (25,)
        years = db.execute("SELECT count(DISTINCT year) FROM er_report").fetchone()
    assert years == (2,)


def test_a_plugin_command_refuses_a_deployment_without_the_plugin(write_ini, capsys):
    ini = write_ini("tianjin.ini")
    assert main(["generate-enterprises", str(ini), "5"]) == 2
    assert "未启用插件 enterprise_registry" in capsys.readouterr().err
