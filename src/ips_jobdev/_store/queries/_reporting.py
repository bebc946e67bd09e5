"""What the report queries share: two date functions SQLite and PostgreSQL spell
differently, and the conditions every report counts with (a scope of specialists, a
face-to-face employer contact made, a job seeker on the caseload)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from ips_jobdev._store import tables
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitStatus

__all__ = ["days_between", "face_to_face", "in_scope", "local_day", "on_caseload"]

_v = tables.visits.c
_js = tables.job_seekers.c


class local_day(FunctionElement[dt.date]):
    """The calendar date of a stored (UTC) timestamp shifted by a fixed UTC offset.

    ``local_day(visits.c.at, -21600)`` is the date in US Central standard time. The
    offset is fixed for the whole query (see reports: the zone's offset in the middle of
    the period), so both databases give the same dates.
    """

    type = sa.Date()
    inherit_cache = True
    name = "local_day"

    def __init__(self, moment: Any, offset_seconds: int) -> None:
        super().__init__(moment, sa.literal(f"{int(offset_seconds):+d} seconds"))


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    moment, shift = list(element.clauses)
    return f"date({compiler.process(moment, **kw)}, {compiler.process(shift, **kw)})"


@compiles(local_day)
def _local_day_default(element: local_day, compiler: SQLCompiler, **kw: Any) -> str:
    moment, shift = list(element.clauses)
    return (
        f"CAST(({compiler.process(moment, **kw)} AT TIME ZONE 'UTC') "
        f"+ CAST({compiler.process(shift, **kw)} AS INTERVAL) AS DATE)"
    )


class days_between(FunctionElement[int]):
    """Whole days from date ``earlier`` to date ``later`` (negative when reversed)."""

    type = sa.Integer()
    inherit_cache = True
    name = "days_between"

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)


@compiles(days_between, "sqlite")
def _days_sqlite(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between)
def _days_default(element: days_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


def in_scope(
    column: sa.ColumnElement[Any], specialist_ids: Collection[int] | None
) -> list[sa.ColumnElement[bool]]:
    """The condition limiting ``column`` (a specialist id) to ``specialist_ids``; none for
    ``None`` (every specialist)."""
    if specialist_ids is None:
        return []
    return [column.in_(tuple(specialist_ids))]


def face_to_face(start_at: dt.datetime, end_at: dt.datetime) -> list[sa.ColumnElement[bool]]:
    """Visits made in person from ``start_at`` up to (not including) ``end_at``."""
    return [
        _v.status == VisitStatus.DONE,
        _v.mode == ContactMode.IN_PERSON,
        _v.at >= start_at,
        _v.at < end_at,
    ]


def on_caseload(end: dt.date) -> list[sa.ColumnElement[bool]]:
    """Job seekers on a caseload on day ``end``: not closed, with an IPS start on or
    before it or none recorded."""
    return [
        _js.status != JobSeekerStatus.CLOSED,
        sa.or_(_js.ips_start.is_(None), _js.ips_start <= end),
    ]
