"""What the report queries share: the conditions every report counts with (a scope of
specialists, a face-to-face employer contact made), and how a report reads
(:func:`report_settings`)."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactMode, VisitStatus

__all__ = [
    "REPORT_CACHE_KIB",
    "REPORT_WORK_MEM",
    "face_to_face",
    "in_scope",
    "one_of",
    "report_settings",
]

_v = tables.visits.c
_js = tables.job_seekers.c


def in_scope(
    column: sa.ColumnElement[Any], specialist_ids: Collection[int] | None
) -> list[sa.ColumnElement[bool]]:
    """The condition limiting ``column`` (a specialist id) to ``specialist_ids``; none for
    ``None`` (every specialist)."""
    if specialist_ids is None:
        return []
    return [column.in_(tuple(specialist_ids))]


def one_of(
    uow: UnitOfWork, column: sa.ColumnElement[Any], ids: Collection[int]
) -> Iterator[sa.ColumnElement[bool]]:
    """The conditions limiting ``column`` to ``ids``, one statement each: on PostgreSQL one
    ``column = ANY(:ids)`` with every id in one array parameter (a statement per chunk of
    ids could scan the visits once per chunk), elsewhere ``IN`` lists of
    :data:`~ips_jobdev._store.batching.CHUNK` ids. None for no ids."""
    if not ids:
        return
    if uow.session.get_bind().dialect.name == "postgresql":
        wanted = sorted(set(ids))
        yield column == sa.any_(sa.bindparam(None, wanted, type_=postgresql.ARRAY(sa.Integer)))
        return
    for chunk in chunks(ids):
        yield column.in_(chunk)


def face_to_face(start_at: dt.datetime, end_at: dt.datetime) -> list[sa.ColumnElement[bool]]:
    """Visits made in person from ``start_at`` up to (not including) ``end_at``."""
    return [
        _v.status == VisitStatus.DONE,
        _v.mode == ContactMode.IN_PERSON,
        _v.at >= start_at,
        _v.at < end_at,
    ]


REPORT_WORK_MEM = "64MB"
"""Memory each sort or hash of a report may use on PostgreSQL (the default, 4MB, sent a
year's visits to disk a few times per report)."""
REPORT_CACHE_KIB = 65536
"""SQLite's page cache while a report runs, in KiB (the default, 2MB, holds a fraction of
a year's visits index: each of a report's statements read it from the file again)."""


@contextlib.contextmanager
def report_settings(uow: UnitOfWork) -> Iterator[None]:
    """Read with the settings a report over a period's visits needs, those the connection
    had restored after. On PostgreSQL: just-in-time compilation off (a report runs a dozen
    statements whose estimated cost passes ``jit_above_cost``: compiling each took longer
    than running it) and :data:`REPORT_WORK_MEM` for sorts and hashes. On SQLite: a page
    cache of :data:`REPORT_CACHE_KIB` (the statements read the same index pages)."""
    if uow.session.get_bind().dialect.name == "sqlite":
        with _sqlite_cache(uow):
            yield
        return
    if uow.session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = uow.session.execute(
        sa.text("SELECT current_setting('jit'), current_setting('work_mem')")
    ).one()
    uow.session.execute(
        sa.text("SELECT set_config('jit', 'off', true), set_config('work_mem', :mem, true)"),
        {"mem": REPORT_WORK_MEM},
    )
    try:
        yield
    finally:
        uow.session.execute(
            sa.text("SELECT set_config('jit', :jit, true), set_config('work_mem', :mem, true)"),
            {"jit": before[0], "mem": before[1]},
        )


@contextlib.contextmanager
def _sqlite_cache(uow: UnitOfWork) -> Iterator[None]:
    connection = uow.session.connection()
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{int(REPORT_CACHE_KIB)}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")
