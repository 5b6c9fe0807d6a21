"""The ``kjgl`` command: serve, db upgrade, demo, create-admin."""
from __future__ import annotations

import argparse
import getpass
import sys


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


def cmd_db_upgrade(args) -> int:
    from . import migrate

    settings, pm, engine, _ = _context(args.ini)
    branches = migrate.upgrade(settings, pm)
    print("已升级数据库 (upgraded):", ", ".join(branches))
    return 0


def cmd_demo(args) -> int:
    from . import demo, migrate

    settings, pm, engine, session_factory = _context(args.ini)
    migrate.upgrade(settings, pm)
    session = session_factory()
    with session.begin():
        created = demo.load(session, settings, pm)
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
    from . import migrate, validators
    from .accounts.models import User
    from .accounts.passwords import hash_password
    from .accounts.services import account_taken

    settings, pm, engine, session_factory = _context(args.ini)
    message = validators.account(args.account)
    if message:
        print(f"账号 {args.account}: {message}", file=sys.stderr)
        return 2
    name = (args.name or "").strip()
    if not name or len(name) > 100:
        print("姓名不能为空，最多100个字符", file=sys.stderr)
        return 2
    password = args.password if args.password is not None else _ask_password()
    if password is None:
        return 2
    message = validators.password_strength(password)
    if message:
        print(f"密码: {message}", file=sys.stderr)
        return 2
    migrate.upgrade(settings, pm)  # a fresh deployment may start with this command
    session = session_factory()
    with session.begin():
        if account_taken(session, args.account):
            print(f"账号 {args.account} 已存在", file=sys.stderr)
            return 2
        session.add(User(account=args.account, password_hash=hash_password(password), kind="admin",
                         name=name, status="active"))
    print(f"已创建系统管理员 {args.account}")
    return 0


def cmd_serve(args) -> int:
    import waitress
    from pyramid.paster import get_app

    from . import migrate

    if not args.no_upgrade:
        settings, pm, _, _ = _context(args.ini)
        migrate.upgrade(settings, pm)
    app = get_app(args.ini, "main")
    print(f"kjgl serving on http://{args.host}:{args.port}/")
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kjgl", description="科技管理信息平台 kjgl")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the app with waitress (upgrades the database first)")
    s.add_argument("ini")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=6543)
    s.add_argument("--threads", type=int, default=8)
    s.add_argument("--no-upgrade", action="store_true")
    s.set_defaults(func=cmd_serve)

    db = sub.add_parser("db", help="database migrations").add_subparsers(dest="db_command", required=True)
    u = db.add_parser("upgrade", help="upgrade the core and the enabled plugins' tables")
    u.add_argument("ini")
    u.set_defaults(func=cmd_db_upgrade)

    d = sub.add_parser("demo", help="load demo data (agencies, organisations, users)")
    d.add_argument("ini")
    d.set_defaults(func=cmd_demo)

    a = sub.add_parser("create-admin", help="create a platform administrator")
    a.add_argument("ini")
    a.add_argument("--account", required=True)
    a.add_argument("--name", default="系统管理员")
    a.add_argument("--password", help="default: asked on the terminal")
    a.set_defaults(func=cmd_create_admin)
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
