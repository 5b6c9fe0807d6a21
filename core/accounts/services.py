"""Account rules shared by the HTML views, the CLI and the tests."""
from __future__ import annotations

from sqlalchemy import func, select

from ..db import utcnow
from .models import User
from .passwords import hash_password, needs_rehash, verify_password


class LoginRefused(Exception):
    """Raised with the message the login page shows."""


def find_by_account(dbsession, account: str) -> User | None:
    return dbsession.scalars(select(User).where(func.lower(User.account) == account.lower())).first()


def account_taken(dbsession, account: str) -> bool:
    return find_by_account(dbsession, account) is not None


def authenticate(dbsession, account: str, password: str) -> User:
    user = find_by_account(dbsession, account)
    if user is None or not verify_password(user.password_hash, password):
        raise LoginRefused("账号或密码不正确")
    if user.status == "disabled":
        if user.kind == "individual":
            raise LoginRefused("您的账号已被禁用，请联系本单位法人用户（单位管理员）启用")
        raise LoginRefused("您的账号已被禁用，请联系系统管理员")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def set_password(user: User, password: str, must_change: bool = False) -> None:
    user.password_hash = hash_password(password)
    user.auth_version = (user.auth_version or 0) + 1
    user.must_change_password = must_change


def home_route(user: User) -> str:
    """Where each role lands after login."""
    if user.must_change_password:
        return "account.password"
    if user.kind == "admin":
        return "admin.staff"
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
