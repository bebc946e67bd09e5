"""What the CSV imports read: column widths, the keys of stored records, snapshots of the
records a file touches (a query per 500 ids, never one per row)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa

from ips_jobdev._phones import PhoneNumber
from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork

__all__ = [
    "column_width",
    "employer_keys",
    "employer_snapshots",
    "seeker_codes",
    "seeker_snapshots",
    "specialist_codes",
    "visit_keys_between",
    "visit_snapshots",
]

_TABLES = {
    "employers": tables.employers,
    "employer_people": tables.employer_people,
    "job_seekers": tables.job_seekers,
    "specialists": tables.specialists,
    "visits": tables.visits,
}


def column_width(table: str, column: str) -> int | None:
    """The declared length of a string column (``None`` for unlimited text)."""
    return getattr(_TABLES[table].c[column].type, "length", None)


def employer_keys(
    uow: UnitOfWork,
) -> Iterator[tuple[int, str | None, str, str | None, PhoneNumber | None]]:
    """(id, external id, normalized name, ZIP, phone) of every stored employer, one query."""
    e = tables.employers.c
    for row in uow.session.execute(sa.select(e.id, e.external_id, e.name_key, e.zip, e.phone)):
        yield row.id, row.external_id, row.name_key, row.zip, row.phone


def specialist_codes(uow: UnitOfWork) -> dict[str, int]:
    """Specialists' ids by lower-case code."""
    s = tables.specialists.c
    return {code.lower(): i for i, code in uow.session.execute(sa.select(s.id, s.code))}


def seeker_codes(uow: UnitOfWork) -> dict[str, int]:
    """Job seekers' ids by lower-case code."""
    s = tables.job_seekers.c
    return {code.lower(): i for i, code in uow.session.execute(sa.select(s.id, s.code))}


def employer_snapshots(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Stored employers' columns, each with ``people``: its people's columns, by id."""
    e, p = tables.employers.c, tables.employer_people.c
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for row in uow.session.execute(
            sa.select(tables.employers).where(e.id.in_(chunk))
        ).mappings():
            out[row["id"]] = {**row, "people": []}
        people = sa.select(tables.employer_people).where(p.employer_id.in_(chunk)).order_by(p.id)
        for person in uow.session.execute(people).mappings():
            out[person["employer_id"]]["people"].append(dict(person))
    return out


def seeker_snapshots(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Stored job seekers' columns, by id."""
    s = tables.job_seekers.c
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        rows = uow.session.execute(sa.select(tables.job_seekers).where(s.id.in_(chunk)))
        out.update((row["id"], dict(row)) for row in rows.mappings())
    return out


def visit_keys_between(
    uow: UnitOfWork, start: dt.datetime, end: dt.datetime
) -> dict[tuple[int, int, dt.datetime], int]:
    """Stored visits from ``start`` to ``end`` (both included), by (employer, specialist,
    time)."""
    v = tables.visits.c
    statement = sa.select(v.id, v.employer_id, v.specialist_id, v.at).where(
        v.at >= start, v.at <= end
    )
    return {
        (employer_id, specialist_id, at): record_id
        for record_id, employer_id, specialist_id, at in uow.session.execute(statement)
    }


def visit_snapshots(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Stored visits' columns, each with ``seeker_ids``: the job seekers it was for."""
    v, vs = tables.visits.c, tables.visit_seekers.c
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        rows = uow.session.execute(sa.select(tables.visits).where(v.id.in_(chunk)))
        for row in rows.mappings():
            out[row["id"]] = {**row, "seeker_ids": set()}
        links = sa.select(vs.visit_id, vs.seeker_id).where(vs.visit_id.in_(chunk))
        for visit_id, seeker_id in uow.session.execute(links):
            out[visit_id]["seeker_ids"].add(seeker_id)
    return out
