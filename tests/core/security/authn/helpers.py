"""Small helpers of the authentication tests."""
from __future__ import annotations

import datetime as dt

from kjgl.core.accounts import services
from kjgl.core.db import utcnow


def form_error(res) -> str:
    return " ".join(n.get_text(strip=True) for n in res.html.select(".notice.bad"))


def field_error(res, name: str) -> str:
    box = res.html.select_one(f"#field-{name} .error")
    return box.get_text(strip=True) if box is not None else ""


def shift_clock(monkeypatch, delta: dt.timedelta):
    """The accounts services see ``delta`` more time passed than the real clock."""
    real = utcnow
    monkeypatch.setattr(services, "utcnow", lambda: real() + delta)


def change_password(app, old: str, new: str, status=None):
    form = app.get("/account/password").forms["password-form"]
    form["old_password"], form["password"], form["password_confirm"] = old, new, new
    return form.submit(status=status)
