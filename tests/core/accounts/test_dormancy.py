"""Accounts that outlive their use (issue 8 §5): warned at N-14 days,
disabled at N days, staff of retired agencies disabled at once; the security
admin lists them and re-enables one."""
import datetime as dt
import getpass

import pytest
from sqlalchemy import create_engine, select, text

from kjgl.core import factories
from kjgl.core.accounts import dormancy
from kjgl.core.audit.models import AuditEvent
from kjgl.core.audit.services import CliActor
from kjgl.core.cli import main
from kjgl.core.db import utcnow
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.messaging.senders import OutboxMail, OutboxSms
from kjgl.core.testing import login
from tests.core.cli.conftest import keep_logging, sqlite_url, write_ini  # noqa: F401  (fixtures)

NOW = utcnow()
ACTOR = CliActor("cron")


def ago(days):
    return NOW - dt.timedelta(days=days)


def run(db, **settings):
    return dormancy.run(db, {"kjgl.title": "测试平台", **settings}, OutboxSms(), OutboxMail(), now=NOW, actor=ACTOR)


def events(db, name):
    return list(db.scalars(select(AuditEvent).where(AuditEvent.event == name)))


def test_an_account_unused_for_n_minus_14_days_is_warned_by_sms_and_email_once(dbsession):
    user = factories.user(dbsession, "individual", last_login_at=ago(167))
    fresh = factories.user(dbsession, "individual", last_login_at=ago(10))
    assert run(dbsession) == dormancy.DormancyResult(1, 0, 0)
    assert user.dormancy_warned_at == NOW and user.status == "active" and fresh.dormancy_warned_at is None
    sent = {m.channel: m for m in dbsession.scalars(select(OutboxMessage))}
    assert sent["sms"].recipient == user.mobile and sent["email"].recipient == user.email
    assert "已超过166天未登录" in sent["sms"].body and "将被停用" in sent["sms"].body
    assert [e.object_id for e in events(dbsession, "dormancy_warning")] == [str(user.id)]
    assert run(dbsession).warned == 0  # not warned twice


def test_unused_for_n_days_and_warned_14_days_before_is_disabled(dbsession):
    user = factories.user(dbsession, "org_admin", organisation=factories.organisation(dbsession),
                          last_login_at=ago(181), dormancy_warned_at=ago(15))
    auth_version = user.auth_version
    assert run(dbsession).disabled == 1
    assert (user.status, user.disabled_reason) == ("disabled", "dormant")
    assert user.auth_version == auth_version + 1
    event = events(dbsession, "dormant_disable")[0]
    assert (event.account, event.role, event.object_id) == ("cron", "cli", str(user.id))


def test_not_warned_or_warned_too_recently_or_used_since_is_not_disabled(dbsession):
    never_warned = factories.user(dbsession, "individual", last_login_at=ago(400))
    just_warned = factories.user(dbsession, "individual", last_login_at=ago(200), dormancy_warned_at=ago(3))
    used_since = factories.user(dbsession, "individual", last_login_at=ago(30), dormancy_warned_at=ago(40))
    result = run(dbsession)
    assert result.disabled == 0 and result.warned == 1
    assert never_warned.dormancy_warned_at == NOW  # warned now, disabled 14 days later at the earliest
    assert {u.status for u in (never_warned, just_warned, used_since)} == {"active"}


def test_never_logged_in_counts_from_creation_and_admins_are_exempt(dbsession):
    idle = factories.user(dbsession, "agency", agency_code="tj-d01", created_at=ago(300), dormancy_warned_at=ago(20))
    admin = factories.user(dbsession, "admin", created_at=ago(300), dormancy_warned_at=ago(20))
    run(dbsession)
    assert idle.status == "disabled" and admin.status == "active"


def test_the_period_is_a_setting(dbsession):
    user = factories.user(dbsession, "individual", last_login_at=ago(20))
    assert run(dbsession, **{"kjgl.dormant_days": "30"}).warned == 1
    assert user.dormancy_warned_at == NOW
    with pytest.raises(Exception, match="kjgl.dormant_days"):
        run(dbsession, **{"kjgl.dormant_days": "10"})


def test_staff_of_a_retired_agency_are_disabled_by_the_daily_pass(dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d05", last_login_at=ago(1))
    staff.agency.status = "retired"
    assert run(dbsession).staff_disabled == 1
    assert (staff.status, staff.disabled_reason) == ("disabled", "agency_retired")
    assert events(dbsession, "agency_staff_disable")


def test_the_command_is_audited_as_the_os_user(write_ini, sqlite_url, capsys):
    ini = str(write_ini("tianjin.ini"))
    assert main(["db", "upgrade", ini]) == 0
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO user_account (account, password_hash, auth_version, must_change_password, "
                          "password_history, failed_logins, kind, status, name, id_long_term, recover_failures, "
                          "created_at, updated_at, email, dormancy_warned_at, last_login_at) VALUES "
                          "('idleone', 'x', 1, 0, '[]', 0, 'individual', 'active', '张三', 0, 0, "
                          ":old, :old, 'idle@example.cn', :warned, :old)"),
                     {"old": ago(200), "warned": ago(20)})
    engine.dispose()
    assert main(["accounts", "dormant", ini]) == 0
    assert "停用长期未使用账号 1 个" in capsys.readouterr().out
    engine = create_engine(sqlite_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT a.account, a.role, u.status FROM audit_event a JOIN user_account u "
                                 "ON a.object_id = CAST(u.id AS TEXT) WHERE a.event = 'dormant_disable'")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(getpass.getuser()[:30], "cli", "disabled")]


def test_the_security_admin_lists_dormant_and_disabled_accounts_and_reenables_one(app, dbsession):
    dormant = factories.user(dbsession, "individual", name="即将停用", last_login_at=ago(170))
    disabled = factories.user(dbsession, "individual", name="已停用", status="disabled", disabled_reason="dormant",
                              last_login_at=ago(200))
    closed = factories.user(dbsession, "individual", name="已注销用户", status="disabled", disabled_reason="closed")
    by_hand = factories.user(dbsession, "individual", name="法人禁用", status="disabled")
    login(app, factories.user(dbsession, "security_admin").account)
    page = app.get("/admin/dormant")
    assert dormant.account in page.text and disabled.account not in page.text
    page = app.get("/admin/dormant?view=disabled")
    assert disabled.account in page.text and "长期未使用" in page.text and closed.account in page.text
    assert by_hand.account not in page.text  # disabled by a person, re-enabled where it was done
    form = next(f for f in page.forms.values() if f.action.endswith(f"/admin/dormant/{disabled.id}/enable"))
    assert "重新启用账号" in form.submit(status=303).follow().text
    dbsession.refresh(disabled)
    assert (disabled.status, disabled.disabled_reason, disabled.dormancy_warned_at) == ("active", None, None)
    assert events(dbsession, "user_reenable")[0].object_id == str(disabled.id)
    # a closed account stays closed
    token = page.forms[list(page.forms)[0]]["csrf_token"].value
    res = app.post(f"/admin/dormant/{closed.id}/enable", {"csrf_token": token}, status=303).follow()
    assert "只能重新启用" in res.text
    dbsession.refresh(closed)
    assert closed.status == "disabled"


def test_staff_of_a_still_retired_agency_are_not_reenabled(app, dbsession):
    staff = factories.user(dbsession, "agency", agency_code="tj-d06", status="disabled",
                           disabled_reason="agency_retired")
    staff.agency.status = "retired"
    dbsession.flush()
    login(app, factories.user(dbsession, "security_admin").account)
    page = app.get("/admin/dormant?view=disabled")
    form = next(f for f in page.forms.values() if f.action.endswith(f"/admin/dormant/{staff.id}/enable"))
    assert "仍为撤销状态" in form.submit(status=303).follow().text
    dbsession.refresh(staff)
    assert staff.status == "disabled"


def test_enabling_on_the_admin_pages_warns_afresh_and_never_revives_a_closed_account(dbsession):
    from kjgl.core.accounts.services import set_status

    staff = factories.user(dbsession, "agency", agency_code="tj-d01", status="disabled", disabled_reason="dormant",
                           last_login_at=ago(300), dormancy_warned_at=ago(120))
    assert set_status(staff, "active")
    assert (staff.disabled_reason, staff.dormancy_warned_at) == (None, None)
    result = run(dbsession)
    assert staff.status == "active" and result.warned == 1  # warned again, not disabled at once
    closed = factories.user(dbsession, "individual", status="disabled", disabled_reason="closed")
    assert not set_status(closed, "active") and closed.status == "disabled"


def test_a_disabled_dormant_account_is_told_whom_to_ask(app, dbsession):
    user = factories.user(dbsession, "individual", status="disabled", disabled_reason="dormant")
    res = login(app, user.account, status=200)
    assert "长期未使用" in res.text and "安全管理员重新启用" in res.text
