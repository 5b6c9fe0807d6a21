from __future__ import annotations

from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.security import forget, remember
from pyramid.view import view_config

from .. import captcha
from ..audit.services import record
from ..forms import form_values
from ..layout import flash
from ..security import local_path
from . import policy, services, totp
from .schemas import CHANGE_PASSWORD, LOGIN
from .sessions import LOGIN_AT_KEY, stamp_login


@view_config(route_name="login", renderer="kjgl.core:templates/login.pt", permission="core:public")
def login(request):
    if request.identity is not None and request.method == "GET":
        return HTTPFound(request.route_url(services.home_route(request.identity)))
    values, errors = {}, {}
    if request.method == "POST":
        result = LOGIN.validate(request.POST)
        values, errors = form_values(LOGIN, request.POST), dict(result.errors)
        if not errors:
            message = captcha.check(request, result.data.get("captcha"))
            if message:
                errors["captcha"] = message
        if not errors:
            settings = request.registry.settings
            try:
                user = services.authenticate(request.dbsession, result.data["account"], result.data["password"],
                                             settings)
            except services.AccountLocked as locked:
                errors["form"] = str(locked)
                record(request.dbsession, request, "login_failed", success=False,
                       account=result.data["account"][:30], reason="账号已锁定", locked_until=locked.until)
            except services.LoginRefused as refused:
                errors["form"] = str(refused)
                record(request.dbsession, request, "login_failed", success=False,
                       account=result.data["account"][:30], reason=str(refused))
            else:
                headers = remember(request, user.id)
                stamp_login(request)
                if policy.second_factor_required(user, settings):
                    # not logged in yet: the session holds the TOTP pages alone
                    totp.begin(request, local_path(request.params.get("next")))
                    record(request.dbsession, request, "login", user=user, object_type="user",
                           object_id=user.id, second_factor="待验证")
                    return HTTPSeeOther(request.route_url("login.totp"), headers=headers)
                record(request.dbsession, request, "login", user=user, object_type="user", object_id=user.id)
                return landing(request, user, request.params.get("next"), headers)
    return {"page_title": "用户登录", "values": values, "errors": errors, "schema": LOGIN,
            "captcha_on": request.registry.settings["kjgl.captcha"],
            "next": request.params.get("next", "")}


def landing(request, user, next_path, headers):
    """Where a completed login goes: the page asked for, or the user's home
    (the password page while it must be changed)."""
    days = services.days_until_expiry_warning(user, request.registry.settings)
    if days is not None and not user.must_change_password:
        flash(request, f"您的密码将于{days}天后过期，请及时修改密码")
    target = local_path(next_path) if not user.must_change_password else None
    return HTTPSeeOther(target or request.route_url(services.home_route(user)), headers=headers)


@view_config(route_name="logout", request_method="POST", permission="core:public")
def logout(request):
    user = request.identity
    if user is not None:
        record(request.dbsession, request, "logout", object_type="user", object_id=user.id)
    # ends this session's server-side row too, so a copy of the cookie stops
    # working; the user's sessions elsewhere go on
    headers = forget(request)
    return HTTPSeeOther(request.route_url("login"), headers=headers)


@view_config(route_name="home", permission="core:public")
def home(request):
    if request.identity is None:
        return HTTPFound(request.route_url("login"))
    return HTTPFound(request.route_url(services.home_route(request.identity)))


@view_config(route_name="account.password", renderer="kjgl.core:templates/password.pt",
             permission="core:account:password")
def change_password(request):
    user = request.identity
    values, errors = {}, {}
    if request.method == "POST":
        result = CHANGE_PASSWORD.validate(request.POST)
        errors = dict(result.errors)
        settings = request.registry.settings
        if not errors:
            try:
                services.confirm_current_password(request.dbsession, user, result.data["old_password"], settings)
            except services.LoginRefused as refused:
                record(request.dbsession, request, "password_change", success=False, object_type="user",
                       object_id=user.id, reason=str(refused))
                if isinstance(refused, services.AccountLocked):
                    return to_login(request, str(refused))
                errors["old_password"] = str(refused)
        if not errors:
            message = services.password_errors(user, user.account, result.data["password"], settings)
            if message:
                errors["password"] = message
        if not errors:
            services.set_password(user, result.data["password"], keep=policy.password_history_size(settings))
            record(request.dbsession, request, "password_change", object_type="user", object_id=user.id)
            login_at = request.session.get(LOGIN_AT_KEY)
            headers = remember(request, user.id)  # keep this session, others end
            stamp_login(request, login_at)
            flash(request, "密码已修改")
            return HTTPSeeOther(request.route_url(services.home_route(user)), headers=headers)
    return {"page_title": "修改密码", "values": values, "errors": errors, "schema": CHANGE_PASSWORD,
            "must_change": user.must_change_password,
            "expired": services.password_expired(user, request.registry.settings)}


def to_login(request, message: str):
    """End the session and show ``message`` on the login page (an account
    locked from inside a session). Returned, not raised: a raised response
    would abort the transaction and with it the lock."""
    headers = forget(request)
    flash(request, message)
    return HTTPSeeOther(request.route_url("login"), headers=headers)


@view_config(route_name="session.ping", renderer="json", permission="core:account:self", request_method="GET")
def session_ping(request):
    """Keeps an idle session (session.js's 继续使用); the answer says how long it now lasts."""
    return {"ok": True, "timeout": policy.session_timeout(request.registry.settings)}
