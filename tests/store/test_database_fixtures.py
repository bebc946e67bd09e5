"""The database fixtures keep their promise: each test starts with no records, at the newest
schema, on a database no other test is using (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ips_jobdev import Database, Specialist
from ips_jobdev._store import migrate
from ips_jobdev._store.database import make_engine


def _add_specialist(url: str, code: str) -> int | None:
    with Database(url) as database, database.unit_of_work() as uow:
        specialist = uow.specialists.add(Specialist(code=code, name="Alex Example"))
        uow.commit()
        return specialist.id


def test_a_database_is_at_the_newest_schema_and_holds_no_records(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        with engine.connect() as connection:
            for table in sa.inspect(engine).get_table_names():
                if table != "alembic_version":
                    count = connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
                    assert count == 0, table
    finally:
        engine.dispose()
    assert _add_specialist(db_url, "ab") == 1, "ids start at 1"


def test_a_sqlite_copy_is_readable_by_its_owner_only(sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_unmigrated_database_has_no_tables(unmigrated_db_url: str) -> None:
    engine = make_engine(unmigrated_db_url)
    try:
        assert migrate.is_empty(engine)
    finally:
        engine.dispose()


def test_a_postgresql_schema_is_handed_on_emptied_and_dropped_when_a_test_changed_it(
    pg_schemas: Any,
) -> None:
    schema = pg_schemas.take()
    url = pg_schemas.url(schema)
    assert _add_specialist(url, "ab") == 1
    assert _add_specialist(url, "cd") == 2
    pg_schemas.give_back(schema)
    assert pg_schemas.take() == schema, "an intact schema is used again"
    assert _add_specialist(url, "ab") == 1, "emptied, and its sequences restarted"

    admin = sa.create_engine(url)
    with admin.begin() as connection:
        connection.execute(sa.text("ALTER TABLE specialists ADD COLUMN fax VARCHAR(40)"))
    admin.dispose()
    pg_schemas.give_back(schema)
    assert schema not in pg_schemas.free, "a schema a test changed is not used again"
    with pg_schemas.admin.connect() as connection:
        found = connection.execute(
            sa.text("SELECT count(*) FROM pg_namespace WHERE nspname = :s"), {"s": schema}
        ).scalar()
    assert found == 0, "and it is dropped"
