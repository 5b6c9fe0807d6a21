"""Absolute session lifetime. The idle timeout is the session factory's
(``kjgl.session_timeout``, core/security.py); this ends a session a fixed time
after login however busy it is (``kjgl.session_max_age``)."""
from __future__ import annotations

import time

from pyramid.events import NewRequest

from ..security import SESSION_USER_KEY
from . import policy, totp

LOGIN_AT_KEY = "login_at"


def stamp_login(request, when: float | None = None) -> None:
    request.session[LOGIN_AT_KEY] = int(when if when is not None else time.time())


def end_old_session(event) -> None:
    request = event.request
    session = request.session
    if session.get(SESSION_USER_KEY) is None:
        return
    if totp.pending_expired(session):
        session.invalidate()  # the second factor was not given in time
        return
    login_at = session.get(LOGIN_AT_KEY)
    if not isinstance(login_at, int):
        stamp_login(request)  # remembered by a flow other than the login form
        return
    if time.time() - login_at > policy.session_max_age(request.registry.settings):
        session.invalidate()


def includeme(config):
    config.add_subscriber(end_old_session, NewRequest)
