"""What happened to the record, told to plugins after the change is committed.

Use cases record an event on the unit of work as they stage a change
(``uow.record_event(VisitPlanned(visit.id))``); the unit of work hands the events to its
publisher only after :meth:`~ips_jobdev.UnitOfWork.commit` succeeds, and forgets them on a
rollback. So plugins hear of every change the same way whether it was made from the
command line, the web app or a county program's own script, and never of one that was not
saved. The default publisher calls the plugin hooks (:mod:`ips_jobdev.hookspecs`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeAlias

import attrs

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "ChangeAction",
    "Event",
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


Publisher: TypeAlias = Callable[["UnitOfWork", Sequence[Event]], None]
"""Takes the unit of work (committed, still open for reading) and its events, in order."""
