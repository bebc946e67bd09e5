"""Read-side queries of exports: which records changed since an adapter last looked at them.

Every record an export sends is made from a few rows: a visit from its own row, its
employer, specialist, the person met and its job seekers; a person from their row and their
employer's; a job-fit note from its row, the job seeker, employer, author and opening. Each
of those rows has a version that goes up whenever it is saved changed (the store's optimistic
locking). A record's **basis** is those versions (with the ids they belong to) as one short
text, computed here in SQL, prefixed by the export's *context* (what else shapes a record:
the audience, the privacy settings, the adapter's options, the library's version).

The sync state keeps the basis each record had when the export last looked at it, so an
export asks the database for the records whose basis moved (:func:`candidate_ids` with
``changed_only``) and gathers and redacts only those. A moved basis does not mean the
record an adapter sees changed (a job seeker's preferences are not in any record); the
export compares fingerprints as before and only stores the new basis then.

The rule this relies on: whatever changes a column a record is made from must raise that
row's ``version`` (every ORM save does; a bulk ``UPDATE`` must do it too). The ids and
creation times are in the basis as well, so a record moved to another employer or a
SQLite id used again for a new row is never taken for the old one.
"""

from __future__ import annotations

import datetime as dt
import functools
from array import array
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, TypeAlias

import attrs
import sqlalchemy as sa

from ips_jobdev._phones import PhoneNumber
from ips_jobdev._records import RecordKind
from ips_jobdev._store import tables
from ips_jobdev._store.queries._raw import (
    compile_select,
    fetch_compiled,
    fetch_tuples,
    once_each,
)
from ips_jobdev._store.sync_state import SyncRow, export_program, row_from_mapping
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus

__all__ = [
    "KEPT",
    "SKIPPED",
    "Candidate",
    "EmployerRow",
    "Places",
    "Scope",
    "Selected",
    "VisitPerson",
    "VisitPlace",
    "VisitRow",
    "candidate_ids",
    "candidates",
    "employer_rows",
    "gone_rows",
    "kept_rows",
    "visit_rows",
]


@attrs.frozen(slots=True)
class Scope:
    """Which records one export covers, and at which adapter and target.

    Attributes:
        adapter: the adapter's name.
        target: the target's name (a file path, a calendar, a CRM instance).
        context: what else shapes the records and payloads (a short hash); a basis from
            another context never matches.
        specialist_id: only this specialist's visits and the job-fit notes they wrote.
        since: only visits at or after this time, and notes written at or after it.
    """

    adapter: str
    target: str
    context: str
    specialist_id: int | None = None
    since: dt.datetime | None = None


class Candidate(NamedTuple):
    """One record in scope: its basis now, and its sync row (``None``: never looked at).

    ``row.payload`` is filled only when the query was asked for payloads. (A named tuple:
    an export makes one for every record it looks at.)
    """

    kind: RecordKind
    local_id: int
    basis: str
    row: SyncRow | None

    @property
    def moved(self) -> bool:
        """True when the record may differ from what the target was last given."""
        return self.row is None or self.row.basis != self.basis


def _text(column: Any) -> Any:
    return sa.func.coalesce(sa.cast(column, sa.String), "")


def _joined(parts: Sequence[Any]) -> Any:
    """The parts as one text, colon-separated (a basis)."""
    out = _text(parts[0])
    for part in parts[1:]:
        out = out + ":" + _text(part)
    return out


@attrs.frozen
class _Shape:
    """How one kind of record is read: its table, the joins its basis needs, the basis."""

    table: sa.Table
    source: Any
    basis: Any


def _visit_shape() -> _Shape:
    v, e, s = tables.visits, tables.employers, tables.specialists
    p, vs, js = tables.employer_people, tables.visit_seekers, tables.job_seekers
    seekers = (
        sa.select(
            _joined([sa.func.count(), sa.func.sum(vs.c.seeker_id), sa.func.sum(js.c.version)])
        )
        .select_from(vs.join(js, js.c.id == vs.c.seeker_id))
        .where(vs.c.visit_id == v.c.id)
        .scalar_subquery()
    )
    basis = _joined(
        [
            v.c.version,
            v.c.created_at,
            e.c.id,
            e.c.version,
            s.c.id,
            s.c.version,
            p.c.id,
            p.c.version,
            seekers,
        ]
    )
    source = (
        v.join(e, e.c.id == v.c.employer_id)
        .join(s, s.c.id == v.c.specialist_id)
        .outerjoin(p, p.c.id == v.c.person_id)
    )
    return _Shape(v, source, basis)


def _employer_shape() -> _Shape:
    e = tables.employers
    return _Shape(e, e, _joined([e.c.version, e.c.created_at]))


def _person_shape() -> _Shape:
    p, e = tables.employer_people, tables.employers
    # people have no creation time: their name stands in for it against a reused SQLite id
    basis = _joined([p.c.version, e.c.id, e.c.version, sa.func.substr(p.c.name, 1, 200)])
    return _Shape(p, p.join(e, e.c.id == p.c.employer_id), basis)


def _fit_note_shape() -> _Shape:
    n, js, e = tables.job_fit_notes, tables.job_seekers, tables.employers
    s, o = tables.specialists, tables.job_openings
    basis = _joined(
        [
            n.c.version,
            n.c.written_at,
            js.c.id,
            js.c.version,
            e.c.id,
            e.c.version,
            s.c.id,
            s.c.version,
            o.c.id,
            o.c.version,
        ]
    )
    source = (
        n.join(js, js.c.id == n.c.seeker_id)
        .join(e, e.c.id == n.c.employer_id)
        .join(s, s.c.id == n.c.author_id)
        .outerjoin(o, o.c.id == n.c.opening_id)
    )
    return _Shape(n, source, basis)


_SHAPES = {
    RecordKind.VISIT: _visit_shape,
    RecordKind.EMPLOYER: _employer_shape,
    RecordKind.PERSON: _person_shape,
    RecordKind.FIT_NOTE: _fit_note_shape,
}


@functools.cache
def _shape(kind: RecordKind) -> _Shape:
    return _SHAPES[kind]()


def _in_scope(statement: Any, kind: RecordKind, scope: Scope) -> Any:
    if kind is RecordKind.VISIT:
        c = tables.visits.c
        if scope.specialist_id is not None:
            statement = statement.where(c.specialist_id == scope.specialist_id)
        if scope.since is not None:
            statement = statement.where(c.at >= scope.since)
    elif kind is RecordKind.FIT_NOTE:
        c = tables.job_fit_notes.c
        if scope.specialist_id is not None:
            statement = statement.where(c.author_id == scope.specialist_id)
        if scope.since is not None:
            statement = statement.where(c.written_at >= scope.since)
    return statement


def _sync_join(uow: UnitOfWork, kind: RecordKind, scope: Scope, id_column: Any) -> tuple[Any, Any]:
    """The sync state of this scope's adapter and target (the export's program's),
    aliased, and its join condition."""
    ss = tables.sync_state.alias("ss")
    condition = sa.and_(
        ss.c.program_id == export_program(uow.session),
        ss.c.adapter == scope.adapter,
        ss.c.target == scope.target,
        ss.c.record_kind == kind.value,
        ss.c.local_id == id_column,
    )
    return ss, condition


def _among(column: Any, ids: Sequence[int]) -> Any:
    """``column IN ids``; as a range when the ids are exactly one (a first export's chunks
    are): two parameters to bind instead of hundreds, and an index range to scan."""
    distinct = set(ids)
    if distinct and max(distinct) - min(distinct) + 1 == len(distinct):
        return column.between(min(distinct), max(distinct))
    return column.in_(list(ids))


_LO = sa.bindparam("among_lo", type_=sa.Integer)
_HI = sa.bindparam("among_hi", type_=sa.Integer)
_COMPILED: dict[tuple[Any, ...], Any] = {}
"""Statements run for ranges of ids, compiled once (by key and dialect)."""


def _fetch_among(
    uow: UnitOfWork, key: tuple[Any, ...], make: Callable[[Any], Any], ids: Sequence[int]
) -> list[tuple[Any, ...]]:
    """The rows of ``make(among)`` as plain tuples, where ``among(column)`` keeps the rows
    whose ``column`` is one of ``ids``.

    When the ids are exactly a range (a first export's chunks are), the statement is
    compiled once for ``key`` and run with the range's two ends: a chunk pays neither for
    building and compiling its statement nor for SQLAlchemy's result rows."""
    session = uow.session
    distinct = set(ids)
    if not distinct or max(distinct) - min(distinct) + 1 != len(distinct):
        return fetch_tuples(session, make(lambda column: column.in_(list(ids))))
    dialect = session.connection().dialect
    found = _COMPILED.get((key, dialect))
    if found is None:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        statement = make(lambda column: column.between(_LO, _HI))
        found = _COMPILED[(key, dialect)] = compile_select(statement, dialect)
    return fetch_compiled(session, found, {"among_lo": min(distinct), "among_hi": max(distinct)})


def _full_basis(shape: _Shape, scope: Scope) -> Any:
    return sa.literal(scope.context + "|", sa.String) + shape.basis


KEPT = 1
"""A record unchanged since the target received it, with the payload rendered then."""

SKIPPED = 2
"""A record unchanged since it was looked at, which the target does not have (a visit
cancelled before it was ever sent): nothing to send, nothing to read."""


@attrs.frozen
class Selected:
    """The records in scope, in order, and (only when asked for payloads) a flag for each:
    :data:`KEPT`, :data:`SKIPPED`, or 0 (read it)."""

    ids: array[int]
    kept: bytearray

    def __len__(self) -> int:
        return len(self.ids)


def candidate_ids(
    uow: UnitOfWork,
    scope: Scope,
    kind: RecordKind,
    *,
    changed_only: bool,
    by_start: bool = False,
    payloads: bool = False,
) -> Selected:
    """The local ids of the ``kind`` records in scope, by id (visits by start time, then id,
    with ``by_start``), in one query.

    With ``changed_only``, only the records whose basis moved since the target last looked
    at them, or that it never looked at: the comparison runs in the database, so an export
    after which nothing changed reads no record at all. Otherwise every record, and with
    ``payloads`` a flag for each that is kept (read its row with :func:`kept_rows`) or
    skipped.
    """
    shape = _shape(kind)
    id_column = shape.table.c.id
    ss, condition = _sync_join(uow, kind, scope, id_column)
    same = ss.c.basis == _full_basis(shape, scope)
    source = shape.source.outerjoin(ss, condition)
    if changed_only:
        moved = sa.or_(ss.c.id.is_(None), ss.c.basis.is_(None), ~same)
        statement = sa.select(id_column, sa.literal(0)).select_from(source).where(moved)
    elif payloads:
        away = sa.or_(ss.c.sequence < 0, ss.c.deleted == sa.true())
        flag = sa.case(
            (sa.and_(same, away), SKIPPED),
            (sa.and_(same, ss.c.payload.is_not(None)), KEPT),
            else_=0,
        )
        statement = sa.select(id_column, flag).select_from(source)
    else:
        statement = sa.select(id_column, sa.literal(0)).select_from(shape.table)
    statement = _in_scope(statement, kind, scope)
    if by_start and kind is RecordKind.VISIT:
        statement = statement.order_by(tables.visits.c.at, id_column)
    else:
        statement = statement.order_by(id_column)
    # an array of ids (8 bytes each) and a byte per flag: a million records stay small
    ids: array[int] = array("q")
    flags = bytearray()
    result = uow.session.execute(statement)
    while rows := result.fetchmany(10_000):
        ids.extend(row[0] for row in rows)
        flags.extend(row[1] or 0 for row in rows)
    return Selected(ids, flags)


def kept_rows(
    uow: UnitOfWork, scope: Scope, kind: RecordKind, ids: Sequence[int]
) -> dict[int, SyncRow]:
    """The sync rows of these records (at most a few hundred), with their payloads."""
    if not ids:
        return {}
    c = tables.sync_state.c
    statement = sa.select(
        c.local_id, c.remote_id, c.fingerprint, c.sequence, c.deleted, c.sent_at, c.basis, c.payload
    ).where(
        c.program_id == export_program(uow.session),
        c.adapter == scope.adapter,
        c.target == scope.target,
        c.record_kind == kind.value,
        c.local_id.in_(list(ids)),
    )
    out: dict[int, SyncRow] = {}
    for row in uow.session.execute(statement).all():
        local_id, remote_id, fingerprint, sequence, deleted, sent_at, basis, payload = row
        out[local_id] = SyncRow(
            record_kind=kind,
            local_id=local_id,
            remote_id=remote_id,
            fingerprint=fingerprint,
            sequence=sequence,
            deleted=bool(deleted),
            sent_at=sent_at,
            basis=basis,
            payload=payload,
        )
    return out


_ROW_COLUMNS = ("remote_id", "fingerprint", "sequence", "deleted", "sent_at", "basis")


def candidates(
    uow: UnitOfWork,
    scope: Scope,
    kind: RecordKind,
    ids: Sequence[int],
    *,
    payloads: bool = False,
) -> list[Candidate]:
    """The records with these ids (at most a few hundred), each with its basis now and its
    sync row, in the order of ``ids``; ids no longer stored are left out.

    ``payloads`` reads the payloads stored with the rows as well.
    """
    if not ids:
        return []
    shape = _shape(kind)
    id_column = shape.table.c.id
    program_id = export_program(uow.session)

    def statement(among: Callable[[Any], Any]) -> Any:
        ss, condition = _sync_join(uow, kind, scope, id_column)
        # the time as stored: converted only for the records that have a row (none in a
        # first export), once per distinct time (an export's rows share theirs)
        columns = [
            sa.type_coerce(ss.c[name], sa.String) if name == "sent_at" else ss.c[name]
            for name in _ROW_COLUMNS
        ]
        if payloads:
            columns.append(ss.c.payload)
        return (
            sa.select(id_column.label("local_id"), _full_basis(shape, scope).label("now"), *columns)
            .select_from(shape.source.outerjoin(ss, condition))
            .where(among(id_column))
        )

    sent_at = once_each(tables.sync_state.c.sent_at, uow.session.connection().dialect)
    found: dict[int, Candidate] = {}
    key = ("candidates", kind, scope, program_id, payloads)
    for row in _fetch_among(uow, key, statement, ids):
        local_id, now, remote_id, fingerprint, sequence, deleted, sent, basis = row[:8]
        sync = None
        if sequence is not None:  # most rows of a first export have no sync row
            sync = SyncRow(
                record_kind=kind,
                local_id=local_id,
                remote_id=remote_id,
                fingerprint=fingerprint,
                sequence=sequence,
                deleted=bool(deleted),
                sent_at=sent_at(sent),
                basis=basis,
                payload=row[8] if payloads else None,
            )
        found[local_id] = Candidate(kind, local_id, now, sync)
    return [found[i] for i in ids if i in found]


def gone_rows(uow: UnitOfWork, scope: Scope, kind: RecordKind) -> list[SyncRow]:
    """The sync rows of records the target has (not deleted there) that are no longer in
    the store, by local id: they become deletions."""
    table = tables.sync_state
    c = table.c
    record = _shape(kind).table
    statement = (
        sa.select(table)
        .where(
            c.program_id == export_program(uow.session),
            c.adapter == scope.adapter,
            c.target == scope.target,
        )
        .where(
            c.record_kind == kind.value,
            c.deleted == sa.false(),
            c.sequence >= 0,
            ~sa.exists().where(record.c.id == c.local_id),
        )
        .order_by(c.local_id)
    )
    return [row_from_mapping(kind, row) for row in uow.session.execute(statement).mappings()]


@attrs.frozen(slots=True)
class VisitPlace:
    """An employer as a visit record shows it (read with the visit, without the ORM)."""

    name: str
    street: str | None
    city: str | None
    state: str | None
    zip: str | None
    phone: PhoneNumber | None
    address: str = attrs.field(init=False)
    """The postal address on one line, as :attr:`ips_jobdev._model.Employer.address`
    (made once: the place is shared by the employer's visits)."""

    @address.default
    def _address(self) -> str:
        parts = [self.street, self.city, " ".join(p for p in (self.state, self.zip) if p)]
        return ", ".join(p for p in parts if p)


@attrs.frozen(slots=True)
class VisitPerson:
    """The person met, as a visit record shows them (read with the visit)."""

    id: int
    name: str
    title: str | None
    phone: PhoneNumber | None


class VisitRow(NamedTuple):
    """A visit's own columns, its employer's and the person met's, and its job seekers' ids
    (by program code), read without the ORM: what :func:`ips_jobdev.privacy.visit_record`
    needs besides the specialist and the job seekers.

    ``person`` is ``None`` when no one is named, or when the person named no longer works
    at the visit's employer (as the employer's ``people`` would have it). (A named tuple:
    an export makes one for every visit it reads.)"""

    id: int
    employer_id: int
    specialist_id: int
    person_id: int | None
    at: dt.datetime
    duration_minutes: int
    mode: ContactMode
    purpose: VisitPurpose
    status: VisitStatus
    seeker_present: bool
    reason: str | None
    outcome: str | None
    next_step: str | None
    seeker_ids: tuple[int, ...]
    employer: VisitPlace
    person: VisitPerson | None
    ends_at: dt.datetime
    """When the visit is planned to end (``at`` plus the duration)."""


_VISIT_COLUMNS = (
    "id",
    "employer_id",
    "specialist_id",
    "person_id",
    "at",
    "duration_minutes",
    "mode",
    "purpose",
    "status",
    "seeker_present",
    "reason",
    "outcome",
    "next_step",
)

_PLACE_COLUMNS = ("name", "street", "city", "state", "zip", "phone")


def _phone(stored: str | None) -> PhoneNumber | None:
    """A phone column's value, as :class:`~ips_jobdev._store.types.PhoneType` reads it."""
    return None if stored is None else _stored_phone(stored)


@functools.lru_cache(maxsize=65_536)
def _stored_phone(stored: str) -> PhoneNumber:
    # the same employers come back chunk after chunk: each number is made once (the
    # numbers are immutable values, a few hundred bytes each)
    return PhoneNumber.from_storage(stored)


Places: TypeAlias = dict[tuple[int, int], VisitPlace]
"""Employers as visits show them, by (id, version): what :func:`visit_rows` read before."""


_STORED = frozenset({"at", "mode", "purpose", "status"})
"""Visit columns :func:`visit_rows` reads as stored and converts once per distinct value
(visits share their times, and have a few modes, purposes and statuses)."""


def _visit_seekers(among: Callable[[Any], Any]) -> Any:
    """Visits' job seekers (visit id, seeker id), by program code."""
    vs, js = tables.visit_seekers, tables.job_seekers
    return (
        sa.select(vs.c.visit_id, vs.c.seeker_id)
        .join(js, js.c.id == vs.c.seeker_id)
        .where(among(vs.c.visit_id))
        .order_by(vs.c.visit_id, js.c.code)
    )


def _visit_statement(among: Callable[[Any], Any]) -> Any:
    """Visits with their employers' and people's columns (:func:`visit_rows`)."""
    v, e, p = tables.visits, tables.employers, tables.employer_people
    # phones as stored: made PhoneNumbers once per employer, not once per visit; times
    # and choices as stored, converted once per distinct value
    return (
        sa.select(
            *(
                sa.type_coerce(v.c[name], sa.String) if name in _STORED else v.c[name]
                for name in _VISIT_COLUMNS
            ),
            *(e.c[name] for name in _PLACE_COLUMNS[:-1]),
            sa.type_coerce(e.c.phone, sa.String),
            e.c.version,
            p.c.id,
            p.c.name,
            p.c.title,
            sa.type_coerce(p.c.phone, sa.String),
        )
        .select_from(
            v.join(e, e.c.id == v.c.employer_id).outerjoin(
                p, sa.and_(p.c.id == v.c.person_id, p.c.employer_id == v.c.employer_id)
            )
        )
        .where(among(v.c.id))
        .order_by(v.c.id)
    )


def visit_rows(
    uow: UnitOfWork, ids: Sequence[int], *, places: Places | None = None
) -> list[VisitRow]:
    """The visits with these ids (at most a few hundred), in id order, with their
    employers' and people's columns; two queries.

    ``places`` holds the employers read for earlier chunks, by id and version (a saved
    change raises the version, so an employer of the same version has the same columns);
    the new ones are added to it."""
    if not ids:
        return []
    seekers: dict[int, list[int]] = {}
    for visit_id, seeker_id in _fetch_among(uow, ("visit seekers",), _visit_seekers, ids):
        seekers.setdefault(visit_id, []).append(seeker_id)
    rows = _fetch_among(uow, ("visit rows",), _visit_statement, ids)
    if places is None:
        places = {}
    dialect = uow.session.connection().dialect
    v = tables.visits
    at, mode_of, purpose_of, status_of = (
        once_each(v.c[name], dialect) for name in ("at", "mode", "purpose", "status")
    )
    make = VisitRow._make
    # a visit's start and end made once for each stored time and duration (visits share
    # theirs), and each choice once for each stored value
    times: dict[tuple[Any, int], tuple[dt.datetime, dt.datetime]] = {}
    choices: dict[tuple[Any, Any, Any], tuple[ContactMode, VisitPurpose, VisitStatus]] = {}
    out: list[VisitRow] = []
    own = len(_VISIT_COLUMNS)
    version = own + len(_PLACE_COLUMNS)
    for row in rows:
        employer_id = row[1]
        key = (employer_id, row[version])
        place = places.get(key)
        if place is None:
            name, street, city, state, zip_code, stored = row[own:version]
            place = VisitPlace(
                name=name, street=street, city=city, state=state, zip=zip_code, phone=_phone(stored)
            )
            places[key] = place
        person_id, name, title, stored = row[version + 1 :]
        person = None
        if person_id is not None:
            person = VisitPerson(person_id, name, title, _phone(stored))
        visit_id, _, specialist_id, met, when, minutes, mode, purpose, status = row[:9]
        present, reason, outcome, next_step = row[9:own]
        start_end = times.get((when, minutes))
        if start_end is None:
            start = at(when)
            start_end = times[(when, minutes)] = (start, start + dt.timedelta(minutes=minutes))
        made = choices.get((mode, purpose, status))
        if made is None:
            made = choices[(mode, purpose, status)] = (
                mode_of(mode),
                purpose_of(purpose),
                status_of(status),
            )
        # in VisitRow's order
        out.append(
            make(
                (
                    visit_id,
                    employer_id,
                    specialist_id,
                    met,
                    start_end[0],
                    minutes,
                    *made,
                    bool(present),  # as stored: 0 or 1 on SQLite
                    reason,
                    outcome,
                    next_step,
                    tuple(seekers.get(visit_id, ())),
                    place,
                    person,
                    start_end[1],
                )
            )
        )
    return out


@attrs.frozen(slots=True)
class EmployerRow:
    """An employer's columns that records are made of, read without the ORM (as
    :class:`ips_jobdev.privacy.EmployerFacts`)."""

    id: int
    name: str
    external_id: str | None
    industry: str | None
    job_types: list[str]
    street: str | None
    city: str | None
    state: str | None
    zip: str | None
    latitude: float | None
    longitude: float | None
    phone: PhoneNumber | None
    website: str | None
    size: int | None
    shifts: list[str]
    hours_note: str | None
    wage_min: Decimal | None
    wage_max: Decimal | None
    bus_access: bool | None
    do_not_contact: bool
    notes: str | None


_EMPLOYER_COLUMNS = tuple(f.name for f in attrs.fields(EmployerRow))


def _employer_column(name: str) -> sa.ColumnElement[Any]:
    # an employer's notes are each program's own (issue 13): the current program's
    if name == "notes":
        return tables.employer_notes(tables.employers.c.id).label("notes")
    if name == "phone":
        # as stored: made a PhoneNumber once per distinct number (_phone)
        return sa.type_coerce(tables.employers.c.phone, sa.String).label("phone")
    return tables.employers.c[name]


def employer_rows(uow: UnitOfWork, ids: Sequence[int]) -> list[EmployerRow]:
    """The employers with these ids (at most a few hundred), in id order; one query."""
    if not ids:
        return []
    e = tables.employers
    statement = (
        sa.select(*(_employer_column(name) for name in _EMPLOYER_COLUMNS))
        .where(_among(e.c.id, ids))
        .order_by(e.c.id)
    )
    phone = _EMPLOYER_COLUMNS.index("phone")
    out: list[EmployerRow] = []
    for row in uow.session.execute(statement).all():
        values = list(row)
        values[phone] = _phone(values[phone])
        out.append(EmployerRow(*values))
    return out
