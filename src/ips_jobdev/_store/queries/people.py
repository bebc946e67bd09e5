"""Read-side queries of the reports about people: the job seekers in scope with their
dated status history, and their job starts.

The reports decide from these rows who was served, looking for work or working during a
period (``ips_jobdev._reports.people``), so a past period is judged by the status of
that period, never today's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.queries._reporting import in_scope, one_of
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import JobEndReason, JobSeekerStatus

__all__ = ["JobRow", "SeekerRow", "job_rows", "seeker_names", "seeker_rows"]

_js = tables.job_seekers.c
_sc = tables.seeker_status_changes.c
_jst = tables.job_starts.c
_emp = tables.employers.c


@attrs.frozen
class SeekerRow:
    """A job seeker and their status history (``(since, status)``, oldest first; empty
    when none is stored: then ``status`` held throughout)."""

    id: int
    code: str
    specialist_id: int | None
    ips_start: dt.date | None
    status: JobSeekerStatus
    history: tuple[tuple[dt.date, JobSeekerStatus], ...]


def seeker_rows(
    uow: UnitOfWork, *, specialist_ids: Collection[int] | None, entered_by: dt.date
) -> list[SeekerRow]:
    """The job seekers of the specialists in scope whose IPS start is on or before
    ``entered_by`` (or not recorded), by code, with their status history."""
    statement = (
        sa.select(_js.id, _js.code, _js.specialist_id, _js.ips_start, _js.status)
        .where(
            sa.or_(_js.ips_start.is_(None), _js.ips_start <= entered_by),
            *in_scope(_js.specialist_id, specialist_ids),
        )
        .order_by(_js.code)
    )
    people = list(uow.session.execute(statement))
    history: dict[int, list[tuple[dt.date, JobSeekerStatus]]] = {}
    for wanted in one_of(uow, _sc.seeker_id, [row.id for row in people]):
        changes = uow.session.execute(
            sa.select(_sc.seeker_id, _sc.since, _sc.status)
            .where(wanted)
            .order_by(_sc.seeker_id, _sc.since, _sc.id)
        )
        for seeker_id, since, status in changes:
            history.setdefault(seeker_id, []).append((since, status))
    return [
        SeekerRow(
            id=row.id,
            code=row.code,
            specialist_id=row.specialist_id,
            ips_start=row.ips_start,
            status=row.status,
            history=tuple(history.get(row.id, ())),
        )
        for row in people
    ]


def seeker_names(uow: UnitOfWork, codes: Collection[str]) -> dict[str, str]:
    """The names recorded for these program codes (codes without a name left out)."""
    found: dict[str, str] = {}
    for chunk in chunks(sorted(codes)):
        for code, name in uow.session.execute(
            sa.select(_js.code, _js.name).where(_js.code.in_(chunk), _js.name.is_not(None))
        ):
            found[code] = name
    return found


@attrs.frozen
class JobRow:
    """A job start of a job seeker in scope, with the employer's name."""

    id: int
    seeker_id: int
    seeker_code: str
    ips_start: dt.date | None
    employer_id: int
    employer_name: str
    title: str
    job_type: str | None
    start_date: dt.date
    end_date: dt.date | None
    end_reason: JobEndReason | None
    competitive: bool
    hours_per_week: float | None
    wage_cents: int | None


def job_rows(
    uow: UnitOfWork, *, specialist_ids: Collection[int] | None, started_by: dt.date
) -> list[JobRow]:
    """Every job start on or before ``started_by`` of the job seekers of the specialists
    in scope, by start date."""
    wage = sa.type_coerce(_jst.wage, sa.Integer)
    statement = (
        sa.select(
            _jst.id,
            _jst.seeker_id,
            _js.code,
            _js.ips_start,
            _jst.employer_id,
            _emp.name,
            _jst.title,
            _jst.job_type,
            _jst.start_date,
            _jst.end_date,
            _jst.end_reason,
            _jst.competitive,
            _jst.hours_per_week,
            wage,
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .join(tables.employers, _emp.id == _jst.employer_id)
        .where(_jst.start_date <= started_by, *in_scope(_js.specialist_id, specialist_ids))
        .order_by(_jst.start_date, _jst.id)
    )
    rows: list[tuple[Any, ...]] = [tuple(row) for row in uow.session.execute(statement)]
    return [JobRow(*row) for row in rows]
