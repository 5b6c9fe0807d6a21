"""Account rules shared by the HTML views, the CLI and the tests."""
from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import func, select

from ..audit.localtime import show
from ..crypto import blind_index
from ..db import utcnow
from . import lockout, policy
from .models import UnknownAccountLogin, User
from .passwords import hash_password, needs_rehash, verify_password

SAME_AS_ACCOUNT = "密码不能与账号相同"
REUSED = "新密码不能与最近{n}次使用过的密码相同"
WRONG_PASSWORD = "账号或密码不正确"


class LoginRefused(Exception):
    """Raised with the message the login page shows."""


class AccountLocked(LoginRefused):
    def __init__(self, until: dt.datetime):
        super().__init__(f"连续登录失败次数过多，账号已锁定，请于{show(until)}（北京时间）后再试")
        self.until = until


def find_by_account(dbsession, account: str) -> User | None:
    return dbsession.scalars(select(User).where(func.lower(User.account) == account.lower())).first()


def find_by_account_and_mobile(dbsession, account: str, mobile: str) -> User | None:
    """Recovery by the registered mobile (通过手机找回): the sealed mobile is
    matched through its keyed hash."""
    return dbsession.scalars(select(User).where(func.lower(User.account) == account.lower(),
                                                User.mobile_hash == blind_index(mobile, "mobile"))).first()


def find_by_id_number(dbsession, id_type: str, id_number: str) -> list[User]:
    """The accounts registered with this ID (seed 000: a re-registered user
    is matched to their history by 证件类型 + 证件号码), through the keyed hash."""
    return list(dbsession.scalars(select(User).where(
        User.id_type == id_type, User.id_number_hash == blind_index(id_number.strip().upper(), "id_number"))
        .order_by(User.id)))


def account_taken(dbsession, account: str) -> bool:
    return find_by_account(dbsession, account) is not None


def _lock_in_force(dbsession, user: User | None, account: str) -> dt.datetime | None:
    """The lock of the account, or for an unknown account name of its
    stand-in row, so both answer alike."""
    if user is not None:
        return user.locked_until
    row = dbsession.get(UnknownAccountLogin, lockout.unknown_key(account))
    return row.locked_until if row is not None else None


def authenticate(dbsession, account: str, password: str, settings=None) -> User:
    """The user, or :class:`LoginRefused` (:class:`AccountLocked` while locked)
    with the message for the page. Failures are counted in the database by
    one atomic statement each (:mod:`.lockout`), so the lock holds across app
    processes and concurrent failures cannot get past the limit."""
    settings = settings or {}
    now = utcnow()
    user = find_by_account(dbsession, account)
    locked_until = _lock_in_force(dbsession, user, account)
    if locked_until is not None and locked_until > now:
        raise AccountLocked(locked_until)
    # argon2 runs for an unknown account too (against a dummy hash of the
    # same cost), so the time taken does not tell whether the account exists
    if not verify_password(user.password_hash if user is not None else None, password) or user is None:
        attempts, period = policy.lockout_attempts(settings), policy.lockout_period(settings)
        if user is not None:
            counted = lockout.count_failure(dbsession, lockout.LOGINS, user.id, now=now, limit=attempts,
                                            period=period)
        else:
            counted = lockout.count_failure(dbsession, lockout.UNKNOWN_LOGINS, lockout.unknown_key(account), now=now,
                                            limit=attempts, period=period)
        # on every failure, known account or not, so the time taken tells nothing
        lockout.purge_unknown(dbsession, now=now, period=period)
        if counted.locked_until is not None:
            raise AccountLocked(counted.locked_until)
        raise LoginRefused(f"{WRONG_PASSWORD}，还可尝试{attempts - counted.failures}次")
    # with a second factor (kjgl.totp) the count goes on until the code is right
    # too, so logging in again buys no more guesses at the code
    if not policy.second_factor_required(user, settings):
        locked_until = lockout.clear(dbsession, lockout.LOGINS, user.id, now=now)
        if locked_until is not None:
            raise AccountLocked(locked_until)
    if user.status == "disabled":
        if user.disabled_reason in ("dormant", "agency_retired"):  # the platform did it (dormancy.py)
            raise LoginRefused("您的账号因长期未使用或所属主管部门已撤销而停用，请联系平台安全管理员重新启用")
        if user.kind == "individual":
            raise LoginRefused("您的账号已被禁用，请联系本单位法人用户（单位管理员）启用")
        raise LoginRefused("您的账号已被禁用，请联系系统管理员")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not policy.second_factor_required(user, settings):
        user.last_login_at = now  # else when the code is accepted (totp_views)
    if password_expired(user, settings, now):
        user.must_change_password = True
    return user


WRONG_CURRENT = "原密码不正确"


def confirm_current_password(dbsession, user: User, password: str, settings=None,
                             wrong: str = WRONG_CURRENT) -> None:
    """A logged-in user proving they know their password again (changing it,
    changing the mobile): a wrong one counts toward the same lock as a wrong
    password at login, so a left-open session cannot be used to guess it.
    Raises :class:`LoginRefused` (:class:`AccountLocked` once locked),
    whose message starts with ``wrong``."""
    settings = settings or {}
    now = utcnow()
    if is_locked(user, now):
        raise AccountLocked(user.locked_until)
    if verify_password(user.password_hash, password):
        return
    attempts = policy.lockout_attempts(settings)
    counted = lockout.count_failure(dbsession, lockout.LOGINS, user.id, now=now, limit=attempts,
                                    period=policy.lockout_period(settings))
    if counted.locked_until is not None:
        raise AccountLocked(counted.locked_until)
    raise LoginRefused(f"{wrong}，还可尝试{attempts - counted.failures}次")


def unlock(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None


def is_locked(user: User, now: dt.datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > (now or utcnow())


# --- passwords -------------------------------------------------------------

def password_expires_at(user: User, settings) -> dt.datetime | None:
    if user.password_changed_at is None:
        return None
    return user.password_changed_at + policy.password_max_age(settings)


def password_expired(user: User, settings, now: dt.datetime | None = None) -> bool:
    expires = password_expires_at(user, settings)
    return expires is not None and expires <= (now or utcnow())


def days_until_expiry_warning(user: User, settings, now: dt.datetime | None = None) -> int | None:
    """Whole days left when the password expires within the warning period."""
    expires = password_expires_at(user, settings)
    now = now or utcnow()
    if expires is None or expires <= now or expires - now > policy.password_warn_period(settings):
        return None
    return math.ceil((expires - now).total_seconds() / 86400)


def password_errors(user: User | None, account: str, password: str, settings=None) -> str | None:
    """What is wrong with ``password`` as the new password of ``account``
    beyond its strength: equal to the account name, or one of the latest
    passwords of the user."""
    if password and account and password.lower() == account.lower():
        return SAME_AS_ACCOUNT
    if user is not None and reuses_recent(user, password, policy.password_history_size(settings or {})):
        return REUSED.format(n=policy.password_history_size(settings or {}))
    return None


def reuses_recent(user: User, password: str, size: int) -> bool:
    recent = [user.password_hash, *(user.password_history or [])][:size]
    return any(verify_password(stored, password) for stored in recent if stored)


def set_password(user: User, password: str, must_change: bool = False,
                 keep: int = policy.DEFAULTS["kjgl.password_history"]) -> None:
    if user.password_hash:
        user.password_history = [user.password_hash, *(user.password_history or [])][:max(keep - 1, 0)]
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.auth_version = (user.auth_version or 0) + 1
    user.must_change_password = must_change


def set_status(user: User, status: str) -> bool:
    """Enable or disable (the organisation admin's and the system admin's
    启用/禁用); returns whether anything changed. Disabling ends the user's
    sessions for good (re-enabling does not revive them). Enabling forgets a
    dormancy warning and the platform's reason for disabling, so
    ``kjgl accounts dormant`` warns afresh before disabling it again. A
    closed (注销) account is never enabled again."""
    if status not in ("active", "disabled"):
        raise ValueError(f"unknown status {status!r}")
    if user.status == status or user.disabled_reason == "closed":
        return False
    user.status = status
    if status == "disabled":
        user.auth_version = (user.auth_version or 0) + 1
    else:
        user.disabled_reason = user.dormancy_warned_at = None
    return True


def home_route(user: User) -> str:
    """Where each role lands after login."""
    if user.must_change_password:
        return "account.password"
    if user.kind == "admin":
        return "admin.staff"
    if user.kind == "security_admin":
        return "admin.locked"
    if user.kind == "audit_admin":
        return "admin.audit"
    if user.kind == "agency":
        return "agency.orgs"
    if user.kind == "org_admin":
        org = user.organisation
        if org is None or org.status in ("incomplete", "returned"):
            return "org.profile"
        return "org.users" if org.status == "active" else "org.status"
    if user.organisation_id is None:
        return "me.profile"
    return "portal"
