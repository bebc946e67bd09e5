"""Two date functions SQLite and PostgreSQL spell differently, for the report queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

__all__ = ["days_between", "local_day"]


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
