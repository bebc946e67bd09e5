"""Alembic environment: runs the packaged migrations on the engine it is given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine, create_engine

from ips_jobdev._store.tables import metadata

config = context.config
engine: Engine | None = config.attributes.get("engine")
own_engine = engine is None
if engine is None:
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()

if own_engine:
    engine.dispose()
