from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..crypto import EncryptedString, index_on_set
from ..db import Base, Timestamped, utcnow

KINDS = {
    "admin": "系统管理员",
    "security_admin": "安全管理员",
    "audit_admin": "审计管理员",
    "agency": "主管部门审核人员",
    "org_admin": "法人用户",
    "individual": "个人用户",
}
STATUSES = {"active": "已启用", "disabled": "已禁用"}
# why an account was disabled by the platform rather than by a person
DISABLED_REASONS = {"dormant": "长期未使用", "agency_retired": "所属主管部门已撤销", "closed": "本人申请注销"}


class User(Timestamped, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(30), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # bumped when the password changes: sessions made before stop working
    auth_version: Mapped[int] = mapped_column(Integer, default=1)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # when the current password was set (expiry), and the argon2 hashes of the
    # ones before it, newest first (no reuse of the last few)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=utcnow)
    password_history: Mapped[list] = mapped_column(JSON, default=list)
    # wrong passwords in a row, and the login lock they lead to (see lockout.py)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")

    name: Mapped[str] = mapped_column(String(100))
    id_type: Mapped[str | None] = mapped_column(String(32))
    # sealed at rest; equality search goes through the keyed hashes below
    id_number: Mapped[str | None] = mapped_column(EncryptedString("user_account.id_number"))
    id_valid_from: Mapped[dt.date | None] = mapped_column(Date)
    id_valid_to: Mapped[dt.date | None] = mapped_column(Date)
    id_long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    id_country: Mapped[str | None] = mapped_column(String(64))
    mobile: Mapped[str | None] = mapped_column(EncryptedString("user_account.mobile"))
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    mobile_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(120))

    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)

    # seed 002: three security questions for password recovery (answers hashed)
    security_q1: Mapped[str | None] = mapped_column(String(100))
    security_a1: Mapped[str | None] = mapped_column(String(255))
    security_q2: Mapped[str | None] = mapped_column(String(100))
    security_a2: Mapped[str | None] = mapped_column(String(255))
    security_q3: Mapped[str | None] = mapped_column(String(100))
    security_a3: Mapped[str | None] = mapped_column(String(255))
    # wrong security answers in a row, and the recovery lock they lead to
    recover_failures: Mapped[int] = mapped_column(Integer, default=0)
    recover_locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    recover_last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # second factor (kjgl.totp): the authenticator's key, sealed, and the last
    # time step a code was accepted for, so a code is never taken twice
    totp_secret: Mapped[str | None] = mapped_column(EncryptedString("user_account.totp_secret"))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # dormant accounts (kjgl accounts dormant): when the warning went out, and
    # why the platform disabled the account (DISABLED_REASONS), if it did
    dormancy_warned_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    disabled_reason: Mapped[str | None] = mapped_column(String(32))

    organisation = relationship("Organisation", foreign_keys=[organisation_id])
    agency = relationship("Agency")

    @property
    def kind_title(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_title(self) -> str:
        return STATUSES.get(self.status, self.status)


index_on_set(User.id_number, "id_number_hash", "id_number")
index_on_set(User.mobile, "mobile_hash", "mobile")


class UnknownAccountLogin(Base):
    """Failed logins for account names that do not exist, counted like a real
    account's so the login page answers the same for both."""
    __tablename__ = "unknown_account_login"

    account: Mapped[str] = mapped_column(String(30), primary_key=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # stale rows (no lock in force, last failure older than the lock period) are purged
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


class UnknownAccountRecovery(Base):
    """Wrong security answers given for account names without questions (no
    such account, or one that set none), counted like a real account's in the
    database, so the recovery page answers the same for both, whatever the
    browser session."""
    __tablename__ = "unknown_account_recovery"

    account: Mapped[str] = mapped_column(String(30), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)


class CaptchaChallenge(Base):
    """One graphic captcha image, kept on the server so it answers one
    attempt only, in whichever app process (:mod:`kjgl.core.captcha`). The
    browser's session holds only the random id."""
    __tablename__ = "captcha_challenge"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)
    answer_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    # set by the first check, right answer or wrong: the image is then spent
    consumed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A logged-in session, so the user can see theirs and end the others and
    the security admin can see who is online and log a session out
    (:mod:`kjgl.core.accounts.sessions`). The browser's (encrypted) session
    cookie holds the random token; this row holds its SHA-256 only."""
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # the user's auth_version at login: a password change ends the others
    auth_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # logout / renewed / by_user / by_security_admin / lifetime
    end_reason: Mapped[str | None] = mapped_column(String(32))

    user = relationship("User")
