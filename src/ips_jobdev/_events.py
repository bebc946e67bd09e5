"""What happened to the record, told to plugins after the change is committed.

Use cases record an event on the unit of work as they stage a change
(``uow.record_event(VisitPlanned(visit.id))``); the unit of work hands the events to its
publisher only after :meth:`~ips_jobdev.UnitOfWork.commit` succeeds, and forgets them on a
rollback. So plugins hear of every change the same way whether it was made from the
command line, the web app or a county program's own script, and never of one that was not
saved. The default publisher calls the plugin hooks (:mod:`ips_jobdev.hookspecs`).
"""

from __future__ import annotations

import array
import enum
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeAlias, overload

import attrs

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "ChangeAction",
    "Event",
    "EventLog",
    "Publisher",
    "RecordChanged",
    "VisitCancelled",
    "VisitCompleted",
    "VisitEvent",
    "VisitPlanned",
]


@attrs.frozen(slots=True)
class Event:
    """Something that happened to the record (the base of every event)."""


@attrs.frozen(slots=True)
class VisitEvent(Event):
    """Something happened to one visit (plugins get the visit, for the team audience)."""

    visit_id: int


@attrs.frozen(slots=True)
class VisitPlanned(VisitEvent):
    """A visit was stored with status ``planned``."""


@attrs.frozen(slots=True)
class VisitCompleted(VisitEvent):
    """A visit was made: a planned one completed, or one logged as done."""


@attrs.frozen(slots=True)
class VisitCancelled(VisitEvent):
    """A planned visit was called off."""


class ChangeAction(enum.StrEnum):
    """What happened to a record."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@attrs.frozen(slots=True)
class RecordChanged(Event):
    """A record was added, changed or removed (an import row, an edit, a merge).

    It names the kind of record (``employer``, ``person``, ``job-seeker``, ``specialist``,
    ``visit``, ``opening``, ``fit-note``, ``job-start``, ``goal``, ``program``), its id and
    what happened, and nothing of its content: a plugin reads what it needs through an
    export, which applies its audience.
    """

    kind: str
    record_id: int
    action: ChangeAction


@attrs.define(slots=True)
class _Changes:
    """Consecutive :class:`RecordChanged` events of one kind and action: their ids."""

    kind: str
    action: ChangeAction
    ids: array.array[int]


class EventLog(Sequence[Event]):
    """Events in the order they were recorded, kept compactly.

    A run of :class:`RecordChanged` events of one kind and action (an import's rows) is
    kept as an array of record ids, 8 bytes an event; reading the log gives the events
    themselves, made as they are read. So an import of a million rows does not hold a
    million event objects until its commit, and plugins still hear of every record.
    """

    def __init__(self) -> None:
        self._parts: list[Event | _Changes] = []
        self._count = 0

    def append(self, event: Event) -> None:
        """Add ``event`` after the others."""
        if type(event) is RecordChanged and type(event.record_id) is int:
            last = self._parts[-1] if self._parts else None
            if type(last) is _Changes and last.kind == event.kind and last.action == event.action:
                last.ids.append(event.record_id)
            else:
                self._parts.append(
                    _Changes(event.kind, event.action, array.array("q", [event.record_id]))
                )
        else:
            self._parts.append(event)
        self._count += 1

    def clear(self) -> None:
        """Forget every event."""
        self._parts.clear()
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Event]:
        for part in self._parts:
            if type(part) is _Changes:
                kind, action = part.kind, part.action
                for record_id in part.ids:
                    yield RecordChanged(kind, record_id, action)
            else:
                yield part  # type: ignore[misc]

    @overload
    def __getitem__(self, index: int) -> Event: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Event]: ...

    def __getitem__(self, index: int | slice) -> Event | Sequence[Event]:
        return tuple(self)[index]


Publisher: TypeAlias = Callable[["UnitOfWork", Sequence[Event]], None]
"""Takes the unit of work (committed, still open for reading) and its events, in order."""
