"""What an export did: one item per record, counted as they come, kept small in memory.

An export of a whole state has a million items; :class:`ItemLog` keeps the first ones in
memory and the rest in a temporary file, and counts outcomes as items are added, so a
report's counts and first failures never need a second pass.
"""

from __future__ import annotations

import datetime as dt
import marshal
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any, TypeAlias, overload

import attrs

from ips_jobdev._records import Audience, RecordKind
from ips_jobdev.adapters._base import ChangeKind, Outcome

__all__ = ["FIRST_FAILURES", "REASONS", "ExportItem", "ExportReport", "ItemLog", "ItemValues"]

FIRST_FAILURES = 5
"""How many failures a report keeps at hand for a summary (all are in its items)."""

REASONS = 20
"""How many distinct reasons for failing a report counts separately."""


@attrs.frozen(slots=True)
class ExportItem:
    """One record of an export: the change, and (unless a dry run) what happened.

    ``record`` holds the redacted record as plain values in a dry run (what would be
    sent); it is ``None`` otherwise and for records deleted from the store.
    """

    record_kind: RecordKind
    local_id: int
    key: str
    change: ChangeKind
    summary: str
    outcome: Outcome | None = None
    remote_id: str | None = None
    reason: str | None = None
    record: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (the ``items`` of the export JSON document)."""
        return {
            "kind": self.record_kind.value,
            "id": self.local_id,
            "key": self.key,
            "change": self.change.value,
            "summary": self.summary,
            "outcome": self.outcome.value if self.outcome is not None else None,
            "remote_id": self.remote_id,
            "reason": self.reason,
            "record": self.record,
        }

    def _packed(self) -> tuple[Any, ...]:
        return _packed(
            (
                self.record_kind,
                self.local_id,
                self.key,
                self.change,
                self.summary,
                self.outcome,
                self.remote_id,
                self.reason,
            ),
            self.record,
        )

    @classmethod
    def _unpacked(cls, values: tuple[Any, ...]) -> ExportItem:
        kind, local_id, key, change, summary, outcome, remote_id, reason, record = values
        return cls(
            record_kind=RecordKind(kind),
            local_id=local_id,
            key=key,
            change=ChangeKind(change),
            summary=summary,
            outcome=Outcome(outcome) if outcome is not None else None,
            remote_id=remote_id,
            reason=reason,
            record=record,
        )


ItemValues: TypeAlias = tuple[
    RecordKind, int, str, ChangeKind, str, Outcome | None, str | None, str | None
]
"""An item's values in :class:`ExportItem`'s order, without ``record``: record kind, local
id, key, change, summary, outcome, remote id, reason (see :meth:`ItemLog.add_all`)."""


def _packed(values: ItemValues, record: Any = None) -> tuple[Any, ...]:
    """An item's values as plain data for the spill file (marshal takes no subclass)."""
    kind, local_id, key, change, summary, outcome, remote_id, reason = values
    # str() of a StrEnum member is its value, as a plain str, without the ``value``
    # property's call: every spilled item comes here
    return (
        str(kind),
        local_id,
        key,
        str(change),
        summary,
        str(outcome) if outcome is not None else None,
        remote_id,
        reason,
        record,
    )


class ItemLog(Sequence[ExportItem]):
    """The items of one export, in order: the first ``memory`` in memory, the rest in a
    temporary file (deleted when the log is). Outcomes and changes are counted as items
    are added."""

    def __init__(self, items: Sequence[ExportItem] = (), *, memory: int = 10_000) -> None:
        self._memory = memory
        self._head: list[ExportItem] = []
        self._spill: IO[bytes] | None = None
        self._spilled = 0
        # counted by member (no text made for each item); read as values: changes, outcomes
        self._changes: dict[ChangeKind, int] = {}
        self._outcomes: dict[Outcome, int] = {}
        self.failed = 0
        self.first_failures: list[ExportItem] = []
        self.reasons: Counter[str] = Counter()
        """Failures by reason (the first :data:`REASONS` distinct reasons; the others
        count under the empty reason)."""
        for item in items:
            self.append(item)

    def append(self, item: ExportItem) -> None:
        """Add one item (in the export's order)."""
        self._count(item.change, item.outcome, item)
        if len(self._head) < self._memory:
            self._head.append(item)
        else:
            self._dump([item._packed()])

    def add_all(self, many: Iterable[ItemValues]) -> None:
        """Add items given as their values (in the export's order), as ``append`` does
        each, without making the items that go to the file (most of a large export's do):
        those are written there together."""
        packed: list[tuple[Any, ...]] = []
        head = self._head
        for values in many:
            change, outcome = values[3], values[5]
            self._tally(change, outcome)
            if len(head) < self._memory or outcome is Outcome.FAILED:
                item = ExportItem(*values)
                if outcome is Outcome.FAILED:
                    self._failure(item)
                if len(head) < self._memory:
                    head.append(item)
                    continue
            packed.append(_packed(values))
        if packed:
            self._dump(packed)

    def _count(self, change: ChangeKind, outcome: Outcome | None, item: ExportItem) -> None:
        self._tally(change, outcome)
        if outcome is Outcome.FAILED:
            self._failure(item)

    def _tally(self, change: ChangeKind, outcome: Outcome | None) -> None:
        self._changes[change] = self._changes.get(change, 0) + 1
        if outcome is not None:
            self._outcomes[outcome] = self._outcomes.get(outcome, 0) + 1

    def _failure(self, item: ExportItem) -> None:
        self.failed += 1
        reason = item.reason or ""
        if reason in self.reasons or len(self.reasons) < REASONS:
            self.reasons[reason] += 1
        else:
            self.reasons[""] += 1
        if len(self.first_failures) < FIRST_FAILURES:
            self.first_failures.append(item)

    def _dump(self, packed: list[tuple[Any, ...]]) -> None:
        """Write items (packed) to the file, as one block."""
        if self._spill is None:
            self._spill = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the log)
        marshal.dump(packed, self._spill)
        self._spilled += len(packed)

    @property
    def changes(self) -> Counter[str]:
        """Items by change (its value), in the order first seen."""
        return Counter({str(change): n for change, n in self._changes.items()})

    @property
    def outcomes(self) -> Counter[str]:
        """Items by outcome (its value), in the order first seen."""
        return Counter({str(outcome): n for outcome, n in self._outcomes.items()})

    def __len__(self) -> int:
        return len(self._head) + self._spilled

    def __iter__(self) -> Iterator[ExportItem]:
        yield from self._head
        if self._spill is None:
            return
        self._spill.flush()
        self._spill.seek(0)
        read = 0
        while read < self._spilled:
            block = marshal.load(self._spill)
            read += len(block)
            for packed in block:
                yield ExportItem._unpacked(packed)
        self._spill.seek(0, 2)

    @overload
    def __getitem__(self, index: int) -> ExportItem: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[ExportItem]: ...

    def __getitem__(self, index: int | slice) -> ExportItem | Sequence[ExportItem]:
        if isinstance(index, slice):
            return tuple(self)[index]
        if 0 <= index < len(self._head):
            return self._head[index]
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=False)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ItemLog({len(self)} items)"

    def __del__(self) -> None:
        if self._spill is not None:
            self._spill.close()


def _item_log(items: Sequence[ExportItem]) -> ItemLog:
    return items if isinstance(items, ItemLog) else ItemLog(items)


@attrs.frozen(slots=True)
class ExportReport:
    """What an export did (or, in a dry run, would do). Secret options are masked.

    ``items`` holds one item per record in the export's order (an :class:`ItemLog`: a
    sequence that keeps a large export's items on disk).
    """

    adapter: str
    target: str
    audience: Audience
    dry_run: bool
    options: dict[str, Any]
    items: Sequence[ExportItem] = attrs.field(converter=_item_log)
    started_at: dt.datetime
    finished_at: dt.datetime
    preview: tuple[dict[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def _log(self) -> ItemLog:
        assert isinstance(self.items, ItemLog)
        return self.items

    @property
    def sent(self) -> int:
        """How many records went (or would go) to the adapter as a change."""
        return len(self.items) - self._log.changes[ChangeKind.UNCHANGED.value]

    @property
    def counts(self) -> dict[str, int]:
        """Records by outcome (a dry run counts the planned changes instead)."""
        if self.dry_run:
            return dict(self._log.changes)
        return dict(self._log.outcomes)

    @property
    def failures(self) -> tuple[ExportItem, ...]:
        """The records that failed, each with its reason (all of them: see
        :attr:`first_failures` for a summary)."""
        if self._log.failed <= len(self._log.first_failures):
            return tuple(self._log.first_failures)
        return tuple(i for i in self.items if i.outcome is Outcome.FAILED)

    @property
    def failed(self) -> int:
        """How many records failed."""
        return self._log.failed

    @property
    def first_failures(self) -> tuple[ExportItem, ...]:
        """The first few failures (:data:`FIRST_FAILURES`), for a summary."""
        return tuple(self._log.first_failures)

    @property
    def failure_reasons(self) -> list[tuple[str, int]]:
        """How many records failed for each reason, most first (``""``: other reasons)."""
        return self._log.reasons.most_common()

    @property
    def ok(self) -> bool:
        """True when no record failed."""
        return self._log.failed == 0

    def to_dict(self, *, items: bool = True) -> dict[str, Any]:
        """The export JSON document (``ips-jobdev export --json``); with ``items=False``
        its ``items`` list is left empty (for writing them one at a time)."""
        return {
            "adapter": self.adapter,
            "target": self.target,
            "audience": self.audience.value,
            "dry_run": self.dry_run,
            "options": self.options,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "sent": self.sent,
            "counts": self.counts,
            "items": [i.to_dict() for i in self.items] if items else [],
            "preview": list(self.preview),
            "notes": list(self.notes),
        }
