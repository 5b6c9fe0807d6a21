"""Agency staff accounts (主管部门用户): the rules the admin pages, the CLI and
the tests share. Passwords are generated here and handed back once; they are
never stored in clear nor written to the audit log."""
from __future__ import annotations

import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from ..accounts.models import User
from ..accounts.passwords import hash_password
from ..accounts.services import set_password, set_status  # noqa: F401  (the staff pages' 启用/禁用)
from ..agencies.models import Agency
from ..agencies.services import in_subtree
from ..search import contains

# no look-alikes (0/O, 1/l/I) so a password read off the screen is typed right
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
_SYMBOLS = "@#$%&*+=?"
_CLASSES = (_UPPER, _LOWER, _DIGITS, _SYMBOLS)


def generate_password(length: int = 12) -> str:
    """A random password holding all four character classes (the seeds ask for three)."""
    rng = secrets.SystemRandom()
    chars = [rng.choice(c) for c in _CLASSES]
    chars += [rng.choice("".join(_CLASSES)) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def create_staff(dbsession, *, account: str, name: str, agency: Agency, mobile: str | None = None,
                 email: str | None = None) -> tuple[User, str]:
    """Create an agency reviewer with a generated initial password that must be
    changed at first login. Returns (user, the clear password, to hand over once)."""
    password = generate_password()
    user = User(account=account, password_hash=hash_password(password), kind="agency", status="active",
                name=name, mobile=mobile, email=email, agency=agency, must_change_password=True)
    dbsession.add(user)
    dbsession.flush()
    return user, password


def reset_password(user: User) -> str:
    """A new generated password, to be changed at next login; older sessions end."""
    password = generate_password()
    set_password(user, password, must_change=True)
    return password


def staff_query(*, text: str = "", agency: Agency | None = None, status: str = ""):
    """Agency staff, optionally matching ``text`` in account or name, inside
    ``agency``'s subtree, with a status; the newest account first."""
    stmt = select(User).where(User.kind == "agency").options(joinedload(User.agency))
    if text:
        stmt = stmt.where(or_(contains(User.account, text), contains(User.name, text)))
    if agency is not None:
        stmt = stmt.where(in_subtree(User.agency_id, agency))
    if status:
        stmt = stmt.where(User.status == status)
    return stmt.order_by(User.id.desc())


def find_staff(dbsession, user_id: int) -> User | None:
    user = dbsession.get(User, user_id)
    return user if user is not None and user.kind == "agency" else None
