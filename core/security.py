"""Authentication (an encrypted session cookie, each login recorded on the
server) and authorisation (a table of rules).

Authorisation is deny-by-default: a view names a permission
``<scope>:<resource>:<action>``; the permission is allowed only if a rule for
it is registered (``config.add_permission_rule``) and the rule's predicate
holds for the current user. A permission nobody registered is denied.
"""
from __future__ import annotations

import functools
from typing import Callable

from pyramid.security import Allowed, Denied
from pyramid.csrf import SessionCSRFStoragePolicy
from pyramid.session import BaseCookieSessionFactory

from .crypto import SessionCookieSerializer

SESSION_USER_KEY = "uid"
SESSION_AUTH_KEY = "auth_version"
# set while the password was right but the second factor is still to come
# (kjgl.core.accounts.totp); the session then holds nothing but SECOND_FACTOR_ALLOWED
SECOND_FACTOR_PENDING_KEY = "totp_pending"

Predicate = Callable[["object", "object"], bool]  # (request, user) -> bool


class PermissionRules:
    def __init__(self):
        self._rules: dict[str, Predicate] = {}

    def add(self, permission: str, predicate: Predicate):
        if permission in self._rules:
            raise ValueError(f"permission rule registered twice: {permission}")
        self._rules[permission] = predicate

    def get(self, permission: str) -> Predicate | None:
        return self._rules.get(permission)

    def names(self):
        return sorted(self._rules)


class KjglSecurityPolicy:
    def identity(self, request):
        # read once per request (``request.kjgl_identity`` is reified): the
        # menu, the rules and the page ask for it dozens of times. Read again
        # if the session ended meanwhile (a lifetime check, a logout).
        user = request.kjgl_identity
        if user is not None and request.session.get(SESSION_USER_KEY) != user.id:
            forget_identity(request)
            user = request.kjgl_identity
        return user

    def load_identity(self, request):
        uid = request.session.get(SESSION_USER_KEY)
        if uid is None:
            return None
        from .accounts import sessions

        token = request.session.get(sessions.TOKEN_KEY)
        if not isinstance(token, str):
            return None  # no server-side record: not a live session
        # the user (with organisation and agency), this session's row and the
        # grant set in one statement, built once per process
        found = request.dbsession.execute(identity_statement(),
                                          {"uid": uid, "token_hash": sessions.token_hash(token)}).first()
        if found is None:
            return None  # no such user, or the session's row is gone
        user, row, grants = found
        if user.status != "active":
            return None
        if request.session.get(SESSION_AUTH_KEY) != user.auth_version:
            return None  # password changed or account re-keyed since login
        if not sessions.is_live_row(row, user):
            return None  # logged out, ended by the user or the security admin
        request.__dict__[GRANTS_LOADED_KEY] = (user, frozenset(grants.split(",")) if grants else frozenset())
        return user

    def authenticated_userid(self, request):
        user = request.identity
        return None if user is None else user.id

    def permits(self, request, context, permission):
        user = request.identity
        only, why = self._gate(request, user)
        if only is not None and permission not in only:
            return Denied(why)
        rule = request.registry["kjgl.permission_rules"].get(permission)
        if rule is None:
            return Denied(f"no rule for permission {permission!r}")
        if rule(request, user):
            return Allowed(f"rule for {permission!r} holds")
        return Denied(f"rule for {permission!r} does not hold")

    @staticmethod
    def _gate(request, user) -> tuple[frozenset | None, str]:
        """The only permissions open to ``user`` for now, and why (None: no gate)."""
        if user is not None and second_factor_pending(request, user):
            # the password was right; until the code is, nothing else is open
            return SECOND_FACTOR_ALLOWED, "the second factor is still to be given"
        if user is not None and user.must_change_password:
            # a password set by an admin or a reset is changed before anything else
            return MUST_CHANGE_ALLOWED, "the password must be changed first"
        return None, ""

    def decider(self, request) -> Callable[[str], bool]:
        """``allowed(permission)``: what :meth:`permits` decides, with what is
        the same for every permission of the request (the identity, the gate,
        the rules) looked up once. For the menu, which decides some forty
        permissions on every page."""
        user = request.identity
        only, _ = self._gate(request, user)
        rules = request.registry["kjgl.permission_rules"]

        def allowed(permission: str) -> bool:
            if only is not None and permission not in only:
                return False
            rule = rules.get(permission)
            return rule is not None and bool(rule(request, user))
        return allowed

    def remember(self, request, userid, **kw):
        from .accounts import sessions
        from .accounts.models import User

        user = request.dbsession.get(User, userid)
        sessions.end(request, "renewed")
        request.session.invalidate()
        forget_identity(request)
        request.session[SESSION_USER_KEY] = userid
        request.session[SESSION_AUTH_KEY] = user.auth_version
        request.session.new_csrf_token()
        sessions.start(request, user)
        return []

    def forget(self, request, **kw):
        from .accounts import sessions

        sessions.end(request, "logout")
        request.session.invalidate()
        forget_identity(request)
        return []


@functools.cache
def identity_loads() -> tuple:
    from sqlalchemy.orm import joinedload

    from .accounts.models import User
    from .crypto import defer_sealed
    from .organisations.models import Organisation

    # what the rules and every page's layout read of the user, in the same
    # SELECT; personal numbers only when a page shows them. The
    # organisation's agency places an individual's notices (portal, bell).
    return (*defer_sealed(User),
            joinedload(User.organisation).options(*defer_sealed(Organisation), joinedload(Organisation.agency)),
            joinedload(User.agency))


# where load_identity leaves (user, granted module keys) for request.granted_modules
GRANTS_LOADED_KEY = "kjgl.identity_grants"


@functools.cache
def identity_statement():
    """One SELECT per request for the security policy: the user with what
    every page reads of them, joined with the session's row (so an ended
    session is seen at once) and with the user's module grants aggregated
    into one column (so a revoked grant is too). Built once per process:
    SQLAlchemy then skips building the statement and its cache key."""
    from sqlalchemy import and_, bindparam, func, select

    from .accounts.models import User, UserSession
    from .grants.models import ModuleGrant

    grants = (select(func.aggregate_strings(ModuleGrant.module_key, ","))
              .where(ModuleGrant.user_id == User.id).scalar_subquery())
    return (select(User, UserSession, grants)
            .join(UserSession, and_(UserSession.user_id == User.id,
                                    UserSession.token_hash == bindparam("token_hash")))
            .where(User.id == bindparam("uid"))
            .options(*identity_loads()))


def forget_identity(request) -> None:
    """Let the next ``request.identity`` read the session again (after login
    or logout within the request)."""
    request.__dict__.pop("kjgl_identity", None)
    request.__dict__.pop(GRANTS_LOADED_KEY, None)


def local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site (a safe ``next=`` redirect), else None.
    It is visible ASCII only, as ``request.path_qs`` gives it: a control
    character (``/%0A/x``), a space or a non-ASCII character in the
    ``Location`` header would make the server fail the response."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and all("!" <= c <= "~" for c in target):
        return target
    return None


# --- predicates: small named functions read like the rules they implement ---

def anyone(request, user) -> bool:
    return True


def logged_in(request, user) -> bool:
    return user is not None


def second_factor_pending(request, user) -> bool:
    return user is not None and request.session.get(SECOND_FACTOR_PENDING_KEY) is not None


def kind_is(*kinds: str) -> Predicate:
    def pred(request, user):
        return user is not None and user.kind in kinds
    pred.__name__ = "kind_is_" + "_".join(kinds)
    return pred


def org_admin_of_active_org(request, user) -> bool:
    return (
        user is not None
        and user.kind == "org_admin"
        and user.organisation is not None
        and user.organisation.status == "active"
    )


def granted(module_key: str) -> Predicate:
    """An individual of an active organisation holding the module's grant.

    The grants are read from the database once per request
    (``request.granted_modules``), so a revoked grant takes effect on the next
    request."""

    def pred(request, user):
        if user is None or user.kind != "individual":
            return False
        org = user.organisation
        if org is None or org.status != "active":
            return False
        return module_key in request.granted_modules

    pred.__name__ = f"granted_{module_key}"
    return pred


agency_staff = kind_is("agency")
platform_admin = kind_is("admin")
# 三员分立: the system admin runs the platform, the security admin looks after
# accounts' security (locks), the audit admin alone reads the audit log
security_admin = kind_is("security_admin")
audit_admin = kind_is("audit_admin")

# While a user must change their password, only these are open to them.
MUST_CHANGE_ALLOWED = frozenset({"core:public", "core:account:password"})
# While the second factor is pending, only these (the TOTP pages; logout is public).
SECOND_FACTOR_ALLOWED = frozenset({"core:public", "core:account:totp"})

# The core's permissions and who holds them. Plugins add theirs with
# ``config.add_permission_rule`` in their includeme.
CORE_RULES = {
    "core:public": anyone,
    "core:account:self": logged_in,
    "core:account:password": logged_in,
    "core:account:totp": second_factor_pending,
    "core:org:complete": kind_is("org_admin"),
    "core:org:users": org_admin_of_active_org,
    "core:individual:self": kind_is("individual"),
    "core:portal": kind_is("individual"),
    "core:org:review": agency_staff,
    "core:admin:manage": platform_admin,
    "core:audit:read": audit_admin,
    "core:security:manage": security_admin,
}


def includeme(config):
    settings = config.get_settings()
    config.set_session_factory(
        BaseCookieSessionFactory(
            SessionCookieSerializer(settings["kjgl.secret"]),
            cookie_name="kjgl_session",
            httponly=True,
            samesite="Lax",
            secure=settings["kjgl.cookie_secure"],
            timeout=int(settings.get("kjgl.session_timeout", 1800)),
            reissue_time=60,
        )
    )
    config.set_csrf_storage_policy(SessionCSRFStoragePolicy())
    config.set_default_csrf_options(require_csrf=True)
    policy = KjglSecurityPolicy()
    config.set_security_policy(policy)
    config.add_request_method(policy.load_identity, "kjgl_identity", reify=True)
    config.registry["kjgl.permission_rules"] = PermissionRules()

    def add_permission_rule(config, permission, predicate):
        config.registry["kjgl.permission_rules"].add(permission, predicate)

    config.add_directive("add_permission_rule", add_permission_rule)
    for permission, predicate in CORE_RULES.items():
        config.add_permission_rule(permission, predicate)
