"""Every registered view names a permission that some rule grants; public
views are exactly the ones listed here. A new route without a permission, or
made public without being added below, fails this test."""
import pytest
from pyramid.interfaces import IExceptionResponse

from kjgl.core import make_config
from kjgl.core.testing import ALL_PLUGINS, base_settings

PUBLIC_ROUTES = {
    "home", "login", "logout", "captcha",
    "register", "register.legal", "register.individual", "register.sms",
    "recover", "recover.sms", "recover.questions",
    "favicon",  # the site icon browsers ask for on every page
}
NO_PERMISSION_ROUTES = {"__static/"}  # vendored CSS/JS/fonts


def registered_views(plugins):
    settings = base_settings("sqlite://", **{"kjgl.plugins": " ".join(plugins)})
    config = make_config(settings)
    config.commit()
    rules = config.registry["kjgl.permission_rules"]
    for entry in config.registry.introspector.get_category("views"):
        intr = entry["introspectable"]
        context = intr["context"]
        is_exception_view = intr.get("exception_only") or (
            isinstance(context, type) and issubclass(context, BaseException)
        ) or context is IExceptionResponse
        perms = [r["value"] for r in entry["related"] if r.category_name == "permissions"]
        yield intr, is_exception_view, perms, rules


@pytest.mark.parametrize("plugins", [ALL_PLUGINS, ["makerspace", "incubator"], []])
def test_every_view_declares_a_granted_permission(plugins):
    problems = []
    for intr, is_exception_view, perms, rules in registered_views(plugins):
        route = intr["route_name"]
        if is_exception_view:
            continue
        if route in NO_PERMISSION_ROUTES:
            continue
        if not perms or perms == ["__no_permission_required__"]:
            problems.append(f"{route}: no permission")
            continue
        (perm,) = perms
        if perm == "core:public" and route not in PUBLIC_ROUTES:
            problems.append(f"{route}: public but not on the public list")
        if rules.get(perm) is None:
            problems.append(f"{route}: permission {perm!r} has no rule (nobody could use it)")
    assert problems == []


def test_public_list_has_no_stale_entries():
    routes = {intr["route_name"] for intr, _, perms, _ in registered_views(ALL_PLUGINS)
              if perms == ["core:public"]}
    assert PUBLIC_ROUTES - routes == set()


def test_unknown_permission_is_denied(app, dbsession):
    from pyramid.threadlocal import get_current_registry  # noqa: F401
    from kjgl.core.security import KjglSecurityPolicy

    class Req:
        identity = None
        registry = app.app.registry

    assert not KjglSecurityPolicy().permits(Req(), None, "nobody:declared:this")
