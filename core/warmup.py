"""Compile every Chameleon template once, at start-up, on one thread.

Compiling the same templates on several request threads at once can fail on
CPython 3.11 (``SystemError: AST constructor recursion depth mismatch``,
python/cpython#106905), so a production process compiles them all before it
serves its first request."""
from __future__ import annotations

from importlib.resources import files

from pyramid.renderers import get_renderer
from pyramid.threadlocal import manager


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
