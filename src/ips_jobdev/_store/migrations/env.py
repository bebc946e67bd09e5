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

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations rebuild SQLite tables that others refer to; with foreign keys on,
        # dropping the old copy would fail. The pragma only takes effect outside a
        # transaction, so it is set before the migration's transaction begins.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration broke references: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()

if own_engine:
    engine.dispose()
