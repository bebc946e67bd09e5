"""Bulk writes: many new records in a few multi-row INSERTs, for imports and the demo.

Mapped objects cost too much for a hundred thousand rows, so new rows go in as plain
values. They are still the model's records: :func:`new_row` is the one place a new row is
made. Every column the caller leaves out takes the model's own default (read from its attrs
fields, so no default is written twice), the version starts at the model's first version,
and derived keys (an employer's ``name_key``) come from the same function the mapper uses.
Each ``insert_*`` function returns the new ids in the order of the rows given, and writes
a ``created`` row per record to the change history
(:func:`ips_jobdev._store.history.record_created`).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._store import history, programs, tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.mapping import start_mappers
from ips_jobdev._store.unit_of_work import UnitOfWork, _translated_errors

__all__ = [
    "insert_employers",
    "insert_people",
    "insert_seekers",
    "insert_visits",
    "new_row",
]


def _employer_name_key(row: Mapping[str, Any]) -> str:
    return model.normalize_employer_name(row["name"])


_DERIVED: dict[type, dict[str, Callable[[Mapping[str, Any]], Any]]] = {
    # the mapper stamps the same key on employers it writes (mapping._stamp_name_key)
    model.Employer: {"name_key": _employer_name_key},
}
"""Columns computed from a row's other values, never given by callers."""


@attrs.frozen
class _Template:
    """A new row of one record class before its values: the plain defaults, the columns
    made by a factory (a fresh list, the creation time), and the derived columns."""

    defaults: dict[str, Any]
    factories: tuple[tuple[str, Callable[[], Any]], ...]
    derived: tuple[tuple[str, Callable[[Mapping[str, Any]], Any]], ...]


@functools.cache
def _template(record_class: type) -> _Template:
    start_mappers()
    table: sa.FromClause = sa.inspect(record_class).local_table
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
    return _Template(defaults, tuple(factories), derived)


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
        row[name] = derive(row)
    return row


_KEYS: dict[str, tuple[str, ...]] = {
    tables.employers.name: ("name_key", "zip"),
    tables.employer_people.name: ("employer_id", "name"),
    tables.job_seekers.name: ("code",),
    tables.visits.name: ("employer_id", "specialist_id", "at"),
}
"""What tells the rows of one batch apart, to map RETURNING's ids back to them."""


def _insert(uow: UnitOfWork, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Insert ``rows``; their new ids, in order.

    RETURNING may answer a multi-row INSERT in any order. When the rows' natural key (the
    table's :data:`_KEYS`) is unique within the batch, the ids are mapped back by it and
    the rows go in a few statements; otherwise the database is asked to keep the order,
    which SQLite does one row per statement.
    """
    if not rows:
        return []
    programs.fill_programs(uow.session, table, rows)  # type: ignore[arg-type]
    key_columns = _KEYS[table.name]
    key_of = operator.itemgetter(*key_columns)
    keys = [key_of(row) for row in rows]
    with _translated_errors(uow.session):
        if len(set(keys)) == len(keys):
            statement = sa.insert(table).returning(*(table.c[c] for c in key_columns), table.c.id)
            found = {key_of(r._mapping): r.id for r in uow.session.execute(statement, rows)}
            return [found[key] for key in keys]
        ordered = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(uow.session.execute(ordered, rows).scalars())


def insert_employers(uow: UnitOfWork, employers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add employers (without their people; see :func:`insert_people`)."""
    rows = [new_row(model.Employer, e) for e in employers]
    ids = _insert(uow, tables.employers, rows)
    history.record_created(uow.session, "employer", ids, rows)
    return ids


def insert_people(uow: UnitOfWork, people: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add people at employers (each row names its ``employer_id``)."""
    rows = [new_row(model.EmployerPerson, p) for p in people]
    ids = _insert(uow, tables.employer_people, rows)
    history.record_created(uow.session, "person", ids, rows)
    return ids


def insert_seekers(uow: UnitOfWork, seekers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add job seekers."""
    rows = [new_row(model.JobSeeker, s) for s in seekers]
    ids = _insert(uow, tables.job_seekers, rows)
    history.record_created(uow.session, "job-seeker", ids, rows)
    return ids


def insert_visits(
    uow: UnitOfWork, visits: Sequence[Mapping[str, Any]], seeker_ids: Sequence[Sequence[int]]
) -> list[int]:
    """Add visits and the job seekers each was for (``seeker_ids[i]`` for ``visits[i]``)."""
    rows = [new_row(model.Visit, v) for v in visits]
    ids = _insert(uow, tables.visits, rows)
    links = [
        {"visit_id": visit_id, "seeker_id": seeker_id}
        for visit_id, seekers in zip(ids, seeker_ids, strict=True)
        for seeker_id in seekers
    ]
    if links:
        with _translated_errors(uow.session):
            uow.session.execute(sa.insert(tables.visit_seekers), links)
    codes = _seeker_codes(uow, {i for seekers in seeker_ids for i in seekers})
    extra = [{"seekers": sorted(codes[i] for i in seekers)} for seekers in seeker_ids]
    history.record_created(uow.session, "visit", ids, rows, extra=extra)
    return ids


def _seeker_codes(uow: UnitOfWork, seeker_ids: set[int]) -> dict[int, str]:
    c = tables.job_seekers.c
    codes: dict[int, str] = {}
    for chunk in chunks(seeker_ids):
        for seeker_id, code in uow.session.execute(sa.select(c.id, c.code).where(c.id.in_(chunk))):
            codes[seeker_id] = code
    return codes
