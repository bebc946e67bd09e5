"""Who was served, looking for work or working during a period, and how many weeks each
specialist worked in it: the rules about periods and people that every figure uses.

- A job seeker's status on a day is the last change of their status history on or
  before it; before the first change, the first status (held since they entered IPS).
  A job seeker is **served** during a period when their IPS start is on or before its
  last day (or not recorded) and they were not closed on at least one day of it; **looking
  for work** when they were ``searching`` on at least one of those days.
- A specialist **worked** the days of the period inside one of their employment periods
  (none recorded: every day), less the days of leave that fall on their work days.
  Weeks employed are calendar days / 7; a leave counts in working weeks (its work days /
  the specialist's work days a week), so a Monday-to-Friday leave and a Monday-to-Sunday
  one both take one week off. Their full-time weeks weigh each day by the full-time
  share of its employment period; their full-time equivalent over the period is the
  full-time share of each day employed, over the days of the period.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

import attrs

from ips_jobdev._model import Specialist
from ips_jobdev._reports.common import Period
from ips_jobdev._store.queries.people import SeekerRow
from ips_jobdev._vocab import JobSeekerStatus

__all__ = ["SeekerInPeriod", "WorkedTime", "seekers_in_period", "worked_time"]

_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def statuses_during(row: SeekerRow, start: dt.date, end: dt.date) -> set[JobSeekerStatus]:
    """The statuses ``row``'s job seeker held on at least one day from ``start`` to
    ``end``."""
    if not row.history:
        return {row.status}
    held = row.history[0][1]
    found: set[JobSeekerStatus] = set()
    for since, status in row.history:
        if since > end:
            break
        if since > start:
            found.add(held)
        held = status
    found.add(held)
    return found


@attrs.frozen
class SeekerInPeriod:
    """A job seeker and what they were during a period."""

    id: int
    code: str
    specialist_id: int | None
    ips_start: dt.date | None
    statuses: frozenset[JobSeekerStatus]

    @property
    def served(self) -> bool:
        """On the caseload (not closed) on at least one day of the period."""
        return bool(self.statuses - {JobSeekerStatus.CLOSED})

    @property
    def looking_for_work(self) -> bool:
        """Searching on at least one day of the period."""
        return JobSeekerStatus.SEARCHING in self.statuses


def seekers_in_period(rows: Sequence[SeekerRow], period: Period) -> list[SeekerInPeriod]:
    """The job seekers of ``rows`` who had entered IPS by the end of ``period``, with the
    statuses they held during it."""
    return [
        SeekerInPeriod(
            id=row.id,
            code=row.code,
            specialist_id=row.specialist_id,
            ips_start=row.ips_start,
            statuses=frozenset(
                statuses_during(row, max(period.start, row.ips_start or period.start), period.end)
            ),
        )
        for row in rows
        if row.ips_start is None or row.ips_start <= period.end
    ]


@attrs.frozen
class WorkedTime:
    """How much of a period a specialist worked (see the module docs).

    ``fte`` is the full-time equivalent over the whole period (a half-timer employed half
    of it: 0.25); ``average_fte`` the full-time share over the days employed (0.5);
    ``started`` the start of the employment period they were in on their first day
    employed in the period (``None``: not recorded).
    """

    days_employed: int
    leave_work_days: int
    weeks_employed: float
    weeks_on_leave: float
    full_time_weeks: float
    fte: float
    average_fte: float | None
    started: dt.date | None

    @property
    def weeks_worked(self) -> float:
        """Weeks employed less weeks on leave."""
        return max(0.0, self.weeks_employed - self.weeks_on_leave)


def _work_days(specialist: Specialist) -> set[int]:
    days = {_WEEKDAYS[t.strip().lower()[:3]] for t in specialist.work_days.split(",") if t.strip()}
    return days or set(range(5))


def _employed_runs(
    specialist: Specialist, period: Period
) -> Iterator[tuple[dt.date, dt.date, float, dt.date | None]]:
    """The days of ``period`` inside the specialist's employment periods, in runs covered
    by one employment period each, in day order: first and last day, full-time share and
    the employment period's start. No period recorded: one full-time run."""
    if not specialist.periods:
        yield period.start, period.end, 1.0, None
        return
    # coverage can only change where an employment period starts or the day after it ends
    edges = {period.start, period.end + dt.timedelta(days=1)}
    for job in specialist.periods:
        if job.started is not None and period.start < job.started <= period.end:
            edges.add(job.started)
        if job.ended is not None and period.start <= job.ended < period.end:
            edges.add(job.ended + dt.timedelta(days=1))
    bounds = sorted(edges)
    for first, after in itertools.pairwise(bounds):
        covering = specialist.period_on(first)
        if covering is not None:
            yield first, after - dt.timedelta(days=1), covering.fte, covering.started


def _leave_work_days(specialist: Specialist, period: Period, work_days: set[int]) -> list[dt.date]:
    """The specialist's days of leave in ``period`` that fall on their work days, in order."""
    found: set[dt.date] = set()
    for leave in specialist.leaves:
        first, last = max(leave.first_day, period.start), min(leave.last_day, period.end)
        found.update(day for day in _days(first, last) if day.weekday() in work_days)
    return sorted(found)


def _add_times(total: float, value: float, times: int) -> float:
    """``total`` plus ``value`` added ``times`` times, one day at a time (so the sum is
    the one a day-by-day count gives, to the last bit)."""
    for _ in range(times):
        total += value
    return total


def worked_time(specialist: Specialist, period: Period) -> WorkedTime:
    """How many weeks of ``period`` ``specialist`` worked, full-time weighted, and their
    full-time equivalent over it."""
    work_days = _work_days(specialist)
    leave_days = _leave_work_days(specialist, period, work_days)
    employed = 0
    on_leave = 0
    fte_days = 0.0
    fte_leave = 0.0
    started: dt.date | None = None
    for first, last, fte, began in _employed_runs(specialist, period):
        if not employed:
            started = began
        days = (last - first).days + 1
        away = bisect.bisect_right(leave_days, last) - bisect.bisect_left(leave_days, first)
        employed += days
        fte_days = _add_times(fte_days, fte, days)
        on_leave += away
        fte_leave = _add_times(fte_leave, fte, away)
    per_week = len(work_days)
    return WorkedTime(
        days_employed=employed,
        leave_work_days=on_leave,
        weeks_employed=employed / 7,
        weeks_on_leave=on_leave / per_week,
        full_time_weeks=max(0.0, fte_days / 7 - fte_leave / per_week),
        fte=fte_days / period.days,
        average_fte=fte_days / employed if employed else None,
        started=started,
    )
