"""The per-target sync state: what each adapter and target last received of each record,
and the changes that bring a target up to date.

The store keeps one row per (adapter, target, record kind, local id): the remote id, the
fingerprint and sequence last sent, whether the record was deleted there, and when
(``uow.sync_state``), with the record's basis and payload (see
:mod:`ips_jobdev._store.queries.sync`). Here the export decides, record by record, what
change a target needs, and turns what arrived into rows to write back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeAlias

from ips_jobdev._records import ExportRecord, RecordKind
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.sync_state import SyncRow
from ips_jobdev.adapters._base import Change, ChangeKind, ExportResult, Outcome

__all__ = [
    "KIND_ORDER",
    "SyncKey",
    "SyncRow",
    "arrival_row",
    "change_for",
    "deletion",
    "plan_changes",
    "sync_rows",
]

SyncKey: TypeAlias = tuple[RecordKind, int]
"""(record kind, local id): how the sync state is indexed."""

KIND_ORDER = (RecordKind.EMPLOYER, RecordKind.PERSON, RecordKind.VISIT, RecordKind.FIT_NOTE)
"""Creates and updates go in this order (an employer before its people and visits);
deletions in the reverse order."""


def sync_rows(uow: UnitOfWork, adapter: str, target: str) -> dict[SyncKey, SyncRow]:
    """The sync state of one adapter and target, by (record kind, local id)."""
    return uow.sync_state.rows(adapter, target)


def arrival_row(
    change: Change,
    result: ExportResult,
    *,
    basis: str | None,
    sent_at: dt.datetime,
    fingerprint: str | None = None,
) -> SyncRow:
    """The row to store for a record that arrived (or was deleted) at the target
    (``fingerprint``: the record's, when already computed)."""
    if fingerprint is None:
        fingerprint = change.record.fingerprint if change.record is not None else ""
    return SyncRow(
        record_kind=change.record_kind,
        local_id=change.local_id,
        remote_id=result.remote_id,
        fingerprint=fingerprint,
        sequence=change.sequence,
        deleted=result.outcome is Outcome.DELETED,
        sent_at=sent_at,
        basis=basis,
        payload=result.payload,
    )


# -- planning changes ------------------------------------------------------------------------


def _is_cancelled(record: ExportRecord) -> bool:
    return record.kind is RecordKind.VISIT and record.cancelled  # type: ignore[union-attr]


def change_for(
    record: ExportRecord,
    row: SyncRow | None,
    *,
    snapshot: bool,
    fingerprint: str | None = None,
) -> Change | None:
    """The change one record needs, given what the target last received of it (``None``:
    never sent; a row that stands for a record never sent counts as none).
    ``fingerprint`` is the record's, when already computed."""
    cancelled = _is_cancelled(record)
    if row is not None and not row.sent:
        row = None
    if row is None:
        # never sent: a visit cancelled before it ever went out is not sent at all
        if cancelled:
            return None
        return Change(ChangeKind.CREATE, record, record_kind=record.kind, local_id=record.id)
    common: dict[str, Any] = {"remote_id": row.remote_id, "last_sent_at": row.sent_at}
    if row.deleted:
        if cancelled:
            return None
        return Change(ChangeKind.CREATE, record, sequence=row.sequence + 1, **common)
    if (fingerprint if fingerprint is not None else record.fingerprint) == row.fingerprint:
        if not snapshot:
            return None
        return Change(ChangeKind.UNCHANGED, record, sequence=row.sequence, **common)
    kind_of_change = ChangeKind.CANCEL if cancelled else ChangeKind.UPDATE
    return Change(kind_of_change, record, sequence=row.sequence + 1, **common)


def deletion(kind: RecordKind, local_id: int, row: SyncRow) -> Change | None:
    """The delete change of a record gone from the store (none if the target deleted it,
    or never had it)."""
    if row.deleted or not row.sent:
        return None
    return Change(
        ChangeKind.DELETE,
        None,
        record_kind=kind,
        local_id=local_id,
        remote_id=row.remote_id,
        sequence=row.sequence + 1,
        last_sent_at=row.sent_at,
    )


def plan_changes(
    records: Mapping[RecordKind, Mapping[int, ExportRecord]],
    rows: Mapping[SyncKey, SyncRow],
    *,
    gone: Mapping[RecordKind, set[int]] | None = None,
    snapshot: bool = False,
) -> list[Change]:
    """The changes that bring the remote end from ``rows`` to ``records``.

    ``gone`` names, per kind, the local ids in ``rows`` that are no longer in the store
    (they become ``delete`` changes). With ``snapshot``, unchanged records are listed too.
    """
    gone = gone or {}
    changes: list[Change] = []
    for kind in KIND_ORDER:
        of_kind = records.get(kind, {})
        for local_id in sorted(of_kind):
            change = change_for(of_kind[local_id], rows.get((kind, local_id)), snapshot=snapshot)
            if change is not None:
                changes.append(change)
    for kind in reversed(KIND_ORDER):
        for local_id in sorted(gone.get(kind, set())):
            removal = deletion(kind, local_id, rows[(kind, local_id)])
            if removal is not None:
                changes.append(removal)
    return changes
