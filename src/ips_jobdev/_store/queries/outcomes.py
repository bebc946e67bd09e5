"""Read-side queries of the outcomes report: the caseload, competitive work, job starts,
hours, wages, retention and endings of a period, each counted in SQL.

The report (``ips_jobdev._reports``) turns these totals into its figures. The queries take
the specialists in scope as ``specialist_ids`` (``None`` for everyone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.queries._reporting import days_between, in_scope, on_caseload
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import JobEndReason

__all__ = ["OutcomeTotals", "outcome_totals"]

_js = tables.job_seekers.c
_jst = tables.job_starts.c


@attrs.frozen
class OutcomeTotals:
    """The outcome totals of one period for the job seekers in scope.

    ``average_wage_cents`` and ``average_hours`` are over the competitive job starts of the
    period that record them; ``held`` and ``eligible`` count the competitive job starts old
    enough to judge retention and those of them still held; ``endings`` counts the jobs
    ending in the period by end reason (``None``: not recorded), in no particular order.
    """

    caseload: int
    worked_competitive: int
    job_starts: int
    first_job_starts: int
    average_hours: float | None
    average_wage_cents: float | None
    held: int
    eligible: int
    endings: dict[JobEndReason | None, int]


def _in_scope(specialist_ids: Collection[int] | None) -> list[sa.ColumnElement[bool]]:
    return in_scope(_js.specialist_id, specialist_ids)


def _caseload(uow: UnitOfWork, end: dt.date, specialist_ids: Collection[int] | None) -> int:
    statement = sa.select(sa.func.count(_js.id)).where(
        *on_caseload(end), *_in_scope(specialist_ids)
    )
    return int(uow.session.scalar(statement) or 0)


def _worked_competitive(
    uow: UnitOfWork, start: dt.date, end: dt.date, specialist_ids: Collection[int] | None
) -> int:
    statement = (
        sa.select(sa.func.count(sa.distinct(_jst.seeker_id)))
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(
            *on_caseload(end),
            *_in_scope(specialist_ids),
            _jst.competitive.is_(True),
            _jst.start_date <= end,
            sa.or_(_jst.end_date.is_(None), _jst.end_date >= start),
        )
    )
    return int(uow.session.scalar(statement) or 0)


@attrs.frozen
class _StartTotals:
    count: int
    average_hours: float | None
    average_wage_cents: float | None
    held: int
    eligible: int


def _starts(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist_ids: Collection[int] | None,
    retention_days: int,
) -> _StartTotals:
    competitive = _jst.competitive.is_(True)
    long_enough = _jst.start_date <= end - dt.timedelta(days=retention_days)
    held = sa.or_(
        _jst.end_date.is_(None), days_between(_jst.end_date, _jst.start_date) >= retention_days
    )
    wage = sa.type_coerce(_jst.wage, sa.Integer)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_jst.id),
            sa.func.avg(sa.case((competitive, _jst.hours_per_week), else_=None)),
            sa.func.avg(sa.case((competitive, wage), else_=None)),
            sa.func.sum(sa.case((sa.and_(competitive, long_enough, held), 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(competitive, long_enough), 1), else_=0)),
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(_jst.start_date >= start, _jst.start_date <= end, *_in_scope(specialist_ids))
    ).one()
    return _StartTotals(
        count=int(row[0] or 0),
        average_hours=float(row[1]) if row[1] is not None else None,
        average_wage_cents=float(row[2]) if row[2] is not None else None,
        held=int(row[3] or 0),
        eligible=int(row[4] or 0),
    )


def _first_starts(
    uow: UnitOfWork, start: dt.date, end: dt.date, specialist_ids: Collection[int] | None
) -> int:
    firsts = (
        sa.select(_jst.seeker_id, sa.func.min(_jst.start_date).label("first"))
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(*_in_scope(specialist_ids))
        .group_by(_jst.seeker_id)
        .subquery()
    )
    statement = sa.select(sa.func.count()).where(firsts.c.first >= start, firsts.c.first <= end)
    return int(uow.session.scalar(statement) or 0)


def _endings(
    uow: UnitOfWork, start: dt.date, end: dt.date, specialist_ids: Collection[int] | None
) -> dict[JobEndReason | None, int]:
    statement = (
        sa.select(_jst.end_reason, sa.func.count())
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(_jst.end_date >= start, _jst.end_date <= end, *_in_scope(specialist_ids))
        .group_by(_jst.end_reason)
    )
    return {reason: int(count) for reason, count in uow.session.execute(statement)}


def outcome_totals(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist_ids: Collection[int] | None,
    retention_days: int,
) -> OutcomeTotals:
    """The outcome totals of the days ``start`` to ``end`` (five GROUP BY queries).

    A job seeker is on the caseload when not closed and with an IPS start on or before
    ``end`` (or none); worked in a competitive job when on the caseload with a competitive
    job start on or before ``end`` not ended before ``start``. A competitive job start is
    judged for retention when it began ``retention_days`` or more before ``end``, and held
    when it has no end date or ended ``retention_days`` or more after it began.
    """
    caseload = _caseload(uow, end, specialist_ids)
    worked = _worked_competitive(uow, start, end, specialist_ids)
    starts = _starts(
        uow, start=start, end=end, specialist_ids=specialist_ids, retention_days=retention_days
    )
    return OutcomeTotals(
        caseload=caseload,
        worked_competitive=worked,
        job_starts=starts.count,
        first_job_starts=_first_starts(uow, start, end, specialist_ids),
        average_hours=starts.average_hours,
        average_wage_cents=starts.average_wage_cents,
        held=starts.held,
        eligible=starts.eligible,
        endings=_endings(uow, start, end, specialist_ids),
    )
