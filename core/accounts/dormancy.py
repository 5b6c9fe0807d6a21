"""Accounts that outlive their use (MLPS 2.0 L3: 及时删除或停用多余的、过期的账户).

``kjgl accounts dormant INI`` (run daily from cron) warns by SMS and e-mail
an account unused for ``kjgl.dormant_days`` − 14 days (default 180 − 14) and
disables it once it has been unused for ``kjgl.dormant_days`` and warned at
least 14 days before; it also disables at once the staff of retired
agencies. The security admin lists dormant and disabled accounts and
re-enables one. "Unused" counts from the last login, or from the account's
creation when it never logged in. The three administrators' accounts are
exempt: there are few of them, named, and disabling the last one would lock
the platform.

Every disabling and re-enabling is audited here."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select

from ..audit.services import changes, record, snapshot
from ..settings import SettingsError
from .models import User

WARNING_DAYS = 14
DEFAULT_DAYS = 180
EXEMPT_KINDS = ("admin", "security_admin", "audit_admin")
# the platform disabled these; a person's own disabling (org admin, system
# admin) has no reason and is undone where it was done
REENABLE_REASONS = ("dormant", "agency_retired")


def dormant_days(settings: dict) -> int:
    raw = str(settings.get("kjgl.dormant_days", DEFAULT_DAYS)).strip()
    if not raw.isdigit() or int(raw) <= WARNING_DAYS:
        raise SettingsError(f"kjgl.dormant_days 应为大于{WARNING_DAYS}的天数: {raw}")
    return int(raw)


def last_used():
    """When the account was last used, in SQL."""
    return func.coalesce(User.last_login_at, User.created_at)


def _disable(db, user: User, reason: str, event: str, actor, request=None, **detail) -> None:
    before = snapshot(user, ("status",))
    user.status, user.disabled_reason = "disabled", reason
    user.auth_version = (user.auth_version or 0) + 1  # its sessions end now
    record(db, request, event, user=actor, object_type="user", object_id=user.id, target_account=user.account,
           reason=reason, changes=changes(before, snapshot(user, ("status",))), **detail)


def disable_staff_of(db, agency, actor, request=None) -> list[User]:
    """The active staff accounts of a retired agency, disabled now."""
    staff = list(db.scalars(select(User).where(User.agency_id == agency.id, User.status == "active")
                            .order_by(User.id)))
    for user in staff:
        _disable(db, user, "agency_retired", "agency_staff_disable", actor, request, agency=agency.name)
    db.flush()
    return staff


@dataclass(frozen=True)
class DormancyResult:
    warned: int
    disabled: int
    staff_disabled: int


def _candidates(before: dt.datetime):
    return select(User).where(User.status == "active", User.kind.notin_(EXEMPT_KINDS), last_used() <= before)


def warning_text(title: str, user: User, days: int, disable_on: dt.date) -> str:
    return (f"【{title}】您的账号{user.account}已超过{days - WARNING_DAYS}天未登录。按照账号管理规定，"
            f"如在{disable_on:%Y年%m月%d日}前仍未登录，账号将被停用；停用后请联系平台安全管理员重新启用。")


def run(db, settings: dict, sms, mail, *, now: dt.datetime, actor) -> DormancyResult:
    """One daily pass. ``sms`` and ``mail`` are the deployment's senders."""
    from ..agencies.models import Agency

    days = dormant_days(settings)
    title = settings.get("kjgl.title", "科技管理信息平台")
    staff_disabled = 0
    for agency in db.scalars(select(Agency).where(Agency.status == "retired")):
        staff_disabled += len(disable_staff_of(db, agency, actor))

    disabled = 0
    warned_long_enough = now - dt.timedelta(days=WARNING_DAYS)
    for user in db.scalars(_candidates(now - dt.timedelta(days=days)).where(
            User.dormancy_warned_at.is_not(None), User.dormancy_warned_at <= warned_long_enough,
            User.dormancy_warned_at >= last_used())):
        _disable(db, user, "dormant", "dormant_disable", actor, days=days,
                 last_used=(user.last_login_at or user.created_at).isoformat(timespec="minutes"))
        disabled += 1

    warned = 0
    for user in db.scalars(_candidates(now - dt.timedelta(days=days - WARNING_DAYS)).where(
            or_(User.dormancy_warned_at.is_(None), User.dormancy_warned_at < last_used()))):
        since = user.last_login_at or user.created_at
        disable_on = max(since + dt.timedelta(days=days), now + dt.timedelta(days=WARNING_DAYS)).date()
        text = warning_text(title, user, days, disable_on)
        channels = []
        if user.mobile:
            sms.send(db, user.mobile, text)
            channels.append("sms")
        if user.email:
            mail.send(db, user.email, f"【{title}】账号停用提醒", text)
            channels.append("email")
        user.dormancy_warned_at = now
        record(db, None, "dormancy_warning", user=actor, object_type="user", object_id=user.id,
               target_account=user.account, channels=channels, disable_on=disable_on.isoformat())
        warned += 1
    db.flush()
    return DormancyResult(warned, disabled, staff_disabled)


def dormant_query(settings: dict, now: dt.datetime):
    """Active accounts unused long enough to have been (or be about to be) warned."""
    days = dormant_days(settings)
    return _candidates(now - dt.timedelta(days=days - WARNING_DAYS)).order_by(last_used(), User.id)


def disabled_query():
    """Accounts the platform disabled (dormant, retired agency, closed)."""
    return select(User).where(User.status == "disabled", User.disabled_reason.is_not(None)) \
        .order_by(User.updated_at.desc(), User.id.desc())


class ReenableRefused(Exception):
    pass


def reenable(db, user: User, actor, request=None) -> None:
    """The security admin's 重新启用 of an account the platform disabled. Not
    yet used, it is warned afresh by the next pass and disabled again only
    14 days after that warning."""
    if user.status != "disabled" or user.disabled_reason not in REENABLE_REASONS:
        raise ReenableRefused("只能重新启用因长期未使用或所属主管部门撤销而被停用的账号")
    if user.disabled_reason == "agency_retired" and user.agency is not None and user.agency.retired:
        raise ReenableRefused(f"所属主管部门“{user.agency.name}”仍为撤销状态，请先由系统管理员恢复该部门或调整用户的所属部门")
    before = snapshot(user, ("status", "disabled_reason"))
    user.status, user.disabled_reason, user.dormancy_warned_at = "active", None, None
    db.flush()
    record(db, request, "user_reenable", user=actor, object_type="user", object_id=user.id,
           target_account=user.account, changes=changes(before, snapshot(user, ("status", "disabled_reason"))))
