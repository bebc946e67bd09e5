"""The outcome counts of a period and scope: what the outcomes report shows and what the
program's goals are measured against (one home for both, so neither imports the other)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs

from ips_jobdev._reports.common import Period, Scope, share
from ips_jobdev._reports.people import SeekerInPeriod, seekers_in_period
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.people import JobRow, job_rows, seeker_rows
from ips_jobdev._vocab import JobEndReason

__all__ = [
    "NOT_RECORDED",
    "RETENTION_DAYS",
    "UNSATISFACTORY_ENDINGS",
    "OutcomeCounts",
    "is_unsatisfactory",
    "outcome_counts",
]

RETENTION_DAYS = 90
"""A job is held when it lasts this many days from its start."""
NOT_RECORDED = "not recorded"
"""How a job ending with no end reason is counted."""
UNSATISFACTORY_ENDINGS = frozenset(
    {JobEndReason.QUIT_WITHOUT_PLANS.value, JobEndReason.FIRED.value}
)
"""The end reasons the IPS literature calls unsatisfactory."""
_ENDING_ORDER = [reason.value for reason in JobEndReason] + [NOT_RECORDED]


def is_unsatisfactory(reason: str) -> bool:
    """Whether a job ending for ``reason`` (an end reason's value) is unsatisfactory: a
    quit without plans or a firing."""
    return reason in UNSATISFACTORY_ENDINGS


@attrs.frozen
class OutcomeCounts:
    """The raw outcome counts of one period and scope.

    ``job_starts`` counts competitive job starts (``non_competitive_starts`` the others);
    ``retention_from``/``retention_to`` are the start dates of the 90-day retention cohort;
    ``evidence`` holds, per figure key, the rows behind it by program code.
    """

    caseload: int
    worked_competitive: int
    job_starts: int
    first_job_starts: int
    average_hours: float | None
    average_wage_cents: float | None
    held_90_days: int
    eligible_90_days: int
    endings: dict[str, int]
    non_competitive_starts: int = 0
    retention_from: dt.date | None = None
    retention_to: dt.date | None = None
    days_to_first_job: float | None = None
    tenure_weeks_ended: float | None = None
    jobs_ended: int = 0
    tenure_weeks_held: float | None = None
    jobs_held: int = 0
    second_jobs: int = 0
    evidence: dict[str, list[dict[str, Any]]] = attrs.field(factory=dict)

    @property
    def employment_rate(self) -> float | None:
        """Worked in a competitive job over the caseload, in percent (one decimal)."""
        return share(self.worked_competitive, self.caseload)

    @property
    def average_wage(self) -> Decimal | None:
        """The average hourly wage in dollars and cents."""
        if self.average_wage_cents is None:
            return None
        return (Decimal(str(self.average_wage_cents)) / 100).quantize(Decimal("0.01"))

    @property
    def hours_per_week(self) -> float | None:
        """The average hours per week, to one decimal (as reports and goals show it)."""
        return round(self.average_hours, 1) if self.average_hours is not None else None

    @property
    def hourly_wage(self) -> float | None:
        """The average hourly wage in dollars, as a number (as reports and goals show it)."""
        wage = self.average_wage
        return float(wage) if wage is not None else None


def _endings(by_reason: dict[JobEndReason | None, int]) -> dict[str, int]:
    """Endings by reason's value (or :data:`NOT_RECORDED`), in the order of the reasons."""
    named = {
        (reason.value if reason is not None else NOT_RECORDED): count
        for reason, count in by_reason.items()
    }
    return {key: named[key] for key in _ENDING_ORDER if key in named}


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _job(job: JobRow, **more: Any) -> dict[str, Any]:
    return {
        "seeker": job.seeker_code,
        "employer": job.employer_name,
        "title": job.title,
        "start": job.start_date,
        **more,
    }


@attrs.frozen
class _Jobs:
    """The job starts of the job seekers in scope, sorted for the outcome figures."""

    period: Period
    all: tuple[JobRow, ...]

    def within(self, day: dt.date | None) -> bool:
        return day is not None and self.period.start <= day <= self.period.end

    @property
    def competitive(self) -> list[JobRow]:
        return [job for job in self.all if job.competitive]

    @property
    def started(self) -> list[JobRow]:
        """Competitive job starts in the period."""
        return [job for job in self.competitive if self.within(job.start_date)]

    def firsts(self) -> list[JobRow]:
        """Each job seeker's first competitive job, when it started in the period."""
        first: dict[int, JobRow] = {}
        for job in self.competitive:
            first.setdefault(job.seeker_id, job)
        return [job for job in first.values() if self.within(job.start_date)]

    def retention(self) -> tuple[dt.date, dt.date, list[JobRow]]:
        """The 90-day cohort: competitive starts whose 90th day falls in the period."""
        days = dt.timedelta(days=RETENTION_DAYS)
        since, until = self.period.start - days, self.period.end - days
        return since, until, [j for j in self.competitive if since <= j.start_date <= until]

    def second_jobs(self) -> list[JobRow]:
        """Competitive starts in the period after an earlier competitive job ended."""
        return [
            job
            for job in self.started
            if any(
                other.seeker_id == job.seeker_id
                and other.id != job.id
                and other.end_date is not None
                and other.start_date <= job.start_date
                and other.end_date <= job.start_date
                for other in self.competitive
            )
        ]


def _held(job: JobRow) -> bool:
    return job.end_date is None or (job.end_date - job.start_date).days >= RETENTION_DAYS


def _weeks(first: dt.date, last: dt.date) -> float:
    return (last - first).days / 7


def _people(uow: UnitOfWork, period: Period, scope: Scope) -> tuple[list[SeekerInPeriod], _Jobs]:
    rows = seeker_rows(uow, specialist_ids=scope.specialist_ids, entered_by=period.end)
    jobs = job_rows(uow, specialist_ids=scope.specialist_ids, started_by=period.end)
    return seekers_in_period(rows, period), _Jobs(period, tuple(jobs))


def outcome_counts(uow: UnitOfWork, period: Period, scope: Scope) -> OutcomeCounts:
    """Count the outcomes of ``period`` for ``scope`` from the job seekers in scope, their
    status history and their job starts (see :data:`~ips_jobdev._reports.DEFINITIONS`)."""
    seekers, jobs = _people(uow, period, scope)
    served = {s.id: s.code for s in seekers if s.served}
    worked = sorted(
        {
            served[j.seeker_id]
            for j in jobs.competitive
            if j.seeker_id in served and (j.end_date is None or j.end_date >= period.start)
        }
    )
    started = jobs.started
    firsts = jobs.firsts()
    since, until, cohort = jobs.retention()
    ended = [j for j in jobs.competitive if jobs.within(j.end_date)]
    held = [j for j in jobs.competitive if j.end_date is None or j.end_date > period.end]
    endings: dict[JobEndReason | None, int] = {}
    for job in jobs.all:
        if jobs.within(job.end_date):
            endings[job.end_reason] = endings.get(job.end_reason, 0) + 1
    second = jobs.second_jobs()
    to_first = [(j.start_date - j.ips_start).days for j in firsts if j.ips_start is not None]
    non_competitive = [j for j in jobs.all if not j.competitive and jobs.within(j.start_date)]
    return OutcomeCounts(
        caseload=len(served),
        worked_competitive=len(worked),
        job_starts=len(started),
        first_job_starts=len(firsts),
        average_hours=_mean([j.hours_per_week for j in started if j.hours_per_week is not None]),
        average_wage_cents=_mean([j.wage_cents for j in started if j.wage_cents is not None]),
        held_90_days=sum(1 for j in cohort if _held(j)),
        eligible_90_days=len(cohort),
        endings=_endings(endings),
        non_competitive_starts=len(non_competitive),
        retention_from=since,
        retention_to=until,
        days_to_first_job=_mean(to_first),
        tenure_weeks_ended=_mean([_weeks(j.start_date, j.end_date) for j in ended if j.end_date]),
        jobs_ended=len(ended),
        tenure_weeks_held=_mean([_weeks(j.start_date, period.end) for j in held]),
        jobs_held=len(held),
        second_jobs=len(second),
        evidence={
            "caseload": [{"seeker": code} for code in sorted(served.values())],
            "worked_competitive": [{"seeker": code} for code in worked],
            "job_starts": [_job(j) for j in started],
            "non_competitive_job_starts": [_job(j) for j in non_competitive],
            "first_job_starts": [
                _job(
                    j,
                    days_from_ips_start=(j.start_date - j.ips_start).days if j.ips_start else None,
                )
                for j in firsts
            ],
            "held_90_days": [_job(j, end=j.end_date, held=_held(j)) for j in cohort],
            "job_tenure": [
                _job(j, end=j.end_date, weeks=round(_weeks(j.start_date, j.end_date), 1))
                for j in ended
                if j.end_date
            ],
            "second_jobs": [_job(j) for j in second],
            "job_endings": [
                _job(j, end=j.end_date, reason=j.end_reason.value if j.end_reason else NOT_RECORDED)
                for j in jobs.all
                if jobs.within(j.end_date)
            ],
        },
    )
