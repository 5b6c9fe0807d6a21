"""The second factor's pages: at login, enrolment (QR code and key) and the
code (permission ``core:account:totp``, held only while the second factor is
pending); for the security admin, the accounts' TOTP state and a reset
(``core:security:manage``). The mechanism is in :mod:`.totp`."""
from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPNotFound, HTTPSeeOther
from pyramid.response import Response
from pyramid.security import remember
from pyramid.view import view_config
from sqlalchemy import or_, select

from ..audit.localtime import show as show_time
from ..audit.services import record
from ..db import utcnow
from ..layout import flash
from ..pagination import paginate
from ..search import contains
from . import lockout, policy, services, totp
from .models import User
from .sessions import LOGIN_AT_KEY, stamp_login
from .views import landing, to_login

PAGE_SIZE = 20
BAD_FORMAT = "请输入6位数字动态验证码"


def _no_store(request) -> None:
    request.response.headers["Cache-Control"] = "no-store"


def _try_code(request, user, outcome_of):
    """Checks the posted code with ``outcome_of(code)``. Returns (outcome,
    error for the code field, response); a wrong or replayed code counts
    toward the login lock, and the lock ends the session (the response is
    then the way back to the login page). Returned, not raised: a raised
    response would abort the transaction and with it the lock."""
    code = totp.normalise_code(request.POST.get("code", ""))
    if not totp.CODE.match(code):
        return None, BAD_FORMAT, None
    outcome = outcome_of(code)
    if outcome == totp.OK:
        return outcome, None, None
    reason = "验证码已使用过" if outcome == totp.REPLAYED else "验证码不正确"
    settings = request.registry.settings
    attempts = policy.lockout_attempts(settings)
    counted = lockout.count_failure(request.dbsession, lockout.LOGINS, user.id, now=utcnow(), limit=attempts,
                                    period=policy.lockout_period(settings))
    if counted.locked_until is not None:
        record(request.dbsession, request, "totp_failed", success=False, object_type="user", object_id=user.id,
               reason=f"{reason}，账号已锁定", locked_until=counted.locked_until)
        return outcome, None, to_login(request, str(services.AccountLocked(counted.locked_until)))
    left = attempts - counted.failures
    record(request.dbsession, request, "totp_failed", success=False, object_type="user", object_id=user.id,
           reason=reason)
    hint = "，请等待验证器显示新的验证码" if outcome == totp.REPLAYED else ""
    return outcome, f"{reason}{hint}，还可尝试{left}次", None


def _locked(request, user):
    """A lock set meanwhile (say by another session's wrong codes) ends this session too."""
    if services.is_locked(user):
        return to_login(request, str(services.AccountLocked(user.locked_until)))
    return None


def _complete(request, user, event):
    locked_until = lockout.clear(request.dbsession, lockout.LOGINS, user.id, now=utcnow())
    if locked_until is not None:  # locked by a concurrent failure: this success does not count
        return to_login(request, str(services.AccountLocked(locked_until)))
    user.last_login_at = utcnow()
    record(request.dbsession, request, event, object_type="user", object_id=user.id)
    login_at, next_path = request.session.get(LOGIN_AT_KEY), request.session.get(totp.NEXT_KEY)
    headers = remember(request, user.id)  # a fresh session without the pending state
    stamp_login(request, login_at)
    return landing(request, user, next_path, headers)


@view_config(route_name="login.totp", renderer="kjgl.core:templates/accounts/totp_code.pt",
             permission="core:account:totp", request_method=("GET", "POST"))
def code_page(request):
    user = request.identity
    if not user.totp_secret:
        return HTTPFound(request.route_url("login.totp.enrol"))
    error, ended = None, _locked(request, user)
    if ended is not None:
        return ended
    if request.method == "POST":
        outcome, error, ended = _try_code(request, user, lambda code: totp.check(request.dbsession, user, code))
        if ended is not None:
            return ended
        if outcome == totp.OK:
            return _complete(request, user, "totp_ok")
    _no_store(request)
    return {"page_title": "动态口令验证", "errors": {"code": error} if error else {}}


@view_config(route_name="login.totp.enrol", renderer="kjgl.core:templates/accounts/totp_enrol.pt",
             permission="core:account:totp", request_method=("GET", "POST"))
def enrol_page(request):
    user = request.identity
    if user.totp_secret:
        return HTTPFound(request.route_url("login.totp"))
    error, ended = None, _locked(request, user)
    if ended is not None:
        return ended
    secret = totp.enrolment_secret(request, user)
    if request.method == "POST":
        outcome, error, ended = _try_code(request, user,
                                          lambda code: totp.enrol(request.dbsession, user, secret, code))
        if ended is not None:
            return ended
        if outcome == totp.OK:
            request.session.pop(totp.ENROL_KEY, None)
            return _complete(request, user, "totp_enrolled")
        if outcome == totp.REPLAYED:  # another session enrolled the account meanwhile
            return HTTPSeeOther(request.route_url("login.totp"))
    _no_store(request)
    return {"page_title": "绑定动态口令", "errors": {"code": error} if error else {},
            "key": totp.grouped(secret), "account": user.account}


@view_config(route_name="login.totp.qr", permission="core:account:totp", request_method="GET")
def enrol_qr(request):
    """The enrolling key as a QR code (an image of the page, so no inline code)."""
    user = request.identity
    if user.totp_secret:
        raise HTTPNotFound()
    body = totp.qr_svg(user, totp.enrolment_secret(request, user), request.registry.settings["kjgl.title"])
    response = Response(body=body, content_type="image/svg+xml")
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the security admin ---------------------------------------------------------

def _second_factor_account(request) -> User:
    user = request.dbsession.get(User, int(request.matchdict["id"]))
    if user is None or user.kind not in policy.SECOND_FACTOR_KINDS:
        raise HTTPNotFound()
    return user


@view_config(route_name="admin.totp", renderer="kjgl.core:templates/accounts/totp_accounts.pt",
             permission="core:security:manage", request_method="GET")
def totp_accounts(request):
    text = request.params.get("q", "").strip()[:50]
    stmt = select(User).where(User.kind.in_(sorted(policy.SECOND_FACTOR_KINDS)))
    if text:
        stmt = stmt.where(or_(contains(User.account, text), contains(User.name, text)))
    stmt = stmt.order_by(User.kind, User.account)
    return {"page_title": "双因素认证管理", "page": paginate(request.dbsession, stmt, request, PAGE_SIZE),
            "q": text, "totp_on": request.registry.settings["kjgl.totp"], "show_time": show_time}


@view_config(route_name="admin.totp.reset", permission="core:security:manage", request_method="POST")
def totp_reset(request):
    user = _second_factor_account(request)
    if user.totp_secret:
        totp.reset(user)
        record(request.dbsession, request, "totp_reset", object_type="user", object_id=user.id,
               target_account=user.account)
        flash(request, f"已重置账号 {user.account} 的动态口令，该用户下次登录时需重新绑定")
    else:
        flash(request, f"账号 {user.account} 尚未绑定动态口令")
    return HTTPSeeOther(request.route_url("admin.totp", _query={"q": request.POST.get("q", "")[:50]}))
