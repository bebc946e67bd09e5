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
from ips_jobdev._store import UnitOfWork

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

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev report outcomes --json``."""
        return {
            "report": "outcomes",
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "figures": [f.to_dict() for f in self.figures],
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


def _figures(counts: OutcomeCounts) -> list[Figure]:
    unsatisfactory = sum(n for reason, n in counts.endings.items() if is_unsatisfactory(reason))
    return [
        Figure("caseload", "Job seekers on the caseload", counts.caseload, "job seekers"),
        Figure(
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
        Figure("job_starts", "Job starts", counts.job_starts, "jobs"),
        Figure("first_job_starts", "First job starts", counts.first_job_starts, "job seekers"),
        Figure("average_hours_per_week", "Average hours per week", counts.hours_per_week, "hours"),
        Figure("average_hourly_wage", "Average hourly wage", counts.hourly_wage, "$ an hour"),
        Figure(
            "held_90_days",
            "Jobs held 90 days",
            share(counts.held_90_days, counts.eligible_90_days),
            "%",
            detail={
                "held": counts.held_90_days,
                "started_90_days_before_end": counts.eligible_90_days,
            },
        ),
        Figure(
            "job_endings",
            "Job endings",
            sum(counts.endings.values()),
            "jobs",
            detail={"by_reason": dict(counts.endings), "unsatisfactory": unsatisfactory},
        ),
    ]


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
