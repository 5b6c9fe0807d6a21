"""Graphic captcha (图形验证码) drawn by the ``captcha`` library.

The answer is kept in the signed session as an HMAC (the cookie is signed,
not encrypted, so the plain answer must not be in it), with its issue time;
checking consumes it, so one image answers one attempt."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from pyramid.response import Response
from pyramid.view import view_config

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes
TTL_SECONDS = 300
SESSION_KEY = "captcha"


def _digest(request, answer: str) -> str:
    key = request.registry.settings["kjgl.secret"].encode()
    return hmac.new(key, answer.upper().encode(), hashlib.sha256).hexdigest()


def new_answer(request) -> str:
    answer = "".join(secrets.choice(ALPHABET) for _ in range(4))
    request.session[SESSION_KEY] = {"h": _digest(request, answer), "t": int(time.time())}
    return answer


def check(request, answer: str | None) -> str | None:
    """None when right (or captcha switched off), else the message to show."""
    if not request.registry.settings["kjgl.captcha"]:
        return None
    stored = request.session.pop(SESSION_KEY, None)
    if not answer:
        return "请输入图形验证码"
    if not stored or time.time() - stored.get("t", 0) > TTL_SECONDS:
        return "图形验证码已过期，请点击图片刷新"
    if not hmac.compare_digest(stored["h"], _digest(request, answer.strip())):
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
