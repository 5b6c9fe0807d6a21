"""Password recovery without logging in: by an SMS code sent to the mobile
registered with the account, or by answering the account's three security
questions. Neither flow tells a stranger whether an account exists: a wrong
account/mobile pair gets the same message as an unknown account, and an
unknown account is shown three stand-in questions no answer satisfies."""
from __future__ import annotations

import datetime as dt
import time

from .. import captcha
from ..audit.services import record
from ..db import utcnow
from ..masking import mobile as mask_mobile
from ..messaging import sms_codes
from . import recovery_schemas as forms
from .models import User
from .security_questions import answers_match, decoy_questions, has_questions, questions_of
from . import lockout, policy
from .services import find_by_account, find_by_account_and_mobile, password_errors, set_password

SMS_PURPOSE = "recover"
SMS_STATE = "recover.sms"
QUESTIONS_STATE = "recover.questions"
STEP_SECONDS = 15 * 60
MAX_WRONG_ANSWERS = 5
LOCK_FOR = dt.timedelta(minutes=30)

NO_MATCH = "账号或注册手机号码不正确"
WRONG_ANSWERS = "密保问题答案不正确，请重新输入"
LOCKED = "密保问题回答错误次数过多，请30分钟后再试，或通过手机短信验证码找回密码"
TIMED_OUT = "操作已超时，请重新开始找回密码"


class RecoveryRefused(Exception):
    """``errors`` by field (``form`` for the whole form); ``restart`` when the
    flow's first step must be done again."""

    def __init__(self, errors: dict[str, str], restart: bool = False):
        super().__init__(errors)
        self.errors = errors
        self.restart = restart


def _validated(schema, raw, extra=None):
    result = schema.validate(raw)
    errors = dict(result.errors)
    for name, message in (extra(result.data) if extra else {}).items():
        errors.setdefault(name, message)
    return result.data, errors


def _state(request, key: str) -> dict:
    state = request.session.get(key)
    if not isinstance(state, dict) or time.time() - state.get("t", 0) > STEP_SECONDS:
        request.session.pop(key, None)
        raise RecoveryRefused({"form": TIMED_OUT}, restart=True)
    return state


def _failed(request, method: str, account: str, reason: str) -> None:
    record(request.dbsession, request, "password_recover", success=False, account=account[:30],
           method=method, reason=reason)


def _refuse_reused(request, user: User, password: str) -> None:
    """Checked only once the code or the answers proved who is asking: before
    that it would tell a stranger whether a guess is a recent password."""
    message = password_errors(user, user.account, password, request.registry.settings)
    if message:
        raise RecoveryRefused({"password": message})


def _done(request, user: User, password: str, method: str) -> None:
    set_password(user, password, keep=policy.password_history_size(request.registry.settings))
    user.recover_failures = 0
    user.recover_locked_until = None
    record(request.dbsession, request, "password_recover", user=user, object_type="user", object_id=user.id,
           method=method)


def _started(request, schema, raw) -> dict:
    """Step 1 of either way: the form's values, the captcha checked too."""
    data, errors = _validated(schema, raw)
    message = captcha.check(request, data.get("captcha"))
    if message:
        errors["captcha"] = message
    if errors:
        raise RecoveryRefused(errors)
    return data


# --- by SMS code -----------------------------------------------------------

def start_sms(request, raw) -> str:
    """Step 1: account + registered mobile + captcha → a code to that mobile.
    Returns the masked mobile."""
    data = _started(request, forms.SMS_START, raw)
    user = find_by_account_and_mobile(request.dbsession, data["account"], data["mobile"])
    if user is None:
        _failed(request, "sms", data["account"], "账号与手机号码不匹配")
        raise RecoveryRefused({"form": NO_MATCH})
    try:
        sms_codes.issue(request, user.mobile, SMS_PURPOSE)
    except sms_codes.SmsCodeError as refused:
        raise RecoveryRefused({"form": str(refused)}) from None
    request.session[SMS_STATE] = {"uid": user.id, "t": int(time.time())}
    return mask_mobile(user.mobile)


def sms_target(request) -> str:
    """The masked mobile the pending code went to (raises when timed out)."""
    user = request.dbsession.get(User, _state(request, SMS_STATE)["uid"])
    if user is None:
        raise RecoveryRefused({"form": TIMED_OUT}, restart=True)
    return mask_mobile(user.mobile)


def finish_sms(request, raw) -> User:
    """Step 2: the code + the new password."""
    state = _state(request, SMS_STATE)
    user = request.dbsession.get(User, state["uid"])
    if user is None:
        raise RecoveryRefused({"form": TIMED_OUT}, restart=True)
    data, errors = _validated(forms.SMS_RESET, raw, lambda d: forms.new_password_errors(d, user.account))
    if errors:
        raise RecoveryRefused(errors)
    if not state.get("code_ok"):
        message = sms_codes.check(request, user.mobile, SMS_PURPOSE, data["sms_code"])
        if message:
            _failed(request, "sms", user.account, message)
            raise RecoveryRefused({"sms_code": message})
        # the code is used up; a reused password below must not cost another one
        request.session[SMS_STATE] = dict(state, code_ok=True)
    _refuse_reused(request, user, data["password"])
    _done(request, user, data["password"], "sms")
    request.session.pop(SMS_STATE, None)
    return user


# --- by security questions -------------------------------------------------

def start_questions(request, raw) -> None:
    """Step 1: the account (+ captcha). Remembers it for step 2."""
    data = _started(request, forms.QUESTIONS_START, raw)
    request.session[QUESTIONS_STATE] = {"account": data["account"], "t": int(time.time())}


def pending_questions(request) -> tuple[str, tuple[str, str, str]]:
    """The account of step 1 and the three questions to show for it."""
    account = _state(request, QUESTIONS_STATE)["account"]
    user = find_by_account(request.dbsession, account)
    if has_questions(user):
        return account, questions_of(user)
    return account, decoy_questions(request.registry.settings["kjgl.secret"], account)


def answer_questions(request, raw) -> User:
    """Step 2: the three answers + the new password. Five wrong answers in a
    row lock this way of recovery for the account for 30 minutes. An account
    name without questions (unknown, or none set) is counted alike in the
    database, so the page answers the same for both in any session."""
    state = _state(request, QUESTIONS_STATE)
    account = state["account"]
    user = find_by_account(request.dbsession, account)
    real = has_questions(user)
    counter, key = (lockout.RECOVERY, user.id) if real else (lockout.UNKNOWN_RECOVERY, lockout.unknown_key(account))
    now = utcnow()
    if lockout.lock_in_force(request.dbsession, counter, key, now=now) is not None:
        raise RecoveryRefused({"form": LOCKED})
    data, errors = _validated(forms.QUESTIONS_ANSWER, raw, lambda d: forms.new_password_errors(d, account))
    if errors:
        raise RecoveryRefused(errors)
    if not answers_match(user if real else None, [data["answer1"], data["answer2"], data["answer3"]]):
        _failed(request, "questions", account, "密保问题答案不正确")
        counted = lockout.count_failure(request.dbsession, counter, key, now=now, limit=MAX_WRONG_ANSWERS,
                                        period=LOCK_FOR)
        # known account or not, so the time taken tells nothing
        lockout.purge_unknown(request.dbsession, now=now, period=LOCK_FOR, counter=lockout.UNKNOWN_RECOVERY)
        raise RecoveryRefused({"form": LOCKED if counted.locked_until is not None else WRONG_ANSWERS})
    if lockout.clear(request.dbsession, lockout.RECOVERY, user.id, now=now) is not None:
        raise RecoveryRefused({"form": LOCKED})  # locked meanwhile by concurrent wrong answers
    _refuse_reused(request, user, data["password"])
    _done(request, user, data["password"], "questions")
    request.session.pop(QUESTIONS_STATE, None)
    return user
