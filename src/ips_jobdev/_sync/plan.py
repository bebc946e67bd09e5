"""Planning an export a chunk at a time: which records changed, and what to send.

The store selects the records whose basis moved since the target last looked at them
(:mod:`ips_jobdev._store.queries.sync`); only those are gathered and redacted
(:class:`~ips_jobdev._sync.gather.RecordSource`) and compared with what was sent
(:func:`~ips_jobdev._sync.state.change_for`). For an adapter that rewrites a whole file,
every record in scope is listed, but an unchanged record whose payload is kept goes as
that payload, without being gathered again.

Each chunk becomes a :class:`Step`: the changes to send, the basis each of them had when it
was read (stored when it arrives), and the rows to update without sending anything (a
record whose basis moved and whose content did not; a visit cancelled before it was ever
sent).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from ips_jobdev import privacy
from ips_jobdev._records import Audience, RecordKind
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import sync as queries
from ips_jobdev._store.queries.sync import Candidate, Scope
from ips_jobdev._store.sync_state import NEVER_SENT, Refresh, SyncRow
from ips_jobdev._sync.gather import RecordSource
from ips_jobdev._sync.state import KIND_ORDER, SyncKey, change_for, deletion
from ips_jobdev._version import __version__
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.adapters._base import Adapter, Change, ChangeKind

__all__ = ["CHUNK", "RECORDS_VERSION", "Pending", "Planner", "Step", "context_of"]

CHUNK = 500
"""Records read per chunk (ids per ``IN`` list)."""

RECORDS_VERSION = 1
"""Raise it when :mod:`ips_jobdev.privacy` or the records make something else of the same
rows: every basis stored before then no longer matches, and the next export of every
target looks at each record again (sending only what really changed)."""


def context_of(
    adapter: Adapter,
    options: Mapping[str, Any],
    settings: privacy.PrivacySettings,
) -> str:
    """A short hash of what shapes records and payloads besides the rows: the library's
    version, the audience and privacy settings, the adapter and its options (not secrets)."""
    secret = {o.name for o in adapter.options if o.secret}
    shown = {k: str(v) for k, v in sorted(options.items()) if k not in secret and v is not None}
    parts = {
        "records": RECORDS_VERSION,
        "ips_jobdev": __version__,
        "adapter": [adapter.name, adapter.version],
        "audience": adapter.audience.value,
        "seeker_label": settings.seeker_label.value,
        "options": shown,
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


class Pending(NamedTuple):
    """What is known of a change's record while it is out at the adapter: its basis when
    read, whether the store has a row for it, and its fingerprint (when computed). (A named
    tuple: one for every record sent.)"""

    basis: str | None
    known: bool
    fingerprint: str | None = None


@attrs.define
class Step:
    """One chunk's plan: changes to send, and rows to write without sending anything."""

    changes: list[Change] = attrs.field(factory=list)
    pending: dict[SyncKey, Pending] = attrs.field(factory=dict)
    refresh: list[Refresh] = attrs.field(factory=list)
    placeholders: list[SyncRow] = attrs.field(factory=list)


def _slices(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class Planner:
    """Plans one export of ``adapter`` over ``scope``, chunk by chunk.

    Args:
        uow: the unit of work to read from.
        adapter: the adapter (its record kinds, audience and capabilities decide the plan).
        scope: the records and target (see :class:`~ips_jobdev._store.queries.sync.Scope`).
        settings: privacy settings for the records.
        reuse_payloads: give unchanged records as their stored payloads (adapters with
            that capability; never in a dry run, which shows every record).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        adapter: Adapter,
        scope: Scope,
        settings: privacy.PrivacySettings,
        *,
        reuse_payloads: bool,
    ) -> None:
        self.uow = uow
        self.scope = scope
        self.snapshot = adapter.capabilities.snapshot
        self.by_start = adapter.capabilities.visits_by_start
        self.reuse = reuse_payloads and adapter.capabilities.payloads
        wanted = set(adapter.record_kinds) & privacy.allowed_kinds(adapter.audience)
        self.kinds = [kind for kind in KIND_ORDER if kind in wanted]
        self.deletable = [kind for kind in reversed(KIND_ORDER) if kind in adapter.record_kinds]
        self.source = RecordSource(uow, Audience(adapter.audience), settings)
        self.now = dt.datetime.now(dt.UTC)

    def steps(self) -> Iterator[Step]:
        """The plan, a chunk at a time: records of each kind in order, then deletions."""
        for kind in self.kinds:
            selected = queries.candidate_ids(
                self.uow,
                self.scope,
                kind,
                changed_only=not self.snapshot,
                by_start=self.by_start,
                payloads=self.reuse,
            )
            for start in range(0, len(selected), CHUNK):
                ids = selected.ids[start : start + CHUNK]
                kept = selected.kept[start : start + CHUNK]
                yield self._step(kind, ids, kept)
        for kind in self.deletable:
            step = Step()
            for row in queries.gone_rows(self.uow, self.scope, kind):
                change = deletion(kind, row.local_id, row)
                if change is not None:
                    step.changes.append(change)
                    step.pending[(kind, row.local_id)] = Pending(None, known=True)
            if step.changes:
                yield step

    def _step(self, kind: RecordKind, ids: Sequence[int], kept: bytearray) -> Step:
        step = Step()
        flagged = any(kept)  # none is, when only changed records were selected
        moved = [i for i, flag in zip(ids, kept, strict=True) if not flag] if flagged else ids
        found = {
            c.local_id: c
            for c in queries.candidates(self.uow, self.scope, kind, moved, payloads=self.reuse)
        }
        reused = (
            [i for i, flag in zip(ids, kept, strict=True) if flag == queries.KEPT]
            if flagged
            else []
        )
        rows = queries.kept_rows(self.uow, self.scope, kind, reused) if reused else {}
        # an adapter that sends only changes skips records whose basis did not move (one
        # changed by someone else between the two queries is looked at next time)
        wanted = [c.local_id for c in found.values() if self.snapshot or c.moved]
        records = self.source.records(kind, wanted)
        for local_id in ids:
            if local_id in rows:
                self._reuse(step, kind, local_id, rows[local_id])
            elif local_id in records:
                self._compare(step, found[local_id], records[local_id])
        return step

    def _reuse(self, step: Step, kind: RecordKind, local_id: int, row: SyncRow) -> None:
        change = Change(
            ChangeKind.UNCHANGED,
            None,
            record_kind=kind,
            local_id=local_id,
            remote_id=row.remote_id,
            sequence=row.sequence,
            last_sent_at=row.sent_at,
            payload=row.payload,
        )
        step.changes.append(change)

    def _compare(self, step: Step, candidate: Candidate, record: Any) -> None:
        row = candidate.row
        fingerprint = record.fingerprint
        change: Change | None
        if row is None:
            # never looked at (every record of a first export): as change_for has it
            if record.kind is RecordKind.VISIT and record.status is VisitStatus.CANCELLED:
                change = None
            else:
                change = Change(
                    ChangeKind.CREATE, record, record_kind=record.kind, local_id=record.id
                )
        else:
            sent = row if row.sent else None
            change = change_for(record, sent, snapshot=self.snapshot, fingerprint=fingerprint)
        if change is None:
            self._remember(step, candidate)
            return
        if row is not None and row.payload is not None and self._same_context(row):
            change = attrs.evolve(change, payload=row.payload)
        step.changes.append(change)
        step.pending[(candidate.kind, candidate.local_id)] = Pending(
            candidate.basis, row is not None, fingerprint
        )

    def _same_context(self, row: SyncRow) -> bool:
        return row.basis is not None and row.basis.startswith(self.scope.context + "|")

    def _remember(self, step: Step, candidate: Candidate) -> None:
        """Nothing to send: keep the basis, so the record is not read again until it moves."""
        row = candidate.row
        if row is None:
            # a visit cancelled before it was ever sent
            step.placeholders.append(
                SyncRow(
                    record_kind=candidate.kind,
                    local_id=candidate.local_id,
                    remote_id=None,
                    fingerprint="",
                    sequence=NEVER_SENT,
                    deleted=True,
                    sent_at=self.now,
                    basis=candidate.basis,
                )
            )
        elif row.basis != candidate.basis:
            step.refresh.append(Refresh(candidate.kind, candidate.local_id, candidate.basis))
