"""The per-target sync state: what each adapter and target last received of each record.

One row per (adapter, target, record kind, local id): the remote id, the fingerprint and
sequence last sent, whether the record was deleted there, and when. Exports read the
rows of one target in one query and write back only what arrived, in two ``executemany``
statements (rows are not mapped objects: there can be a million of them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._records import RecordKind
from ips_jobdev._store import tables

__all__ = ["SyncRow", "SyncStateRepository"]


@attrs.frozen(slots=True)
class SyncRow:
    """What the store remembers about one record at one adapter and target."""

    record_kind: RecordKind
    local_id: int
    remote_id: str | None
    fingerprint: str
    sequence: int
    deleted: bool
    sent_at: dt.datetime

    @property
    def key(self) -> tuple[RecordKind, int]:
        """(record kind, local id): how exports index the rows."""
        return (self.record_kind, self.local_id)


_VALUE_COLUMNS = ("remote_id", "fingerprint", "sequence", "deleted", "sent_at")


class SyncStateRepository:
    """The sync state rows (``uow.sync_state``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, adapter: str, target: str) -> dict[tuple[RecordKind, int], SyncRow]:
        """Every row of one adapter and target, by (record kind, local id). Rows of a kind
        this version does not know are left out."""
        c = tables.sync_state.c
        statement = sa.select(tables.sync_state).where(c.adapter == adapter, c.target == target)
        found: dict[tuple[RecordKind, int], SyncRow] = {}
        for row in self.session.execute(statement).mappings():
            try:
                kind = RecordKind(row["record_kind"])
            except ValueError:
                continue
            found[(kind, row["local_id"])] = SyncRow(
                record_kind=kind,
                local_id=row["local_id"],
                remote_id=row["remote_id"],
                fingerprint=row["fingerprint"],
                sequence=row["sequence"],
                deleted=row["deleted"],
                sent_at=row["sent_at"],
            )
        return found

    def save(
        self, adapter: str, target: str, *, new: Iterable[SyncRow], changed: Iterable[SyncRow]
    ) -> None:
        """Insert the ``new`` rows and overwrite the ``changed`` ones (same key)."""
        table = tables.sync_state
        c = table.c
        inserts = [{"adapter": adapter, "target": target, **_values(row)} for row in new]
        updates = [
            {
                "b_record_kind": row.record_kind.value,
                "b_local_id": row.local_id,
                **{name: getattr(row, name) for name in _VALUE_COLUMNS},
            }
            for row in changed
        ]
        if inserts:
            self.session.execute(sa.insert(table), inserts)
        if updates:
            statement = (
                sa.update(table)
                .where(
                    c.adapter == adapter,
                    c.target == target,
                    c.record_kind == sa.bindparam("b_record_kind"),
                    c.local_id == sa.bindparam("b_local_id"),
                )
                .values({name: sa.bindparam(name) for name in _VALUE_COLUMNS})
            )
            self.session.connection().execute(statement, updates)

    def move_record(self, kind: RecordKind, from_id: int, to_id: int) -> int:
        """Give record ``to_id`` the rows of ``from_id`` (same kind) at every adapter and
        target where ``to_id`` has none: that remote record becomes ``to_id``'s (a merge).
        Rows where both have one stay, so the next export deletes ``from_id`` there.
        Returns how many rows moved."""
        c = tables.sync_state.c
        of_kind = c.record_kind == kind.value
        taken = {
            (adapter, target)
            for adapter, target in self.session.execute(
                sa.select(c.adapter, c.target).where(of_kind, c.local_id == to_id)
            )
        }
        movable = [
            row_id
            for row_id, adapter, target in self.session.execute(
                sa.select(c.id, c.adapter, c.target).where(of_kind, c.local_id == from_id)
            )
            if (adapter, target) not in taken
        ]
        if movable:
            self.session.execute(
                sa.update(tables.sync_state).where(c.id.in_(movable)).values(local_id=to_id)
            )
        return len(movable)


def _values(row: SyncRow) -> dict[str, Any]:
    return {
        "record_kind": row.record_kind.value,
        "local_id": row.local_id,
        **{name: getattr(row, name) for name in _VALUE_COLUMNS},
    }
