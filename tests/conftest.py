"""Shared fixtures: every store test runs on SQLite and on PostgreSQL.

Each test gets its own database, at the newest schema and holding no records
(``db_url``, ``sqlite_url``, ``pg_url``, ``db``). The migrations do not run for each test:

- SQLite: the migrations run once per session into a template file; each test gets a copy
  of it (made owner-readable only, like a file the store makes).
- PostgreSQL: each test gets a schema of its own, migrated once when it was made; after
  the test it is checked (same tables, columns, keys and indexes, still at the newest
  schema), emptied (rows deleted, sequences restarted) and handed to the next test. A
  schema a test changed is dropped instead. On this server that is about ten times
  cheaper than migrating a new schema (or copying a template database with ``CREATE
  DATABASE ... TEMPLATE``, which was slower still: it copies and logs every file of the
  database).

Tests of the migrations themselves, and of opening a database that has no schema yet,
use ``unmigrated_db_url`` (and ``unmigrated_pg_url``): a database with no tables at all,
where the migrations run for real.

PostgreSQL comes from ``$IPS_JOBDEV_TEST_PG_URL`` (default: the role and database that
``.ci/run`` makes). When the server is not reachable the PostgreSQL cases are skipped
locally, but fail under ``CI=true``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

DEFAULT_PG_URL = "postgresql+psycopg://ips_jobdev:ips_jobdev@127.0.0.1:5432/ips_jobdev_test"
PG_URL = os.environ.get("IPS_JOBDEV_TEST_PG_URL", DEFAULT_PG_URL)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

_pg_state: dict[str, object] = {}


def postgres_available() -> bool:
    """True when the test PostgreSQL answers (checked once per run)."""
    if "ok" not in _pg_state:
        try:
            engine = sa.create_engine(PG_URL)
            with engine.connect() as connection:
                connection.execute(sa.text("select 1"))
            engine.dispose()
            _pg_state["ok"] = True
        except Exception as exc:
            _pg_state["ok"] = False
            _pg_state["why"] = str(exc).splitlines()[0]
    return bool(_pg_state["ok"])


def _require_postgres() -> None:
    if not postgres_available():
        message = f"PostgreSQL not reachable at {PG_URL}: {_pg_state.get('why')}"
        if IN_CI:
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)


def _schema_url(schema: str) -> str:
    separator = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{separator}options=-csearch_path%3D{schema}"


# -- SQLite: a copy of a file migrated once per session -------------------------------------


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a SQLite file the real migrations brought to the newest schema."""
    from ips_jobdev._store import migrate
    from ips_jobdev._store.database import make_engine

    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    return path.read_bytes()


def _copy_template(template: bytes, folder: Path) -> str:
    """A URL for a new owner-only SQLite file in ``folder`` holding ``template``."""
    path = folder / "ips-jobdev.sqlite3"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "wb") as copy:
        copy.write(template)
    return f"sqlite:///{path}"


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: bytes) -> str:
    """A URL for a new SQLite file in the test's temporary folder, at the newest schema."""
    return _copy_template(_sqlite_template, tmp_path)


@pytest.fixture
def unmigrated_sqlite_url(tmp_path: Path) -> str:
    """A URL for a SQLite file not made yet (no schema)."""
    return f"sqlite:///{tmp_path / 'unmigrated.sqlite3'}"


# -- PostgreSQL: migrated schemas, emptied and handed on ------------------------------------

# One text that changes when anything about a schema's tables does: columns and their types,
# defaults and nullability, constraints, indexes and sequences (the schema's own name left
# out, so that every migrated schema has the same shape).
_SHAPE = """
SELECT md5(coalesce(string_agg(replace(line, CAST(:schema AS text) || '.', ''), E'\\n'
                               ORDER BY line), ''))
FROM (
    SELECT concat_ws(' ', c.relkind, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                     a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) AS line
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
    WHERE n.nspname = :schema AND c.relkind IN ('r', 'S')
    UNION ALL
    SELECT concat_ws(' ', 'constraint', c.relname, k.conname, pg_get_constraintdef(k.oid))
    FROM pg_constraint k
    JOIN pg_class c ON c.oid = k.conrelid
    JOIN pg_namespace n ON n.oid = k.connamespace
    WHERE n.nspname = :schema
    UNION ALL
    SELECT concat_ws(' ', 'index', indexdef) FROM pg_indexes WHERE schemaname = :schema
    UNION ALL
    SELECT concat_ws(' ', 'other', c.relkind, c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = :schema AND c.relkind NOT IN ('r', 'S', 'i')
) AS lines
"""


class _PgSchemas:
    """Migrated schemas for the session's PostgreSQL tests, each used by one test at a time."""

    def __init__(self) -> None:
        self.admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        self.free: list[str] = []
        self.made: set[str] = set()
        self.shape: str | None = None
        self.empty: str = ""

    def new_schema(self, prefix: str = "t") -> str:
        schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        self.made.add(schema)
        return schema

    def drop(self, schema: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        self.made.discard(schema)

    @staticmethod
    def url(schema: str) -> str:
        """The URL whose search_path is ``schema``."""
        return _schema_url(schema)

    def take(self) -> str:
        """A migrated schema holding no records."""
        if self.free:
            return self.free.pop()
        from ips_jobdev._store import migrate, tables
        from ips_jobdev._store.database import make_engine

        schema = self.new_schema("m")
        engine = make_engine(_schema_url(schema))
        try:
            migrate.upgrade(engine)
        finally:
            engine.dispose()
        if self.shape is None:
            with self.admin.connect() as connection:
                self.shape = self._shape(connection, schema)
            names = [t.name for t in reversed(tables.metadata.sorted_tables)]
            # the append-only tables refuse DELETE (a trigger); their owner may TRUNCATE
            self.empty = "".join(
                f'TRUNCATE "{{schema}}"."{name}";'
                if name in ("audit_events", "change_history")
                else f'DELETE FROM "{{schema}}"."{name}";'
                for name in names
            )
        return schema

    def give_back(self, schema: str) -> None:
        """Empty the schema for the next test, or drop it when the test changed its shape."""
        from ips_jobdev._store import migrate

        with self.admin.connect() as connection:
            try:
                versions = connection.execute(
                    sa.text(f'SELECT version_num FROM "{schema}".alembic_version')
                ).all()
            except sa.exc.ProgrammingError:  # the test dropped the table
                versions = []
            intact = versions == [(migrate.head_revision(),)]
            if intact and self._shape(connection, schema) == self.shape:
                self._empty(connection, schema)
                self.free.append(schema)
                return
        self.drop(schema)

    def _empty(self, connection: sa.Connection, schema: str) -> None:
        connection.exec_driver_sql(
            "BEGIN;" + self.empty.format(schema=schema) + "COMMIT;"
            "SELECT setval(s.oid, 1, false) FROM pg_class s "
            "JOIN pg_namespace n ON n.oid = s.relnamespace "
            f"WHERE s.relkind = 'S' AND n.nspname = '{schema}'"
        )

    @staticmethod
    def _shape(connection: sa.Connection, schema: str) -> str:
        return str(connection.execute(sa.text(_SHAPE), {"schema": schema}).scalar_one())

    def close(self) -> None:
        for schema in sorted(self.made):
            self.drop(schema)
        self.admin.dispose()


@pytest.fixture(scope="session")
def pg_schemas() -> Iterator[_PgSchemas]:
    """The session's migrated PostgreSQL schemas (all dropped at the end of the session)."""
    _require_postgres()
    schemas = _PgSchemas()
    yield schemas
    schemas.close()


@pytest.fixture
def pg_url(pg_schemas: _PgSchemas) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a schema of its own, at the newest schema."""
    schema = pg_schemas.take()
    yield pg_schemas.url(schema)
    pg_schemas.give_back(schema)


@pytest.fixture
def unmigrated_pg_url(pg_schemas: _PgSchemas) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema (no tables)."""
    schema = pg_schemas.new_schema()
    yield pg_schemas.url(schema)
    pg_schemas.drop(schema)


# -- both ---------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A URL for a database at the newest schema holding no records: once SQLite, once
    PostgreSQL."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_db_url(request: pytest.FixtureRequest) -> str:
    """A URL for a database with no schema at all: once SQLite, once PostgreSQL."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("unmigrated_pg_url"))
    return str(request.getfixturevalue("unmigrated_sqlite_url"))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    _sqlite_template: bytes,
) -> Iterator[str]:
    """Like ``db_url``, but one database for all the tests of a module: for a module whose
    fixture writes once (and at length) what its tests only read."""
    if request.param == "sqlite":
        yield _copy_template(_sqlite_template, tmp_path_factory.mktemp("module"))
        return
    schemas: _PgSchemas = request.getfixturevalue("pg_schemas")
    schema = schemas.take()
    yield schemas.url(schema)
    schemas.give_back(schema)


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    """A :class:`~ips_jobdev.Database` on ``db_url``."""
    from ips_jobdev import Database

    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def policy_registry() -> Iterator[None]:
    """The cycle policies registered during the test are forgotten after it (the registry
    lives for the process, and one worker process runs many tests)."""
    from ips_jobdev.cycles import _policy

    saved = dict(_policy._registry)
    yield
    _policy._registry.clear()
    _policy._registry.update(saved)


_PG_FIXTURES = {"pg_url", "unmigrated_pg_url", "pg_schemas"}
_PARAMETRISED = ("db_url", "unmigrated_db_url", "module_db_url")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        if "postgresql" in {params.get(name) for name in _PARAMETRISED}:
            item.add_marker(pytest.mark.postgres)
        if _PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)
