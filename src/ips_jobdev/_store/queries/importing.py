"""What the CSV imports read: column widths, the keys of the stored records a part of a
file may match, snapshots of the records a file touches (a few queries per thousand rows,
never one per row, and never the whole table: an import's memory does not grow with the
database)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork

__all__ = [
    "column_width",
    "employer_count",
    "employer_keys",
    "employer_keys_matching",
    "employer_references",
    "employer_snapshots",
    "seeker_codes",
    "seeker_ids_by_code",
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


EmployerKey = tuple[int, "str | None", str, "str | None", "str | None"]
"""(id, external id, normalized name, ZIP, phone as stored) of a stored employer."""


def column_width(table: str, column: str) -> int | None:
    """The declared length of a string column (``None`` for unlimited text)."""
    if table == "employers" and column == "notes":
        column_type: Any = tables.employer_program_notes.c.notes.type  # each program's own
    else:
        column_type = _TABLES[table].c[column].type
    return getattr(column_type, "length", None)


def employer_keys(uow: UnitOfWork) -> Iterator[EmployerKey]:
    """(id, external id, normalized name, ZIP, phone as stored) of every stored employer,
    in one query (read as it streams)."""
    statement = sa.select(*_employer_key_columns()).execution_options(yield_per=5000)
    for row in uow.session.execute(statement):
        yield row[0], row[1], row[2], row[3], row[4]


def employer_count(uow: UnitOfWork) -> int:
    """How many employers are stored."""
    return uow.session.scalar(sa.select(sa.func.count()).select_from(tables.employers)) or 0


def _postgres(uow: UnitOfWork) -> bool:
    return uow.session.get_bind().dialect.name == "postgresql"


def _one_of(uow: UnitOfWork, column: Any, values: list[Any], item: Any) -> Any:
    """``column IN values`` with all the values in ONE parameter (a JSON array on SQLite,
    an array on PostgreSQL): the statement stays the same for any number of values, so it
    is compiled once, and the column's index is used."""
    if _postgres(uow):
        return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(item)))
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(values), type_=sa.String))
    return column.in_(sa.select(listed.table_valued("value").c.value))


def _pairs_of(uow: UnitOfWork, first: Any, second: Any, pairs: list[tuple[str, str]]) -> Any:
    """``(first, second) IN pairs``, with the first column's index used."""
    firsts = sorted({a for a, _ in pairs})
    if _postgres(uow):
        texts = postgresql.ARRAY(sa.String)
        unnested = (
            sa.func.unnest(
                sa.bindparam(None, [a for a, _ in pairs], type_=texts),
                sa.bindparam(None, [b for _, b in pairs], type_=texts),
            )
            .table_valued("a", "b")
            .render_derived()
        )
        matched = sa.tuple_(first, second).in_(sa.select(unnested.c.a, unnested.c.b))
        return sa.and_(_one_of(uow, first, firsts, sa.String), matched)
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(pairs), type_=sa.String)).table_valued(
        "value"
    )
    value = listed.c.value
    matched = sa.tuple_(first, second).in_(
        sa.select(sa.func.json_extract(value, "$[0]"), sa.func.json_extract(value, "$[1]"))
    )
    return sa.and_(_one_of(uow, first, firsts, sa.String), matched)


def _employer_key_columns() -> tuple[Any, ...]:
    e = tables.employers.c
    # the phone as its stored text: compared with rows' keys, never parsed back
    return (e.id, e.external_id, e.name_key, e.zip, sa.type_coerce(e.phone, sa.String))


def _employer_keys(uow: UnitOfWork, condition: Any, found: dict[int, EmployerKey]) -> None:
    for row in uow.session.execute(sa.select(*_employer_key_columns()).where(condition)):
        found[row[0]] = (row[0], row[1], row[2], row[3], row[4])


def employer_keys_matching(
    uow: UnitOfWork,
    *,
    external_ids: Iterable[str] = (),
    name_keys: Iterable[str] = (),
    names_in_zips: Iterable[tuple[str, str]] = (),
    phones: Iterable[str] = (),
) -> dict[int, EmployerKey]:
    """The keys of stored employers with one of these external ids, normalized names,
    (normalized name, 5-digit ZIP or ``""`` for none) pairs, or phones (as stored:
    ``+16085550101;ext=12``), by id: a few queries, whatever the number of values."""
    e = tables.employers.c
    found: dict[int, EmployerKey] = {}
    lists: list[tuple[Any, list[Any]]] = [
        (e.external_id, sorted(set(external_ids))),
        (e.name_key, sorted(set(name_keys))),
        (sa.type_coerce(e.phone, sa.String), sorted(set(phones))),
    ]
    for column, values in lists:
        if values:
            _employer_keys(uow, _one_of(uow, column, values, sa.String), found)
    pairs = sorted(set(names_in_zips))
    if pairs:
        zip5 = sa.func.coalesce(sa.func.substr(e.zip, 1, 5), "")
        _employer_keys(uow, _pairs_of(uow, e.name_key, zip5, pairs), found)
    return found


def employer_references(
    uow: UnitOfWork,
    *,
    ids: Iterable[int] = (),
    external_ids: Iterable[str] = (),
    name_keys: Iterable[str] = (),
) -> dict[int, EmployerKey]:
    """The keys of stored employers named by id, external id or normalized name, by id."""
    found = employer_keys_matching(uow, external_ids=external_ids, name_keys=name_keys)
    wanted = sorted(set(ids))
    if wanted:
        _employer_keys(uow, _one_of(uow, tables.employers.c.id, wanted, sa.Integer), found)
    return found


def seeker_ids_by_code(uow: UnitOfWork, codes: Iterable[str]) -> dict[str, int]:
    """Job seekers' ids by lower-case code, for these codes (in any case), in the current
    program (codes are unique per program)."""
    s = tables.job_seekers.c
    wanted = sorted({code.lower() for code in codes})
    if not wanted:
        return {}
    condition = _one_of(uow, sa.func.lower(s.code), wanted, sa.String)
    statement = sa.select(s.id, s.code).where(condition, tables.in_current_program(s.program_id))
    return {code.lower(): record_id for record_id, code in uow.session.execute(statement)}


def specialist_codes(uow: UnitOfWork) -> dict[str, int]:
    """Specialists' ids by lower-case code, in the current program."""
    s = tables.specialists.c
    statement = sa.select(s.id, s.code).where(tables.in_current_program(s.program_id))
    return {code.lower(): i for i, code in uow.session.execute(statement)}


def seeker_codes(uow: UnitOfWork) -> dict[str, int]:
    """Job seekers' ids by lower-case code, in the current program."""
    s = tables.job_seekers.c
    statement = sa.select(s.id, s.code).where(tables.in_current_program(s.program_id))
    return {code.lower(): i for i, code in uow.session.execute(statement)}


def employer_snapshots(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Stored employers' columns (with ``notes``, the current program's), each with
    ``people``: its people's columns, by id."""
    e, p = tables.employers.c, tables.employer_people.c
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for row in uow.session.execute(
            sa.select(tables.employers, tables.employer_notes(e.id).label("notes")).where(
                e.id.in_(chunk)
            )
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
