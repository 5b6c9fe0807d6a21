"""Set-up mistakes get a one-line message and exit status 2, not a traceback."""
import pytest

from kjgl.core.cli import main

COMMANDS = [["db", "upgrade"], ["demo"], ["create-admin", "--account", "someadmin", "--password", "Strong#2026"]]


def _run(command, ini):
    if command[0] == "db":
        return main(["db", "upgrade", str(ini)])
    return main([command[0], str(ini), *command[1:]])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_unknown_plugin_is_named(write_ini, capsys, command):
    ini = write_ini("tianjin.ini", **{"kjgl.plugins": "makerspace no_such_plugin"})
    assert _run(command, ini) == 2
    err = capsys.readouterr().err
    assert "no_such_plugin" in err and "makerspace" in err  # names the culprit and what is installed
    assert "Traceback" not in err


def test_missing_secret(write_ini, capsys):
    ini = write_ini("tianjin.ini", **{"kjgl.secret": None})
    assert main(["db", "upgrade", str(ini)]) == 2
    assert "kjgl.secret" in capsys.readouterr().err


def test_short_secret(write_ini, capsys):
    ini = write_ini("tianjin.ini", **{"kjgl.secret": "tooshort"})
    assert main(["db", "upgrade", str(ini)]) == 2
    assert "kjgl.secret" in capsys.readouterr().err


def test_unset_environment_variable_is_named(write_ini, monkeypatch, capsys):
    monkeypatch.delenv("KJGL_TEST_UNSET_SECRET", raising=False)
    ini = write_ini("tianjin.ini", **{"kjgl.secret": "env:KJGL_TEST_UNSET_SECRET"})
    assert main(["demo", str(ini)]) == 2
    assert "KJGL_TEST_UNSET_SECRET" in capsys.readouterr().err


def test_environment_variable_is_read(write_ini, sqlite_url, monkeypatch):
    monkeypatch.setenv("KJGL_TEST_DB_URL", sqlite_url)
    monkeypatch.setenv("KJGL_TEST_SECRET", "from-the-environment-0123456789")
    ini = write_ini("tianjin.ini", **{"sqlalchemy.url": "env:KJGL_TEST_DB_URL", "kjgl.secret": "env:KJGL_TEST_SECRET"})
    assert main(["db", "upgrade", str(ini)]) == 0


def test_missing_ini_file(tmp_path, capsys):
    assert main(["db", "upgrade", str(tmp_path / "nowhere.ini")]) == 2
    assert "nowhere.ini" in capsys.readouterr().err
