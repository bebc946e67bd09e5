"""Where the record lives: resolving the database URL, making the engine, checking the schema.

The embedded default is one SQLite file in the user's data folder, readable by its owner
only (it holds information about people in treatment). A shared PostgreSQL is named by a
``postgresql+psycopg://`` URL.

A new SQLite file is built under a temporary name in the same folder and linked into place
when its schema is complete, so a process killed while creating it leaves either no file or
a working database. Failures to reach or read a database become one-line
:class:`~ips_jobdev.errors.IpsJobdevError` messages that say what to check, and never carry
the values of a statement (:func:`describe_error`).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import platformdirs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from ips_jobdev._store import migrate
from ips_jobdev.errors import IpsJobdevError, SchemaOutOfDateError, ValidationError

__all__ = [
    "DATABASE_ENV",
    "MissingDatabaseError",
    "check_url",
    "connection_errors",
    "create_sqlite_file",
    "default_database_path",
    "describe_error",
    "make_engine",
    "resolve_database_url",
    "sqlite_path",
    "tighten_file_mode",
]

DATABASE_ENV = "IPS_JOBDEV_DB"
APP_NAME = "ips-jobdev"
POSTGRES_EXTRA = 'pip install "ips-jobdev[postgres]"'
CONNECT_TIMEOUT_SECONDS = 10
"""How long a PostgreSQL connection attempt may take unless the URL says otherwise."""


class MissingDatabaseError(IpsJobdevError):
    """There is no database where one was named, and this call may not create one."""


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


def _hidden(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def check_url(url: str) -> URL:
    """Parse ``url`` and check that ips-jobdev can use it, before anything connects.

    ``postgresql://`` means psycopg 3 (the driver ips-jobdev supports).

    Raises:
        IpsJobdevError: not a URL, a database ips-jobdev does not support, ``postgres://``
            (SQLAlchemy does not know that name), or the PostgreSQL driver missing.
    """
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise IpsJobdevError(
            f"{_hidden(url)!r} is not a database URL: give a SQLite file path or a "
            "postgresql+psycopg://user:password@host/database URL"
        ) from None
    backend, _, driver = parsed.drivername.partition("+")
    if backend == "postgres":
        raise IpsJobdevError(
            f"{parsed.render_as_string(hide_password=True)}: a postgres:// URL is not "
            "understood; write it as postgresql+psycopg://..."
        )
    if backend == "postgresql":
        if "+" not in parsed.drivername:
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif driver != "psycopg":
            raise IpsJobdevError(
                f"{parsed.render_as_string(hide_password=True)}: ips-jobdev talks to PostgreSQL "
                "through psycopg 3; write the URL as postgresql+psycopg://..."
            )
        _require_psycopg()
        return parsed
    if backend != "sqlite":
        raise IpsJobdevError(
            f"{parsed.render_as_string(hide_password=True)}: ips-jobdev works with a SQLite "
            "file or PostgreSQL (postgresql+psycopg://...), not with "
            f"{backend!r}"
        )
    return parsed


def _require_psycopg() -> None:
    import importlib.util

    if importlib.util.find_spec("psycopg") is None:
        raise IpsJobdevError(
            f"the PostgreSQL driver (psycopg 3) is not installed; install it with {POSTGRES_EXTRA}"
        )


def sqlite_path(url: str | URL) -> Path | None:
    """The file a SQLite URL names (``None`` for an in-memory database or another kind)."""
    parsed = make_url(url) if isinstance(url, str) else url
    if parsed.drivername.partition("+")[0] != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


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


def make_engine(url: str | URL, **engine_options: Any) -> sa.Engine:
    """Make an engine for ``url``; a missing SQLite file is created owner-readable only.

    This is the low-level door (tests and migrations use it); :class:`~ips_jobdev.Database`
    decides whether a new database may be made at all, and builds it atomically.
    """
    parsed = check_url(url) if isinstance(url, str) else url
    path = sqlite_path(parsed)
    if parsed.get_backend_name() == "sqlite":
        if path is not None:
            _prepare_private_sqlite_file(path, private_folder=path == default_database_path())
        engine = sa.create_engine(parsed, **engine_options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if "connect_timeout" not in parsed.query:
        connect_args = dict(engine_options.pop("connect_args", {}))
        connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        engine_options["connect_args"] = connect_args
    return sa.create_engine(parsed, pool_pre_ping=True, **engine_options)


# ---------------------------------------------------------------------------------------
# Files: where a SQLite database may be, its mode, and atomic creation


def check_sqlite_location(path: Path, *, create: bool) -> bool:
    """Whether a SQLite database exists at ``path`` (``False``: it may be created there).

    Raises:
        IpsJobdevError: ``path`` is a folder or not a regular file.
        MissingDatabaseError: there is no file and ``create`` is false, or its folder is
            missing (only the default location's folder is ever made).
    """
    if path.is_dir():
        raise IpsJobdevError(
            f"{path} is a folder, not a database file; give the path of a .sqlite3 file in it"
        )
    if path.exists():
        if not path.is_file():
            raise IpsJobdevError(f"{path} is not a regular file, so it cannot be a database")
        return True
    if not create:
        raise MissingDatabaseError(
            f"there is no database at {path}; check --db or ${DATABASE_ENV} for a typo. "
            "To make a new one there, run `ips-jobdev db upgrade` (or give --create)"
        )
    return False


def tighten_file_mode(path: Path) -> str | None:
    """Make an existing database file readable by its owner only; say what was done.

    Returns ``None`` when the file was already private, else a one-line notice: that it
    was tightened to 0600, or (when that is not allowed) that it is readable by others.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
    if sys.platform == "win32" or not mode & 0o077:
        return None
    try:
        path.chmod(0o600)
    except OSError:
        return (
            f"{path} is readable by other users (mode {mode:04o}) and could not be made "
            f"private; it holds personal data: run `chmod 600 {path}`"
        )
    return f"{path} was readable by other users (mode {mode:04o}); made it private to you (0600)"


_CREATING = ".creating-"


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}{_CREATING}"


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # no cheap check: treat it as alive (temporaries age out)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files of creations of ``path`` whose process died (kill -9).

    A temporary's name carries its process id; one whose process is gone, or older than a
    day, can never be finished and is removed.
    """
    prefix = _temporary_prefix(path)
    with contextlib.suppress(OSError):
        for candidate in path.parent.iterdir():
            if not candidate.name.startswith(prefix):
                continue
            pid_text = candidate.name[len(prefix) :].split("-", 1)[0]
            try:
                stale = not _process_alive(int(pid_text))
                stale = stale or time.time() - candidate.stat().st_mtime > 86_400
            except (ValueError, OSError):
                continue
            if stale:
                with contextlib.suppress(OSError):
                    candidate.unlink()


def _sync_folder(folder: Path) -> None:
    if sys.platform == "win32":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _publish(temporary: Path, path: Path) -> bool:
    """Give the finished ``temporary`` the name ``path`` unless a file is there already."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: rename, never over a file
        if path.exists():
            return False
        os.replace(temporary, path)
    _sync_folder(path.parent)
    return True


def create_sqlite_file(path: Path, build: Callable[[sa.Engine], object]) -> bool:
    """Make a new SQLite database at ``path`` atomically: ``build(engine)`` fills a
    temporary file (0600) in the same folder, which then takes the name ``path``.

    A process killed at any moment leaves no file at ``path`` or a complete one; its
    temporary is removed by the next creation. Returns ``False`` when another process
    created ``path`` meanwhile (that file is kept, this one discarded).

    A missing folder is made, owner-only (0700); the default location's folder is made
    owner-only even when it exists.
    """
    folder = path.parent
    if path == default_database_path():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(stat.S_IRWXU)
    elif not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True)
    _remove_stale_temporaries(path)
    ours = f"{_temporary_prefix(path)}{os.getpid()}-"
    try:
        fd, name = tempfile.mkstemp(prefix=ours, dir=folder)
        os.close(fd)
        temporary = Path(name)
        engine = make_engine(sa.URL.create("sqlite", database=str(temporary)))
        try:
            build(engine)
        finally:
            engine.dispose()
        return _publish(temporary, path)
    finally:
        # by this process's prefix, not by name: a Ctrl-C may land between mkstemp making
        # the file and the name being kept
        for leftover in folder.glob(f"{glob.escape(ours)}*"):
            with contextlib.suppress(OSError):
                leftover.unlink()


# ---------------------------------------------------------------------------------------
# The schema


def _ours_and_empty(engine: sa.Engine, names: list[str]) -> bool:
    """Whether every table is one of ips-jobdev's and holds no row (an unfinished creation)."""
    from ips_jobdev._store.tables import metadata

    if not set(names) <= set(metadata.tables):
        return False
    with engine.connect() as connection:
        for name in names:
            quoted = connection.dialect.identifier_preparer.quote(name)
            if connection.exec_driver_sql(f"SELECT 1 FROM {quoted} LIMIT 1").first():
                return False
    return True


def _unversioned(engine: sa.Engine, where: str) -> SchemaOutOfDateError:
    """The message for a database with tables and no schema version."""
    names = sa.inspect(engine).get_table_names()
    if _ours_and_empty(engine, names):
        return SchemaOutOfDateError(
            f"{where} holds ips-jobdev's tables, all empty, but no schema version: a creation "
            f"was interrupted. Nothing in it is lost by removing it: delete {where} and run "
            "the command again (or `ips-jobdev db upgrade`)"
        )
    return SchemaOutOfDateError(
        f"{where} has tables but no ips-jobdev schema version, so it is another program's "
        "database (or a damaged one); ips-jobdev leaves it alone: check --db or "
        f"${DATABASE_ENV}, or move the file away"
    )


def where(engine: sa.Engine) -> str:
    """How messages name a database: the file of a SQLite one, else its URL (no password)."""
    path = sqlite_path(engine.url)
    return str(path) if path is not None else engine.url.render_as_string(hide_password=True)


def check_schema(engine: sa.Engine, *, create_if_empty: bool = True) -> None:
    """Make sure the schema is this version's: create it in an empty database, else refuse.

    Raises:
        SchemaOutOfDateError: the database was made by another version; the message says
            to run ``ips-jobdev db upgrade`` (or to update ips-jobdev).
        MissingDatabaseError: the database is empty and ``create_if_empty`` is false.
    """
    with connection_errors(engine):
        current = migrate.current_revision(engine)
        head = migrate.head_revision()
        if current == head:
            return
        if current is None:
            if migrate.is_empty(engine):
                if create_if_empty:
                    migrate.upgrade(engine)
                    return
                raise MissingDatabaseError(
                    f"{where(engine)} is empty (no ips-jobdev schema); if it is the right "
                    "database, `ips-jobdev db upgrade` creates the schema there"
                )
            raise _unversioned(engine, where(engine))
    if current not in migrate.known_revisions():
        raise SchemaOutOfDateError(
            f"the database is at schema {current}, newer than this ips-jobdev knows "
            f"(latest {head}); update ips-jobdev"
        )
    raise SchemaOutOfDateError(
        f"the database is at schema {current}, this ips-jobdev needs {head}; "
        "run `ips-jobdev db upgrade` (back up the file first)"
    )


def upgrade(engine: sa.Engine) -> tuple[str | None, str]:
    """:func:`ips_jobdev._store.migrate.upgrade` with its failures as one-line errors."""
    with connection_errors(engine):
        before = migrate.current_revision(engine)
        if before is None and not migrate.is_empty(engine):
            raise _unversioned(engine, where(engine))
        return migrate.upgrade(engine)


# ---------------------------------------------------------------------------------------
# Errors: one line, what to check, never a statement's values


@contextlib.contextmanager
def connection_errors(engine: sa.Engine) -> Iterator[None]:
    """Turn SQLAlchemy and driver failures inside the block into one-line library errors
    naming the database (see :func:`describe_error`)."""
    try:
        yield
    except sa.exc.SQLAlchemyError as exc:
        raise describe_error(exc, where(engine)) from exc
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("psycopg"):
            raise IpsJobdevError(
                f"the PostgreSQL driver (psycopg 3) is not installed; install it with "
                f"{POSTGRES_EXTRA}"
            ) from exc
        raise


_CONNECTION_HINTS: tuple[tuple[str, str], ...] = (
    ("password authentication failed", "the server refused the user name or password"),
    ("no password supplied", "the server asks for a password and the URL gives none"),
    ("no pg_hba.conf entry", "the server does not let this user in from this machine"),
    ("does not exist", "{detail}"),
    ("connection refused", "nothing answers at {host}: is the PostgreSQL server running there?"),
    ("failed to resolve host", "the host name {hostname} is unknown: check the URL for a typo"),
    ("name or service not known", "the host name {hostname} is unknown: check the URL"),
    ("timeout expired", "no answer from {host} within the time allowed: check host and port"),
    ("could not connect", "nothing answers at {host}: check host and port"),
    ("server closed the connection", "the server closed the connection: try again"),
    ("the database system is starting up", "the server is still starting: try again shortly"),
    ("too many connections", "the server has no free connection: try again shortly"),
)

_SQLITE_HINTS: tuple[tuple[str, str], ...] = (
    ("unable to open database file", "cannot open {where}: check that the file and its folder "
     "exist and that you may read and write them"),
    ("file is not a database", "{where} is not a SQLite database (or it is damaged); check "
     "--db for the right file"),
    ("database disk image is malformed", "{where} is damaged; restore it from a backup"),
    ("database is locked", "{where} is busy (another program is writing to it); try again"),
    ("readonly database", "cannot write {where}: the file or its folder is read-only"),
    ("disk is full", "the disk holding {where} is full"),
    ("disk i/o error", "reading or writing {where} failed (disk I/O error)"),
)  # fmt: skip

_IDENTIFIER_WORDS = (
    "relation", "column", "constraint", "table", "index", "type", "schema", "database",
    "role", "user", "function", "sequence", "key", "encoding",
)  # fmt: skip
_QUOTED_LITERAL = re.compile(
    r"(?P<before>\w+)?(?P<space>\s*:?\s*)(?P<quote>[\"'])(?P<text>[^\"']*)(?P=quote)"
)


def _scrubbed(message: str) -> str:
    """The first line of a database's message, with quoted values replaced by ``…``.

    PostgreSQL quotes both names (relation "employers") and values (invalid input syntax
    for type integer: "Maria"); names follow a word saying what they name and are kept.
    """
    first = message.strip().splitlines()[0] if message.strip() else ""

    def keep_names(match: re.Match[str]) -> str:
        before = (match.group("before") or "").lower()
        if before in _IDENTIFIER_WORDS:
            return match.group(0)
        return f"{match.group('before') or ''}{match.group('space')}…"

    return _QUOTED_LITERAL.sub(keep_names, first).strip()


def _host(url_text: str) -> tuple[str, str]:
    """``(host:port, host)`` of a URL, for messages."""
    try:
        parsed = make_url(url_text)
    except ArgumentError:
        return "the server", "the server"
    host = parsed.host or "localhost"
    return f"{host}:{parsed.port or 5432}", host


def _connection_reason(text: str, where_: str) -> str | None:
    lowered = text.lower()
    for needle, hint in _CONNECTION_HINTS:
        if needle in lowered:
            detail = re.sub(r"^.*?FATAL:\s*", "", text.splitlines()[0]).strip()
            host, hostname = _host(where_)
            return hint.format(host=host, hostname=hostname, detail=detail)
    return None


def _constraint_columns(name: str) -> str | None:
    """The columns a named constraint or index of ours covers (``code``, ``name_key+zip``)."""
    from ips_jobdev._store.tables import metadata

    for table in metadata.tables.values():
        for item in [*table.constraints, *table.indexes]:
            if getattr(item, "name", None) == name:
                columns = [c.name for c in getattr(item, "columns", ())]
                return "+".join(columns) if columns else None
    return None


def _integrity(orig: BaseException, text: str) -> ValidationError:
    diag = getattr(orig, "diag", None)
    table = getattr(diag, "table_name", None)
    constraint = getattr(diag, "constraint_name", None)
    column = getattr(diag, "column_name", None)
    if column is None and constraint:
        column = _constraint_columns(constraint) or constraint
    found = re.search(r"constraint failed: (\w+)(?:\.(\w+))?", text)
    if found and table is None:
        table, column = (
            (found.group(1), found.group(2)) if found.group(2) else (None, found.group(1))
        )
    reason = _scrubbed(text)
    lowered = text.lower()
    if "unique" in lowered or "duplicate key" in lowered:
        reason = f"another record already has this value ({reason})"
    elif "foreign key" in lowered:
        reason = f"it refers to a record that does not exist, or is still referred to ({reason})"
    elif "not null" in lowered or "null value" in lowered:
        reason = f"a value is required ({reason})"
    return ValidationError(table or "database", column or "constraint", reason)


def describe_error(exc: BaseException, where_: str | None = None) -> IpsJobdevError:
    """A one-line library error for a SQLAlchemy or driver failure.

    The message names the database (``where_``: a file or a URL without its password),
    what went wrong and what to check. It never holds the statement's parameters, nor a
    value the database quotes back: an error may reach a terminal or a log, and the values
    are job seekers' records.
    """
    if isinstance(exc, IpsJobdevError):
        return exc
    orig = getattr(exc, "orig", None)
    if isinstance(exc, sa.exc.StatementError) and isinstance(orig, IpsJobdevError):
        return orig
    kind = type(orig).__name__ if orig is not None else type(exc).__name__
    text = str(orig) if orig is not None else str(exc)
    place = where_ or "the database"
    module = type(orig).__module__ if orig is not None else ""
    if isinstance(exc, sa.exc.IntegrityError):
        return _integrity(orig or exc, text)
    if isinstance(exc, sa.exc.DBAPIError):
        if module.startswith("sqlite3"):
            lowered = text.lower()
            for needle, hint in _SQLITE_HINTS:
                if needle in lowered:
                    return IpsJobdevError(hint.format(where=place))
        elif exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError):
            reason = _connection_reason(text, place)
            if reason is not None:
                return IpsJobdevError(f"cannot use the database {place}: {reason}")
        if isinstance(exc, sa.exc.DataError):
            return IpsJobdevError(
                f"the database {place} refused a value ({kind}): {_scrubbed(text)}"
            )
        return IpsJobdevError(f"database error on {place} ({kind}): {_scrubbed(text)}")
    if isinstance(exc, sa.exc.StatementError):
        # a value failed in Python before it reached the database: its message may quote it
        return IpsJobdevError(
            f"a value could not be prepared for the database {place} ({kind}); "
            "run with --debug to see which (it may show personal data)"
        )
    if isinstance(exc, sa.exc.NoSuchModuleError):
        return IpsJobdevError(f"{place}: this kind of database is not supported by ips-jobdev")
    return IpsJobdevError(
        f"database error on {place} ({type(exc).__name__}): {_scrubbed(str(exc))}"
    )
