"""Graphic captcha (图形验证码) drawn by the ``captcha`` library.

Each image is a row of ``captcha_challenge`` (a random id, an HMAC of the
answer, an expiry); the session holds only the id. Checking consumes the row
by one conditional UPDATE, whatever the answer, so one image answers one
attempt in every app process, and a copied or replayed session cookie gets
nothing more out of it."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from pyramid.response import Response
from pyramid.view import view_config
from sqlalchemy import delete, select, update
from zope.sqlalchemy import mark_changed

from .accounts.models import CaptchaChallenge
from .db import utcnow

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
TTL = dt.timedelta(seconds=300)
SESSION_KEY = "captcha"
# expired images an issue deletes at most, so drawing one stays cheap
PURGE_BATCH = 50

EXPIRED = "图形验证码已过期，请点击图片刷新"


def _digest(request, challenge_id: str, answer: str) -> str:
    key = request.registry.settings["kjgl.secret"].encode()
    return hmac.new(key, f"{challenge_id}:{answer.upper()}".encode(), hashlib.sha256).hexdigest()


def new_answer(request) -> str:
    """A new image's answer; the row is stored and its id put in the session."""
    db = request.dbsession
    now = utcnow()
    answer = "".join(secrets.choice(ALPHABET) for _ in range(4))
    challenge_id = secrets.token_urlsafe(32)
    db.add(CaptchaChallenge(id=challenge_id, answer_hash=_digest(request, challenge_id, answer),
                            expires_at=now + TTL))
    purge(db, now=now)
    request.session[SESSION_KEY] = challenge_id
    return answer


def purge(db, *, now: dt.datetime, batch: int | None = PURGE_BATCH) -> int:
    """Delete expired images (spent or not): at most ``batch``, ``None`` for all."""
    t = CaptchaChallenge.__table__
    stmt = delete(t).where(t.c.expires_at <= now)
    if batch is not None:
        doomed = select(t.c.id).where(t.c.expires_at <= now).limit(batch).with_for_update(skip_locked=True)
        stmt = stmt.where(t.c.id.in_(doomed))
    return db.execute(stmt).rowcount


def _consume(db, challenge_id) -> str | None:
    """The answer's HMAC if the image was unspent and unexpired; spent now."""
    if not isinstance(challenge_id, str):
        return None
    now = utcnow()
    t = CaptchaChallenge.__table__
    stmt = (update(t).where(t.c.id == challenge_id, t.c.consumed_at.is_(None), t.c.expires_at > now)
            .values(consumed_at=now).returning(t.c.answer_hash))
    stored = db.execute(stmt.execution_options(synchronize_session=False)).scalar()
    mark_changed(db)  # a wrong answer writes nothing else, and the request must still commit this
    return stored


def check(request, answer: str | None) -> str | None:
    """None when right (or captcha switched off), else the message to show.
    The image is spent by this check whatever the answer."""
    if not request.registry.settings["kjgl.captcha"]:
        return None
    challenge_id = request.session.pop(SESSION_KEY, None)
    stored = _consume(request.dbsession, challenge_id)
    if not answer:
        return "请输入图形验证码"
    if stored is None:
        return EXPIRED
    if not hmac.compare_digest(stored, _digest(request, challenge_id, answer.strip())):
        return "图形验证码不正确"
    return None


@view_config(route_name="captcha", permission="core:public")
def captcha_image(request):
    answer = new_answer(request)
    # imported at first use, not at start-up: the captcha library (Pillow) alone is about 0.05 s of every start (issue 9)
    from captcha.image import ImageCaptcha

    data = ImageCaptcha(width=140, height=48).generate(answer).getvalue()
    response = Response(body=data, content_type="image/png")
    response.cache_control.no_store = True
    return response


def includeme(config):
    config.add_route("captcha", "/captcha.png")
    config.scan(".captcha")
