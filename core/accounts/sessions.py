"""Logged-in sessions: their absolute lifetime, and the server-side record
of each one.

The idle timeout is the session factory's (``kjgl.session_timeout``,
core/security.py); :func:`end_old_session` ends a session a fixed time after
login however busy it is (``kjgl.session_max_age``).

Every login writes a ``user_session`` row (:func:`start`): the encrypted
session cookie carries a random token, the row its SHA-256, the user, when,
from where and with which browser. The security policy accepts a session only
while its row is live (:func:`is_live`), so ending the row — logout, the user
ending their other sessions, the security admin's forced logout — ends the
session wherever its cookie is, copies included.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time

from pyramid.events import NewRequest
from sqlalchemy import and_, delete, select, update
from zope.sqlalchemy import mark_changed

from ..audit.services import client_ip
from ..db import utcnow
from ..security import SESSION_USER_KEY
from . import policy, totp
from .models import User, UserSession

LOGIN_AT_KEY = "login_at"
TOKEN_KEY = "sid"
# last_seen_at is written at most this often (seconds), not at every request
TOUCH_EVERY = 60
# rows past their lifetime deleted at most at each login
PURGE_BATCH = 50


def stamp_login(request, when: float | None = None) -> None:
    request.session[LOGIN_AT_KEY] = int(when if when is not None else time.time())


def end_old_session(event) -> None:
    request = event.request
    session = request.session
    if session.get(SESSION_USER_KEY) is None:
        return
    if totp.pending_expired(session):
        end(request, "lifetime")  # the second factor was not given in time
        session.invalidate()
        return
    login_at = session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int):
        stamp_login(request)  # remembered by a flow other than the login form
        return
    if time.time() - login_at > policy.session_max_age(request.registry.settings):
        end(request, "lifetime")
        session.invalidate()


# --- the server-side record -----------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(request, user: User) -> None:
    """Record a new session of ``user`` (the cookie session has just been
    renewed) and put its token in the cookie."""
    db = request.dbsession
    now = utcnow()
    token = secrets.token_urlsafe(32)
    agent = (request.user_agent or "")[:255] or None
    db.add(UserSession(token_hash=token_hash(token), user_id=user.id, auth_version=user.auth_version,
                       created_at=now, last_seen_at=now, ip=client_ip(request), user_agent=agent))
    request.session[TOKEN_KEY] = token
    purge(db, settings=request.registry.settings, now=now)


def current(request) -> UserSession | None:
    token = request.session.get(TOKEN_KEY)
    if not isinstance(token, str):
        return None
    return request.dbsession.scalars(select(UserSession).where(UserSession.token_hash == token_hash(token))).first()


def is_live(request, user: User) -> bool:
    """The session's row exists, belongs to ``user`` and has not been ended.
    Notes the time it was last used (at most every :data:`TOUCH_EVERY` s)."""
    return is_live_row(current(request), user)


def is_live_row(row: UserSession | None, user: User) -> bool:
    """:func:`is_live` on the row the security policy read with the user."""
    if row is None or row.user_id != user.id or row.ended_at is not None:
        return False
    now = utcnow()
    if (now - row.last_seen_at).total_seconds() >= TOUCH_EVERY:
        row.last_seen_at = now
    return True


def end(request, reason: str) -> None:
    """End this browser's session row (logout, a renewed session, its lifetime)."""
    token = request.session.get(TOKEN_KEY)
    if isinstance(token, str):
        _end(request.dbsession, UserSession.token_hash == token_hash(token), reason)


def _end(db, condition, reason: str) -> int:
    stmt = (update(UserSession).where(condition, UserSession.ended_at.is_(None))
            .values(ended_at=utcnow(), end_reason=reason).execution_options(synchronize_session="fetch"))
    count = db.execute(stmt).rowcount
    mark_changed(db)
    return count


def live_condition(settings, now: dt.datetime | None = None):
    """The rows of sessions still open: not ended, not idle past the timeout
    (as far as ``last_seen_at`` tells), within the absolute lifetime, and
    made under the user's current password."""
    now = now or utcnow()
    return and_(UserSession.ended_at.is_(None),
                UserSession.last_seen_at > now - dt.timedelta(seconds=policy.session_timeout(settings)),
                UserSession.created_at > now - dt.timedelta(seconds=policy.session_max_age(settings)),
                UserSession.auth_version == User.auth_version)


def live_sessions(settings, user_id: int | None = None):
    """The query of open sessions, latest used first; of one user, or of everybody."""
    stmt = (select(UserSession).join(User, User.id == UserSession.user_id).where(live_condition(settings))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()))
    if user_id is not None:
        stmt = stmt.where(UserSession.user_id == user_id)
    return stmt


def end_others(db, user: User, keep_id: int | None) -> int:
    """End every open session of ``user`` but ``keep_id`` (their own)."""
    condition = UserSession.user_id == user.id
    if keep_id is not None:
        condition = and_(condition, UserSession.id != keep_id)
    return _end(db, condition, "by_user")


BROWSERS = (("Edg/", "Edge"), ("QQBrowser", "QQ浏览器"), ("MicroMessenger", "微信"), ("Firefox/", "Firefox"),
            ("Chrome/", "Chrome"), ("Safari/", "Safari"))
SYSTEMS = (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"),
           ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device(user_agent: str | None) -> str:
    """"Chrome / Windows" from a User-Agent, for the session lists."""
    text = user_agent or ""
    browser = next((name for mark, name in BROWSERS if mark in text), None)
    system = next((name for mark, name in SYSTEMS if mark in text), None)
    if browser is None and system is None:
        return "未知设备"
    return " / ".join(part for part in (browser or "其他浏览器", system) if part)


def end_one(db, session_id: int, reason: str, user_id: int | None = None) -> UserSession | None:
    """End the session ``session_id`` (only if it is ``user_id``'s, when
    given); returns it, or None when there is no such open session."""
    row = db.get(UserSession, session_id)
    if row is None or row.ended_at is not None or (user_id is not None and row.user_id != user_id):
        return None
    _end(db, UserSession.id == row.id, reason)
    return row


def purge(db, *, settings, now: dt.datetime, batch: int | None = PURGE_BATCH) -> int:
    """Delete rows past the absolute lifetime (ended or not): at most ``batch``."""
    t = UserSession.__table__
    old = t.c.created_at < now - dt.timedelta(seconds=policy.session_max_age(settings))
    stmt = delete(t).where(old)
    if batch is not None:
        stmt = stmt.where(t.c.id.in_(select(t.c.id).where(old).limit(batch).with_for_update(skip_locked=True)))
    return db.execute(stmt).rowcount


def includeme(config):
    config.add_subscriber(end_old_session, NewRequest)
