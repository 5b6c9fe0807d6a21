"""``kjgl db upgrade`` touches exactly the core and the enabled plugins."""
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from kjgl.core import migrate
from kjgl.core.cli import main
from kjgl.core.plugin_host import build_plugin_manager
from kjgl.core.testing import ALL_PLUGINS


def _script():
    return ScriptDirectory.from_config(migrate.alembic_config({"sqlalchemy.url": "sqlite://"},
                                                              build_plugin_manager(ALL_PLUGINS)))


def _state(url):
    """(the rows of alembic_version, every revision they imply, the table names)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        heads = set(MigrationContext.configure(conn).get_current_heads())
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    applied = {r.revision for r in _script().iterate_revisions(tuple(heads), "base")}
    return heads, applied, tables


def _branch_of(revision):
    labels = _script().get_revision(revision).branch_labels
    assert len(labels) == 1, labels
    return next(iter(labels))


def _branch_revisions(branch):
    return {r.revision for r in _script().walk_revisions() if branch in r.branch_labels}


def _plugin_tables(name):
    pm = build_plugin_manager([name])
    return {t.name for tables in pm.hook.kjgl_metadata() for t in (tables or [])}


def test_tianjin_upgrade_records_only_core_makerspace_and_incubator(write_ini, sqlite_url, capsys):
    ini = write_ini("tianjin.ini")
    assert main(["db", "upgrade", str(ini)]) == 0
    printed = capsys.readouterr().out.split(":", 1)[1]
    assert {b.strip() for b in printed.split(",")} == {"core", "makerspace", "incubator"}
    heads, applied, tables = _state(sqlite_url)
    # every branch at its head; the version table names nothing else
    for branch in ("core", "makerspace", "incubator"):
        assert _script().get_revision(f"{branch}@head").revision in applied
    assert {_branch_of(h) for h in heads} <= {"core", "makerspace", "incubator"}
    for disabled in ("national_record", "enterprise_registry"):
        assert not _branch_revisions(disabled) & applied
    assert {"user_account", "agency", "organisation", "module_grant", "audit_event"} <= tables
    assert _plugin_tables("makerspace") | _plugin_tables("incubator") <= tables
    for disabled in ("national_record", "enterprise_registry"):
        assert not _plugin_tables(disabled) & tables
        assert not [t for t in tables if t.startswith(disabled)]


def test_upgrade_twice_changes_nothing(write_ini, sqlite_url):
    ini = write_ini("tianjin.ini")
    assert main(["db", "upgrade", str(ini)]) == 0
    first = _state(sqlite_url)
    assert main(["db", "upgrade", str(ini)]) == 0
    assert _state(sqlite_url) == first


def test_enabling_a_plugin_later_adds_its_branch(write_ini, sqlite_url):
    main(["db", "upgrade", str(write_ini("tianjin.ini"))])
    _, before, _ = _state(sqlite_url)
    main(["db", "upgrade", str(write_ini("tianjin.ini", **{"kjgl.plugins": "makerspace incubator national_record"}))])
    _, after, _ = _state(sqlite_url)
    assert after - before == _branch_revisions("national_record")
    assert not _branch_revisions("enterprise_registry") & after
