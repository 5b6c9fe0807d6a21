"""``kjgl accounts reset-totp``: the way back in when every security admin has
lost their authenticator."""
import getpass

import pyotp
from sqlalchemy import create_engine, text

from kjgl.core.cli import main


def _row(url, account):
    engine = create_engine(url)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT id, totp_secret, auth_version FROM user_account WHERE account = :a"),
                           {"a": account}).one()
    engine.dispose()
    return row


def _set_secret(url, account, sealed):
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE user_account SET totp_secret = :s WHERE account = :a"), {"s": sealed, "a": account})
    engine.dispose()


def test_reset_forgets_the_key_ends_sessions_and_is_audited(write_ini, sqlite_url, capsys):
    from kjgl.core import crypto

    ini = str(write_ini("development.ini"))
    assert main(["create-admin", ini, "--account", "secadm", "--kind", "security_admin",
                 "--password", "Strong#2026"]) == 0
    _set_secret(sqlite_url, "secadm", crypto.keyring().seal(pyotp.random_base32(), "user_account.totp_secret"))
    before = _row(sqlite_url, "secadm")
    capsys.readouterr()

    assert main(["accounts", "reset-totp", ini, "SECADM"]) == 0
    assert "已重置账号 secadm 的动态口令" in capsys.readouterr().out
    after = _row(sqlite_url, "secadm")
    assert after.totp_secret is None and after.auth_version == before.auth_version + 1

    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        events = conn.execute(text("SELECT account, role, object_id FROM audit_event "
                                   "WHERE event = 'totp_reset'")).all()
    engine.dispose()
    # the actor is the operating-system user who ran the command, as "cli"
    assert [tuple(e) for e in events] == [(getpass.getuser()[:30], "cli", str(after.id))]
    assert main(["audit", "verify", ini]) == 0


def test_unknown_account_is_named_and_changes_nothing(write_ini, sqlite_url, capsys):
    ini = str(write_ini("development.ini"))
    assert main(["create-admin", ini, "--account", "secadm", "--kind", "security_admin",
                 "--password", "Strong#2026"]) == 0
    assert main(["accounts", "reset-totp", ini, "nobody"]) == 2
    assert "账号 nobody 不存在" in capsys.readouterr().err
