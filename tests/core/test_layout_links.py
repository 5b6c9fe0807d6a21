"""The layout's links (menu, header) come from paths generated once per
process (core/layout.py ``static_links``): each must be what
``request.route_url`` gives, for every item of every enabled plugin's menu."""
from __future__ import annotations

from pyramid.interfaces import IRoutesMapper
from pyramid.request import Request
from pyramid.scripting import prepare

from kjgl.core.layout import static_links

ALL_PLUGINS = ("makerspace", "incubator", "national_record", "enterprise_registry")


def test_every_menu_and_header_link_is_the_routes_url(make_app):
    registry = make_app(plugins=ALL_PLUGINS).app.registry
    names = {item.route for item in registry["kjgl.menu"]} | {
        "favicon", "home", "messages", "account.password", "logout", "login", "register", "session.ping"}
    for base in ("http://localhost", "https://kj.example.gov.cn:8443/kjgl"):
        env = prepare(request=Request.blank("/", base_url=base), registry=registry)
        try:
            link = static_links(env["request"])
            for _ in range(2):  # generated, then from the process's paths
                for name in sorted(names):
                    assert link(name) == env["request"].route_url(name), (base, name)
        finally:
            env["closer"]()


def test_a_route_with_parameters_is_left_to_route_url(make_app):
    registry = make_app().app.registry
    env = prepare(request=Request.blank("/"), registry=registry)
    try:
        mapper = registry.getUtility(IRoutesMapper)
        with_params = next(r.name for r in mapper.get_routes() if "{" in r.pattern)
        try:
            static_links(env["request"])(with_params)
        except KeyError as exc:  # route_url's own complaint: the parameter is missing
            assert exc.args
        else:
            raise AssertionError("a route with parameters must not get a generated path")
        assert with_params not in registry["kjgl.static_route_paths"]
    finally:
        env["closer"]()
