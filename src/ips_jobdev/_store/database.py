"""Where the record lives: resolving the database URL, making the engine, checking the schema.

The embedded default is one SQLite file in the user's data folder, created on first use,
readable by its owner only (it holds information about people in treatment). A shared
PostgreSQL is named by a ``postgresql+psycopg://`` URL.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from ips_jobdev._store import migrate
from ips_jobdev.errors import IpsJobdevError, SchemaOutOfDateError

__all__ = [
    "DATABASE_ENV",
    "default_database_path",
    "make_engine",
    "resolve_database_url",
]

DATABASE_ENV = "IPS_JOBDEV_DB"
APP_NAME = "ips-jobdev"


def default_database_path() -> Path:
    """The embedded default: ``ips-jobdev.sqlite3`` in the user data folder (platformdirs)."""
    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "ips-jobdev.sqlite3"


def resolve_database_url(url: str | os.PathLike[str] | None = None) -> str:
    """Choose the database: ``url`` if given, else ``$IPS_JOBDEV_DB``, else the default file.

    A plain file path is read as a SQLite file.

    >>> resolve_database_url("postgresql+psycopg://ips@localhost/ips")
    'postgresql+psycopg://ips@localhost/ips'
    >>> resolve_database_url("/tmp/county.sqlite3")
    'sqlite:////tmp/county.sqlite3'
    """
    chosen = url if url is not None else os.environ.get(DATABASE_ENV) or None
    if chosen is None:
        return f"sqlite:///{default_database_path()}"
    text = os.fspath(chosen)
    if "://" not in text:
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    return text


def _prepare_private_sqlite_file(path: Path, *, private_folder: bool) -> None:
    """Create the SQLite file owner-only (0600) before SQLite does, in a 0700 folder."""
    if private_folder:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.chmod(stat.S_IRWXU)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)
        path.chmod(0o600)


def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **engine_options: Any) -> sa.Engine:
    """Make an engine for ``url``; new SQLite files are created owner-readable only."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise IpsJobdevError(f"not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            _prepare_private_sqlite_file(path, private_folder=path == default_database_path())
        engine = sa.create_engine(parsed, **engine_options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(parsed, pool_pre_ping=True, **engine_options)


def check_schema(engine: sa.Engine, *, create_if_empty: bool = True) -> None:
    """Make sure the schema is this version's: create it in an empty database, else refuse.

    Raises:
        SchemaOutOfDateError: the database was made by another version; the message says
            to run ``ips-jobdev db upgrade`` (or to update ips-jobdev).
    """
    current = migrate.current_revision(engine)
    head = migrate.head_revision()
    if current == head:
        return
    if current is None:
        if migrate.is_empty(engine) and create_if_empty:
            migrate.upgrade(engine)
            return
        raise SchemaOutOfDateError(
            f"{engine.url.render_as_string()} has tables but no ips-jobdev schema version; "
            "is it an ips-jobdev database?"
        )
    if current not in migrate.known_revisions():
        raise SchemaOutOfDateError(
            f"the database is at schema {current}, newer than this ips-jobdev knows "
            f"(latest {head}); update ips-jobdev"
        )
    raise SchemaOutOfDateError(
        f"the database is at schema {current}, this ips-jobdev needs {head}; "
        "run `ips-jobdev db upgrade` (back up the file first)"
    )
