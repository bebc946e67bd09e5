"""The audit trail in the store: append a row, read rows back. Nothing here (or anywhere
in the library) updates or deletes one, and the database refuses both (a trigger).

Views through the Python API are recorded here too, without any use case or script asking:
an ORM ``load``/``refresh`` listener on the job seeker mapping (and on fit notes and job
starts, which count as a view of their job seeker) notes each job seeker a unit of work
loads, at most once per unit of work, in ``session.info``. The unit of work writes the
noted views (one ``view`` row per job seeker, one bulk insert) in the transaction of its
next :meth:`~ips_jobdev.UnitOfWork.commit`, or, when it ends without committing (a
read-only script never commits), in a short transaction of its own. A rollback of the
caller's changes keeps them noted: a view happened whether or not the changes were kept.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from ips_jobdev import _model as model
from ips_jobdev._store import history, tables
from ips_jobdev._store.batching import chunks

__all__ = [
    "API_ORIGIN",
    "AuditRepository",
    "AuditRow",
    "install_session_listeners",
    "install_view_listeners",
    "origin_of",
    "pending_views",
    "views_unaudited",
    "views_written",
    "watch_views",
    "write_views",
]

API_ORIGIN = "api"
"""The origin of a unit of work whose caller names none: a script using the Python API."""

_VIEWS = "ips_jobdev.audit.views"
_VIEW = "view"
_SEEKER = "job-seeker"


@attrs.define(slots=True)
class _Views:
    """What one unit of work has viewed: job seeker id -> when first loaded."""

    origin: str
    enabled: bool
    suspended: int = 0
    pending: dict[int, dt.datetime] = attrs.Factory(dict)
    recorded: set[int] = attrs.Factory(set)
    # the rows of one query are loaded at one moment: one clock reading per query
    query: object = None
    query_at: dt.datetime | None = None


def watch_views(session: Session, *, origin: str | None, enabled: bool = True) -> None:
    """Note every job seeker ``session`` loads as a view from ``origin`` (``enabled=False``:
    the caller records what it shows itself, as the web app does)."""
    text = " ".join((origin or "").split())[:200]
    session.info[_VIEWS] = _Views(origin=text or API_ORIGIN, enabled=enabled)


def origin_of(session: Session) -> str:
    """Where the session's unit of work works from (``api``, ``cli``, ``web 192.0.2.7``)."""
    views: _Views | None = session.info.get(_VIEWS)
    return views.origin if views is not None else API_ORIGIN


_WITHIN_UNAUDITED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "ips_jobdev_within_unaudited", default=False
)
"""Set while a use case reads unaudited: a unit of work opened meanwhile in the same context
(by an adapter during an export, in the export's thread or in the thread it hands batches
to) is part of that work, and its loads are not views either. Without this an adapter that
reads the store would write views on SQLite while the export holds the write lock."""


@contextlib.contextmanager
def views_unaudited(session: Session) -> Iterator[None]:
    """Within the block, loading a job seeker is not noted as a view (blocks nest), in this
    unit of work and in any other opened within the same context."""
    token = _WITHIN_UNAUDITED.set(True)
    views: _Views | None = session.info.get(_VIEWS)
    try:
        if views is None:
            yield
            return
        views.suspended += 1
        try:
            yield
        finally:
            views.suspended -= 1
    finally:
        _WITHIN_UNAUDITED.reset(token)


def _note(session: Session | None, seeker_id: int | None, query: object) -> None:
    if session is None or seeker_id is None:
        return
    views: _Views | None = session.info.get(_VIEWS)
    if views is None or not views.enabled or views.suspended or _WITHIN_UNAUDITED.get():
        return
    if seeker_id in views.recorded or seeker_id in views.pending:
        return
    # the listeners of a flush (programs, history) load records to write, not to show
    if getattr(session, "_flushing", False):
        return
    if query is not views.query or views.query_at is None:
        views.query, views.query_at = query, model.utc_now()
    views.pending[seeker_id] = views.query_at


def _loaded(target: Any, context: Any, *_attrs: Any) -> None:
    seeker_id = target.id if isinstance(target, model.JobSeeker) else target.seeker_id
    _note(context.session, seeker_id, context)


def _created(session: Session, instance: object) -> None:
    # a job seeker this unit of work added is in the change history; reading it back (which
    # SQLAlchemy reports as its first load) is no view of someone else's record
    if isinstance(instance, model.JobSeeker) and instance.id is not None:
        views: _Views | None = session.info.get(_VIEWS)
        if views is not None:
            views.pending.pop(instance.id, None)
            views.recorded.add(instance.id)


def install_session_listeners(sessions: sessionmaker[Session]) -> None:
    """Job seekers a session adds are no views (call once per session maker)."""
    event.listen(sessions, "pending_to_persistent", _created)


_installed = False
_install_lock = threading.Lock()


def install_view_listeners() -> None:
    """Listen to loads of job seekers, fit notes and job starts (once per process; the
    model must be mapped)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        for cls in (model.JobSeeker, model.JobFitNote, model.JobStart):
            event.listen(cls, "load", _loaded)
            event.listen(cls, "refresh", _loaded)
        _installed = True


def pending_views(session: Session) -> dict[int, dt.datetime]:
    """The views noted and not yet written: job seeker id -> when."""
    views: _Views | None = session.info.get(_VIEWS)
    return dict(views.pending) if views is not None else {}


def write_views(session: Session, pending: Mapping[int, dt.datetime]) -> None:
    """Append a ``view`` row per job seeker in ``pending`` (:func:`pending_views`), in the
    session's transaction, with the job seeker's program.

    One ``INSERT ... SELECT`` from ``job_seekers`` per moment and chunk of 500 ids: the
    database fills in each row's program, and no row is built in Python (4,000 views cost
    a few statements, not 4,000 rows of parameters).
    """
    if not pending:
        return
    views: _Views | None = session.info.get(_VIEWS)
    origin = views.origin if views is not None else API_ORIGIN
    actor = history.actor_of(session)
    by_moment: dict[dt.datetime, list[int]] = {}
    for seeker_id, at in pending.items():
        by_moment.setdefault(at, []).append(seeker_id)
    s = tables.job_seekers.c
    at_type = tables.audit_events.c.at.type
    connection = session.connection()
    for at, ids in sorted(by_moment.items()):
        for chunk in chunks(ids):
            connection.execute(
                sa.insert(tables.audit_events).from_select(
                    ["at", "actor", "action", "record_kind", "record_id", "program_id", "origin"],
                    sa.select(
                        sa.literal(at, at_type),
                        sa.literal(" ".join(actor.split())[:200] or "unknown"),
                        sa.literal(_VIEW),
                        sa.literal(_SEEKER),
                        s.id,
                        s.program_id,
                        sa.literal(origin),
                    ).where(s.id.in_(chunk)),
                )
            )


def views_written(session: Session, pending: Mapping[int, dt.datetime]) -> None:
    """The views in ``pending`` are committed: never write them again in this unit of work."""
    views: _Views | None = session.info.get(_VIEWS)
    if views is None:
        return
    for seeker_id in pending:
        views.pending.pop(seeker_id, None)
        views.recorded.add(seeker_id)


def _recorded_explicitly(session: Session, seeker_id: int) -> None:
    views: _Views | None = session.info.get(_VIEWS)
    if views is not None:
        views.pending.pop(seeker_id, None)
        views.recorded.add(seeker_id)


_a = tables.audit_events.c
_h = tables.change_history.c


@attrs.frozen(slots=True)
class AuditRow:
    """One event of the audit trail (a view, an export, a grant, or a change)."""

    at: dt.datetime
    actor: str
    action: str
    kind: str
    record_id: int | None
    program_id: int | None
    origin: str | None
    detail: Mapping[str, Any] | None


class AuditRepository:
    """``uow.audit``: append audit events and read the trail (views, exports, grants, and
    the change history's changes)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def append(
        self,
        *,
        actor: str,
        action: str,
        kind: str,
        record_id: int | None,
        program_id: int | None,
        origin: str | None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Add one event (written with the unit of work's transaction). A view of a job
        seeker this way is the unit of work's view of them: loading them is not noted again."""
        if action == _VIEW and kind == _SEEKER and record_id is not None:
            _recorded_explicitly(self.session, record_id)
        self.session.connection().execute(
            sa.insert(tables.audit_events).values(
                at=model.utc_now(),
                actor=" ".join(actor.split())[:200] or "unknown",
                action=action,
                record_kind=kind,
                record_id=record_id,
                program_id=program_id,
                origin=(origin or None) and origin[:200],
                detail=dict(detail) if detail else None,
            )
        )

    def events(
        self,
        *,
        program_id: int | None,
        since: dt.datetime,
        until: dt.datetime,
        records: Collection[tuple[str, int]] | None = None,
    ) -> Sequence[AuditRow]:
        """Audit events and changes between ``since`` and ``until`` (of program
        ``program_id`` when given; of these (kind, id) records when given), oldest first."""
        events = sa.select(
            _a.at,
            _a.actor,
            _a.action,
            _a.record_kind,
            _a.record_id,
            _a.program_id,
            _a.origin,
            _a.detail,
        ).where(_a.at >= since, _a.at < until)
        changes = sa.select(
            _h.changed_at,
            _h.actor,
            _h.action,
            _h.record_kind,
            _h.record_id,
            _h.program_id,
            _h.operation,
            _h.reason,
        ).where(_h.changed_at >= since, _h.changed_at < until)
        if program_id is not None:
            events = events.where(_a.program_id == program_id)
            changes = changes.where(_h.program_id == program_id)
        if records is not None:
            wanted = sorted(records)
            if not wanted:
                return []
            events = events.where(sa.tuple_(_a.record_kind, _a.record_id).in_(wanted))
            changes = changes.where(sa.tuple_(_h.record_kind, _h.record_id).in_(wanted))
        found = [AuditRow(*row) for row in self.session.execute(events)]
        for row in self.session.execute(changes):
            found.append(
                AuditRow(
                    at=row.changed_at,
                    actor=row.actor,
                    action=f"change:{row.action}",
                    kind=row.record_kind,
                    record_id=row.record_id,
                    program_id=row.program_id,
                    origin=None,
                    detail={"operation": row.operation, "reason": row.reason},
                )
            )
        return sorted(found, key=lambda r: (r.at, r.kind, r.record_id or 0))
