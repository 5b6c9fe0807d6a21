"""Every command that changes accounts, keys or data leaves an audit record
whose actor is the operating-system user who ran it, as role ``cli``."""
import getpass

from kjgl.core.cli import main

from .conftest import rows

OS_USER = getpass.getuser()[:30]


def test_account_and_data_commands_are_audited_as_the_os_user(write_ini, sqlite_url, tmp_path):
    ini = str(write_ini("tianjin.ini"))
    assert main(["create-admin", ini, "--account", "rootadmin", "--password", "Strong#2026"]) == 0
    assert main(["accounts", "purge", ini]) == 0
    assert main(["demo", ini]) == 0
    assert main(["backup", ini, "--to", str(tmp_path / "bk")]) == 0
    assert main(["restore", ini, "--from", str(tmp_path / "bk")]) == 0
    events = rows(sqlite_url, "SELECT event, account, role FROM audit_event ORDER BY id")
    for event in ("agency_seed", "admin_create", "failed_login_purge", "demo_load", "db_restore"):
        assert (event, OS_USER, "cli") in events, event
    assert main(["audit", "verify", ini]) == 0
