"""Module grants (模块配置) and the individuals' organisation (个人信息)."""
from __future__ import annotations


def granted_modules(request) -> frozenset[str]:
    """The module keys the logged-in individual holds, read once per request
    (``request.granted_modules``): the menu, the rules and the portal share it,
    and a grant revoked meanwhile is gone at the next request."""
    from ..security import GRANTS_LOADED_KEY
    from .services import granted_keys

    user = request.identity
    if user is None or user.kind != "individual":
        return frozenset()
    loaded = request.__dict__.get(GRANTS_LOADED_KEY)
    if loaded is not None and loaded[0] is user:
        return loaded[1]  # read with the identity, in the same statement
    return frozenset(granted_keys(request.dbsession, user.id))


def includeme(config):
    config.add_request_method(granted_modules, "granted_modules", reify=True)
    config.add_route("org.users", "/org/users")
    config.add_route("org.user.grants", "/org/users/{id:\\d+}/modules")
    config.add_route("org.user.status", "/org/users/{id:\\d+}/status")
    config.add_route("org.user.password", "/org/users/{id:\\d+}/password")
    config.add_route("me.profile", "/me/profile")
    config.add_route("me.org.choose", "/me/organisation")
    config.scan(".views")
    config.scan(".profile_views")
