"""Reading the change history of one record: who changed what, when, from what to what.

The store writes the history as records change (:mod:`ips_jobdev._store.history`); here
a person or a script asks for one record's, by the same references the rest of the
library takes (an employer's ``#id``, external id or name, a job seeker's code, a visit's
id). An employer's history includes the records merged into it. A record deleted since
(an employer merged away) is still found by its ``#id``.

>>> with ips_jobdev.open_store() as uow:                                  # doctest: +SKIP
...     for entry in record_history(uow, "employer", "#12").entries:
...         print(entry.changed_at, entry.actor, entry.action, entry.changes())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev._history_entry import HistoryEntry
from ips_jobdev._vocab import normalize_token
from ips_jobdev.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["HISTORY_KINDS", "HistoryEntry", "RecordHistory", "record_history"]

HISTORY_KINDS = {
    "employer": "employer",
    "person": "person",
    "seeker": "job-seeker",
    "job-seeker": "job-seeker",
    "jobseeker": "job-seeker",
    "specialist": "specialist",
    "visit": "visit",
    "opening": "opening",
    "fit-note": "fit-note",
    "job-start": "job-start",
    "goal": "goal",
}
"""The kinds of record :func:`record_history` reads, as a person may name them."""


@attrs.frozen
class RecordHistory:
    """One record's change history, oldest first.

    ``label`` names the record as it is now (or as it last was, when it is gone);
    ``exists`` is False for a record deleted since; ``merged_ids`` lists records merged
    into this one, whose entries are included.
    """

    kind: str
    record_id: int
    label: str | None
    exists: bool
    merged_ids: tuple[int, ...]
    entries: tuple[HistoryEntry, ...]

    def to_dict(self) -> dict[str, Any]:
        """The ``history --json`` document."""
        return {
            "record": {
                "kind": self.kind,
                "id": self.record_id,
                "label": self.label,
                "exists": self.exists,
                "merged_ids": list(self.merged_ids),
            },
            "entries": [entry.to_dict() for entry in self.entries],
            "count": len(self.entries),
        }


def _kind(kind: str) -> str:
    token = normalize_token(kind)
    if token not in HISTORY_KINDS:
        raise ValidationError(
            "history", "kind", f"unknown kind {kind!r}; one of: {', '.join(HISTORY_KINDS)}"
        )
    return HISTORY_KINDS[token]


def _record_id(kind: str, reference: object) -> int | None:
    text = str(reference).strip()
    if text.startswith("#"):
        text = text[1:]
    return int(text) if text.isdigit() else None


def _current(uow: UnitOfWork, kind: str, reference: object) -> tuple[int, str] | None:
    """(id, label) of a stored record, or None when it is not stored."""
    try:
        if kind == "employer":
            found = lookup.employer(uow, reference)  # type: ignore[arg-type]
            return found.id or 0, found.name
        if kind == "job-seeker":
            seeker = lookup.seeker(uow, str(reference))
            return seeker.id or 0, seeker.code
        if kind == "specialist":
            specialist = lookup.specialist(uow, str(reference))
            return specialist.id or 0, specialist.code
    except NotFoundError:
        return None
    record_id = _record_id(kind, reference)
    if record_id is None:
        raise NotFoundError(kind, reference)
    repositories: dict[str, Any] = {
        "visit": uow.visits,
        "person": uow.people,
        "opening": uow.openings,
        "fit-note": uow.fit_notes,
        "job-start": uow.job_starts,
        "goal": uow.goals,
    }
    record = repositories[kind].find(record_id)
    if record is None:
        return None
    label = getattr(record, "name", None) or getattr(record, "title", None) or f"#{record_id}"
    return record_id, str(label)


def _last_label(entries: tuple[HistoryEntry, ...]) -> str | None:
    for entry in reversed(entries):
        for values in (entry.before, entry.after):
            for key in ("name", "code", "title"):
                if values and values.get(key):
                    return str(values[key])
    return None


def record_history(
    uow: UnitOfWork, kind: str, reference: object, *, limit: int | None = None
) -> RecordHistory:
    """The change history of one record, oldest first (the last ``limit`` entries).

    Args:
        uow: the unit of work to read from.
        kind: ``employer``, ``person``, ``seeker`` (``job-seeker``), ``specialist``,
            ``visit``, ``opening``, ``fit-note``, ``job-start`` or ``goal``.
        reference: what names the record: an employer's ``#id``, external id or name; a
            job seeker's or specialist's code; otherwise the id (``40`` or ``#40``). A
            record deleted since is found by its id.
        limit: only the most recent entries.

    Raises:
        ValidationError: an unknown kind.
        NotFoundError: no such record, stored or in the history.
    """
    wanted = _kind(kind)
    current = _current(uow, wanted, reference)
    if current is not None:
        record_id, label = current
    else:
        found_id = _record_id(wanted, reference)
        if found_id is None or not uow.history.for_records(wanted, [found_id], limit=1):
            raise NotFoundError(wanted, reference)
        record_id, label = found_id, None
    merged = tuple(uow.history.merged_into(wanted, record_id))
    entries = tuple(uow.history.for_records(wanted, [record_id, *merged], limit=limit))
    return RecordHistory(
        kind=wanted,
        record_id=record_id,
        label=label if label is not None else _last_label(entries),
        exists=current is not None,
        merged_ids=merged,
        entries=entries,
    )
