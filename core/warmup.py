"""Compile every Chameleon template once, at start-up, on one thread.

Compiling the same templates on several request threads at once can fail on
CPython 3.11 (``SystemError: AST constructor recursion depth mismatch``,
python/cpython#106905), so a production process compiles them all before it
serves its first request.

With ``kjgl.template_cache`` (a directory, e.g. the deployment's
``var/templates``) the compiled templates are kept there as Python modules
and the next start loads them instead of compiling again: Chameleon names
each module by a digest of the template's path, text, options and the
installed package versions, so an edited template or an upgrade compiles
afresh and never reuses a stale module. The directory holds code the app
imports: it must be writable by the app's user alone, like the rest of var/."""
from __future__ import annotations

import logging
import os
from importlib.resources import files

from pyramid.renderers import get_renderer
from pyramid.threadlocal import manager

log = logging.getLogger(__name__)


def template_specs(packages) -> list[str]:
    specs = []
    for package in packages:
        root = files(package)
        templates = root / "templates"
        if not templates.is_dir():
            continue
        stack = [(templates, "templates")]
        while stack:
            folder, rel = stack.pop()
            for entry in folder.iterdir():
                if entry.is_dir():
                    stack.append((entry, f"{rel}/{entry.name}"))
                elif entry.name.endswith(".pt"):
                    specs.append(f"{package}:{rel}/{entry.name}")
    return sorted(specs)


def use_template_cache(directory: str | None) -> bool:
    """Keep compiled templates in ``directory`` (created if missing) for the
    next start. Process-wide, like Chameleon's own ``CHAMELEON_CACHE``: one
    deployment per process. A directory that cannot be written is reported
    and the templates are compiled in memory as without one; returns whether
    the cache is in use."""
    from chameleon.loader import ModuleLoader
    from chameleon.template import BaseTemplate

    if directory is None:
        return False
    directory = os.path.abspath(directory)
    try:
        os.makedirs(directory, mode=0o700, exist_ok=True)
        if not os.access(directory, os.W_OK | os.X_OK):
            raise PermissionError(f"not writable: {directory}")
    except OSError as exc:
        log.warning("kjgl.template_cache %s unusable (%s): templates compiled at every start", directory, exc)
        return False
    BaseTemplate.loader = ModuleLoader(directory)
    return True


def compile_templates(registry) -> int:
    packages = ["kjgl.core"] + [
        plugin.__name__.rsplit(".", 1)[0] for name, plugin in registry["kjgl.pm"].list_name_plugin()
        if getattr(plugin, "__name__", "").startswith("kjgl.plugins.")
    ]
    specs = template_specs(packages)
    manager.push({"registry": registry, "request": None})
    try:
        for spec in specs:
            get_renderer(spec).implementation().cook_check()
    finally:
        manager.pop()
    return len(specs)
