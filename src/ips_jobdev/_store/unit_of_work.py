"""The unit of work: one transaction, the repositories, and the commit that checks versions.

>>> import ips_jobdev as jobdev
>>> with jobdev.open_store("sqlite://") as uow:          # doctest: +SKIP
...     uow.specialists.add(jobdev.Specialist(code="jd", name="Jo Doe"))
...     uow.commit()
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, Self, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from ips_jobdev import _publisher
from ips_jobdev._events import Event, EventLog, Publisher
from ips_jobdev._model import Program
from ips_jobdev._store import audit, database, history, migrate, program_notes, programs
from ips_jobdev._store.audit import AuditRepository
from ips_jobdev._store.mapping import keep_status_history, start_mappers
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
from ips_jobdev.errors import ConcurrentUpdateError, IpsJobdevError, ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store.feed_tokens import FeedTokenRepository
    from ips_jobdev._store.submissions import SubmissionRepository
    from ips_jobdev._store.sync_state import SyncStateRepository
    from ips_jobdev._store.users import UserRepository
    from ips_jobdev._store.web_sessions import WebSessionRepository

__all__ = ["Database", "UnitOfWork", "open_store", "reads_unaudited", "set_default_publisher"]

log = logging.getLogger(__name__)

_P = ParamSpec("_P")
_R = TypeVar("_R")


def set_default_publisher(publisher: Publisher | None) -> None:
    """The publisher units of work use when their database names none (the package sets
    the plugin hooks' one when it is imported; ``None``: no publisher)."""
    _publisher.set_default_publisher(publisher)


class Database:
    """One database (SQLite file or PostgreSQL) that hands out units of work.

    Make one per process and reuse it (it holds the connection pool); ``url`` defaults to
    ``$IPS_JOBDEV_DB`` or the embedded SQLite file. With ``create`` (the default) a missing
    SQLite file is made on first use, atomically (a process killed meanwhile leaves no
    file or a working one), and an empty database gets the schema; with ``create=False``
    either raises :class:`~ips_jobdev._store.database.MissingDatabaseError` naming the
    path, so a typo never makes a new empty database. An out-of-date one raises
    :class:`~ips_jobdev.errors.SchemaOutOfDateError` until ``ips-jobdev db upgrade`` is run.

    Failures to reach or read the database are :class:`~ips_jobdev.errors.IpsJobdevError`
    with one line saying what to check; an existing SQLite file readable by others is made
    private (0600), and :attr:`notices` says so.

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
        create: bool = True,
        publisher: Publisher | None = None,
        program: str | None = None,
        **engine_options: object,
    ) -> None:
        start_mappers()
        audit.install_view_listeners()
        self.publisher = publisher
        self.url = database.resolve_database_url(url)
        self.create = create
        self.notices: list[str] = []
        """One-line notes about the database for the user (a file made private)."""
        parsed = database.check_url(self.url)
        self.path = database.sqlite_path(parsed)
        """The SQLite file, or ``None`` (PostgreSQL, in memory)."""
        self._engine_options = dict(engine_options)
        self._engine: sa.Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        self.program = program
        self._schema_checked = False
        if self.path is not None and database.check_sqlite_location(self.path, create=True):
            notice = database.tighten_file_mode(self.path)
            if notice:
                self.notices.append(notice)
        if check_schema:
            self.ensure_schema()

    @property
    def exists(self) -> bool:
        """False while the SQLite file this object names has not been made."""
        return self.path is None or self.path.exists()

    @property
    def engine(self) -> sa.Engine:
        """The engine (made when first needed; for a missing file, only once it exists)."""
        if self._engine is None:
            if not self.exists:
                self._create_file()
            options: dict[str, Any] = dict(self._engine_options)
            if self.url in ("sqlite://", "sqlite:///:memory:"):
                # an in-memory database lives in one connection; keep it for the whole object
                options["poolclass"] = sa.pool.StaticPool
            self._engine = database.make_engine(self.url, **options)
        return self._engine

    def _create_file(self) -> bool:
        """Make the missing SQLite file, schema and all, atomically (False: someone else
        made it meanwhile)."""
        assert self.path is not None
        database.check_sqlite_location(self.path, create=self.create)
        made = database.create_sqlite_file(self.path, database.upgrade)
        self._schema_checked = True
        return made

    def ensure_schema(self) -> None:
        """Create the schema in an empty database (with ``create``); refuse one at another
        version."""
        if not self._schema_checked:
            if not self.exists:
                self._create_file()
                return
            database.check_schema(self.engine, create_if_empty=self.create)
            self._schema_checked = True

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema up to date (making a missing file); returns the revisions
        before and after."""
        if not self.exists:
            self._create_file()
            return None, migrate.head_revision()
        result = database.upgrade(self.engine)
        self._schema_checked = True
        return result

    @property
    def display_url(self) -> str:
        """The URL with its password hidden (for messages and ``--json``)."""
        return database.check_url(self.url).render_as_string(hide_password=True)

    def schema_revision(self) -> str | None:
        """The schema version the database is at (``None``: no schema yet, or no file)."""
        if not self.exists:
            return None
        with database.connection_errors(self.engine):
            return migrate.current_revision(self.engine)

    @staticmethod
    def latest_schema_revision() -> str:
        """The schema version this version of ips-jobdev needs."""
        return migrate.head_revision()

    def unit_of_work(
        self,
        *,
        actor: str | None = None,
        program: str | None = None,
        origin: str | None = None,
        audit_views: bool = True,
    ) -> UnitOfWork:
        """A new unit of work (use it in a ``with`` block).

        ``actor`` names who makes its changes in the change history (``specialist:ae``,
        ``user:pat``, an application's own label); default ``user:<login name>``.
        ``program`` scopes it to one program (by code; default: the database's
        ``program``): on PostgreSQL it then reads and writes that program's rows only.
        ``origin`` says where it works from in the audit trail (default ``api``; the
        command line says ``cli``, the web app ``web <address>``). Every job seeker it
        loads is recorded as viewed by ``actor`` from ``origin``; ``audit_views=False``
        is for a face that records each page it shows itself (the web app).
        """
        self.ensure_schema()
        return UnitOfWork(
            self._session(),
            owner=None,
            publisher=self.publisher,
            actor=actor,
            program=program if program is not None else self.program,
            origin=origin,
            audit_views=audit_views,
        )

    def _session(self) -> Session:
        if self._sessions is None:
            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
            history.install(self._sessions)
            programs.install(self._sessions)
            program_notes.install(self._sessions)
            audit.install_session_listeners(self._sessions)
            event.listen(self._sessions, "before_flush", keep_status_history)
        return self._sessions()

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()

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

    Every job seeker it loads (by ``uow.seekers``, or through their fit notes and job
    starts) is a ``view`` in the audit trail, by :attr:`actor` from :attr:`origin`, once
    per job seeker: written with the next :meth:`commit`, or, if it ends without one, in
    a short transaction of its own as it closes (a rollback does not undo a view). Bulk
    work that shows no one's record (plans, reports, exports, imports) loads inside
    :meth:`views_unaudited`.
    """

    def __init__(
        self,
        session: Session,
        owner: Database | None,
        publisher: Publisher | None = None,
        *,
        actor: str | None = None,
        program: str | None = None,
        origin: str | None = None,
        audit_views: bool = True,
    ) -> None:
        self.session = session
        history.set_actor(session, actor or history.default_actor())
        audit.watch_views(session, origin=origin, enabled=audit_views)
        self._owner = owner
        self._publisher = publisher
        self._events = EventLog()
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
        self.history = history.HistoryRepository(session)
        self.programs = programs.ProgramRepository(session)
        self.audit = AuditRepository(session)
        try:
            self._program = programs.enter_scope(session, program)
        except BaseException:
            session.close()
            if owner is not None:
                owner.dispose()
            raise

    # the repositories only exports, feeds, the web app and its accounts use are made (and
    # their modules imported) on first use: a command that reads a due list needs none
    @functools.cached_property
    def sync_state(self) -> SyncStateRepository:
        """What each export target was last sent (the sync state of every record)."""
        from ips_jobdev._store.sync_state import SyncStateRepository

        return SyncStateRepository(self.session)

    @functools.cached_property
    def feed_tokens(self) -> FeedTokenRepository:
        """The calendar feeds' secret tokens."""
        from ips_jobdev._store.feed_tokens import FeedTokenRepository

        return FeedTokenRepository(self.session)

    @functools.cached_property
    def submissions(self) -> SubmissionRepository:
        """Submissions from browsers, by the id each browser made for one (a visit sent
        twice offline is found, not added again)."""
        from ips_jobdev._store.submissions import SubmissionRepository

        return SubmissionRepository(self.session)

    @functools.cached_property
    def users(self) -> UserRepository:
        """The shared web app's accounts."""
        from ips_jobdev._store.users import UserRepository

        return UserRepository(self.session)

    @functools.cached_property
    def web_sessions(self) -> WebSessionRepository:
        """The web app's signed-in sessions."""
        from ips_jobdev._store.web_sessions import WebSessionRepository

        return WebSessionRepository(self.session)

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

    @property
    def origin(self) -> str:
        """Where this unit of work works from, for the audit trail (``api``, ``cli``,
        ``web 192.0.2.7``)."""
        return audit.origin_of(self.session)

    def views_unaudited(self) -> contextlib.AbstractContextManager[None]:
        """Within the block, loading a job seeker is not recorded as a view: for bulk work
        that shows no one's record, or that is audited as a whole (an export). Blocks nest.

        >>> with uow.views_unaudited():                       # doctest: +SKIP
        ...     plan = build_plan(uow)
        """
        return audit.views_unaudited(self.session)

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
                with contextlib.suppress(sa.exc.SQLAlchemyError):
                    self.session.rollback()
            # close() ends the transaction (rolling back anything uncommitted) without
            # expiring loaded records, so they stay readable after the block
            self.session.close()
            self._write_views_alone(failing=exc is not None)
        finally:
            if self._owner is not None:
                self._owner.dispose()
        if isinstance(exc, sa.exc.SQLAlchemyError) and not isinstance(exc, IpsJobdevError):
            # a statement in the block failed: our one-line error, never its parameters
            raise _describe(self.session, exc) from exc

    def _write_views_alone(self, *, failing: bool) -> None:
        """Write the views not yet committed in a transaction of their own (the unit of
        work ended without committing them). While another error is on its way out, a
        failure here is logged, not raised over it."""
        views = audit.pending_views(self.session)
        if not views:
            return
        try:
            try:
                audit.write_views(self.session, views)
                self.session.commit()
            finally:
                self.session.close()
        except sa.exc.SQLAlchemyError as error:
            if not failing:
                raise _describe(self.session, error) from error
            log.warning("recording %d view(s) in the audit trail failed: %s", len(views), error)
            return
        audit.views_written(self.session, views)

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
        views = audit.pending_views(self.session)
        with _translated_errors(self.session, self._events):
            audit.write_views(self.session, views)
            self.session.commit()
        audit.views_written(self.session, views)
        history.end_batch(self.session)
        events, self._events = self._events, EventLog()
        if events:
            self._publish(events)

    def rollback(self) -> None:
        """Forget every change since the last commit (and the events they recorded); the
        views of job seekers loaded meanwhile stay, to be written with the next commit or
        as the unit of work closes."""
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
        publisher = self._publisher or _publisher.default_publisher()
        if publisher is None:
            return
        try:
            publisher(self, events)
        except Exception as exc:  # a publisher must never undo a committed change
            log.warning("telling plugins of %d change(s) failed: %s", len(events), exc)
            self.hook_failures.append(exc)


class _translated_errors:
    """Turn SQLAlchemy's failures into the library's own errors (and roll back).

    Every SQLAlchemy and driver error becomes one of ours, with a one-line message that
    never holds the statement's parameters (:func:`~ips_jobdev._store.database.describe_error`).
    """

    def __init__(self, session: Session, events: EventLog | None = None) -> None:
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
        if isinstance(exc, StaleDataError):
            self.session.rollback()
            raise ConcurrentUpdateError(
                "someone else saved this record since you loaded it; nothing was written. "
                "Reload and try again."
            ) from exc
        if not isinstance(exc, sa.exc.SQLAlchemyError):
            return
        with contextlib.suppress(sa.exc.SQLAlchemyError):
            self.session.rollback()
        if isinstance(exc, sa.exc.ProgrammingError) and "row-level security" in str(exc.orig):
            raise ValidationError(
                "program",
                "program_id",
                "the database's row-level security refused a row of another program",
            ) from exc
        if isinstance(exc, sa.exc.DBAPIError) and not isinstance(
            exc, sa.exc.IntegrityError | sa.exc.OperationalError
        ):
            # any other refusal (a DataError: a NUL byte, a number out of range...): its
            # text and SQLAlchemy's quote the values sent, which may be a job seeker's
            raise ValidationError("database", "value", refusal(exc.orig)) from exc
        raise _describe(self.session, exc) from exc


def _describe(session: Session, exc: BaseException) -> IpsJobdevError:
    """:func:`~ips_jobdev._store.database.describe_error`, naming the session's database."""
    bind = session.bind
    place = database.where(bind) if isinstance(bind, sa.Engine) else None
    return database.describe_error(exc, place)


def refusal(error: BaseException | None) -> str:
    """What the database refused, without any value that was sent: the kind of error and
    its SQLSTATE code (the driver's own text often quotes the value)."""
    kind = type(error).__name__ if error is not None else "error"
    code = getattr(error, "sqlstate", None) or getattr(error, "sqlite_errorname", None)
    return f"the database refused a value ({kind}{f', {code}' if code else ''})"


def open_store(
    url: str | os.PathLike[str] | None = None,
    *,
    check_schema: bool = True,
    actor: str | None = None,
    program: str | None = None,
    origin: str | None = None,
) -> UnitOfWork:
    """Open the database and start one unit of work; the engine closes when it ends.

    The short form for scripts::

        with ips_jobdev.open_store("sqlite:///county.sqlite3") as uow:
            uow.employers.add(Employer(name="Example Bakery", zip="53703"))
            uow.commit()

    Long-running programs should keep a :class:`Database` and call
    :meth:`Database.unit_of_work` instead. ``actor`` names who makes the changes in the
    change history (default ``user:<login name>``); ``program`` scopes it to one program;
    ``origin`` names where its views of job seekers come from in the audit trail (default
    ``api``).
    """
    db = Database(url, check_schema=check_schema)
    return UnitOfWork(
        db._session(),
        owner=db,
        publisher=db.publisher,
        actor=actor,
        program=program,
        origin=origin,
    )


def reads_unaudited(
    use_case: Callable[Concatenate[UnitOfWork, _P], _R],
) -> Callable[Concatenate[UnitOfWork, _P], _R]:
    """Run ``use_case(uow, ...)`` inside :meth:`UnitOfWork.views_unaudited`: for a use case
    that reads job seekers in bulk and shows no one's record (a plan, a report, an import),
    or that is audited as a whole (an export)."""

    @functools.wraps(use_case)
    def unaudited(*args: Any, **kwargs: Any) -> _R:
        # the unit of work is the first argument, or passed by name
        uow: UnitOfWork = args[0] if args else kwargs["uow"]
        with uow.views_unaudited():
            return use_case(*args, **kwargs)

    return unaudited
