"""The Alembic branches create exactly what the models declare, and a
deployment's upgrade touches only the tables of what it enables."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect

from kjgl.core import migrate
from kjgl.core.models import CORE_TABLES
from kjgl.core.plugin_host import build_plugin_manager
from kjgl.core.testing import ALL_PLUGINS


def declared_metadata(pm) -> MetaData:
    meta = MetaData()
    for table in CORE_TABLES:
        table.to_metadata(meta)
    for tables in pm.hook.kjgl_metadata():
        for table in tables or []:
            table.to_metadata(meta)
    return meta


def test_migrations_match_the_models(engine):
    pm = build_plugin_manager(ALL_PLUGINS)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), declared_metadata(pm))
    assert diff == [], "models and migrations differ: run scripts/regen_core_migration.sh or add a revision"


def test_a_deployment_upgrades_only_the_tables_of_its_plugins(tmp_path):
    url = "sqlite:///" + str(tmp_path / "tianjin.sqlite")
    tianjin = build_plugin_manager(["makerspace", "incubator"])
    migrate.upgrade({"sqlalchemy.url": url}, tianjin)
    tables = set(inspect(create_engine(url)).get_table_names())

    assert {t.name for t in CORE_TABLES} <= tables
    for plugin_tables in tianjin.hook.kjgl_metadata():
        assert {t.name for t in plugin_tables} <= tables
    everything = build_plugin_manager(ALL_PLUGINS)
    others = build_plugin_manager(["national_record", "enterprise_registry"])
    foreign = {t.name for ts in others.hook.kjgl_metadata() for t in ts or []}
    assert not (foreign & tables)
    assert tables - {"alembic_version"} <= set(declared_metadata(everything).tables)
