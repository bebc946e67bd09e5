"""Shared fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``$IPS_JOBDEV_TEST_PG_URL`` (default: the role and database that
``.ci/run`` makes). Each test gets its own schema, dropped afterwards. When the server is
not reachable the PostgreSQL cases are skipped locally, but fail under ``CI=true``.
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


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh, empty schema."""
    _require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL for a new SQLite file in the test's temporary folder."""
    return f"sqlite:///{tmp_path / 'ips-jobdev.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest) -> str:
    """A URL for an empty database: once SQLite, once PostgreSQL."""
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    """A :class:`~ips_jobdev.Database` on ``db_url`` with the schema created."""
    from ips_jobdev import Database

    database = Database(db_url)
    yield database
    database.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("db_url") == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if "pg_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)
