"""Whether an account exists is told neither by the time a wrong password
takes nor by the security-question lock."""
import pytest

from kjgl.core import factories
from kjgl.core.accounts import passwords
from kjgl.core.testing import login

from ...accounts.test_recover_questions import answer, legal_user, start
from .helpers import form_error


@pytest.fixture
def argon2_runs(monkeypatch):
    """The hashes argon2 verified against, as (time cost, memory, parallelism)."""
    runs = []
    real = passwords.PasswordHasher.verify

    def spy(self, stored, password):
        params = stored.split("$")[3]  # m=…,t=…,p=…
        runs.append(dict(kv.split("=") for kv in params.split(",")))
        return real(self, stored, password)
    monkeypatch.setattr(passwords.PasswordHasher, "verify", spy)
    return runs


def test_a_wrong_password_runs_argon2_at_the_same_cost_for_known_and_unknown_accounts(app, dbsession,
                                                                                     argon2_runs):
    user = factories.user(dbsession, "individual")
    login(app, user.account, "Wrong-pass1", status=200)
    known = list(argon2_runs)
    argon2_runs.clear()
    login(app, "no_such_account", "Wrong-pass1", status=200)
    assert len(known) == 1 and argon2_runs == known


def test_the_security_question_lock_answers_alike_for_unknown_accounts_in_a_fresh_session(app, dbsession):
    user = legal_user(dbsession)
    answers = {}
    for account in (user.account, "no_such_account"):
        start(app, account)
        for _ in range(5):
            answer(app, ["x", "y", "z"])
        app.reset()  # a fresh browser session: the lock holds for both
        start(app, account)
        answers[account] = form_error(answer(app, ["x", "y", "z"]))
    assert answers[user.account] == answers["no_such_account"]
    assert "30分钟" in answers["no_such_account"]
