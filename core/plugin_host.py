"""Builds the deployment's PluginManager from its ``kjgl.plugins`` list.

Plugins are found through the ``kjgl.plugins`` entry-point group, so a plugin
installed with ``pip install`` is enabled the same way as the bundled ones.
The manager is built inside the app factory, never at import time.
"""
from __future__ import annotations

from importlib.metadata import entry_points

import pluggy

from . import hookspecs
from .hookspecs import ModuleInfo


class PluginError(Exception):
    pass


def available_plugins() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group="kjgl.plugins")}


def build_plugin_manager(names: list[str], extra: dict[str, object] | None = None) -> pluggy.PluginManager:
    """``extra`` maps names to already-imported plugin modules (tests)."""
    pm = pluggy.PluginManager("kjgl")
    pm.add_hookspecs(hookspecs.KjglSpec)
    from . import realname

    pm.register(realname, name="kjgl.core.realname")  # default verifier, asked last
    found = available_plugins()
    extra = extra or {}
    seen = set()
    for name in names:
        if name in seen:
            raise PluginError(f"kjgl.plugins 中重复列出了插件: {name}")
        seen.add(name)
        if name in extra:
            module = extra[name]
        elif name in found:
            module = found[name].load()
        else:
            known = ", ".join(sorted(set(found) | set(extra))) or "(none installed)"
            raise PluginError(f"未知插件 (unknown plugin) '{name}' in kjgl.plugins; installed: {known}")
        pm.register(module, name=name)
    pm.check_pending()  # a misspelt hookimpl is an error, not silence
    return pm


def enabled_modules(pm) -> list[ModuleInfo]:
    modules: list[ModuleInfo] = []
    keys = set()
    for plugin_name, plugin in pm.list_name_plugin():
        impl = getattr(plugin, "kjgl_module", None)
        if impl is None:
            continue
        info = impl()
        if info.key in keys:
            raise PluginError(f"两个插件声明了同一模块 (duplicate module key): {info.key}")
        keys.add(info.key)
        modules.append(info)
    return modules
