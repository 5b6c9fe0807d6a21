"""One-time SMS verification codes (registration, password recovery)."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import func, select

from ..audit.services import client_ip
from ..crypto import blind_index
from ..db import utcnow
from .models import SmsCode

CODE_TTL = dt.timedelta(minutes=10)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_ATTEMPTS = 5


class SmsCodeError(Exception):
    pass


def _hash(secret: str, mobile: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def _sent_since(db, condition, since: dt.datetime) -> int:
    return db.scalar(select(func.count(SmsCode.id)).where(condition, SmsCode.created_at > since))


def refuse_flooding(db, settings, mobile_hash: str, client_hash: str | None, now: dt.datetime) -> None:
    """At most ``kjgl.sms_per_mobile`` codes to one number and
    ``kjgl.sms_per_address`` from one client address (every purpose) within
    ``kjgl.sms_window_minutes``, counted in the database so every app process
    sees the same count."""
    minutes = settings["kjgl.sms_window_minutes"]
    since = now - dt.timedelta(minutes=minutes)
    if _sent_since(db, SmsCode.mobile_hash == mobile_hash, since) >= settings["kjgl.sms_per_mobile"]:
        raise SmsCodeError(f"该手机号码{minutes}分钟内获取短信验证码次数已达上限，请稍后再试")
    if client_hash is not None and _sent_since(db, SmsCode.client_hash == client_hash, since) >= \
            settings["kjgl.sms_per_address"]:
        raise SmsCodeError(f"您所在的网络地址{minutes}分钟内获取短信验证码次数已达上限，请稍后再试")


def issue(request, mobile: str, purpose: str) -> None:
    db = request.dbsession
    now = utcnow()
    mobile_hash = blind_index(mobile, "mobile")
    last = db.scalars(
        select(SmsCode).where(SmsCode.mobile_hash == mobile_hash, SmsCode.purpose == purpose)
        .order_by(SmsCode.created_at.desc()).limit(1)
    ).first()
    if last is not None and now - last.created_at < RESEND_AFTER:
        raise SmsCodeError("短信验证码发送过于频繁，请60秒后再试")
    client_hash = blind_index(client_ip(request), "sms_client")
    refuse_flooding(db, request.registry.settings, mobile_hash, client_hash, now)
    code = f"{secrets.randbelow(10**6):06d}"
    secret = request.registry.settings["kjgl.secret"]
    db.add(SmsCode(mobile_hash=mobile_hash, client_hash=client_hash, purpose=purpose,
                   code_hash=_hash(secret, mobile, code), expires_at=now + CODE_TTL, created_at=now))
    request.registry["kjgl.sms"].send(
        db, mobile, f"【{request.registry.settings['kjgl.title']}】您的验证码为{code}，10分钟内有效，请勿泄露。"
    )


def checks_on(settings) -> bool:
    """False when ``kjgl.captcha = off`` switches the checks off (tests, local demo)."""
    return bool(settings["kjgl.captcha"])


def check(request, mobile: str, purpose: str, code: str) -> str | None:
    """Consume a code. Returns None when right, else the message to show."""
    if not checks_on(request.registry.settings):
        return None
    db = request.dbsession
    row = db.scalars(
        select(SmsCode).where(SmsCode.mobile_hash == blind_index(mobile, "mobile"), SmsCode.purpose == purpose,
                              SmsCode.used_at.is_(None))
        .order_by(SmsCode.created_at.desc()).limit(1)
    ).first()
    if row is None or row.expires_at < utcnow():
        return "短信验证码已失效，请重新获取"
    if row.attempts >= MAX_ATTEMPTS:
        return "短信验证码错误次数过多，请重新获取"
    secret = request.registry.settings["kjgl.secret"]
    if not hmac.compare_digest(row.code_hash, _hash(secret, mobile, (code or "").strip())):
        row.attempts += 1
        return "短信验证码不正确"
    row.used_at = utcnow()
    return None
