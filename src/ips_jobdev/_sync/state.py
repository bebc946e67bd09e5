"""The per-target sync state: what each adapter and target last received of each record,
and the changes that bring a target up to date.

The store keeps one row per (adapter, target, record kind, local id): the remote id, the
fingerprint and sequence last sent, whether the record was deleted there, and when
(``uow.sync_state``). Here the export reads those rows, tells a record deleted from the
store from one the selection left out, plans the changes, and writes back the rows of
the records that arrived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

from ips_jobdev._records import ExportRecord, RecordKind
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.repositories import Repository
from ips_jobdev._store.sync_state import SyncRow
from ips_jobdev.adapters._base import Change, ChangeKind, ExportResult, Outcome

__all__ = [
    "KIND_ORDER",
    "SyncKey",
    "SyncRow",
    "gone_ids",
    "plan_changes",
    "save_arrivals",
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


def _repository(uow: UnitOfWork, kind: RecordKind) -> Repository[Any]:
    repositories: dict[RecordKind, Repository[Any]] = {
        RecordKind.EMPLOYER: uow.employers,
        RecordKind.PERSON: uow.people,
        RecordKind.VISIT: uow.visits,
        RecordKind.FIT_NOTE: uow.fit_notes,
    }
    return repositories[kind]


def gone_ids(
    uow: UnitOfWork,
    kinds: Iterable[RecordKind],
    rows: Mapping[SyncKey, SyncRow],
    records: Mapping[RecordKind, Mapping[int, ExportRecord]],
) -> dict[RecordKind, set[int]]:
    """Per kind, the local ids the target has (``rows``) that are no longer in the store.

    A record in ``rows`` but not in ``records`` was either deleted or only left out of this
    export (another specialist's visit, an older note); only a deleted one is gone.
    """
    gone: dict[RecordKind, set[int]] = {}
    for kind in kinds:
        wanted = records.get(kind, {})
        missing = {local_id for (k, local_id) in rows if k is kind and local_id not in wanted}
        gone[kind] = missing - _repository(uow, kind).existing_ids(missing)
    return gone


def save_arrivals(
    uow: UnitOfWork,
    target: tuple[str, str],
    arrived: Sequence[tuple[Change, ExportResult]],
    *,
    known: Mapping[SyncKey, SyncRow],
    sent_at: dt.datetime,
) -> None:
    """Write the sync state of the records that arrived at ``target`` (adapter, target):
    rows the store had (``known``) are overwritten, the others inserted."""
    new: list[SyncRow] = []
    changed: list[SyncRow] = []
    for change, result in arrived:
        row = SyncRow(
            record_kind=change.record_kind,
            local_id=change.local_id,
            remote_id=result.remote_id,
            fingerprint=change.record.fingerprint if change.record is not None else "",
            sequence=change.sequence,
            deleted=result.outcome is Outcome.DELETED,
            sent_at=sent_at,
        )
        (changed if row.key in known else new).append(row)
    adapter, target_name = target
    uow.sync_state.save(adapter, target_name, new=new, changed=changed)


# -- planning changes ------------------------------------------------------------------------


def _is_cancelled(record: ExportRecord) -> bool:
    return record.kind is RecordKind.VISIT and record.cancelled  # type: ignore[union-attr]


def _change_for(record: ExportRecord, row: SyncRow | None, *, snapshot: bool) -> Change | None:
    """The change one record needs, given what the target last received of it."""
    cancelled = _is_cancelled(record)
    if row is None:
        # never sent: a visit cancelled before it ever went out is not sent at all
        return None if cancelled else Change(ChangeKind.CREATE, record)
    common: dict[str, Any] = {"remote_id": row.remote_id, "last_sent_at": row.sent_at}
    if row.deleted:
        if cancelled:
            return None
        return Change(ChangeKind.CREATE, record, sequence=row.sequence + 1, **common)
    if record.fingerprint == row.fingerprint:
        if not snapshot:
            return None
        return Change(ChangeKind.UNCHANGED, record, sequence=row.sequence, **common)
    kind_of_change = ChangeKind.CANCEL if cancelled else ChangeKind.UPDATE
    return Change(kind_of_change, record, sequence=row.sequence + 1, **common)


def _deletion(kind: RecordKind, local_id: int, row: SyncRow) -> Change | None:
    """The delete change of a record gone from the store (none if the target deleted it)."""
    if row.deleted:
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
            change = _change_for(of_kind[local_id], rows.get((kind, local_id)), snapshot=snapshot)
            if change is not None:
                changes.append(change)
    for kind in reversed(KIND_ORDER):
        for local_id in sorted(gone.get(kind, set())):
            deletion = _deletion(kind, local_id, rows[(kind, local_id)])
            if deletion is not None:
                changes.append(deletion)
    return changes
