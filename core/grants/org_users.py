"""The organisation admin's management of its individuals (用户管理):
the scoped list, enable/disable, password reset."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from ..accounts.models import User
from ..accounts.services import set_password, set_status  # noqa: F401  (the user list's 启用/禁用)
from ..search import contains

# no look-alikes (O/0, l/1/I) in a password that is read from an e-mail
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_SPECIAL = "@#$%&*+=?!"
GENERATED_LENGTH = 12
MAX_ROW_ID = 2**31 - 1  # larger numbers cannot be a row id (and overflow SQLite's driver)


class ResetRefused(Exception):
    """Raised with the message the user list shows."""


def parse_id(text) -> int | None:
    """A row id from a URL or form, or None when it cannot be one."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ROW_ID else None


def individuals(org_id: int, account: str = "", name: str = ""):
    """The organisation's individual users, optionally filtered by partial,
    case-insensitive account and name. Scoped to the organisation in the query."""
    stmt = select(User).where(User.kind == "individual", User.organisation_id == org_id)
    if account:
        stmt = stmt.where(contains(User.account, account))
    if name:
        stmt = stmt.where(contains(User.name, name))
    return stmt.order_by(User.id)


def individual_of(dbsession, org_id: int, user_id: int) -> User | None:
    return dbsession.scalars(
        select(User).where(User.id == user_id, User.kind == "individual", User.organisation_id == org_id)
    ).first()


def generate_password() -> str:
    """12 characters with all four classes, from the OS's CSPRNG."""
    rng = secrets.SystemRandom()
    pools = (_UPPER, _LOWER, _DIGITS, _SPECIAL)
    chars = [rng.choice(pool) for pool in pools]
    everything = "".join(pools)
    chars += [rng.choice(everything) for _ in range(GENERATED_LENGTH - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def reset_password(dbsession, mail, user: User, site_title: str) -> str:
    """Give the user a new random password that must be changed at the next
    login, and e-mail it to their registered address (seed 002 §一.3).
    Returns the address it went to."""
    if not user.email:
        raise ResetRefused(
            f"用户“{user.account}”未登记电子邮箱，无法发送新密码。"
            "请该用户登录后在“个人信息”中补全电子邮箱，或通过“找回密码”自行重置。"
        )
    password = generate_password()
    set_password(user, password, must_change=True)
    body = (
        f"{user.name}，您好：\n\n"
        f"您在{site_title}的账号“{user.account}”的密码已由本单位法人用户重置。\n"
        f"新密码：{password}\n\n"
        "请使用新密码登录，系统将要求您立即修改密码。如非本人申请，请联系本单位法人用户。"
    )
    mail.send(dbsession, user.email, f"{site_title} 密码重置通知", body)
    return user.email
