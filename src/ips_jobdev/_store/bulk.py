"""Bulk writes: many new records in a few multi-row INSERTs, for imports and the demo.

Mapped objects cost too much for a hundred thousand rows, so new rows go in as plain
values. They are still the model's records: every column the caller leaves out takes the
model's own default (read from its attrs fields, so no default is written twice), the
version starts at the model's first version, and derived keys (an employer's ``name_key``)
come from the same function the mapper uses. Each function returns the new ids in the
order of the rows given, and writes a ``created`` row per record to the change history
(:func:`ips_jobdev._store.history.record_created`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._store import history, tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev.errors import ValidationError

__all__ = [
    "insert_employers",
    "insert_people",
    "insert_seekers",
    "insert_visits",
    "new_row",
]

_Defaults = tuple[tuple[str, Any], ...]


@functools.cache
def _defaults(record_class: type, table: sa.Table) -> tuple[_Defaults, tuple[str, ...]]:
    """(column, default) pairs with plain defaults, and the columns with a factory."""
    plain: list[tuple[str, Any]] = []
    factories: list[str] = []
    for field in attrs.fields(record_class):
        if field.name not in table.c or field.name == "id":
            continue
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            factories.append(field.name)
        elif field.default is not attrs.NOTHING:
            plain.append((field.name, field.default))
    return tuple(plain), tuple(factories)


@functools.cache
def _factory(record_class: type, name: str) -> Callable[[], Any]:
    default = attrs.fields_dict(record_class)[name].default
    return default.factory  # type: ignore[no-any-return,union-attr]


def new_row(record_class: type, table: sa.Table, values: Mapping[str, Any]) -> dict[str, Any]:
    """A full row of ``table`` for a new ``record_class`` record: ``values`` over the
    model's defaults (factories, such as the creation time, are called per row)."""
    plain, factories = _defaults(record_class, table)
    row = dict(plain)
    for name in factories:
        if name not in values:
            row[name] = _factory(record_class, name)()
    row.update(values)
    return row


@contextmanager
def _refused_as(record: str) -> Iterator[None]:
    """The database refusing a row (a unique key, a reference) as our error, naming it."""
    try:
        yield
    except sa.exc.IntegrityError as exc:
        message = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise ValidationError(record, "database", message) from exc


def _returned_ids(
    uow: UnitOfWork,
    table: sa.Table,
    rows: Sequence[Mapping[str, Any]],
    key: Callable[[Mapping[str, Any]], Any],
    key_columns: Sequence[str],
) -> list[int]:
    # RETURNING may answer in any order: a key unique within the batch maps ids back
    statement = sa.insert(table).returning(table.c.id, *(table.c[c] for c in key_columns))
    returned = {tuple(found[1:]): found[0] for found in uow.session.execute(statement, rows)}
    return [returned[key(row)] for row in rows]


def insert_employers(uow: UnitOfWork, employers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add employers (their normalized name and ZIP must be unique within the batch)."""
    rows = []
    for values in employers:
        row = new_row(model.Employer, tables.employers, values)
        row["name_key"] = model.normalize_employer_name(row["name"])
        rows.append(row)
    with _refused_as("employer"):
        ids = _returned_ids(
            uow,
            tables.employers,
            rows,
            lambda row: (row["name_key"], row["zip"]),
            ("name_key", "zip"),
        )
    history.record_created(uow.session, "employer", ids, rows)
    return ids


def insert_people(uow: UnitOfWork, people: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add people at employers (each row names its ``employer_id``); their new ids."""
    if not people:
        return []
    rows = [new_row(model.EmployerPerson, tables.employer_people, p) for p in people]
    statement = sa.insert(tables.employer_people).returning(
        tables.employer_people.c.id, sort_by_parameter_order=True
    )
    with _refused_as("person"):
        ids = list(uow.session.execute(statement, rows).scalars())
    history.record_created(uow.session, "person", ids, rows)
    return ids


def insert_seekers(uow: UnitOfWork, seekers: Sequence[Mapping[str, Any]]) -> list[int]:
    """Add job seekers (codes unique within the batch)."""
    rows = [new_row(model.JobSeeker, tables.job_seekers, s) for s in seekers]
    with _refused_as("job seeker"):
        ids = _returned_ids(uow, tables.job_seekers, rows, lambda row: (row["code"],), ("code",))
    history.record_created(uow.session, "job-seeker", ids, rows)
    return ids


def insert_visits(
    uow: UnitOfWork,
    visits: Sequence[Mapping[str, Any]],
    seeker_ids: Sequence[Sequence[int]],
    *,
    unique_times: bool = True,
) -> list[int]:
    """Add visits and the job seekers each was for (``seeker_ids[i]`` for ``visits[i]``).

    With ``unique_times`` (an import: employer, specialist and time unique in the batch)
    the ids are mapped back by that key; otherwise rows go in parameter order.
    """
    rows = [new_row(model.Visit, tables.visits, v) for v in visits]
    with _refused_as("visit"):
        if unique_times:
            ids = _returned_ids(
                uow,
                tables.visits,
                rows,
                lambda row: (row["employer_id"], row["specialist_id"], row["at"]),
                ("employer_id", "specialist_id", "at"),
            )
        else:
            statement = sa.insert(tables.visits).returning(
                tables.visits.c.id, sort_by_parameter_order=True
            )
            ids = list(uow.session.execute(statement, rows).scalars())
        links = [
            {"visit_id": visit_id, "seeker_id": seeker_id}
            for visit_id, seekers in zip(ids, seeker_ids, strict=True)
            for seeker_id in seekers
        ]
        if links:
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
