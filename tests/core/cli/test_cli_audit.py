"""Every command that changes accounts, keys or data leaves an audit record
whose actor is the operating-system user who ran it, as role ``cli``."""
import getpass

from sqlalchemy import create_engine, text

from kjgl.core.cli import main

OS_USER = getpass.getuser()[:30]


def _events(url):
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT event, account, role FROM audit_event ORDER BY id")).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_account_and_data_commands_are_audited_as_the_os_user(write_ini, sqlite_url, tmp_path):
    ini = str(write_ini("tianjin.ini"))
    assert main(["create-admin", ini, "--account", "rootadmin", "--password", "Strong#2026"]) == 0
    assert main(["accounts", "purge", ini]) == 0
    assert main(["demo", ini]) == 0
    assert main(["backup", ini, "--to", str(tmp_path / "bk")]) == 0
    assert main(["restore", ini, "--from", str(tmp_path / "bk")]) == 0
    events = _events(sqlite_url)
    for event in ("agency_seed", "admin_create", "failed_login_purge", "demo_load", "db_restore"):
        assert (event, OS_USER, "cli") in events, event
    assert main(["audit", "verify", ini]) == 0
