"""Alembic configured from a deployment: the core's branch plus the branches
of the enabled plugins, and nothing else."""
from __future__ import annotations

import os

from alembic import command
from alembic.config import Config
from pyramid.path import AssetResolver

CORE_VERSIONS = "kjgl.core:migrations/versions"


def _path(spec: str) -> str:
    return spec if os.path.isabs(spec) else AssetResolver().resolve(spec).abspath()


def alembic_config(settings: dict, pm, connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", _path("kjgl.core:migrations"))
    locations = [_path(CORE_VERSIONS)]
    branches = ["core"]
    for migrations in pm.hook.kjgl_migrations():
        locations.append(_path(migrations.location))
        branches.append(migrations.branch)
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", settings["sqlalchemy.url"].replace("%", "%%"))
    cfg.attributes["branches"] = branches
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(settings: dict, pm, connection=None) -> list[str]:
    """Upgrade the core and each enabled plugin's branch to its head."""
    cfg = alembic_config(settings, pm, connection)
    for branch in cfg.attributes["branches"]:
        command.upgrade(cfg, f"{branch}@head")
    return cfg.attributes["branches"]
