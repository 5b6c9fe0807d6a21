#!/usr/bin/env bash
# Development only, before the first release: regenerate the core's initial
# migration from the models. After a release, add new revisions instead.
set -euo pipefail
cd "$(dirname "$0")/.."
db=$(mktemp -d)/regen.sqlite
trap 'rm -rf "$(dirname "$db")"' EXIT
rm -f core/migrations/versions/c0001_core_tables.py
export KJGL_REGEN_DB="$db"
.venv/bin/python - <<'PY'
import os
from alembic import command
from kjgl.core import migrate
from kjgl.core.plugin_host import build_plugin_manager
cfg = migrate.alembic_config({"sqlalchemy.url": "sqlite:///" + os.environ["KJGL_REGEN_DB"]}, build_plugin_manager([]))
command.revision(cfg, message="core tables", autogenerate=True, rev_id="c0001", branch_label="core",
                 head="base", version_path=migrate._path(migrate.CORE_VERSIONS))
PY
sed -i 's/^Create Date: .*/Create Date: 2026-11-22/' core/migrations/versions/c0001_core_tables.py
