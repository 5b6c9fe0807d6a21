"""``kjgl reminders``: suitable for cron, idempotent, audited."""


def test_the_command_is_idempotent_and_audited(write_ini, sqlite_url, capsys):
    from kjgl.core.cli import main

    ini = str(write_ini("development.ini"))
    assert main(["demo", ini]) == 0
    capsys.readouterr()
    assert main(["reminders", ini, "--today", "2099-01-01"]) == 0
    assert "已发送截止提醒 0 条" in capsys.readouterr().out
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE review_event SET at = '2020-01-01 00:00:00'"))
    first = main(["reminders", ini]) == 0 and capsys.readouterr().out
    assert main(["reminders", ini]) == 0
    again = capsys.readouterr().out
    assert "待审核提醒 0 条" in again and "截止提醒 0 条" in again
    assert "待审核提醒 0 条" not in first  # the demo's submitted records waited since 2020
    with engine.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit_event WHERE event = 'reminders_sent'")).scalar()
    engine.dispose()
    assert audited == 3
    assert main(["audit", "verify", ini]) == 0
