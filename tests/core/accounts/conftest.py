"""Helpers for the registration and recovery tests: valid form data, filling
the real HTML form (so a field missing from the page fails the test), a
known captcha answer and the SMS codes kept in the development outbox."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from kjgl.core import captcha, factories, realname
from kjgl.core.messaging.models import OutboxMessage
from kjgl.core.validators import SECURITY_QUESTIONS

RESIDENT_ID = "11010519491231002X"  # check digit valid (GB 11643)
CAPTCHA_ANSWER = "AAAA"
TODAY = realname.beijing_now().date()  # the service reads dates on Beijing time
START = (TODAY - dt.timedelta(days=700)).isoformat()


def legal_data(**overrides) -> dict:
    data = dict(
        account="tjlegal01", password="Abcd1234!", password_confirm="Abcd1234!",
        legal_type="企业", org_name="天津注册测试科技有限公司", credit_code=factories.credit_code(990001),
        name="王建国", id_type="身份证", id_number=RESIDENT_ID, id_valid_from=START, id_validity="20年",
        mobile="13812345678",
        security_q1=SECURITY_QUESTIONS[0], security_a1="天津",
        security_q2=SECURITY_QUESTIONS[1], security_a2="李秀英",
        security_q3=SECURITY_QUESTIONS[3], security_a3="和平路小学",
    )
    data.update(overrides)
    return data


def individual_data(**overrides) -> dict:
    data = dict(
        account="zhangsan01", password="Abcd1234!", password_confirm="Abcd1234!",
        name="张三", id_type="身份证", id_number=RESIDENT_ID, id_valid_from=START, id_validity="10年",
        mobile="13912345678", email="zhangsan@example.cn", sms_code="123456",
    )
    data.update(overrides)
    return data


def fill(form, data: dict):
    for name, value in data.items():
        if value is None:
            continue  # None: leave the field as the page shows it
        form[name] = value  # KeyError / ValueError when the page lacks the field or option
    return form


def submit(app, url: str, data: dict, status=None):
    """Open the page, fill its form with ``data`` and submit it."""
    form = app.get(url).forms[0]
    return fill(form, data).submit(status=status)


def field_error(res, name: str) -> str:
    """The message shown next to ``name`` ('' when none)."""
    box = res.html.select_one(f"#field-{name} .error")
    return box.get_text(strip=True) if box is not None else ""


def form_error(res) -> str:
    return " ".join(n.get_text(strip=True) for n in res.html.select(".notice.bad"))


@pytest.fixture
def known_captcha(monkeypatch):
    """Every captcha image shows AAAA from now on."""
    monkeypatch.setattr(captcha, "ALPHABET", "A")
    return CAPTCHA_ANSWER


@pytest.fixture
def checked_app(make_app, known_captcha):
    """An app with the graphic captcha and the SMS code checks switched on."""
    return make_app(**{"kjgl.captcha": "on"})


def load_captcha(app) -> None:
    """Fetch a captcha image, as the browser does, so the session holds its answer."""
    res = app.get("/captcha.png")
    assert res.content_type == "image/png" and res.body.startswith(b"\x89PNG")


def sms_code_sent_to(dbsession, mobile: str) -> str:
    rows = dbsession.scalars(
        select(OutboxMessage).where(OutboxMessage.to(mobile), OutboxMessage.channel == "sms")
        .order_by(OutboxMessage.id.desc())
    ).all()
    assert rows, f"no SMS sent to {mobile}"
    return re.search(r"验证码为(\d{6})", rows[0].body).group(1)


def csrf_token(app, url: str) -> str:
    return app.get(url).forms[0]["csrf_token"].value
