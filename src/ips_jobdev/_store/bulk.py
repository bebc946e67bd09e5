"""Bulk writes: many new records at the speed of the database, for imports and the demo.

Mapped objects cost too much for a hundred thousand rows, so new rows go in as plain
values. They are still the model's records: :func:`new_row` is the one place a new row is
made. Every column the caller leaves out takes the model's own default (read from its attrs
fields, so no default is written twice), the version starts at the model's first version,
and derived keys (an employer's ``name_key``) come from the same function the mapper uses.
Values are turned into what the database stores by the columns' own types (the same
conversions the mapper applies).

A :class:`BulkWriter` gives new rows their ids up front (so rows can refer to each other
and events can name them before anything is sent) and writes them the fastest way each
database offers, inside the unit of work's transaction (all or nothing):

- **SQLite**: the writer holds the database's write lock, numbers the rows after the
  largest id, and inserts them with one ``executemany`` of plain tuples per batch;
- **PostgreSQL**: ids come from the table's sequence (one statement a batch); rows are
  streamed with ``COPY`` straight into their table, except into a table under row-level
  security (``COPY`` cannot check its policy) or one referring to such a table: those go
  into a temporary staging table and move with one ``INSERT ... SELECT ... ON CONFLICT DO
  NOTHING`` per table in :meth:`BulkWriter.finish`. A row that another session stored in
  the meantime under the same unique key (an external id, a job seeker's code) is not
  overwritten: the writer raises :class:`~ips_jobdev.errors.ConcurrentUpdateError` and
  the transaction is rolled back.

:func:`lock_for_import` serialises imports of one kind of record, so two imports of
overlapping files never both create the same employer.

Every new record also gets a ``created`` row in the change history
(:func:`ips_jobdev._store.history.record_created`), with the operation the caller
explains (``uow.explain``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
import json.encoder
import operator
import re
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._store import history, program_notes, programs, tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.mapping import start_mappers
from ips_jobdev._store.spill import FirstSeen
from ips_jobdev._store.types import Money, TagList, WindowsType
from ips_jobdev._store.unit_of_work import UnitOfWork, _translated_errors, refusal
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.errors import ConcurrentUpdateError, IpsJobdevError, ValidationError

__all__ = [
    "BulkWriter",
    "FirstSeen",
    "PrepareKey",
    "PreparedRow",
    "insert_employers",
    "insert_people",
    "insert_seekers",
    "insert_visits",
    "lock_for_import",
    "new_row",
    "prepare_key",
    "prepare_row",
]


def _employer_name_key(row: Mapping[str, Any]) -> str:
    return model.normalize_employer_name(row["name"])


_DERIVED: dict[type, dict[str, Callable[[Mapping[str, Any]], Any]]] = {
    # the mapper stamps the same key on employers it writes (mapping._stamp_name_key)
    model.Employer: {"name_key": _employer_name_key},
}
"""Columns computed from a row's other values. A caller that already computed one with the
same function (the employers import does, for its duplicate checks) may pass it."""


@attrs.frozen
class _Template:
    """A new row of one record class before its values: the plain defaults, the columns
    made by a factory (a fresh list, the creation time), and the derived columns."""

    table: sa.Table
    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    derived: tuple[tuple[str, Callable[[Mapping[str, Any]], Any]], ...]


@functools.cache
def _template(record_class: type) -> _Template:
    start_mappers()
    table: sa.Table = sa.inspect(record_class).local_table
    defaults: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    for field in attrs.fields(record_class):
        if field.name not in table.c or field.name == "id":
            continue
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            factories.append((field.name, field.default.factory))
        elif field.default is not attrs.NOTHING:
            defaults[field.name] = field.default
    derived = tuple(_DERIVED.get(record_class, {}).items())
    return _Template(table, defaults, tuple(factories), derived)


def new_row(record_class: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """A whole row of ``record_class``'s table for a new record: ``values`` over the
    model's defaults (factories, such as the creation time, are called per row), with the
    derived keys computed.

    >>> row = new_row(model.Employer, {"name": "The Example Bakery, Inc."})
    >>> row["name_key"], row["version"], row["job_types"], row["do_not_contact"]
    ('example bakery', 1, [], False)
    """
    template = _template(record_class)
    row = template.defaults.copy()
    for name, factory in template.factories:
        if name not in values:
            row[name] = factory()
    row.update(values)
    for name, derive in template.derived:
        if name not in values:
            row[name] = derive(row)
    return row


class _Encoder:
    """Turns rows of one record class into tuples of what one database stores, in the
    table's column order, through the columns' own bind conversions."""

    def __init__(self, record_class: type, dialect: sa.Dialect) -> None:
        template = _template(record_class)
        self.table = template.table
        self.columns = [column.name for column in self.table.c]
        self.index = {name: i for i, name in enumerate(self.columns)}
        self.processors: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(dialect).bind_processor(dialect) for column in self.table.c
        ]
        for i, column in enumerate(self.table.c):
            processor = self.processors[i]
            if processor is not None and isinstance(column.type, TagList):
                self.processors[i] = _remembering(processor, _list_key)
            elif processor is not None and isinstance(column.type, Money | WindowsType):
                # equal amounts (windows) are stored alike, and they repeat from row to row
                self.processors[i] = _remembering(processor, _value_key)
        self.template = template
        self._utc_now = {name for name, factory in template.factories if factory is model.utc_now}
        self._blank: list[Any] = [None] * len(self.columns)
        for name, value in template.defaults.items():
            self._blank[self.index[name]] = self._encode(name, value)
        self._derived = [(self.index[name], derive, name) for name, derive in template.derived]

    def _encode(self, name: str, value: Any) -> Any:
        processor = self.processors[self.index[name]]
        return value if processor is None else processor(value)

    def rows(self, ids: Sequence[int], rows: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        """Whole encoded rows (ids first in the table's order); the creation time is one
        instant for the batch, and every factory's value is made once for the batch (the
        encoded values are immutable, so rows may share them)."""
        blank = self._blank.copy()
        now = model.utc_now()
        for name, factory in self.template.factories:
            blank[self.index[name]] = self._encode(
                name, now if name in self._utc_now else factory()
            )
        index, processors, derived = self.index, self.processors, self._derived
        id_at = index.get("id")
        out = []
        for record_id, values in zip(ids, rows, strict=True):
            row = blank.copy()
            if id_at is not None:
                row[id_at] = record_id
            for name, value in values.items():
                at = index[name]
                processor = processors[at]
                row[at] = value if processor is None else processor(value)
            for at, derive, name in derived:
                if name not in values:
                    row[at] = derive(values)
            out.append(tuple(row))
        return out


def _list_key(value: Any) -> Any:
    return tuple(value or ())


def _value_key(value: Any) -> Any:
    return value


def _remembering(
    processor: Callable[[Any], Any], key_of: Callable[[Any], Any]
) -> Callable[[Any], Any]:
    """A column's conversion, done once per distinct value (tags, amounts and windows
    repeat a lot)."""
    memo: dict[Any, Any] = {}

    def process(value: Any) -> Any:
        key = key_of(value)
        hit = memo.get(key)
        if hit is None:
            hit = processor(value)
            if len(memo) > 4096:
                memo.clear()
            memo[key] = hit
        return hit

    return process


_encoders: dict[tuple[type, str, str], _Encoder] = {}
_table_encoders: dict[tuple[str, str, str], tuple[list[str], list[Any]]] = {}


def _table_processors(table: sa.Table, dialect: sa.Dialect) -> tuple[list[str], list[Any]]:
    """A plain table's column names and bind conversions (for tables without a record
    class, such as the change history)."""
    key = (table.name, dialect.name, dialect.driver)
    found = _table_encoders.get(key)
    if found is None:
        columns = [column.name for column in table.c]
        processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.c]
        found = _table_encoders[key] = (columns, processors)
    return found


def _encoder(record_class: type, dialect: sa.Dialect) -> _Encoder:
    key = (record_class, dialect.name, dialect.driver)
    found = _encoders.get(key)
    if found is None:
        found = _encoders[key] = _Encoder(record_class, dialect)
    return found


def _take_sqlite_write_lock(connection: sa.Connection, table: sa.Table) -> None:
    # any write statement makes SQLite take the database's write (RESERVED) lock until the
    # transaction ends, even one that changes no row
    connection.exec_driver_sql(f"UPDATE {table.name} SET id = id WHERE 0")


PrepareKey = tuple[str, str]
"""Which database a prepared row is for: its dialect's name and driver."""

PreparedRow = tuple[tuple[Any, ...] | str, Any, Any, Any]
"""A new record's row made ready to write by :func:`prepare_row`: its encoded values (all
but the id, the ``given`` columns and the creation times; on PostgreSQL as ``COPY`` text),
its history row's ``after`` (encoded as the database stores it; ``COPY`` text), its
version and program."""


def prepare_key(uow: UnitOfWork) -> PrepareKey:
    """What :func:`prepare_row` needs to know of ``uow``'s database (a plain value, sent
    to worker processes)."""
    dialect = uow.session.connection().dialect
    return (dialect.name, dialect.driver)


@functools.cache
def _dialect_of(key: PrepareKey) -> sa.Dialect:
    name, driver = key
    dialect: sa.Dialect = sa.engine.URL.create(f"{name}+{driver}").get_dialect()()
    return dialect


class _Preparer:
    """Makes new rows of one record class ready to write, without a database: encoded as
    :class:`_Encoder` does, with their history's ``after`` (what :meth:`BulkWriter.add`
    writes, row for row)."""

    def __init__(self, record_class: type, key: PrepareKey, given: tuple[str, ...]) -> None:
        dialect = _dialect_of(key)
        encoder = _Encoder(record_class, dialect)
        template = encoder.template
        self.record_class = record_class
        self.table = encoder.table
        self.given = given
        timed = [name for name, factory in template.factories if factory is model.utc_now]
        made_here = {"id", *given, *timed}
        rest = [name for name in encoder.columns if name not in made_here]
        self.columns = ["id", *given, *timed, *rest]
        self._timed = [encoder.processors[encoder.index[name]] for name in timed]
        self._made_here = made_here
        self._copy_text = key[0] == "postgresql"
        self._given_names = [f"{_json_text(name)}: " for name in given]
        self._at = {name: i for i, name in enumerate(rest)}
        self._processors = [encoder.processors[encoder.index[name]] for name in rest]
        if key[0] == "postgresql":
            # JSON values as their text (what the driver would send), not the driver's
            # wrapper: sent from a worker process, and written by COPY, at less cost
            for i, name in enumerate(rest):
                process = self._processors[i]
                kind = self.table.c[name].type
                if process is not None and _is_json(kind):
                    # word lists repeat from row to row: each distinct one spelled once
                    text = _json_of(process)
                    self._processors[i] = (
                        _remembering(text, _list_key) if isinstance(kind, TagList) else text
                    )
        # a record without values: the defaults and the factories' values (but the creation
        # times, made when the rows are written), encoded once; rows share the encoded
        # values (immutable) and copy the history's plain ones
        blank = template.defaults.copy()
        blank.update((n, f()) for n, f in template.factories if n not in timed)
        self._blank = [
            None if name not in blank else _encode_one(self._processors[i], blank[name])
            for i, name in enumerate(rest)
        ]
        self._version = blank.get("version")
        self._program = blank.get("program_id")
        self._after = {k: v for k, v in history.created_after(blank).items() if k not in given}
        self._derived = [(self._at[name], name, derive) for name, derive in template.derived]
        self._defaults = blank
        self._seen: dict[Any, str] = {}
        # the text both databases are sent for a JSON value: json.dumps's (SQLite's column
        # conversion calls it, PostgreSQL's driver too)
        self._json = _json_text

    def times(self, now: Any) -> tuple[Any, ...]:
        """The encoded creation times of a batch made at ``now``."""
        return tuple(now if process is None else process(now) for process in self._timed)

    @property
    def copy_text(self) -> bool:
        """Whether prepared rows are lines of ``COPY`` text (PostgreSQL)."""
        return self._copy_text

    def __call__(self, values: Mapping[str, Any]) -> PreparedRow:
        if not self._made_here.isdisjoint(values):
            taken = sorted(self._made_here.intersection(values))
            raise ValueError(f"a prepared row is given {taken}: the writer makes them")
        encoded = self._blank.copy()
        at, processors = self._at, self._processors
        for name, value in values.items():
            i = at[name]
            process = processors[i]
            encoded[i] = value if process is None else process(value)
        for i, name, derive in self._derived:
            if name not in values:
                encoded[i] = derive({**self._defaults, **values})
        if len(self._seen) > 4096:
            self._seen.clear()
        after = self._after.copy()
        after.update(history.created_after(values, self._seen))
        version = values.get("version", self._version)
        program = values.get("program_id", self._program)
        if self._copy_text:
            # PostgreSQL: the row and its history's after as COPY text, made here (in a
            # worker process) rather than cell by cell by the driver in the writer
            text = _copy_row(encoded)
            return text, _copy_cell(self._json(after)), version, program
        return tuple(encoded), self._json(after), version, program

    def with_given(self, after: Any, known: tuple[Any, ...]) -> Any:
        """A prepared ``after`` with the ``given`` columns' values put first."""
        if not self.given:
            return after
        first = ", ".join(
            f"{name}{value}" if type(value) is int else f"{name}{_json_text(value)}"
            for name, value in zip(self._given_names, known, strict=True)
        )
        return f"{{{first}}}" if after == "{}" else f"{{{first}, {after[1:]}"


_json_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]


def _json_text(value: Any) -> str:
    """``json.dumps(value)``, the same text at two thirds of the cost (its C encoder made
    once, not per call; the check for circular values left out: rows have none)."""
    return "".join(_JSON_ENCODE(value, 0)) if _JSON_ENCODE is not None else json.dumps(value)


_JSON_SETTINGS = (
    # json.dumps's defaults: no marker dict (no circular check), default, ASCII strings,
    # no indent, key and item separators, no key sorting, no skipped keys, NaN allowed
    None,
    json.JSONEncoder().default,
    json.encoder.encode_basestring_ascii,
    None,
    ": ",
    ", ",
    False,
    False,
    True,
)
_JSON_ENCODE = _json_encoder(*_JSON_SETTINGS) if _json_encoder is not None else None


_COPY_SPECIAL = re.compile(r"[\\\t\n\r]")
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_cell(value: Any) -> str:
    """One value as PostgreSQL's ``COPY`` text format spells it (what the driver sends
    for these types)."""
    kind = type(value)
    if kind is str:
        text: str = value.translate(_COPY_ESCAPES) if _COPY_SPECIAL.search(value) else value
        return text
    if value is None:
        return "\\N"
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is Decimal:
        return str(value)
    if kind is float:
        return repr(value)
    if kind is dt.datetime or kind is dt.date:
        return str(value.isoformat())
    raise TypeError(f"no COPY text for a {kind.__name__} value")


def _copy_row(values: Sequence[Any]) -> str:
    """Values as a ``COPY`` line's cells (without its end)."""
    if _COPY_SPECIAL.search("".join([v for v in values if type(v) is str])):
        return "\t".join(map(_copy_cell, values))
    # most rows: no text to escape, and most cells text or empty
    return "\t".join(
        [v if type(v) is str else "\\N" if v is None else _copy_cell(v) for v in values]
    )


def _copy_line(values: Sequence[Any]) -> str:
    """Values as leading cells of a ``COPY`` line (each followed by a tab)."""
    return "".join(f"{_copy_cell(value)}\t" for value in values)


def _is_json(kind: sa.types.TypeEngine[Any]) -> bool:
    return isinstance(getattr(kind, "impl", kind), sa.JSON)


def _json_of(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def text(value: Any) -> Any:
        sent = process(value)
        return None if sent is None else _json_text(getattr(sent, "obj", sent))

    return text


def _encode_one(process: Callable[[Any], Any] | None, value: Any) -> Any:
    return value if process is None else process(value)


_preparers: dict[tuple[type, PrepareKey, tuple[str, ...]], _Preparer] = {}


def _preparer(record_class: type, key: PrepareKey, given: tuple[str, ...] = ()) -> _Preparer:
    found = _preparers.get((record_class, key, given))
    if found is None:
        found = _preparers[(record_class, key, given)] = _Preparer(record_class, key, given)
    return found


def prepare_row(
    record_class: type, key: PrepareKey, values: Mapping[str, Any], given: tuple[str, ...] = ()
) -> PreparedRow:
    """A new record of ``record_class`` from plain values (as :func:`new_row`), made ready
    for :meth:`BulkWriter.add_prepared` on the database ``key`` names: a pure function of
    its arguments, so a worker process gives what the importing process would. ``given``
    names columns whose values only the writer knows (a new contact's employer id)."""
    return _preparer(record_class, key, given)(values)


_LOCK_NAMES = {"employers", "seekers", "visits"}


def lock_for_import(uow: UnitOfWork, kind: str) -> None:
    """Make imports of ``kind`` wait for each other (held until the transaction ends).

    On PostgreSQL a transaction-level advisory lock per kind and schema; on SQLite the
    database's write lock (SQLite has one writer at a time; another import, or any other
    write, waits up to the busy timeout). Taken before the import reads what is stored, so
    the second of two imports of overlapping files finds the first one's rows.

    Raises:
        ConcurrentUpdateError: SQLite's busy timeout ran out (another import or write held
            the database all that time).
    """
    if kind not in _LOCK_NAMES:
        raise ValueError(f"no import lock for {kind!r}")
    connection = uow.session.connection()
    try:
        with _translated_errors(uow.session):
            if connection.dialect.name == "postgresql":
                key = zlib.crc32(f"ips_jobdev.import.{kind}".encode())
                connection.execute(
                    sa.text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                    {"key": key - (1 << 31)},
                )
            else:
                _take_sqlite_write_lock(connection, tables.employers)
    except IpsJobdevError as exc:
        raise ConcurrentUpdateError(
            "another import or change is being written to this database and did not finish "
            f"in time ({exc}); nothing was written. Try again when it has finished."
        ) from exc


class BulkWriter:
    """New rows of the model's tables, written in bulk inside ``uow``'s transaction.

    :meth:`add` gives the rows their ids at once; on SQLite they are written at once too,
    on PostgreSQL they are staged and written by :meth:`finish`, which must be called
    before the commit (rows of one table are written before those of tables added later,
    so references between them hold).
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.connection = uow.session.connection()
        self.dialect = self.connection.dialect
        self.postgres = self.dialect.name == "postgresql"
        self._next_id: dict[str, int] = {}
        self._staged: dict[str, tuple[str, list[str], int]] = {}
        self._sql: dict[tuple[str, ...], str] = {}
        self._sequences: dict[str, str] = {}
        self._secured: dict[str, bool] = {}

    def add(
        self,
        record_class: type,
        rows: Sequence[Mapping[str, Any]],
        *,
        history_extra: Sequence[Mapping[str, Any]] | None = None,
    ) -> list[int]:
        """New records of ``record_class`` from plain values (see :func:`new_row`); their
        ids, in the order of ``rows``. Each gets a ``created`` row in the change history
        (``history_extra[i]`` adds fields to row ``i``'s, such as a visit's job seekers)."""
        if not rows:
            return []
        encoder = _encoder(record_class, self.dialect)
        session = self.uow.session
        notes: list[str | None] = []
        if record_class is model.Employer:
            # an employer's notes are the current program's, kept apart from the record
            notes = [row.get("notes") for row in rows]
            rows = [{k: v for k, v in row.items() if k != "notes"} for row in rows]
        if "program_id" in encoder.index:
            filled = [dict(row) for row in rows]
            programs.fill_programs(session, encoder.table, filled)
            rows = filled
        with _translated_errors(session):
            ids = self._reserve(encoder.table, len(rows))
            self._write(encoder.table, encoder.columns, encoder.rows(ids, rows))
            self._record_created(record_class, ids, rows, history_extra)
        self._add_notes(ids, notes)
        return ids

    def _add_notes(self, ids: Sequence[int], notes: Sequence[str | None]) -> None:
        """New employers' notes (the current program's), with their history rows."""
        if any(n is not None for n in notes):
            written, entries = program_notes.bulk_rows(self.uow.session, ids, notes)
            self.add_plain(tables.employer_program_notes, written)
            self.add_plain(history.TABLE, entries)

    def add_prepared(
        self,
        record_class: type,
        rows: Sequence[PreparedRow],
        *,
        given: tuple[tuple[str, ...], Sequence[tuple[Any, ...]]] | None = None,
        notes: Sequence[str | None] | None = None,
    ) -> list[int]:
        """New records of ``record_class`` from rows :func:`prepare_row` made (in the
        importing process or a worker): the same records, history rows and ids as
        :meth:`add` would write. ``given`` names the columns the rows were prepared
        without and holds each row's values of them (a new contact's employer id);
        ``notes[i]`` are employer ``i``'s notes."""
        if not rows:
            return []
        names, known = given if given is not None else ((), None)
        preparer = _preparer(record_class, self._prepare_key(), names)
        table = preparer.table
        with _translated_errors(self.uow.session):
            ids = self._reserve(table, len(rows))
            times = preparer.times(model.utc_now())
            encoded: list[tuple[Any, ...]] | list[str]
            if preparer.copy_text:
                at = _copy_line(times)
                encoded = [
                    f"{i}\t{_copy_line(values)}{at}{row[0]}\n"
                    for i, values, row in zip(ids, known or [()] * len(ids), rows, strict=True)
                ]
            elif known is None:
                encoded = [(i, *times, *row[0]) for i, row in zip(ids, rows, strict=True)]
            else:
                encoded = [
                    (i, *values, *times, *row[0])
                    for i, values, row in zip(ids, known, rows, strict=True)
                ]
            self._write(table, preparer.columns, encoded)
            self._add_history(preparer, ids, rows, known)
        if notes is not None:
            self._add_notes(ids, notes)
        return ids

    def _prepare_key(self) -> PrepareKey:
        return (self.dialect.name, self.dialect.driver)

    def _add_history(
        self,
        preparer: _Preparer,
        ids: Sequence[int],
        rows: Sequence[PreparedRow],
        given: Sequence[tuple[Any, ...]] | None,
    ) -> None:
        """The ``created`` history rows of prepared records: the shared values converted
        once, each row's ``after`` as prepared (with the ``given`` values put first)."""
        columns, processors = _table_processors(history.TABLE, self.dialect)
        shared = {
            **history.bulk_base(self.uow.session),
            "record_kind": history.KINDS[preparer.record_class],
            "action": history.HistoryAction.CREATED,
            "before": None,
        }
        per_row = ("id", "record_id", "record_version", "after", "program_id")
        constant = {
            name: (value if process is None else process(value))
            for name, process in zip(columns, processors, strict=True)
            if name not in per_row
            for value in (shared.get(name),)
        }
        afters = [row[1] for row in rows]
        if given is not None:
            afters = [
                preparer.with_given(after, known)
                for after, known in zip(afters, given, strict=True)
            ]
        history_ids = self._reserve(history.TABLE, len(rows))
        if preparer.copy_text:
            # one format for the batch: the shared values as COPY text, the others per row
            fields = {name: i for i, name in enumerate(per_row)}
            line = "\t".join(
                f"{{{fields[name]}}}"
                if name in fields
                else _copy_cell(constant[name]).replace("{", "{{").replace("}", "}}")
                for name in columns
            )
            text = line + "\n"
            lines = [
                text.format(hid, rid, _copy_cell(row[2]), after, _copy_cell(row[3]))
                for hid, rid, row, after in zip(history_ids, ids, rows, afters, strict=True)
            ]
            with _translated_errors(self.uow.session):
                self._write(history.TABLE, columns, lines)
            return
        made = {
            "id": history_ids,
            "record_id": ids,
            "record_version": [row[2] for row in rows],
            "after": afters,
            "program_id": [row[3] for row in rows],
        }
        by_column: list[Iterable[Any]] = [
            made[name] if name in made else itertools.repeat(constant[name], len(rows))
            for name in columns
        ]
        with _translated_errors(self.uow.session):
            self._write(history.TABLE, columns, list(zip(*by_column, strict=False)))

    def _record_created(
        self,
        record_class: type,
        ids: list[int],
        rows: Sequence[Mapping[str, Any]],
        extra: Sequence[Mapping[str, Any]] | None,
    ) -> None:
        """The ``created`` history rows of new records, written the same fast way."""
        # new_row's whole rows, with each factory called once for the batch: the history
        # reads these rows and keeps none of their values
        template = _template(record_class)
        made = template.defaults.copy()
        made.update((name, factory()) for name, factory in template.factories)
        whole = []
        for row in rows:
            values = made.copy()
            values.update(row)
            for name, derive in template.derived:
                if name not in row:
                    values[name] = derive(values)
            whole.append(values)
        entries = history.created_rows(
            self.uow.session, history.KINDS[record_class], ids, whole, extra=extra
        )
        self.add_plain(history.TABLE, entries)

    def add_plain(self, table: sa.Table, entries: Sequence[dict[str, Any]]) -> None:
        """Rows of a table that no model class maps (history, status history), as plain
        values by column name; each gets a new id."""
        if not entries:
            return
        columns, processors = _table_processors(table, self.dialect)
        ids = self._reserve(table, len(entries))
        count = len(entries)
        # built column by column, then zipped into rows: a value that is one object in
        # every entry (the history's actor, time, batch) is converted once, the others
        # per entry
        by_column: list[Iterable[Any]] = []
        for name, process in zip(columns, processors, strict=True):
            if name == "id":
                by_column.append(ids if process is None else list(map(process, ids)))
                continue
            values = [entry.get(name) for entry in entries]
            first = values[0]
            if all(map(operator.is_, values, itertools.repeat(first))):
                shared = first if process is None else process(first)
                by_column.append(itertools.repeat(shared, count))
            else:
                by_column.append(values if process is None else list(map(process, values)))
        encoded = list(zip(*by_column, strict=False))
        with _translated_errors(self.uow.session):
            self._write(table, columns, encoded)

    def add_links(self, table: sa.Table, rows: Iterable[tuple[Any, ...]]) -> None:
        """Rows of a table without an id of its own (``visit_seekers``), as tuples in the
        table's column order."""
        batch = list(rows)
        if batch:
            with _translated_errors(self.uow.session):
                self._write(table, [c.name for c in table.c], batch)

    def _reserve(self, table: sa.Table, count: int) -> list[int]:
        if self.postgres:
            sequence = self._sequences.get(table.name)
            if sequence is None:
                # looked up once: in the statement below it would be looked up per row
                sequence = self._sequences[table.name] = self.connection.execute(
                    sa.text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
                ).scalar_one()
            with self._cursor() as cursor:
                # one array, not a row per id
                cursor.execute(
                    "SELECT array_agg(nextval(%s::regclass) ORDER BY n) "
                    "FROM generate_series(1, %s) AS n",
                    (sequence, count),
                )
                ids: list[int] = cursor.fetchone()[0]
            return ids
        if table.name not in self._next_id:
            _take_sqlite_write_lock(self.connection, table)
            self._next_id[table.name] = 0
        # read each time (the index makes it cheap): rows the ORM inserted meanwhile in
        # this transaction (an updated employer's new contact, history rows) took ids too
        largest = self.connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
        first = (largest or 0) + 1
        return list(range(first, first + count))

    def _write(
        self, table: sa.Table, columns: list[str], rows: list[tuple[Any, ...]] | list[str]
    ) -> None:
        """Rows in ``columns``' order; on PostgreSQL also lines of ``COPY`` text (from
        prepared rows)."""
        if not self.postgres:
            key = (table.name, *columns)
            sql = self._sql.get(key)
            if sql is None:
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"
                self._sql[key] = sql
            self.connection.exec_driver_sql(sql, rows)
            return
        direct = self._copies_directly(table)
        if direct:
            target, staged = table.name, 0
        else:
            target, _, staged = self._staged.get(table.name) or self._stage(table, columns)
        try:
            with (
                self._cursor() as cursor,
                cursor.copy(f"COPY {target} ({', '.join(columns)}) FROM STDIN") as copy,
            ):
                if rows and type(rows[0]) is str:
                    copy.write("".join(rows))
                else:
                    for row in rows:
                        copy.write_row(row)
        except Exception as exc:
            # the driver's own error (COPY runs on its cursor): its text and context quote
            # the row, so only the kind of error goes on
            self.uow.session.rollback()
            if getattr(exc, "sqlstate", None) == _UNIQUE_VIOLATION:
                raise _stored_meanwhile(table.name, None) from None
            raise ValidationError("database", "value", refusal(exc)) from None
        if not direct:
            self._staged[table.name] = (target, columns, staged + len(rows))

    def _copies_directly(self, table: sa.Table) -> bool:
        """Whether rows of ``table`` are copied straight into it: not under row-level
        security (``COPY`` refuses such a table) and referring to no table with rows staged
        (not there yet)."""
        secured = self._secured.get(table.name)
        if secured is None:
            secured = self._secured[table.name] = (
                self.connection.execute(
                    sa.text(
                        "SELECT relrowsecurity FROM pg_catalog.pg_class WHERE oid = to_regclass(:t)"
                    ),
                    {"t": table.name},
                ).scalar()
                is not False
            )
        return not secured and not any(
            key.column.table.name in self._staged for key in table.foreign_keys
        )

    def _cursor(self) -> Any:
        return self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def _stage(self, table: sa.Table, columns: list[str]) -> tuple[str, list[str], int]:
        staging = f"ips_stage_{table.name}_{id(self):x}"
        self.connection.exec_driver_sql(
            f"CREATE TEMPORARY TABLE {staging} (LIKE {table.name} INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        self._staged[table.name] = (staging, columns, 0)
        return self._staged[table.name]

    def finish(self) -> None:
        """Write what is staged (PostgreSQL), one ``INSERT ... SELECT`` per table.

        Raises:
            ConcurrentUpdateError: another session stored a record with the same unique
                key meanwhile; nothing is written (the caller rolls back).
        """
        staged, self._staged = self._staged, {}
        with _translated_errors(self.uow.session):
            for table, (staging, columns, count) in staged.items():
                listed = ", ".join(columns)
                # no ORDER BY: the staging table (temporary, only appended to) is read in
                # the order its rows were copied, ids rising; sorting them made the server
                # merge over 100 MB on disk for the history of 100,000 employers
                moved = self.connection.exec_driver_sql(
                    f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {staging} "
                    "ON CONFLICT DO NOTHING"
                ).rowcount
                self.connection.exec_driver_sql(f"DROP TABLE {staging}")
                if moved != count:
                    raise _stored_meanwhile(table, count - moved)


_UNIQUE_VIOLATION = "23505"


def _stored_meanwhile(table: str, count: int | None) -> ConcurrentUpdateError:
    how_many = f"{count} new {table} row(s) were" if count is not None else f"new {table} rows were"
    return ConcurrentUpdateError(
        f"{how_many} stored by someone else while this was written (same external id or "
        "code); nothing was written. Try again: they will be found as stored records."
    )


def _insert_now(
    uow: UnitOfWork, record_class: type, rows: Sequence[Mapping[str, Any]]
) -> list[int]:
    writer = BulkWriter(uow)
    ids = writer.add(record_class, rows)
    writer.finish()
    return ids


def insert_employers(uow: UnitOfWork, employers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add employers (without their people; see :func:`insert_people`)."""
    return _insert_now(uow, model.Employer, employers)


def insert_people(uow: UnitOfWork, people: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add people at employers (each row names its ``employer_id``)."""
    return _insert_now(uow, model.EmployerPerson, people)


def _status_history(seeker_id: int, row: Mapping[str, Any], closed_on: Any) -> list[dict[str, Any]]:
    """A new job seeker's status history: their status since their IPS start (or since the
    row was made); with a ``closed_on`` day, searching until then and closed from it."""
    entered = row.get("ips_start") or row["created_at"].date()
    status = JobSeekerStatus(row["status"])
    if closed_on is not None and status is JobSeekerStatus.CLOSED:
        return [
            {"seeker_id": seeker_id, "status": "searching", "since": min(entered, closed_on)},
            {"seeker_id": seeker_id, "status": "closed", "since": closed_on},
        ]
    return [{"seeker_id": seeker_id, "status": status.value, "since": entered}]


def insert_seekers(uow: UnitOfWork, seekers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add job seekers, each with the start of their status history (a row's
    ``closed_on``, when given for a closed job seeker, dates the closing)."""
    writer = BulkWriter(uow)
    ids = add_seekers(writer, seekers)
    writer.finish()
    return ids


def add_seekers(writer: BulkWriter, seekers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add job seekers through ``writer``, each with the start of their status history
    (a row's ``closed_on``, when given for a closed job seeker, dates the closing)."""
    rows = [{k: v for k, v in s.items() if k != "closed_on"} for s in seekers]
    ids = writer.add(model.JobSeeker, rows)
    made = [new_row(model.JobSeeker, row) for row in rows]
    writer.add_plain(
        tables.seeker_status_changes,
        [
            {**change, "version": 1}
            for seeker_id, row, given in zip(ids, made, seekers, strict=True)
            for change in _status_history(seeker_id, row, given.get("closed_on"))
        ],
    )
    return ids


def add_visits(
    writer: BulkWriter, visits: Sequence[Mapping[str, Any]], seeker_ids: Sequence[Sequence[int]]
) -> list[int]:
    """Add visits and the job seekers each was for (``seeker_ids[i]`` for ``visits[i]``)."""
    codes = _seeker_codes(writer.uow, {i for seekers in seeker_ids for i in seekers})
    extra = [{"seekers": sorted(codes[i] for i in seekers)} for seekers in seeker_ids]
    filled = [dict(visit) for visit in visits]
    programs.fill_programs(writer.uow.session, tables.visits, filled)
    ids = writer.add(model.Visit, filled, history_extra=extra)
    # each link with its visit's program (the database's trigger checks it on PostgreSQL)
    writer.add_links(
        tables.visit_seekers,
        (
            (visit_id, seeker_id, visit["program_id"])
            for visit_id, visit, seekers in zip(ids, filled, seeker_ids, strict=True)
            for seeker_id in seekers
        ),
    )
    return ids


def insert_visits(
    uow: UnitOfWork, visits: Sequence[Mapping[str, Any]], seeker_ids: Sequence[Sequence[int]]
) -> list[int]:
    """Add visits and the job seekers each was for (``seeker_ids[i]`` for ``visits[i]``)."""
    writer = BulkWriter(uow)
    ids = add_visits(writer, visits, seeker_ids)
    writer.finish()
    return ids


def _seeker_codes(uow: UnitOfWork, seeker_ids: set[int]) -> dict[int, str]:
    c = tables.job_seekers.c
    codes: dict[int, str] = {}
    for chunk in chunks(seeker_ids):
        for seeker_id, code in uow.session.execute(sa.select(c.id, c.code).where(c.id.in_(chunk))):
            codes[seeker_id] = code
    return codes
