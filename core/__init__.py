"""The kjgl host: builds the Pyramid application for one deployment."""
from __future__ import annotations

from pyramid.config import Configurator

from .requests import fold_request_extensions, router_skips_extensions
from .plugin_host import build_plugin_manager, enabled_modules
from .settings import normalise

# core features, each a feature folder with its own includeme
CORE_FEATURES = (
    ".db",
    ".security",
    ".layout",
    ".errors",
    ".audit",
    ".messaging",
    ".captcha",
    ".attachments",
    ".documents",
    ".review",
    ".filings",
    ".accounts",
    ".agencies",
    ".organisations",
    ".grants",
    ".portal",
    ".admin",
    ".notifications",
    ".notices",
    ".headers",
    ".malformed",
    ".dberrors",
)


def make_config(settings: dict, extra_plugins: dict | None = None) -> Configurator:
    settings = normalise(settings)
    pm = build_plugin_manager(settings["kjgl.plugins"], extra_plugins)
    config = Configurator(settings=settings)
    config.registry["kjgl.pm"] = pm
    config.registry["kjgl.modules"] = enabled_modules(pm)
    config.include("pyramid_chameleon")
    for feature in CORE_FEATURES:
        config.include(feature, route_prefix=None)
    config.add_static_view("static", "kjgl.core:static", cache_max_age=3600)
    for module in config.registry["kjgl.modules"]:
        # the grant rule of every enabled module; the plugin adds its other rules
        from .security import granted

        config.add_permission_rule(f"{module.key}:module:use", granted(module.key))
    pm.hook.kjgl_includeme(config=config)
    fold_request_extensions(config)
    return config


def make_wsgi_app(config):
    """``config.make_wsgi_app()``, its router leaving the request properties
    to the request class (core/requests.py)."""
    app = config.make_wsgi_app()
    router_skips_extensions(app)
    return app


def main(global_config, **settings):
    """PasteDeploy app factory (``use = egg:kjgl``)."""
    from .warmup import compile_templates, use_template_cache

    app = make_wsgi_app(make_config(settings))
    use_template_cache(app.registry.settings["kjgl.template_cache"])
    compile_templates(app.registry)
    return app
