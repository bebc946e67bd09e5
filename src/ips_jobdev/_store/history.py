"""The change history: every write of the record, captured in one place.

A listener on every session a :class:`~ips_jobdev.Database` makes runs after each flush and
appends one row per record the flush created, changed or deleted: who (the unit of work's
actor), when, which record, the values before and after (only the fields that changed, for
an update), and the operation and reason the use case gave. Bulk inserts (imports, the
demo) call :func:`record_created` with the rows they wrote, so they are recorded too,
without loading a mapped object per row. Whatever writes through a unit of work, a use
case, the planner, an import or a county's own script, is recorded the same way.

The history is append-only: nothing in the library updates or deletes its rows, and it has
no foreign keys, so the history of a deleted or merged-away record stays. It holds the
values of job seekers' fields, so it never leaves the team: no export reads it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from ips_jobdev import _model as model
from ips_jobdev._history_entry import HistoryEntry
from ips_jobdev._jsonable import jsonable
from ips_jobdev._phones import PhoneNumber
from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._windows import VisitingWindows

__all__ = [
    "KINDS",
    "TABLE",
    "HistoryAction",
    "HistoryEntry",
    "HistoryRepository",
    "annotate",
    "bulk_base",
    "created_after",
    "created_rows",
    "default_actor",
    "explained",
    "install",
    "note_row",
    "record_created",
    "set_actor",
]

KINDS: dict[type, str] = {
    model.Employer: "employer",
    model.EmployerPerson: "person",
    model.JobSeeker: "job-seeker",
    model.Specialist: "specialist",
    model.Visit: "visit",
    model.JobOpening: "opening",
    model.JobFitNote: "fit-note",
    model.JobStart: "job-start",
    model.ProgramGoal: "goal",
    model.Program: "program",
}
"""The kind of record each mapped class is, as history rows and events name it."""


TABLE = tables.change_history
"""The history's table, for a bulk writer that appends :func:`created_rows` its own way
(``COPY`` on PostgreSQL): only ever appended to."""


class HistoryAction:
    """What happened to a record in one history row."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


# Bookkeeping columns: they change with every write and say nothing a person corrected.
_SKIPPED = frozenset({"id", "version", "created_at", "updated_at", "name_key", "program_id"})

_ACTOR = "ips_jobdev.history.actor"
_CONTEXT = "ips_jobdev.history.context"
_NOTES = "ips_jobdev.history.notes"
_BATCH = "ips_jobdev.history.batch"


def default_actor() -> str:
    """Who a unit of work acts for when nobody says: ``user:<login name>``."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError, ImportError):
        login = "unknown"
    return f"user:{login}"


@attrs.frozen(slots=True)
class _Context:
    operation: str | None
    reason: str | None


def set_actor(session: Session, actor: str) -> None:
    """Name who the session's writes are made by (``specialist:ae``, ``user:pat``...)."""
    text = " ".join(str(actor).split())[:200]
    session.info[_ACTOR] = text or default_actor()


def actor_of(session: Session) -> str:
    """Who the session's writes are recorded as made by."""
    actor = session.info.get(_ACTOR)
    return str(actor) if actor else default_actor()


@contextlib.contextmanager
def explained(session: Session, operation: str | None, reason: str | None) -> Iterator[None]:
    """Within the block, history rows carry this operation (``"void visit"``) and reason.

    Blocks nest; the inner one's operation holds inside it, and its reason unless it gives
    none.
    """
    previous: _Context | None = session.info.get(_CONTEXT)
    reason = " ".join(reason.split()) if reason and reason.strip() else None
    if reason is None and previous is not None:
        reason = previous.reason
    session.info[_CONTEXT] = _Context(operation=operation, reason=reason)
    try:
        yield
    finally:
        if previous is None:
            session.info.pop(_CONTEXT, None)
        else:
            session.info[_CONTEXT] = previous


def annotate(session: Session, record: object, **values: Any) -> None:
    """Add ``values`` to the ``after`` of the next history row of ``record`` (a merged-away
    employer's ``merged_into``, a do-not-contact override)."""
    notes: dict[object, dict[str, Any]] = session.info.setdefault(_NOTES, {})
    notes.setdefault(record, {}).update({k: jsonable(v) for k, v in values.items()})


def end_batch(session: Session) -> None:
    """Start a new batch: the rows of the next transaction get a new batch id."""
    session.info.pop(_BATCH, None)
    session.info.pop(_NOTES, None)


def _batch(session: Session) -> str:
    batch: str = session.info.setdefault(_BATCH, uuid.uuid4().hex)
    return batch


# -- values as the history stores them ------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(k): (
                {"rating": v.rating.value, "comment": v.comment}
                if isinstance(v, model.FitFactorRating)
                else _plain(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, model.Preferences):
        return value.to_dict()
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC)  # as stored: one instant, one spelling
    try:
        return jsonable(value)
    except TypeError:
        return str(value)


_AS_IS = frozenset({str, int, float, bool, type(None)})
"""Types a history field keeps as they are (exactly these: not an enum that is a str)."""


def _flat(key: str, value: Any) -> dict[str, Any]:
    """One column as history fields: a job seeker's preferences become one field each
    (``preferences.home_zip``), so a change names the preference that changed."""
    if key == "preferences":
        prefs = value.to_dict() if isinstance(value, model.Preferences) else dict(value or {})
        return {f"preferences.{k}": _plain(v) for k, v in prefs.items()}
    return {key: _plain(value)}


_SLOW = object()


def _bulk_plain(value: Any, seen: dict[VisitingWindows, str]) -> Any:
    """:func:`_plain` of the values bulk rows hold most (amounts, phones, lists of words,
    visiting windows), without its chain of type checks; ``_SLOW`` for any other value.
    Windows repeat from row to row, so each distinct one is spelled once (``seen``)."""
    kind = type(value)
    if kind is Decimal:
        return str(value)
    if kind is PhoneNumber:
        return value.to_storage()
    if kind is VisitingWindows:
        text = seen.get(value)
        if text is None:
            text = seen[value] = str(value)
        return text
    if kind is list and (
        # one C-level pass for the usual list of plain words; the per-item check otherwise
        _AS_IS.issuperset(map(type, value))
        or all(v is None or isinstance(v, bool | int | float | str) for v in value)
    ):
        return list(value)  # what jsonable gives: the same items, in a new list
    return _SLOW


def _column_keys(record: object) -> list[str]:
    # only the record's own columns: a value read from another table (an employer's
    # notes, the current program's) has its own history rows, in its program
    mapper = sa.inspect(type(record))
    return [
        a.key
        for a in mapper.column_attrs
        if a.key not in _SKIPPED and isinstance(a.expression, sa.Column)
    ]


def _values(record: object) -> dict[str, Any]:
    """Every field of a record, as stored in a ``created`` or ``deleted`` row."""
    state = sa.inspect(record)
    out: dict[str, Any] = {}
    for key in _column_keys(record):
        out.update(_flat(key, state.dict.get(key)))
    if isinstance(record, model.Visit):
        out["seekers"] = sorted(s.code for s in record.seekers)
    return out


def _changes(record: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields of a record a flush changed: (before, after)."""
    state = sa.inspect(record)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _column_keys(record):
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        old = _flat(key, history.deleted[0] if history.deleted else None)
        new = _flat(key, history.added[0] if history.added else None)
        for field in sorted(old.keys() | new.keys()):
            if old.get(field) != new.get(field):
                before[field] = old.get(field)
                after[field] = new.get(field)
    if isinstance(record, model.Visit):
        linked = state.attrs["seekers"].history
        if linked.added or linked.deleted:
            kept = [s.code for s in linked.unchanged]
            before["seekers"] = sorted(kept + [s.code for s in linked.deleted])
            after["seekers"] = sorted(kept + [s.code for s in linked.added])
    return before, after


# -- writing rows --------------------------------------------------------------------------


def _row_base(session: Session) -> dict[str, Any]:
    context: _Context | None = session.info.get(_CONTEXT)
    return {
        "changed_at": model.utc_now(),
        "actor": actor_of(session),
        "operation": context.operation if context else None,
        "reason": context.reason if context else None,
        "batch": _batch(session),
    }


def _with_note(session: Session, record: object, after: dict[str, Any] | None) -> Any:
    notes: dict[object, dict[str, Any]] = session.info.get(_NOTES, {})
    note = notes.pop(record, None)
    if not note:
        return after
    return {**(after or {}), **note}


def _flush_rows(session: Session) -> list[dict[str, Any]]:
    base = _row_base(session)
    rows: list[dict[str, Any]] = []

    def add(record: object, action: str, before: Any, after: Any) -> None:
        kind = KINDS.get(type(record))
        record_id = getattr(record, "id", None)
        if kind is None or record_id is None:
            return
        rows.append(
            {
                **base,
                "record_kind": kind,
                "record_id": record_id,
                "action": action,
                "record_version": getattr(record, "version", None),
                "program_id": getattr(record, "program_id", None),
                "before": before,
                "after": _with_note(session, record, after),
            }
        )

    for record in _ordered(session.new):
        add(record, HistoryAction.CREATED, None, _values(record))
    for record in _ordered(session.dirty):
        if record in session.deleted or type(record) not in KINDS:
            continue
        before, after = _changes(record)
        if before or after:
            add(record, HistoryAction.UPDATED, before, after)
    for record in _ordered(session.deleted):
        add(record, HistoryAction.DELETED, _values(record), None)
    return rows


def _ordered(records: Iterable[object]) -> list[object]:
    known = [r for r in records if type(r) in KINDS]
    return sorted(known, key=lambda r: (KINDS[type(r)], getattr(r, "id", 0) or 0))


def _after_flush(session: Session, flush_context: Any) -> None:
    rows = _flush_rows(session)
    if rows:
        session.connection().execute(sa.insert(tables.change_history), rows)


def install(sessions: sessionmaker[Session]) -> None:
    """Record the history of every session ``sessions`` makes (call once per session
    maker)."""
    # no event.contains guard: a new session maker's class may reuse a collected one's id,
    # and the registry would wrongly say the listener is there
    event.listen(sessions, "after_flush", _after_flush)


def note_row(
    session: Session,
    kind: str,
    record_id: int,
    *,
    program_id: int | None,
    version: int | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> dict[str, Any]:
    """An ``updated`` history row of one record's values kept per program (an employer's
    notes), in that program's history, for the caller to append."""
    return {
        **_row_base(session),
        "record_kind": kind,
        "record_id": record_id,
        "action": HistoryAction.UPDATED,
        "record_version": version,
        "program_id": program_id,
        "before": {k: _plain(v) for k, v in before.items()},
        "after": {k: _plain(v) for k, v in after.items()},
    }


def record_created(
    session: Session,
    kind: str,
    ids: Sequence[int],
    rows: Sequence[Mapping[str, Any]],
    *,
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> None:
    """``created`` rows for records a bulk insert wrote (``rows[i]`` is record ``ids[i]``;
    ``extra[i]``, when given, adds fields such as a visit's job seekers)."""
    history = created_rows(session, kind, ids, rows, extra=extra)
    if history:
        session.connection().execute(sa.insert(tables.change_history), history)


def created_after(
    row: Mapping[str, Any], seen: dict[VisitingWindows, str] | None = None
) -> dict[str, Any]:
    """The ``after`` of a new record's ``created`` row, from its whole row (a pure
    function of the row: worker processes of an import make it too). ``seen`` remembers
    visiting windows already spelled."""
    seen = {} if seen is None else seen
    after: dict[str, Any] = {}
    for key, value in row.items():
        if key in _SKIPPED:
            continue
        if type(value) in _AS_IS and key != "preferences":
            after[key] = value  # most fields of a bulk row: no conversion to make
        elif key != "preferences" and (plain := _bulk_plain(value, seen)) is not _SLOW:
            after[key] = plain
        else:
            after.update(_flat(key, value))
    return after


def bulk_base(session: Session) -> dict[str, Any]:
    """The values every history row a bulk write appends now shares: when, who, the
    operation and reason explained, the batch."""
    return _row_base(session)


def created_rows(
    session: Session,
    kind: str,
    ids: Sequence[int],
    rows: Sequence[Mapping[str, Any]],
    *,
    extra: Sequence[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """The ``change_history`` rows (without ids) :func:`record_created` writes, for a bulk
    writer that writes them its own way."""
    base = _row_base(session)
    history = []
    seen: dict[VisitingWindows, str] = {}
    for index, (record_id, row) in enumerate(zip(ids, rows, strict=True)):
        after = created_after(row, seen)
        if extra is not None:
            after.update({k: _plain(v) for k, v in extra[index].items()})
        history.append(
            {
                **base,
                "record_kind": kind,
                "record_id": record_id,
                "action": HistoryAction.CREATED,
                "record_version": row.get("version"),
                "program_id": row.get("program_id"),
                "before": None,
                "after": after,
            }
        )
    return history


# -- reading -------------------------------------------------------------------------------


def _entry(row: Any) -> HistoryEntry:
    return HistoryEntry(
        id=row.id,
        changed_at=row.changed_at,
        actor=row.actor,
        kind=row.record_kind,
        record_id=row.record_id,
        action=row.action,
        record_version=row.record_version,
        before=row.before,
        after=row.after,
        operation=row.operation,
        reason=row.reason,
        batch=row.batch,
    )


class HistoryRepository:
    """The change history (``uow.history``): read it; rows are only ever appended, by the
    store itself."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def for_records(
        self, kind: str, record_ids: Iterable[int], *, limit: int | None = None
    ) -> list[HistoryEntry]:
        """The rows of these records of one kind, oldest first (the last ``limit`` only,
        when given)."""
        c = tables.change_history.c
        entries: list[HistoryEntry] = []
        for chunk in chunks(sorted(set(record_ids))):
            statement = sa.select(tables.change_history).where(
                c.record_kind == kind, c.record_id.in_(chunk)
            )
            entries.extend(_entry(row) for row in self.session.execute(statement))
        entries.sort(key=lambda e: e.id)
        return entries[-limit:] if limit is not None else entries

    def merged_into(self, kind: str, record_id: int) -> list[int]:
        """Ids of records of ``kind`` merged into ``record_id`` (and into those, in turn)."""
        c = tables.change_history.c
        statement = sa.select(c.record_id, c.after).where(
            c.record_kind == kind, c.action == HistoryAction.DELETED, c.after.is_not(None)
        )
        into: dict[int, list[int]] = {}
        for merged_id, after in self.session.execute(statement):
            target = (after or {}).get("merged_into") if isinstance(after, dict) else None
            if isinstance(target, int):
                into.setdefault(target, []).append(merged_id)
        found: list[int] = []
        waiting = [record_id]
        while waiting:
            for merged_id in into.get(waiting.pop(), []):
                if merged_id not in found and merged_id != record_id:
                    found.append(merged_id)
                    waiting.append(merged_id)
        return sorted(found)

    def count(self) -> int:
        """How many rows the history holds."""
        return int(
            self.session.scalar(sa.select(sa.func.count()).select_from(tables.change_history)) or 0
        )

    def latest(self, *, limit: int = 50) -> list[HistoryEntry]:
        """The most recent rows, oldest of them first."""
        c = tables.change_history.c
        statement = sa.select(tables.change_history).order_by(c.id.desc()).limit(limit)
        return [_entry(row) for row in self.session.execute(statement)][::-1]
