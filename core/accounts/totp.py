"""Second factor (TOTP, RFC 6238) for agency and admin accounts, switched on
per deployment (``kjgl.totp``, see :func:`policy.second_factor_required`).

After a right password such a user's session is *pending*
(:data:`kjgl.core.security.SECOND_FACTOR_PENDING_KEY`): the security policy
grants it nothing but the second-factor pages and the public ones, and it
ends after :data:`PENDING_SECONDS`. A right code completes the login; a wrong
one counts toward the same lock as a wrong password. A code is accepted for
its own 30-second step or the one before or after (clock drift), and each
step only once (``User.totp_last_step``, moved by a conditional UPDATE so two
requests racing with one code cannot both pass).

The key of an account still enrolling is kept in the session sealed under
the data keys (the session cookie is signed, not encrypted) and bound to the
user; once a code from it is right it is stored sealed in
``user_account.totp_secret``.
"""
from __future__ import annotations

import hmac
import io
import re
import time

import pyotp
import segno
from sqlalchemy import or_, update

from .. import crypto
from ..security import SECOND_FACTOR_PENDING_KEY
from .models import User

PENDING_SECONDS = 300
DRIFT_STEPS = 1
ENROL_KEY = "totp_enrol"
NEXT_KEY = "totp_next"
CODE = re.compile(r"^\d{6}$")

OK, WRONG, REPLAYED = "ok", "wrong", "replayed"


def clock() -> float:
    """Seconds since the epoch (a function, so tests can move time along)."""
    return time.time()


# --- the pending state ------------------------------------------------------

def begin(request, next_path: str | None) -> None:
    """Called right after the password was accepted (and the session renewed)."""
    request.session[SECOND_FACTOR_PENDING_KEY] = int(clock())
    if next_path:
        request.session[NEXT_KEY] = next_path


def pending_expired(session, now: float | None = None) -> bool:
    since = session.get(SECOND_FACTOR_PENDING_KEY)
    return since is not None and (not isinstance(since, int) or (now or clock()) - since > PENDING_SECONDS)


# --- keys and codes -----------------------------------------------------------

def _enrol_context(user: User) -> str:
    return f"totp.enrol:{user.id}:{user.auth_version}"


def enrolment_secret(request, user: User) -> str:
    """The key this session is enrolling with, made on first use."""
    sealed = request.session.get(ENROL_KEY)
    if isinstance(sealed, str):
        try:
            return crypto.keyring().open(sealed, _enrol_context(user))
        except (crypto.CryptoError, ValueError):
            pass  # another user's, or sealed under a key since removed: start again
    secret = pyotp.random_base32()
    request.session[ENROL_KEY] = crypto.keyring().seal(secret, _enrol_context(user))
    return secret


def grouped(secret: str) -> str:
    """The key in groups of four, for typing it into an authenticator."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(user: User, secret: str, issuer: str) -> bytes:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.account, issuer_name=issuer)
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, light="#fff")
    return out.getvalue()


def normalise_code(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift."""
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else clock()) // totp.interval)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _claim_step(dbsession, user: User, step: int, *, secret: str | None = None) -> bool:
    """Marks ``step`` used, only if no later or equal step was; with ``secret``
    stores the enrolled key too, only if the account has none yet."""
    stmt = update(User).where(User.id == user.id)
    if secret is None:
        stmt = stmt.where(or_(User.totp_last_step.is_(None), User.totp_last_step < step)).values(
            totp_last_step=step)
    else:
        stmt = stmt.where(User.totp_secret.is_(None)).values(totp_secret=secret, totp_last_step=step)
    claimed = dbsession.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1
    dbsession.refresh(user)
    return claimed


def check(dbsession, user: User, code: str, now: float | None = None) -> str:
    """OK, WRONG or REPLAYED for a code given at login."""
    step = matching_step(user.totp_secret, code, now)
    if step is None:
        return WRONG
    return OK if _claim_step(dbsession, user, step) else REPLAYED


def enrol(dbsession, user: User, secret: str, code: str, now: float | None = None) -> str:
    """OK (the key is now the account's), WRONG, or REPLAYED when another
    session enrolled the account first."""
    step = matching_step(secret, code, now)
    if step is None:
        return WRONG
    return OK if _claim_step(dbsession, user, step, secret=secret) else REPLAYED


def reset(user: User) -> None:
    """Forget the account's key: it enrols again at its next login, and its
    current sessions end (the key may be in the wrong hands)."""
    user.totp_secret = None
    user.totp_last_step = None
    user.auth_version = (user.auth_version or 0) + 1
