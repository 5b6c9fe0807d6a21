"""``kjgl accounts purge`` clears what logins and captchas leave behind: the
expired captcha images and the session records past the absolute lifetime,
never a live one."""
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kjgl.core import factories
from kjgl.core.accounts.models import CaptchaChallenge, UserSession
from kjgl.core.cli import main
from kjgl.core.db import utcnow

from .test_unknown_account_purge import deployment, seed  # noqa: F401


def test_purge_deletes_expired_captchas_and_sessions_past_their_lifetime(deployment, capsys):  # noqa: F811
    ini, engine = deployment
    now = utcnow()
    with Session(engine) as s, s.begin():
        s.add_all([CaptchaChallenge(id="old", answer_hash="x", expires_at=now - dt.timedelta(seconds=1)),
                   CaptchaChallenge(id="fresh", answer_hash="x", expires_at=now + dt.timedelta(minutes=5))])
        user = factories.user(s, "individual")
        old = factories.user_session(s, user)
        old.created_at = now - dt.timedelta(hours=9)  # past the 8 h lifetime
        factories.user_session(s, user)
    assert main(["accounts", "purge", ini]) == 0
    out = capsys.readouterr().out
    assert "已清理过期的图形验证码 1 条" in out and "已清理超过最长有效期的登录会话记录 1 条" in out
    with Session(engine) as s:
        assert s.scalars(select(CaptchaChallenge.id)).all() == ["fresh"]
        assert len(s.scalars(select(UserSession.id)).all()) == 1
