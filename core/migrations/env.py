from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlalchemy.types import TypeDecorator

from kjgl.core.db import Base
import kjgl.core.models  # noqa: F401  (registers the core tables)

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Our column types (sealed strings) are rendered as what they store, so a
    migration never imports application code."""
    if type_ == "type" and isinstance(obj, TypeDecorator) and type(obj).__module__.startswith("kjgl."):
        return f"sa.{obj.impl!r}"
    return False


def run_migrations(connection):
    context.configure(connection=connection, target_metadata=target_metadata, render_item=render_item,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = engine_from_config({"sqlalchemy.url": config.get_main_option("sqlalchemy.url")},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.begin() as conn:
        run_migrations(conn)
