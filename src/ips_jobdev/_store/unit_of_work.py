"""The unit of work: one transaction, the repositories, and the commit that checks versions.

>>> import ips_jobdev as jobdev
>>> with jobdev.open_store("sqlite://") as uow:          # doctest: +SKIP
...     uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe"))
...     uow.commit()
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ips_jobdev._events import Event, Publisher
from ips_jobdev._model import Program
from ips_jobdev._store import database, history, migrate, programs
from ips_jobdev._store.audit import AuditRepository
from ips_jobdev._store.feed_tokens import FeedTokenRepository
from ips_jobdev._store.mapping import start_mappers
from ips_jobdev._store.repositories import (
    EmployerRepository,
    FitNoteRepository,
    GoalRepository,
    JobSeekerRepository,
    JobStartRepository,
    OpeningRepository,
    PersonRepository,
    SpecialistRepository,
    VisitRepository,
)
from ips_jobdev._store.submissions import SubmissionRepository
from ips_jobdev._store.sync_state import SyncStateRepository
from ips_jobdev._store.users import UserRepository
from ips_jobdev.errors import ConcurrentUpdateError, IpsJobdevError, ValidationError

__all__ = ["Database", "UnitOfWork", "open_store", "set_default_publisher"]

log = logging.getLogger(__name__)

_default_publisher: Publisher | None = None


def set_default_publisher(publisher: Publisher | None) -> None:
    """The publisher units of work use when their database names none (the package sets
    the plugin hooks' one when it is imported)."""
    global _default_publisher
    _default_publisher = publisher


class Database:
    """One database (SQLite file or PostgreSQL) that hands out units of work.

    Make one per process and reuse it (it holds the connection pool); ``url`` defaults to
    ``$IPS_JOBDEV_DB`` or the embedded SQLite file. An empty database gets the schema on
    first use; an out-of-date one raises
    :class:`~ips_jobdev.errors.SchemaOutOfDateError` until ``ips-jobdev db upgrade`` is run.

    ``program`` (a program's code) scopes every unit of work to that program: on
    PostgreSQL the database's row-level security then shows and accepts that program's
    rows only (see :mod:`ips_jobdev._store.programs`).

    Example:
        >>> db = Database("sqlite://")                  # doctest: +SKIP
        >>> with db.unit_of_work() as uow: ...          # doctest: +SKIP
    """

    def __init__(
        self,
        url: str | os.PathLike[str] | None = None,
        *,
        check_schema: bool = True,
        publisher: Publisher | None = None,
        program: str | None = None,
        **engine_options: object,
    ) -> None:
        start_mappers()
        self.publisher = publisher
        self.url = database.resolve_database_url(url)
        self.engine = database.make_engine(self.url, **engine_options)
        if self.url in ("sqlite://", "sqlite:///:memory:"):
            # an in-memory database lives in one connection; keep it for the whole object
            self.engine.dispose()
            self.engine = database.make_engine(self.url, poolclass=sa.pool.StaticPool)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        history.install(self._sessions)
        programs.install(self._sessions)
        self.program = program
        self._schema_checked = False
        if check_schema:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        """Create the schema in an empty database; refuse one at another version."""
        if not self._schema_checked:
            database.check_schema(self.engine)
            self._schema_checked = True

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema up to date; returns the revisions before and after."""
        result = migrate.upgrade(self.engine)
        self._schema_checked = True
        return result

    @property
    def display_url(self) -> str:
        """The URL with its password hidden (for messages and ``--json``)."""
        return self.engine.url.render_as_string(hide_password=True)

    def schema_revision(self) -> str | None:
        """The schema version the database is at (``None``: no schema yet)."""
        return migrate.current_revision(self.engine)

    @staticmethod
    def latest_schema_revision() -> str:
        """The schema version this version of ips-jobdev needs."""
        return migrate.head_revision()

    def unit_of_work(self, *, actor: str | None = None, program: str | None = None) -> UnitOfWork:
        """A new unit of work (use it in a ``with`` block).

        ``actor`` names who makes its changes in the change history (``specialist:ae``,
        ``user:pat``, an application's own label); default ``user:<login name>``.
        ``program`` scopes it to one program (by code; default: the database's
        ``program``): on PostgreSQL it then reads and writes that program's rows only.
        """
        self.ensure_schema()
        return UnitOfWork(
            self._sessions(),
            owner=None,
            publisher=self.publisher,
            actor=actor,
            program=program if program is not None else self.program,
        )

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dispose()


class UnitOfWork:
    """One transaction over the record, with a repository per kind of record.

    Nothing is written until :meth:`commit`; leaving the ``with`` block without committing
    rolls everything back, so a failure half-way leaves the database as it was. Records
    loaded in the block can still be read after it (detached, with the values they had);
    load related records inside the block.

    Use cases record what they changed with :meth:`record_event`; the events go to the
    publisher (the plugin hooks) after a successful :meth:`commit`, never before, and are
    dropped on a rollback.

    Every record the unit of work creates, changes or deletes is written to the change
    history (``uow.history``) in the same transaction, in the name of :attr:`actor`; a
    use case says what it is doing and why with :meth:`explain`.
    """

    def __init__(
        self,
        session: Session,
        owner: Database | None,
        publisher: Publisher | None = None,
        *,
        actor: str | None = None,
        program: str | None = None,
    ) -> None:
        self.session = session
        history.set_actor(session, actor or history.default_actor())
        self._owner = owner
        self._publisher = publisher
        self._events: list[Event] = []
        self.hook_failures: list[object] = []
        """What went wrong telling plugins of committed changes (each also logged)."""
        self.specialists = SpecialistRepository(session)
        self.employers = EmployerRepository(session)
        self.people = PersonRepository(session)
        self.seekers = JobSeekerRepository(session)
        self.visits = VisitRepository(session)
        self.openings = OpeningRepository(session)
        self.fit_notes = FitNoteRepository(session)
        self.job_starts = JobStartRepository(session)
        self.goals = GoalRepository(session)
        self.sync_state = SyncStateRepository(session)
        self.history = history.HistoryRepository(session)
        self.feed_tokens = FeedTokenRepository(session)
        self.submissions = SubmissionRepository(session)
        self.programs = programs.ProgramRepository(session)
        self.audit = AuditRepository(session)
        self.users = UserRepository(session)
        try:
            self._program = programs.enter_scope(session, program)
        except BaseException:
            session.close()
            if owner is not None:
                owner.dispose()
            raise

    @property
    def program(self) -> Program | None:
        """The program this unit of work is scoped to (``None``: not scoped)."""
        return self._program

    @property
    def program_id(self) -> int | None:
        """The id of :attr:`program` (``None``: not scoped)."""
        return programs.scope_of(self.session)

    def program_for_new(self) -> int:
        """The program a new record goes to when nothing else says: the scope's, else the
        only program (made as ``default`` when there is none yet).

        Raises:
            ValidationError: several programs and no scope.
        """
        return programs.program_for_new(self.session)

    @property
    def actor(self) -> str:
        """Who this unit of work's changes are recorded as made by."""
        return history.actor_of(self.session)

    @contextlib.contextmanager
    def explain(self, operation: str, reason: str | None = None) -> Iterator[None]:
        """Within the block, the change history records ``operation`` (``"void visit"``)
        and ``reason`` with every change flushed. Flush inside the block.

        >>> with uow.explain("void visit", "logged twice"):      # doctest: +SKIP
        ...     visit.void("logged twice")
        ...     uow.flush()
        """
        with history.explained(self.session, operation, reason):
            yield

    def annotate(self, record: object, **values: Any) -> None:
        """Add ``values`` to the next change-history row of ``record`` (flush after)."""
        history.annotate(self.session, record, **values)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self._events.clear()
            if exc is not None:
                self.session.rollback()
            # close() ends the transaction (rolling back anything uncommitted) without
            # expiring loaded records, so they stay readable after the block
            self.session.close()
        finally:
            if self._owner is not None:
                self._owner.dispose()

    def flush(self) -> None:
        """Send pending changes (assigning ids) without committing."""
        with _translated_errors(self.session):
            self.session.flush()

    def commit(self) -> None:
        """Write everything in one transaction.

        Raises:
            ConcurrentUpdateError: someone saved one of these records since it was loaded.
            ValidationError: a uniqueness or reference rule of the database was broken.
        """
        with _translated_errors(self.session, self._events):
            self.session.commit()
        history.end_batch(self.session)
        events, self._events = self._events, []
        if events:
            self._publish(events)

    def rollback(self) -> None:
        """Forget every change since the last commit (and the events they recorded)."""
        self._events.clear()
        self.session.rollback()
        history.end_batch(self.session)

    def record_event(self, event: Event) -> None:
        """Remember that ``event`` happened; it is published after the next commit."""
        self._events.append(event)

    @property
    def pending_events(self) -> Sequence[Event]:
        """Events recorded since the last commit (published when it succeeds)."""
        return tuple(self._events)

    def _publish(self, events: Sequence[Event]) -> None:
        publisher = self._publisher or _default_publisher
        if publisher is None:
            return
        try:
            publisher(self, events)
        except Exception as exc:  # a publisher must never undo a committed change
            log.warning("telling plugins of %d change(s) failed: %s", len(events), exc)
            self.hook_failures.append(exc)


class _translated_errors:
    """Turn SQLAlchemy's failures into the library's own errors (and roll back)."""

    def __init__(self, session: Session, events: list[Event] | None = None) -> None:
        self.session = session
        self.events = events

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is None:
            return
        if self.events is not None:
            self.events.clear()
        if isinstance(exc, sa.exc.StatementError) and isinstance(exc.orig, IpsJobdevError):
            # a column type refused a value (a naive datetime): raise our error, not SQLAlchemy's
            self.session.rollback()
            raise exc.orig from exc
        if isinstance(exc, StaleDataError):
            self.session.rollback()
            raise ConcurrentUpdateError(
                "someone else saved this record since you loaded it; nothing was written. "
                f"Reload and try again. ({exc})"
            ) from exc
        if isinstance(exc, IntegrityError):
            self.session.rollback()
            raise ValidationError("database", "constraint", str(exc.orig).splitlines()[0]) from exc
        if isinstance(exc, sa.exc.ProgrammingError) and "row-level security" in str(exc.orig):
            self.session.rollback()
            raise ValidationError(
                "program",
                "program_id",
                "the database's row-level security refused a row of another program: "
                + str(exc.orig).splitlines()[0],
            ) from exc
        if isinstance(exc, sa.exc.OperationalError):
            self.session.rollback()
            raise IpsJobdevError(f"database error: {str(exc.orig).splitlines()[0]}") from exc


def open_store(
    url: str | os.PathLike[str] | None = None,
    *,
    check_schema: bool = True,
    actor: str | None = None,
    program: str | None = None,
) -> UnitOfWork:
    """Open the database and start one unit of work; the engine closes when it ends.

    The short form for scripts::

        with ips_jobdev.open_store("sqlite:///county.sqlite3") as uow:
            uow.employers.add(Employer(name="Example Bakery", zip="53703"))
            uow.commit()

    Long-running programs should keep a :class:`Database` and call
    :meth:`Database.unit_of_work` instead. ``actor`` names who makes the changes in the
    change history (default ``user:<login name>``); ``program`` scopes it to one program.
    """
    db = Database(url, check_schema=check_schema)
    return UnitOfWork(
        db._sessions(), owner=db, publisher=db.publisher, actor=actor, program=program
    )
