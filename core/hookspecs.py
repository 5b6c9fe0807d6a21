"""The contract between the kjgl host and its plugins.

Every hook is prefixed ``kjgl_``. The host calls them; a plugin implements the
ones it needs in its ``hooks`` module (the module its ``kjgl.plugins`` entry
point names). Results are the frozen dataclasses below so that the host can
check them (duplicate module keys, unknown review levels) before start-up
finishes. A plugin never imports another plugin.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pluggy

hookspec = pluggy.HookspecMarker("kjgl")
hookimpl = pluggy.HookimplMarker("kjgl")


@dataclass(frozen=True)
class ModuleInfo:
    """A subsystem that an organisation admin can grant to an individual.

    ``key`` is the plugin's short name (also the first part of its permission
    names, ``<key>:<resource>:<action>``); ``home_route`` is the route a
    granted user lands on from the portal.
    """

    key: str
    title: str
    description: str
    home_route: str


@dataclass(frozen=True)
class MenuItem:
    """A link in the left-hand menu, shown only to users holding ``permission``."""

    title: str
    route: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class ReviewStep:
    """One step of a review chain: the agency ``level`` ('district', 'city',
    'national', or 'chosen' for an agency picked at submission) that decides it.

    ``grades`` non-empty makes the step conclude with a grade (优秀/良好/…) and
    a score instead of a plain approval."""

    key: str
    title: str
    level: str
    grades: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviewChain:
    """The ordered steps a plugin's documents of ``kind`` go through.

    ``kind`` is unique across plugins (by convention the module key, or
    ``<module>.<document>``)."""

    kind: str
    title: str
    steps: tuple[ReviewStep, ...]

    def step(self, index: int) -> ReviewStep:
        return self.steps[index]

    @property
    def last_index(self) -> int:
        return len(self.steps) - 1


@dataclass(frozen=True)
class Migrations:
    """Where a plugin keeps its Alembic versions and the branch label they carry."""

    branch: str
    location: str  # an asset spec or absolute path to a versions directory


@dataclass(frozen=True)
class DemoData:
    """A callable ``load(dbsession, context)`` adding a plugin's demo rows.

    ``context`` is a dict the core fills with its demo objects (agencies by
    code, organisations, users) so a plugin can attach its records to them."""

    load: Callable[[Any, dict], None]
    order: int = 100


@dataclass(frozen=True)
class Command:
    """A ``kjgl`` sub-command of a plugin: ``kjgl <name> INI …``.

    ``configure(parser)`` adds its arguments after the INI; ``run(args,
    settings, session)`` does the work and returns the exit code (0: the
    session is committed). It runs only where the INI enables the plugin."""

    name: str
    help: str
    configure: Callable[[Any], None]
    run: Callable[[Any, dict, Any], int]


@dataclass(frozen=True)
class RealNameResult:
    ok: bool
    message: str = ""


class KjglSpec:
    @hookspec
    def kjgl_module(self) -> ModuleInfo:
        """Called once at start-up. Return the plugin's :class:`ModuleInfo`.

        Every enabled plugin must implement it; the key must be unique."""

    @hookspec
    def kjgl_includeme(self, config) -> None:
        """Called once with the Pyramid ``Configurator`` while the app is built.

        The plugin adds its routes (under its own URL prefix), scans its own
        views (``config.scan(".views")``) and registers its static assets. A
        plugin that is not enabled is never called, so it registers nothing."""

    @hookspec
    def kjgl_metadata(self) -> list:
        """Return the SQLAlchemy ``Table`` objects this plugin owns.

        The host compares them with what the plugin's migrations create (the
        suite fails on a difference) and checks that a deployment's upgrade
        creates only the tables of the plugins it enables."""

    @hookspec
    def kjgl_migrations(self) -> Migrations:
        """Return the plugin's Alembic version location and branch label."""

    @hookspec
    def kjgl_review_chains(self) -> list[ReviewChain]:
        """Return the review chains of the documents this plugin files."""

    @hookspec
    def kjgl_menu_items(self) -> list[MenuItem]:
        """Return the plugin's menu entries; the host shows each to users who
        hold its permission."""

    @hookspec
    def kjgl_demo_data(self) -> DemoData:
        """Return the plugin's demo loader, run by ``kjgl demo INI`` after the
        core's demo data, on every run: the loader must be idempotent (add
        only what is missing)."""

    @hookspec
    def kjgl_commands(self) -> list[Command]:
        """Return the plugin's command-line :class:`Command` s. The ``kjgl``
        command lists those of every installed plugin; each runs only on a
        deployment whose INI enables its plugin (after upgrading its tables)."""

    @hookspec(firstresult=True)
    def kjgl_verify_real_name(self, name: str, id_type: str, id_number: str, settings: dict) -> "RealNameResult | None":
        """Real-name verification of a person (the seeds' 公安部人口库 check).

        Called at registration, inside the configured service hours only.
        Return a :class:`RealNameResult`, or ``None`` to leave the decision to
        the next implementation. The core registers a default implementation
        last (it checks the ID number's form and check digit); a deployment
        that has the real service installs a plugin implementing this hook."""
