"""The ``kjgl`` command: serve, db upgrade, demo, create-admin, backup, restore, audit, accounts, keys, storage."""
from __future__ import annotations

import argparse
import getpass
import sys
from contextlib import contextmanager


def _load(ini: str):
    import os

    from pyramid.paster import get_appsettings, setup_logging

    from .settings import SettingsError

    if not os.path.isfile(ini):
        raise SettingsError(f"配置文件不存在 (no such ini file): {ini}")
    setup_logging(ini)
    return get_appsettings(ini, name="main")


def _context(ini: str):
    """(settings, plugin manager, session factory) for a deployment."""
    from .db import get_engine, get_session_factory
    from .plugin_host import build_plugin_manager
    from .settings import normalise

    settings = normalise(_load(ini))
    pm = build_plugin_manager(settings["kjgl.plugins"])
    engine = get_engine(settings)
    return settings, pm, engine, get_session_factory(engine)


@contextmanager
def _session(ini: str):
    """(settings, plugin manager, session) of a deployment with every core
    table mapped, for a command's work; closed and disposed afterwards."""
    from . import models  # noqa: F401  (maps every core table)

    settings, pm, engine, session_factory = _context(ini)
    session = session_factory()
    try:
        yield settings, pm, session
    finally:
        session.close()
        engine.dispose()


def _upgrade(settings, pm) -> tuple[list[str], list[str]]:
    """Upgrade the tables, then seed the deployment's agency tree (audited as
    the command's actor): (branches upgraded, agency codes created)."""
    from . import migrate
    from . import models  # noqa: F401  (maps every core table)
    from .agencies.services import seed_deployment
    from .audit.services import cli_actor
    from .db import get_engine, get_session_factory

    branches = migrate.upgrade(settings, pm)
    engine = get_engine(settings)
    session = get_session_factory(engine)()
    try:
        with session.begin():
            created = seed_deployment(session, settings, cli_actor())
    finally:
        session.close()
        engine.dispose()
    return branches, created


def cmd_db_upgrade(args) -> int:
    settings, pm, engine, _ = _context(args.ini)
    engine.dispose()
    branches, created = _upgrade(settings, pm)
    if created:
        print(f"已初始化主管部门 {len(created)} 个 (agency tree {settings.get('kjgl.agency_tree', 'tianjin')})")
    print("已升级数据库 (upgraded):", ", ".join(branches))
    return 0


def cmd_demo(args) -> int:
    from . import demo
    from .audit.services import cli_actor, record

    with _session(args.ini) as (settings, pm, session):
        _upgrade(settings, pm)
        with session.begin():
            created = demo.load(session, settings, pm)
            if created:
                record(session, None, "demo_load", user=cli_actor())
    print("演示数据已就绪 (demo data ready)." if not created else "已载入演示数据 (demo data loaded).")
    for account, role in demo.DEMO_LOGINS:
        print(f"  {account:<16} {role}")
    print(f"  全部演示账号的密码 (password): {demo.DEMO_PASSWORD}")
    return 0


def _ask_password() -> str | None:
    password = getpass.getpass("密码 (password): ")
    if getpass.getpass("确认密码 (again): ") != password:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return password


def cmd_create_admin(args) -> int:
    from . import validators
    from .accounts.models import KINDS, User
    from .accounts.passwords import hash_password
    from .accounts.services import account_taken, password_errors
    from .audit.services import cli_actor, record

    with _session(args.ini) as (settings, pm, session):
        message = validators.account(args.account)
        if message:
            print(f"账号 {args.account}: {message}", file=sys.stderr)
            return 2
        name = (args.name if args.name is not None else KINDS[args.kind]).strip()
        if not name or len(name) > 100:
            print("姓名不能为空，最多100个字符", file=sys.stderr)
            return 2
        password = args.password if args.password is not None else _ask_password()
        if password is None:
            return 2
        message = validators.password_strength(password) or password_errors(None, args.account, password)
        if message:
            print(f"密码: {message}", file=sys.stderr)
            return 2
        _upgrade(settings, pm)  # a fresh deployment may start with this command
        with session.begin():
            if account_taken(session, args.account):
                print(f"账号 {args.account} 已存在", file=sys.stderr)
                return 2
            user = User(account=args.account, password_hash=hash_password(password), kind=args.kind,
                        name=name, status="active")
            session.add(user)
            session.flush()
            record(session, None, "admin_create", user=cli_actor(), object_type="user", object_id=user.id,
                   created_account=user.account, kind=user.kind)
        print(f"已创建{KINDS[args.kind]} {args.account}")
        return 0


def cmd_serve(args) -> int:
    import plaster
    from pyramid.paster import get_app

    from . import serving

    if not args.no_upgrade:
        settings, pm, engine, _ = _context(args.ini)
        engine.dispose()
        _upgrade(settings, pm)
    app = get_app(args.ini, "main")
    # [server:main] (max_request_body_size, listen, trusted_proxy …) applies here as under pserve
    options = serving.waitress_options(plaster.get_settings(args.ini, "server:main"), app.registry.settings,
                                       host=args.host, port=args.port, threads=args.threads)
    serving.serve(app, options)
    return 0


def cmd_backup(args) -> int:
    from .backup import BackupError, backup
    from .settings import normalise

    settings = normalise(_load(args.ini))
    try:
        manifest = backup(settings, args.to)
    except BackupError as exc:
        print(f"kjgl backup: {exc}", file=sys.stderr)
        return 2
    print(f"已备份到 (backup written to) {args.to}")
    for key in ("database", "files"):
        part = manifest[key]
        print(f"  {part['file']:<16} {part['size']:>12} 字节  sha256 {part['sha256']}")
    if manifest["missing_files"]:
        print(f"注意：{len(manifest['missing_files'])} 个附件在备份期间被删除，未包含在备份中", file=sys.stderr)
    return 0


def cmd_restore(args) -> int:
    from .backup import BackupError, restore
    from .settings import normalise

    settings = normalise(_load(args.ini))
    try:
        restore(settings, getattr(args, "from"))
    except BackupError as exc:
        print(f"kjgl restore: {exc}", file=sys.stderr)
        return 2
    from .audit.services import cli_actor, record

    with _session(args.ini) as (_, _, session), session.begin():
        # written into the restored log, so the restore itself is on record
        record(session, None, "db_restore", user=cli_actor(), source=str(getattr(args, "from")))
    print(f"已从 {getattr(args, 'from')} 恢复数据库和附件 (restored)")
    return 0


def cmd_audit_verify(args) -> int:
    from .audit.chain import verify

    with _session(args.ini) as (_, _, session):
        result = verify(session)
    if result.ok:
        print(f"完整 (intact): 已校验 {result.checked} 条审计记录")
        return 0
    print(f"审计日志已被篡改 (tampered): {result.problem.message}；此前 {result.checked} 条记录完整")
    return 1


def cmd_audit_purge(args) -> int:
    import datetime as dt

    from .audit.chain import PurgeRefused, purge
    from .audit.services import cli_actor, record

    try:
        before = dt.date.fromisoformat(args.before)
    except ValueError:
        print(f"--before 应为日期 YYYY-MM-DD: {args.before}", file=sys.stderr)
        return 2
    with _session(args.ini) as (_, _, session):
        try:
            with session.begin():
                count = purge(session, before)
                record(session, None, "audit_purge", user=cli_actor(), before=before.isoformat(), purged=count)
        except PurgeRefused as exc:
            print(f"拒绝清理 (refused): {exc}", file=sys.stderr)
            return 2
    print(f"已清理 {before.isoformat()} 之前的审计记录 {count} 条 (purged)")
    return 0


def cmd_accounts_purge(args) -> int:
    from . import captcha
    from .accounts import lockout, policy, recovery, sessions
    from .audit.services import cli_actor, record
    from .db import utcnow

    with _session(args.ini) as (settings, _, session), session.begin():
        count = lockout.purge_unknown(session, now=utcnow(), period=policy.lockout_period(settings), batch=None)
        answers = lockout.purge_unknown(session, now=utcnow(), period=recovery.LOCK_FOR, batch=None,
                                        counter=lockout.UNKNOWN_RECOVERY)
        images = captcha.purge(session, now=utcnow(), batch=None)
        ended = sessions.purge(session, settings=settings, now=utcnow(), batch=None)
        record(session, None, "failed_login_purge", user=cli_actor(), purged=count, recovery_purged=answers,
               captchas_purged=images, sessions_purged=ended)
    print(f"已清理过期的未知账号登录失败记录 {count} 条 (purged)")
    print(f"已清理过期的未知账号密保答错记录 {answers} 条 (purged)")
    print(f"已清理过期的图形验证码 {images} 条 (purged)")
    print(f"已清理超过最长有效期的登录会话记录 {ended} 条 (purged)")
    return 0


def cmd_accounts_dormant(args) -> int:
    """Daily (cron): warn, then disable, accounts unused for kjgl.dormant_days;
    disable the staff of retired agencies."""
    from .accounts import dormancy
    from .audit.services import cli_actor
    from .db import utcnow
    from .messaging.senders import build_senders

    with _session(args.ini) as (settings, _, session), session.begin():
        sms, mail = build_senders(settings)
        result = dormancy.run(session, settings, sms, mail, now=utcnow(), actor=cli_actor())
    print(f"已发送停用提醒 {result.warned} 个账号，停用长期未使用账号 {result.disabled} 个，"
          f"停用已撤销主管部门的用户 {result.staff_disabled} 个 (dormant accounts)")
    return 0


def cmd_reminders(args) -> int:
    """Deadline and waiting reminders (站内消息 and e-mail), idempotent: run daily."""
    import datetime as dt

    import transaction

    from . import models  # noqa: F401  (maps every core table)
    from .audit.services import record
    from .db import get_tm_session, utcnow
    from .messaging import bind, build_senders
    from .notifications import reminders
    from .review import collect_chains

    settings, pm, engine, session_factory = _context(args.ini)
    try:
        days, wait = reminders.deadline_days(settings), reminders.wait_days(settings)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    tm = transaction.TransactionManager(explicit=True)
    session = get_tm_session(session_factory, tm)
    bind(session, build_senders(settings)[1], tm)  # mail leaves only if the transaction commits
    try:
        with tm:
            sent = reminders.send(session, collect_chains(pm), today=today, now=utcnow(), days=days, wait=wait)
            record(session, None, "reminders_sent", account="kjgl-cli", filers=sent.filers,
                   reviewers=sent.reviewers, today=today.isoformat())
    finally:
        session.close()
        engine.dispose()
    print(f"已发送截止提醒 {sent.filers} 条，待审核提醒 {sent.reviewers} 条 (reminders sent)")
    return 0


def cmd_accounts_reset_totp(args) -> int:
    """The way back in when every security admin has lost their authenticator:
    run on the server, so it needs shell access, not a web login."""
    from sqlalchemy import func, select

    from .accounts import totp
    from .accounts.models import User
    from .audit.services import cli_actor, record

    with _session(args.ini) as (_, _, session), session.begin():
        user = session.scalar(select(User).where(func.lower(User.account) == args.account.lower()))
        if user is None:
            print(f"账号 {args.account} 不存在", file=sys.stderr)
            return 2
        if not user.totp_secret:
            print(f"账号 {user.account} 尚未绑定动态口令，无需重置")
            return 0
        totp.reset(user)
        record(session, None, "totp_reset", user=cli_actor(), object_type="user", object_id=user.id,
               target_account=user.account)
    print(f"已重置账号 {user.account} 的动态口令，下次登录时重新绑定 (reset)")
    return 0


def cmd_storage_sweep(args) -> int:
    import datetime as dt

    from .attachments.storage import storage_from_settings
    from .documents.sweep import retention_days, sweep

    if args.older_than_hours < 0:
        print("--older-than-hours 不能为负数", file=sys.stderr)
        return 2
    with _session(args.ini) as (settings, _, session):
        days = retention_days(settings)
        result = sweep(session, storage_from_settings(settings), grace=dt.timedelta(hours=args.older_than_hours),
                       retention=dt.timedelta(days=days))
    print(f"已删除未完成的上传 (.part) {result.partial} 个，无记录引用的文件 {result.orphans} 个，"
          f"超过 {days} 天的生成文档 {result.documents} 个 (swept)")
    return 0


def cmd_keys_new(args) -> int:
    import datetime as dt

    from .crypto import new_key

    key_id = args.id or f"k{dt.date.today():%Y%m%d}"
    print("# 数据密钥 (data key): put it FIRST in kjgl.data_keys / KJGL_DATA_KEYS, keep the old keys after it")
    print(f"{key_id}:{new_key()}")
    print("# 检索密钥 (index key): kjgl.index_key / KJGL_INDEX_KEY, for a new deployment or an index key change")
    print(new_key())
    print("# 审计密钥 (audit key): kjgl.audit_key / KJGL_AUDIT_KEY, for a new deployment only "
          "(changing it breaks the verification of the existing audit log)")
    print(new_key())
    return 0


def cmd_keys_rotate(args) -> int:
    from . import models
    from .audit.services import cli_actor, record
    from .crypto import CryptoError, keyring
    from .keys import rotate

    with _session(args.ini) as (_, pm, session):
        tables = list(models.CORE_TABLES) + [t for ts in pm.hook.kjgl_metadata() for t in ts or []]
        try:
            with session.begin():
                counts = rotate(session.connection(), tables)
                record(session, None, "keys_rotate", user=cli_actor(), key=keyring().current_id,
                       **counts.as_dict())
        except CryptoError as exc:
            print(f"kjgl keys rotate: {exc}；未做任何修改 (nothing changed)", file=sys.stderr)
            return 2
    print(f"已用密钥 {keyring().current_id} 重新加密 (re-encrypted): {counts.resealed} 个旧密钥的值，"
          f"{counts.sealed} 个明文值；{counts.current} 个已是当前密钥；重算检索哈希 {counts.hashes} 个")
    return 0


def _plugin_command(plugin_name: str, command):
    """Run a plugin's command on a deployment that enables the plugin."""
    def run(args) -> int:
        from . import migrate
        from .plugin_host import PluginError

        with _session(args.ini) as (settings, pm, session):
            if plugin_name not in settings["kjgl.plugins"]:
                raise PluginError(f"{args.ini} 未启用插件 {plugin_name} (kjgl.plugins)，不能运行 {command.name}")
            migrate.upgrade(settings, pm)
            with session.begin():
                code = command.run(args, settings, session)
                if code:
                    session.rollback()
            return code
    return run


def _add_plugin_commands(sub) -> None:
    """The sub-commands of every installed plugin (``kjgl_commands``)."""
    from .plugin_host import available_plugins, build_plugin_manager

    pm = build_plugin_manager(sorted(available_plugins()))
    for impl in pm.hook.kjgl_commands.get_hookimpls():
        for command in impl.function() or ():
            parser = sub.add_parser(command.name, help=f"{command.help}（插件 {impl.plugin_name}）")
            parser.add_argument("ini")
            command.configure(parser)
            parser.set_defaults(func=_plugin_command(impl.plugin_name, command))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kjgl", description="科技管理信息平台 kjgl")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the app with waitress (upgrades the database first)")
    s.add_argument("ini")
    s.add_argument("--host", help="default: [server:main] listen, else 127.0.0.1")
    s.add_argument("--port", type=int, help="default: [server:main] listen, else 6543")
    s.add_argument("--threads", type=int, help="default: [server:main] threads, else 8")
    s.add_argument("--no-upgrade", action="store_true")
    s.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    u = db.add_parser("upgrade", help="upgrade the core and the enabled plugins' tables")
    u.add_argument("ini")
    u.set_defaults(func=cmd_db_upgrade)

    d = sub.add_parser("demo", help="load demo data (agencies, organisations, users)")
    d.add_argument("ini")
    d.set_defaults(func=cmd_demo)

    a = sub.add_parser("create-admin", help="create a system, security or audit administrator")
    a.add_argument("ini")
    a.add_argument("--account", required=True)
    a.add_argument("--kind", choices=("admin", "security_admin", "audit_admin"), default="admin",
                   help="admin 系统管理员 / security_admin 安全管理员 / audit_admin 审计管理员")
    a.add_argument("--name", default=None, help="default: the role's title")
    a.add_argument("--password", help="default: asked on the terminal")
    a.set_defaults(func=cmd_create_admin)

    b = sub.add_parser("backup", help="back up the database and the attachment files into a new directory")
    b.add_argument("ini")
    b.add_argument("--to", required=True, metavar="DIR")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="restore the database and the attachment files (stop the app first)")
    r.add_argument("ini")
    r.add_argument("--from", required=True, metavar="DIR")
    r.set_defaults(func=cmd_restore)

    audit = sub.add_parser("audit", help="the tamper-evident audit log").add_subparsers(
        dest="audit_command", required=True)
    av = audit.add_parser("verify", help="check the audit hash chain; exit 1 at the first changed or missing record")
    av.add_argument("ini")
    av.set_defaults(func=cmd_audit_verify)
    ap = audit.add_parser("purge", help="delete audit records older than a date (at least 184 days are kept)")
    ap.add_argument("ini")
    ap.add_argument("--before", required=True, metavar="YYYY-MM-DD")
    ap.set_defaults(func=cmd_audit_purge)
    accounts = sub.add_parser("accounts", help="account housekeeping").add_subparsers(
        dest="accounts_command", required=True)
    acp = accounts.add_parser("purge", help="delete failed-login counters of unknown account names that have "
                                            "expired (no lock in force, last failure older than the lock period)")
    acp.add_argument("ini")
    acp.set_defaults(func=cmd_accounts_purge)
    acd = accounts.add_parser("dormant", help="daily: warn accounts unused for kjgl.dormant_days - 14 days, disable "
                                              "those unused for kjgl.dormant_days and warned 14 days before, "
                                              "and the staff of retired agencies")
    acd.add_argument("ini")
    acd.set_defaults(func=cmd_accounts_dormant)
    acr = accounts.add_parser("reset-totp", help="forget an account's TOTP key: it enrols again at its next login")
    acr.add_argument("ini")
    acr.add_argument("account")
    acr.set_defaults(func=cmd_accounts_reset_totp)
    rem = sub.add_parser("reminders", help="deadline and waiting reminders (idempotent; run daily from cron)")
    rem.add_argument("ini")
    rem.add_argument("--today", help="the day to remind for, YYYY-MM-DD (default: today)")
    rem.set_defaults(func=cmd_reminders)

    storage = sub.add_parser("storage", help="the storage directory of uploads and generated documents") \
        .add_subparsers(dest="storage_command", required=True)
    ss = storage.add_parser("sweep", help="remove .part files, unreferenced files and expired generated documents")
    ss.add_argument("ini")
    ss.add_argument("--older-than-hours", type=float, default=24, metavar="HOURS",
                    help="leave files younger than this alone (default 24)")
    ss.set_defaults(func=cmd_storage_sweep)

    keys = sub.add_parser("keys", help="the keys sealing personal data (docs/keys.md)").add_subparsers(
        dest="keys_command", required=True)
    kn = keys.add_parser("new", help="print a fresh data key entry and index key value")
    kn.add_argument("--id", default=None, help="the data key's id (default: k<today>)")
    kn.set_defaults(func=cmd_keys_new)
    kr = keys.add_parser("rotate", help="re-encrypt every sealed value under the first data key, recompute keyed hashes")
    kr.add_argument("ini")
    kr.set_defaults(func=cmd_keys_rotate)
    _add_plugin_commands(sub)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except Exception as exc:  # a clear message, not a traceback, for known set-up errors
        from .plugin_host import PluginError
        from .settings import SettingsError

        if isinstance(exc, (PluginError, SettingsError)):
            print(f"kjgl: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
