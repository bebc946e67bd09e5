"""The per-target sync state: what each adapter and target last received of each record.

One row per (adapter, target, record kind, local id): the remote id, the fingerprint and
sequence last sent, whether the record was deleted there, and when; the record's basis when
it was last looked at and the payload a file adapter rendered for it
(:mod:`ips_jobdev._store.queries.sync` reads them with the records they belong to). Rows are
not mapped objects (there can be a million of them): exports write back only what arrived,
with ``executemany`` statements.

The rows are program-owned: each program's exports read and write their own program's
state (:func:`export_program`), so two programs exporting the same shared employer, or to
the same target, never read or overwrite each other's rows (row-level security keeps
them apart on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, TypeAlias

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._records import RecordKind
from ips_jobdev._store import programs, tables

__all__ = [
    "NEVER_SENT",
    "NewRow",
    "Refresh",
    "SyncRow",
    "SyncStateRepository",
    "export_program",
    "row_from_mapping",
]

NEVER_SENT = -1
"""The ``sequence`` of a row that stands for a record looked at and never sent (a visit
cancelled before its first export): it keeps the record's basis, so the record is not
gathered again until it changes."""


@attrs.frozen(slots=True)
class SyncRow:
    """What the store remembers about one record at one adapter and target.

    ``basis`` and ``payload`` are ``None`` in rows written before change tracking, and
    ``payload`` also when it was not read.
    """

    record_kind: RecordKind
    local_id: int
    remote_id: str | None
    fingerprint: str
    sequence: int
    deleted: bool
    sent_at: dt.datetime
    basis: str | None = None
    payload: str | None = None

    @property
    def key(self) -> tuple[RecordKind, int]:
        """(record kind, local id): how exports index the rows."""
        return (self.record_kind, self.local_id)

    @property
    def sent(self) -> bool:
        """True when the record was sent at least once (the row is not a placeholder)."""
        return self.sequence != NEVER_SENT


@attrs.frozen(slots=True)
class Refresh:
    """A new basis (and, unless ``keep_payload``, payload) for a row whose record was
    looked at again and found as it was sent."""

    record_kind: RecordKind
    local_id: int
    basis: str
    payload: str | None = None
    keep_payload: bool = True


def row_from_mapping(kind: RecordKind, row: sa.RowMapping) -> SyncRow:
    """A :class:`SyncRow` from a result row holding the sync state's columns."""
    return SyncRow(
        record_kind=kind,
        local_id=row["local_id"],
        remote_id=row["remote_id"],
        fingerprint=row["fingerprint"],
        sequence=row["sequence"],
        deleted=bool(row["deleted"]),
        sent_at=row["sent_at"],
        basis=row.get("basis"),
        payload=row.get("payload"),
    )


def export_program(session: Session) -> int:
    """The program whose sync state an export in ``session`` reads and writes: the
    scope's, else the granted role's, else the only program.

    Raises:
        ValidationError: the database holds several programs and nothing says which.
    """
    return programs.program_for_new(session, "export")


_VALUE_COLUMNS = ("remote_id", "fingerprint", "sequence", "deleted", "sent_at", "basis", "payload")

NewRow: TypeAlias = tuple[
    RecordKind, int, str | None, str, int, bool, dt.datetime, str | None, str | None
]
"""A row to insert as a plain tuple, in :class:`SyncRow`'s order: record kind, local id,
remote id, fingerprint, sequence, deleted, sent at, basis, payload (an export writes a row
for each record that arrived: no object made for each)."""

_KIND_VALUES = {kind: kind.value for kind in RecordKind}


def _new_row(row: SyncRow) -> NewRow:
    return (
        row.record_kind,
        row.local_id,
        row.remote_id,
        row.fingerprint,
        row.sequence,
        row.deleted,
        row.sent_at,
        row.basis,
        row.payload,
    )


class SyncStateRepository:
    """The sync state rows (``uow.sync_state``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, adapter: str, target: str) -> dict[tuple[RecordKind, int], SyncRow]:
        """Every row of one adapter and target, by (record kind, local id), without
        payloads. Rows of a kind this version does not know are left out."""
        c = tables.sync_state.c
        columns = [c.record_kind, c.local_id, *(c[n] for n in _VALUE_COLUMNS if n != "payload")]
        statement = sa.select(*columns).where(
            c.program_id == export_program(self.session), c.adapter == adapter, c.target == target
        )
        found: dict[tuple[RecordKind, int], SyncRow] = {}
        for row in self.session.execute(statement).mappings():
            try:
                kind = RecordKind(row["record_kind"])
            except ValueError:
                continue
            found[(kind, row["local_id"])] = row_from_mapping(kind, row)
        return found

    def has_rows(self, adapter: str, target: str) -> bool:
        """True when anything was ever exported (or looked at) for this adapter and target."""
        c = tables.sync_state.c
        statement = (
            sa.select(c.id)
            .where(
                c.program_id == export_program(self.session),
                c.adapter == adapter,
                c.target == target,
            )
            .limit(1)
        )
        return self.session.execute(statement).first() is not None

    def save(
        self, adapter: str, target: str, *, new: Iterable[SyncRow], changed: Iterable[SyncRow]
    ) -> None:
        """Insert the ``new`` rows and overwrite the ``changed`` ones (same key)."""
        self.insert(adapter, target, [_new_row(row) for row in new])
        updates = [
            {
                "b_record_kind": row.record_kind.value,
                "b_local_id": row.local_id,
                **{name: getattr(row, name) for name in _VALUE_COLUMNS},
            }
            for row in changed
        ]
        if updates:
            table = tables.sync_state
            c = table.c
            statement = (
                sa.update(table)
                .where(
                    c.program_id == export_program(self.session),
                    c.adapter == adapter,
                    c.target == target,
                    c.record_kind == sa.bindparam("b_record_kind"),
                    c.local_id == sa.bindparam("b_local_id"),
                )
                .values({name: sa.bindparam(name) for name in _VALUE_COLUMNS})
            )
            self.session.connection().execute(statement, updates)

    def insert(self, adapter: str, target: str, rows: Sequence[NewRow]) -> None:
        """Insert new rows (none of them stored yet), given as plain tuples."""
        if not rows:
            return
        count = len(rows)
        kinds, local_ids, *values = zip(*rows, strict=True)
        columns: dict[str, list[Any]] = {
            "program_id": [export_program(self.session)] * count,
            "adapter": [adapter] * count,
            "target": [target] * count,
            "record_kind": [_KIND_VALUES[kind] for kind in kinds],
            "local_id": list(local_ids),
        }
        for name, column in zip(_VALUE_COLUMNS, values, strict=True):
            columns[name] = list(column)
        _insert_many(self.session.connection(), tables.sync_state, columns)

    def refresh(self, adapter: str, target: str, refreshes: Iterable[Refresh]) -> None:
        """Store new bases (and payloads) of rows whose records did not change."""
        table = tables.sync_state
        c = table.c
        keep: list[dict[str, Any]] = []
        replace: list[dict[str, Any]] = []
        for item in refreshes:
            values = {
                "b_record_kind": item.record_kind.value,
                "b_local_id": item.local_id,
                "basis": item.basis,
            }
            if item.keep_payload:
                keep.append(values)
            else:
                replace.append({**values, "payload": item.payload})
        where = (
            c.program_id == export_program(self.session),
            c.adapter == adapter,
            c.target == target,
            c.record_kind == sa.bindparam("b_record_kind"),
            c.local_id == sa.bindparam("b_local_id"),
        )
        connection = self.session.connection()
        if keep:
            statement = sa.update(table).where(*where).values(basis=sa.bindparam("basis"))
            connection.execute(statement, keep)
        if replace:
            statement = (
                sa.update(table)
                .where(*where)
                .values(basis=sa.bindparam("basis"), payload=sa.bindparam("payload"))
            )
            connection.execute(statement, replace)

    def move_record(self, kind: RecordKind, from_id: int, to_id: int) -> int:
        """Give record ``to_id`` the rows of ``from_id`` (same kind) at every adapter and
        target where ``to_id`` has none, in each program this unit of work sees: that remote
        record becomes ``to_id``'s (a merge).
        Rows where both have one stay, so the next export deletes ``from_id`` there.
        Returns how many rows moved."""
        c = tables.sync_state.c
        of_kind = c.record_kind == kind.value
        taken = {
            (program_id, adapter, target)
            for program_id, adapter, target in self.session.execute(
                sa.select(c.program_id, c.adapter, c.target).where(of_kind, c.local_id == to_id)
            )
        }
        movable = [
            row_id
            for row_id, program_id, adapter, target in self.session.execute(
                sa.select(c.id, c.program_id, c.adapter, c.target).where(
                    of_kind, c.local_id == from_id
                )
            )
            if (program_id, adapter, target) not in taken
        ]
        if movable:
            self.session.execute(
                sa.update(tables.sync_state).where(c.id.in_(movable)).values(local_id=to_id)
            )
        return len(movable)


def _insert_many(connection: sa.Connection, table: sa.Table, columns: dict[str, list[Any]]) -> None:
    """Insert rows given as ``columns`` (name: a value per row) with one driver
    ``executemany``.

    The statement is compiled once and each column's bind processor runs once per distinct
    value (an export's rows share their adapter, target and time): SQLAlchemy's own
    ``executemany`` processes every parameter of every row, which cost most of the time
    a first export spent writing its sync state."""
    dialect = connection.dialect
    names = tuple(columns)
    compiled = _compiled_insert(table, names, dialect)
    processed: list[list[Any]] = []
    for name in names:
        values = columns[name]
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            done: dict[Any, Any] = {}
            values = list(values)
            for i, value in enumerate(values):
                key = (type(value), value)
                if key not in done:
                    done[key] = process(value)
                values[i] = done[key]
        processed.append(values)
    params: list[Any]
    if compiled.positional:
        order = [names.index(name) for name in compiled.positiontup or ()]
        params = list(zip(*(processed[i] for i in order), strict=True))
    else:
        params = [dict(zip(names, row, strict=True)) for row in zip(*processed, strict=True)]
    connection.exec_driver_sql(compiled.string, params)


_COMPILED: dict[tuple[str, str, str, tuple[str, ...]], Any] = {}


def _compiled_insert(table: sa.Table, names: tuple[str, ...], dialect: sa.Dialect) -> Any:
    key = (f"{dialect.name}+{dialect.driver}", dialect.paramstyle, table.name, names)
    found = _COMPILED.get(key)
    if found is None:
        statement = sa.insert(table).inline().values({n: sa.bindparam(n) for n in names})
        found = _COMPILED[key] = statement.compile(dialect=dialect)
    return found
