"""The weeks a specialist worked, counted by runs of days, equal the day-by-day count of the
definition, to the last bit, over employment periods and leaves of every shape."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from ips_jobdev._model import Specialist
from ips_jobdev._reports.common import make_period
from ips_jobdev._reports.people import WorkedTime, _work_days, worked_time

DAY = dt.timedelta(days=1)


def _day_by_day(specialist: Specialist, start: dt.date, end: dt.date) -> WorkedTime:
    """The definition, one day at a time (how the count was first written)."""
    work_days = _work_days(specialist)
    employed = on_leave = 0
    fte_days = fte_leave = 0.0
    started: dt.date | None = None
    day = start
    while day <= end:
        job = specialist.period_on(day)
        if job is not None:
            if not employed:
                started = job.started
            employed += 1
            fte_days += job.fte
            if specialist.on_leave(day) and day.weekday() in work_days:
                on_leave += 1
                fte_leave += job.fte
        day += DAY
    per_week = len(work_days)
    return WorkedTime(
        days_employed=employed,
        leave_work_days=on_leave,
        weeks_employed=employed / 7,
        weeks_on_leave=on_leave / per_week,
        full_time_weeks=max(0.0, fte_days / 7 - fte_leave / per_week),
        fte=fte_days / ((end - start).days + 1),
        average_fte=fte_days / employed if employed else None,
        started=started,
    )


def _random_specialist(rng: random.Random, base: dt.date) -> Specialist:
    person = Specialist(
        code="ae",
        name="Alex Example",
        work_days=rng.choice(["mon,tue,wed,thu,fri", "mon,wed,fri", "sat,sun", "tue"]),
    )
    day: dt.date | None = base - dt.timedelta(days=rng.randint(0, 200))
    for _ in range(rng.randint(0, 4)):
        assert day is not None
        started = None if rng.random() < 0.2 and not person.periods else day
        ended = None if rng.random() < 0.3 else day + dt.timedelta(days=rng.randint(0, 150))
        person.add_period(started, ended=ended, fte=rng.choice([1.0, 0.5, 0.1, 0.3, 0.75, 0.6]))
        if ended is None:
            break
        day = ended + dt.timedelta(days=rng.randint(1, 40))
    leave_day = base - dt.timedelta(days=rng.randint(0, 100))
    for _ in range(rng.randint(0, 6)):
        last = leave_day + dt.timedelta(days=rng.randint(0, 20))
        person.add_leave(leave_day, last)
        leave_day = last + dt.timedelta(days=rng.randint(1, 60))
    return person


@pytest.mark.parametrize("seed", range(40))
def test_runs_of_days_give_the_day_by_day_figures(seed: int) -> None:
    rng = random.Random(seed)
    base = dt.date(2026, 1, 1)
    for _ in range(10):
        person = _random_specialist(rng, base)
        start = base + dt.timedelta(days=rng.randint(-120, 120))
        end = start + dt.timedelta(days=rng.choice([0, 6, 30, 90, 364, 400]))
        period = make_period(start, end, "America/Chicago")
        assert worked_time(person, period) == _day_by_day(person, start, end)


def test_no_period_recorded_is_full_time_throughout_less_the_leave() -> None:
    person = Specialist(code="ae", name="Alex Example")
    person.add_leave(dt.date(2026, 3, 2), dt.date(2026, 3, 8))  # a Monday-to-Sunday week
    period = make_period(dt.date(2026, 3, 1), dt.date(2026, 3, 28), "America/Chicago")
    worked = worked_time(person, period)
    assert worked == _day_by_day(person, period.start, period.end)
    assert (worked.days_employed, worked.leave_work_days, worked.weeks_worked) == (28, 5, 3.0)
    assert worked.started is None
