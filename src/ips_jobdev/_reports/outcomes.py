"""Outcome figures: caseload, the IPS employment rate, job starts, hours, wages, endings,
and progress against the program's own goals. The counts are SQL aggregations in the
store (:func:`ips_jobdev._reports.counts.outcome_counts`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from ips_jobdev._reports.common import Figure, Period, Scope, make_period, resolve_scope, share
from ips_jobdev._reports.counts import OutcomeCounts, is_unsatisfactory, outcome_counts
from ips_jobdev._reports.goals import GoalProgress, goal_progress
from ips_jobdev._store import UnitOfWork, reads_unaudited

__all__ = ["OutcomesReport", "outcomes_report"]


@attrs.frozen
class OutcomesReport:
    """The outcome figures of one period and scope (see :func:`outcomes_report`)."""

    period: Period
    scope: Scope
    counts: OutcomeCounts
    figures: list[Figure]
    goals: list[GoalProgress]

    def figure(self, key: str) -> Figure:
        """The figure named ``key`` (``KeyError`` if the report has none)."""
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev report outcomes --json`` (each figure's
        evidence rows, by program code, only with ``evidence``)."""
        return {
            "report": "outcomes",
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "figures": [f.to_dict(evidence=evidence) for f in self.figures],
            "job_endings": [
                {
                    "reason": reason,
                    "count": count,
                    "unsatisfactory": is_unsatisfactory(reason),
                }
                for reason, count in self.counts.endings.items()
            ],
            "goals": [g.to_dict() for g in self.goals],
        }


def _round(value: float | None, digits: int = 1) -> float | None:
    return round(value, digits) if value is not None else None


def _figures(counts: OutcomeCounts) -> list[Figure]:
    unsatisfactory = sum(n for reason, n in counts.endings.items() if is_unsatisfactory(reason))
    evidence = counts.evidence

    def figure(key: str, label: str, value: Any, unit: str, **detail: Any) -> Figure:
        return Figure(key, label, value, unit, detail=detail, evidence=evidence.get(key, []))

    return [
        figure("caseload", "Job seekers served during the period", counts.caseload, "job seekers"),
        figure(
            "worked_competitive",
            "Worked in a competitive job during the period",
            counts.worked_competitive,
            "job seekers",
        ),
        Figure(
            "employment_rate",
            "IPS employment rate",
            counts.employment_rate,
            "%",
            detail={"worked": counts.worked_competitive, "caseload": counts.caseload},
        ),
        figure("job_starts", "Competitive job starts", counts.job_starts, "jobs"),
        figure(
            "first_job_starts",
            "First competitive job starts",
            counts.first_job_starts,
            "job seekers",
        ),
        figure("average_hours_per_week", "Average hours per week", counts.hours_per_week, "hours"),
        figure("average_hourly_wage", "Average hourly wage", counts.hourly_wage, "$ an hour"),
        figure(
            "held_90_days",
            "Jobs held 90 days",
            share(counts.held_90_days, counts.eligible_90_days),
            "%",
            held=counts.held_90_days,
            started_90_days_before_end=counts.eligible_90_days,
            cohort_started_from=counts.retention_from,
            cohort_started_to=counts.retention_to,
        ),
        figure(
            "job_endings",
            "Job endings",
            sum(counts.endings.values()),
            "jobs",
            by_reason=dict(counts.endings),
            unsatisfactory=unsatisfactory,
        ),
        # figures added later go after the first ones (JSON consumers may index them)
        figure(
            "non_competitive_job_starts",
            "Non-competitive job starts (shown apart)",
            counts.non_competitive_starts,
            "jobs",
        ),
        figure(
            "days_to_first_job",
            "Days from IPS start to first competitive job (average)",
            _round(counts.days_to_first_job),
            "days",
        ),
        figure(
            "job_tenure",
            "Weeks in competitive jobs that ended (average)",
            _round(counts.tenure_weeks_ended),
            "weeks",
            jobs_ended=counts.jobs_ended,
            jobs_still_held=counts.jobs_held,
            weeks_so_far_of_jobs_held=_round(counts.tenure_weeks_held),
        ),
        figure(
            "second_jobs",
            "Competitive job starts after an earlier job ended",
            counts.second_jobs,
            "jobs",
        ),
    ]


@reads_unaudited
def outcomes_report(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    timezone: str | None = None,
) -> OutcomesReport:
    """The outcome figures for the days ``start`` to ``end`` (both included), with
    progress against every program goal whose period overlaps it.

    Args:
        uow: the unit of work to read from.
        start: the first day of the period.
        end: the last day of the period.
        specialist: one specialist's code; or
        team: several codes (a list, or ``"a,b"``); neither for the whole database.
        timezone: whose calendar days count (default: the first specialist's in scope).
    """
    scope = resolve_scope(uow, specialist=specialist, team=team, timezone=timezone)
    period = make_period(start, end, scope.zone)
    counts = outcome_counts(uow, period, scope)
    return OutcomesReport(
        period=period,
        scope=scope,
        counts=counts,
        figures=_figures(counts),
        goals=goal_progress(uow, start=start, end=end, scope=scope),
    )
