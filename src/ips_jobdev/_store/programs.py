"""Programs in the store: the repository, a unit of work's program scope, and the program
each new record goes to.

A unit of work may be *scoped* to one program (``Database(url, program="dane")``). On
PostgreSQL the scope is the setting ``ips_jobdev.program``, set at the start of every
transaction with ``set_config(..., true)`` (local to the transaction, so it is safe behind
PgBouncer's transaction pooling); the row-level security policies read it, so a scoped unit
of work reads and writes that program's rows only, whatever query runs.

A new program-owned record (specialist, job seeker, visit, fit note, job, goal) gets its
``program_id`` when it is flushed, unless it has one: the scope's program, else its
specialist's or job seeker's program, else the record's only program (made, as
``default``, when there is none yet). A record with several programs and no scope refuses
to guess.

SQLite keeps one program: a second one is refused, since nothing in SQLite could keep two
programs' rows apart.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from ips_jobdev import _model as model
from ips_jobdev._store import tables
from ips_jobdev._store.repositories import Repository
from ips_jobdev.errors import IpsJobdevError, NotFoundError, ValidationError

__all__ = [
    "DEFAULT_CODE",
    "DEFAULT_NAME",
    "SETTING",
    "ProgramRepository",
    "RoleGrant",
    "enter_scope",
    "fill_programs",
    "grant_role",
    "granted_program",
    "install",
    "program_for_new",
    "revoke_role",
    "scope_of",
]

SETTING = "ips_jobdev.program"
"""The PostgreSQL setting holding the id of the program a transaction is scoped to."""

DEFAULT_CODE = "default"
DEFAULT_NAME = "Default program"

_SCOPE = "ips_jobdev.programs.scope"
_FALLBACK = "ips_jobdev.programs.fallback"

_OWNED: tuple[type, ...] = (
    model.Specialist,
    model.JobSeeker,
    model.Visit,
    model.JobFitNote,
    model.JobStart,
    model.ProgramGoal,
)


class ProgramRepository(Repository[model.Program]):
    """The programs sharing the record, looked up by their code."""

    model_class = model.Program
    record_name = "program"

    def add(self, record: model.Program) -> model.Program:
        """Stage a new program; SQLite refuses a second one (it cannot keep them apart)."""
        if _dialect(self.session) == "sqlite":
            existing = [p.code for p in self.list()]
            existing += [p.code for p in self.session.new if isinstance(p, model.Program)]
            if existing:
                raise ValidationError(
                    "program",
                    "code",
                    f"a SQLite record holds one program ({existing[0]!r}); programs that share "
                    "a record need PostgreSQL, whose row-level security keeps each program's "
                    "rows apart (rename the one program with `ips-jobdev programs edit`)",
                )
        return super().add(record)

    def find_by_code(self, code: str) -> model.Program | None:
        """The program with this code (case-insensitive), or ``None``."""
        statement = sa.select(model.Program).where(
            sa.func.lower(tables.programs.c.code) == code.strip().lower()
        )
        return self.session.scalars(statement).first()

    def by_code(self, code: str) -> model.Program:
        """The program with this code, or :class:`NotFoundError`."""
        found = self.find_by_code(code)
        if found is None:
            raise NotFoundError(self.record_name, code)
        return found

    def list(self, *, limit: int | None = None, offset: int = 0) -> Sequence[model.Program]:
        """All programs, by code."""
        statement = sa.select(model.Program).order_by(tables.programs.c.code).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement).all()

    def grant_role(
        self,
        program: model.Program,
        role: str,
        *,
        password: str | None = None,
        write: bool = False,
    ) -> RoleGrant:
        """Let the PostgreSQL role ``role`` see ``program``'s rows only (see
        :func:`grant_role`)."""
        return grant_role(self.session, program, role, password=password, write=write)

    def revoke_role(self, role: str, *, drop: bool = False) -> bool:
        """Take back a role's grant (see :func:`revoke_role`)."""
        return revoke_role(self.session, role, drop=drop)

    def granted_roles(self) -> Sequence[tuple[str, int, bool]]:
        """(role, program id, can write) of every role granted to a program."""
        c = tables.program_roles.c
        statement = sa.select(c.role_name, c.program_id, c.can_write).order_by(c.role_name)
        return [(r.role_name, r.program_id, r.can_write) for r in self.session.execute(statement)]

    def current_id(self) -> int | None:
        """The program this unit of work works in, without making one: the scope's, else
        the connected role's (a role granted to a program), else the only program."""
        scope = scope_of(self.session)
        if scope is not None:
            return scope
        granted = granted_program(self.session)
        if granted is not None:
            return granted
        ids = self.session.scalars(sa.select(tables.programs.c.id).limit(2)).all()
        return int(ids[0]) if len(ids) == 1 else None

    def counts(self) -> dict[int, dict[str, int]]:
        """Per program id, how many specialists and job seekers this unit of work can see."""
        out: dict[int, dict[str, int]] = {}
        for name, table in (("specialists", tables.specialists), ("seekers", tables.job_seekers)):
            statement = sa.select(table.c.program_id, sa.func.count()).group_by(table.c.program_id)
            for program_id, count in self.session.execute(statement):
                out.setdefault(program_id, {})[name] = count
        return out


def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return bind.dialect.name


# -- the scope -------------------------------------------------------------------------------


def scope_of(session: Session) -> int | None:
    """The id of the program ``session`` is scoped to, or ``None``."""
    scope = session.info.get(_SCOPE)
    return int(scope) if scope is not None else None


def enter_scope(session: Session, code: str | None) -> model.Program | None:
    """Scope ``session`` to the program with ``code`` (``None``: no scope); the program."""
    session.info.pop(_SCOPE, None)
    if code is None:
        return None
    program = ProgramRepository(session).by_code(code)
    session.info[_SCOPE] = program.id
    _apply_setting(session, session.connection())
    return program


def _apply_setting(session: Session, connection: sa.Connection) -> None:
    scope = session.info.get(_SCOPE)
    if scope is not None and connection.dialect.name == "postgresql":
        connection.execute(sa.select(sa.func.set_config(SETTING, str(scope), True)))


def _after_begin(session: Session, transaction: Any, connection: sa.Connection) -> None:
    _apply_setting(session, connection)


# -- the program of a new record ---------------------------------------------------------------


def program_for_new(session: Session, record: str = "record") -> int:
    """The program a new record goes to when nothing else says: the scope's, else the
    record's only program (made as ``default`` when there is none).

    Raises:
        ValidationError: the record holds several programs and nothing says which.
    """
    scope = scope_of(session)
    if scope is not None:
        return scope
    cached = session.info.get(_FALLBACK)
    if cached is not None:
        return int(cached)
    granted = granted_program(session)
    if granted is not None:
        session.info[_FALLBACK] = granted
        return granted
    connection = session.connection()
    rows = connection.execute(
        sa.select(tables.programs.c.id, tables.programs.c.code).order_by(tables.programs.c.code)
    ).all()
    if len(rows) > 1:
        codes = ", ".join(code for _, code in rows)
        raise ValidationError(
            record,
            "program",
            f"this record holds several programs ({codes}); say which one "
            "(--program CODE, or Database(url, program=CODE))",
        )
    if rows:
        program_id = int(rows[0].id)
    else:
        program_id = connection.execute(
            sa.insert(tables.programs)
            .values(code=DEFAULT_CODE, name=DEFAULT_NAME, version=1, created_at=model.utc_now())
            .returning(tables.programs.c.id)
        ).scalar_one()
    session.info[_FALLBACK] = program_id
    return program_id


def _parent_program(session: Session, record: Any) -> int | None:
    parent: Any = None
    with session.no_autoflush:
        if isinstance(record, model.JobSeeker | model.Visit) and record.specialist_id is not None:
            parent = session.get(model.Specialist, record.specialist_id)
        elif isinstance(record, model.JobFitNote | model.JobStart):
            parent = session.get(model.JobSeeker, record.seeker_id)
    return getattr(parent, "program_id", None)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for record in session.new:
        if isinstance(record, _OWNED) and getattr(record, "program_id", None) is None:
            scope = scope_of(session)
            program_id = scope if scope is not None else _parent_program(session, record)
            if program_id is None:
                program_id = program_for_new(session, type(record).__name__)
            record.program_id = program_id  # type: ignore[attr-defined]


def _forget_fallback(session: Session) -> None:
    # looked up once per transaction: another may add a program (or roll back the default)
    session.info.pop(_FALLBACK, None)


def fill_programs(
    session: Session, table: sa.Table, rows: Sequence[MutableMapping[str, Any]]
) -> None:
    """Give rows of a bulk insert into a program-owned ``table`` their ``program_id``
    (the same rule as for records flushed one by one)."""
    if "program_id" not in table.c:
        return
    missing = [row for row in rows if row.get("program_id") is None]
    if not missing:
        return
    scope = scope_of(session)
    by_specialist: Mapping[int, int] = {}
    if scope is None and "specialist_id" in table.c:
        c = tables.specialists.c
        found = session.connection().execute(sa.select(c.id, c.program_id))
        by_specialist = {row.id: row.program_id for row in found}
    for row in missing:
        program_id = scope
        if program_id is None and row.get("specialist_id") is not None:
            program_id = by_specialist.get(row["specialist_id"])
        row["program_id"] = program_id if program_id is not None else program_for_new(session)


def install(sessions: sessionmaker[Session]) -> None:
    """Programs for every session ``sessions`` makes: the scope's setting at each
    transaction's start, and the program of each new record (call once per session maker).

    No ``event.contains`` guard: SQLAlchemy's registry can answer True for a new session
    maker whose class reuses the id of a collected one, and the listeners would be lost.
    """
    for name, listener in (
        ("after_begin", _after_begin),
        ("before_flush", _before_flush),
        ("after_commit", _forget_fallback),
        ("after_rollback", _forget_fallback),
    ):
        event.listen(sessions, name, listener)


# -- database roles for one program (PostgreSQL) ----------------------------------------------

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_READ_ONLY = ("programs", "program_roles", "alembic_version")
_NEVER_GRANTED = frozenset({"users", "web_sessions"})
"""Tables a program's role gets no privilege on at all: the web app's accounts (password
hashes of every program) and its signed-in sessions (row-level security hides the rows
too, but the role must not even be able to name the tables in a query)."""
_APPEND_ONLY = ("change_history", "audit_events")


@attrs.frozen
class RoleGrant:
    """A PostgreSQL role granted to one program."""

    role: str
    program_code: str
    created: bool
    can_write: bool
    login: bool


def _require_postgresql(session: Session, what: str) -> sa.Connection:
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        raise IpsJobdevError(
            f"{what} needs PostgreSQL: a SQLite record holds one program and has no database "
            "roles or row-level security (its file's permissions guard it)"
        )
    return connection


def _quoted(connection: sa.Connection, template: str, *values: str) -> str:
    """A statement with identifiers and literals quoted by PostgreSQL's own ``format``."""
    placeholders = ", ".join(f"CAST(:v{i} AS text)" for i in range(len(values)))
    statement = sa.text(f"SELECT format(:template, {placeholders})")
    params = {"template": template, **{f"v{i}": v for i, v in enumerate(values)}}
    return str(connection.execute(statement, params).scalar_one())


def _checked_role(
    connection: sa.Connection, program: model.Program, role: str
) -> tuple[bool, int | None]:
    """Whether the role exists and which program it is granted (refusing the unsafe)."""
    if not _ROLE_NAME.match(role):
        raise ValidationError(
            "role", "name", f"{role!r} is not a role name (lower-case letters, digits, '_')"
        )
    found = connection.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    exists = found.first() is not None
    if (
        exists
        and connection.execute(
            sa.text("SELECT pg_has_role(:r, current_user, 'MEMBER')"), {"r": role}
        ).scalar_one()
    ):
        raise ValidationError(
            "role",
            "name",
            f"{role!r} is (a member of) the role owning the tables, which sees every "
            "program; choose a role of its own",
        )
    granted = connection.execute(
        sa.select(tables.program_roles.c.program_id).where(tables.program_roles.c.role_name == role)
    ).scalar_one_or_none()
    if granted is not None and granted != program.id:
        raise ValidationError(
            "role", "name", f"{role!r} is granted to another program; revoke it first"
        )
    return exists, granted


def _make_role(connection: sa.Connection, role: str, exists: bool, password: str | None) -> None:
    if not exists:
        template = "CREATE ROLE %I" if password is None else "CREATE ROLE %I LOGIN PASSWORD %L"
    elif password is not None:
        template = "ALTER ROLE %I LOGIN PASSWORD %L"
    else:
        return
    values = (role,) if password is None else (role, password)
    connection.exec_driver_sql(_quoted(connection, template, *values))


def _privileges(name: str, write: bool) -> str:
    if name == "audit_events":
        return "SELECT, INSERT"  # a read-only role's views are audited too
    if write and name in _APPEND_ONLY:
        return "SELECT, INSERT"
    if write and name not in _READ_ONLY:
        return "SELECT, INSERT, UPDATE, DELETE"
    return "SELECT"


def _grant_tables(connection: sa.Connection, role: str, write: bool) -> None:
    schema = str(connection.execute(sa.text("SELECT current_schema()")).scalar_one())
    connection.exec_driver_sql(_quoted(connection, "GRANT USAGE ON SCHEMA %I TO %I", schema, role))
    present = set(sa.inspect(connection).get_table_names())
    for name in [t.name for t in tables.metadata.sorted_tables] + ["alembic_version"]:
        if name in _NEVER_GRANTED:
            # a role granted before this rule may hold one: take it back
            template = "REVOKE ALL ON TABLE %I.%I FROM %I"
            if name in present:
                connection.exec_driver_sql(_quoted(connection, template, schema, name, role))
            continue
        if name in present:
            template = f"GRANT {_privileges(name, write)} ON TABLE %I.%I TO %I"
            connection.exec_driver_sql(_quoted(connection, template, schema, name, role))
    if write:
        template = "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO %I"
        connection.exec_driver_sql(_quoted(connection, template, schema, role))
        for name in sorted(_NEVER_GRANTED & present):
            if "id" not in tables.metadata.tables[name].c:
                continue  # keyed by something else (web_sessions): no sequence
            sequence = connection.execute(
                sa.text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": name}
            ).scalar_one_or_none()
            if sequence:
                connection.exec_driver_sql(
                    _quoted(connection, "REVOKE ALL ON SEQUENCE %s FROM %I", sequence, role)
                )
        return
    sequence = connection.execute(
        sa.text("SELECT pg_get_serial_sequence('audit_events', 'id')")
    ).scalar_one_or_none()
    if sequence:
        connection.exec_driver_sql(
            _quoted(connection, "GRANT USAGE ON SEQUENCE %s TO %I", sequence, role)
        )


def grant_role(
    session: Session,
    program: model.Program,
    role: str,
    *,
    password: str | None = None,
    write: bool = False,
) -> RoleGrant:
    """Make (or reuse) the PostgreSQL role ``role`` and let it see ``program``'s rows only:
    read access to the schema's tables except ``users`` (row-level security filters them;
    it may add to the audit trail), and with ``write`` the right to change its program's
    rows; ``password`` makes it a login role. It gets no privilege on ``users`` at all.

    Raises:
        ValidationError: the role name is not a plain lower-case name, the role is the
            owner of the tables (or a member of it), or it is granted to another program.
        IpsJobdevError: the database is SQLite.
    """
    connection = _require_postgresql(session, "grant-program")
    exists, granted = _checked_role(connection, program, role)
    _make_role(connection, role, exists, password)
    _grant_tables(connection, role, write)
    now = model.utc_now()
    if granted is None:
        connection.execute(
            sa.insert(tables.program_roles).values(
                role_name=role, program_id=program.id, granted_at=now, can_write=write
            )
        )
    else:
        connection.execute(
            sa.update(tables.program_roles)
            .where(tables.program_roles.c.role_name == role)
            .values(granted_at=now, can_write=write)
        )
    return RoleGrant(
        role=role,
        program_code=program.code,
        created=not exists,
        can_write=write,
        login=password is not None,
    )


def revoke_role(session: Session, role: str, *, drop: bool = False) -> bool:
    """Take back what :func:`grant_role` gave ``role`` in this schema (and with ``drop``,
    drop the role: PostgreSQL refuses while it holds privileges elsewhere); whether it was
    granted.

    Raises:
        IpsJobdevError: the database is SQLite.
    """
    connection = _require_postgresql(session, "revoke-program")
    deleted = connection.execute(
        sa.delete(tables.program_roles).where(tables.program_roles.c.role_name == role)
    ).rowcount
    exists = connection.execute(
        sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).first()
    if exists is not None:
        schema = str(connection.execute(sa.text("SELECT current_schema()")).scalar_one())
        for statement in (
            "REVOKE ALL ON ALL TABLES IN SCHEMA %I FROM %I",
            "REVOKE ALL ON ALL SEQUENCES IN SCHEMA %I FROM %I",
            "REVOKE ALL ON SCHEMA %I FROM %I",
        ):
            connection.exec_driver_sql(_quoted(connection, statement, schema, role))
        if drop:
            connection.exec_driver_sql(_quoted(connection, "DROP ROLE %I", role))
    return bool(deleted)


def granted_program(session: Session) -> int | None:
    """The program the connected PostgreSQL role is granted to (``None``: none, or SQLite)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return None
    found = connection.execute(
        sa.select(tables.program_roles.c.program_id).where(
            tables.program_roles.c.role_name == sa.func.current_user()
        )
    ).scalar_one_or_none()
    return int(found) if found is not None else None
