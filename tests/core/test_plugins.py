"""The deployment's kjgl.plugins list decides what exists."""
import types

import pytest

from kjgl.core import factories, make_config
from kjgl.core.hookspecs import ModuleInfo, hookimpl
from kjgl.core.plugin_host import PluginError, build_plugin_manager
from kjgl.core.testing import base_settings, login

PLUGIN_HOMES = {
    "makerspace": "/makerspace/",
    "incubator": "/incubator/",
    "national_record": "/national-record/",
    "enterprise_registry": "/enterprise-registry/",
}


@pytest.fixture
def granted_user(dbsession):
    from kjgl.core.grants.models import ModuleGrant

    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org)
    for key in PLUGIN_HOMES:
        dbsession.add(ModuleGrant(user_id=user.id, module_key=key))
    dbsession.flush()
    return user


def test_tianjin_deployment_has_makerspace_and_incubator_only(make_app, granted_user):
    app = make_app(plugins=["makerspace", "incubator"])
    login(app, granted_user.account)
    assert "众创空间绩效评估" in app.get("/makerspace/").text
    assert "孵化器绩效评估" in app.get("/incubator/").text
    app.get("/enterprise-registry/", status=404)
    app.get("/national-record/", status=404)
    portal = app.get("/portal").text
    assert "众创空间绩效评估" in portal and "科技型企业" not in portal


def test_no_plugins_means_no_plugin_routes(make_app, granted_user):
    app = make_app(plugins=[])
    login(app, granted_user.account)
    for path in PLUGIN_HOMES.values():
        app.get(path, status=404)


def test_unknown_plugin_stops_start_up_naming_it():
    with pytest.raises(PluginError, match="nosuchplugin"):
        make_config(base_settings("sqlite://", **{"kjgl.plugins": "makerspace nosuchplugin"}))


def test_plugin_listed_twice_is_an_error():
    with pytest.raises(PluginError, match="makerspace"):
        build_plugin_manager(["makerspace", "makerspace"])


def test_misspelt_hookimpl_is_rejected():
    bad = types.ModuleType("bad_plugin")

    @hookimpl
    def kjgl_modul():  # typo of kjgl_module
        return None

    bad.kjgl_modul = kjgl_modul
    with pytest.raises(Exception, match="kjgl_modul"):
        build_plugin_manager(["bad"], extra={"bad": bad})


def test_duplicate_module_key_is_rejected():
    clone = types.ModuleType("clone")

    @hookimpl
    def kjgl_module():
        return ModuleInfo("makerspace", "副本", "", "makerspace.home")

    clone.kjgl_module = kjgl_module
    with pytest.raises(PluginError, match="makerspace"):
        make_config(base_settings("sqlite://", **{"kjgl.plugins": "makerspace clone"}), extra_plugins={"clone": clone})


def test_third_party_plugin_registers_its_own_route(make_app, dbsession):
    """A plugin that is not bundled works the same way (here passed in as a module,
    as an entry point would load it)."""
    extra = types.ModuleType("kjgl_demo_extra")

    @hookimpl
    def kjgl_module():
        return ModuleInfo("extra", "第三方子系统", "由第三方安装的插件", "extra.home")

    @hookimpl
    def kjgl_includeme(config):
        config.add_route("extra.home", "/extra/")
        config.add_view(lambda request: {"page_title": "第三方子系统", "module": kjgl_module(), "records": []},
                        route_name="extra.home", renderer="kjgl.core:templates/module_home.pt",
                        permission="extra:module:use")

    extra.kjgl_module = kjgl_module
    extra.kjgl_includeme = kjgl_includeme
    from kjgl.core.grants.models import ModuleGrant

    org = factories.organisation(dbsession)
    user = factories.user(dbsession, "individual", organisation=org)
    dbsession.add(ModuleGrant(user_id=user.id, module_key="extra"))
    dbsession.flush()

    app = make_app(plugins=["makerspace", "extra"], extra_plugins={"extra": extra})
    login(app, user.account)
    assert "第三方子系统" in app.get("/extra/").text
    assert "第三方子系统" in app.get("/portal").text


def test_every_hookspec_is_documented():
    import inspect

    from kjgl.core import hookspecs

    for name, fn in inspect.getmembers(hookspecs.KjglSpec, inspect.isfunction):
        assert name.startswith("kjgl_"), name
        assert fn.__doc__ and len(fn.__doc__.strip()) > 40, f"{name} needs a docstring"
