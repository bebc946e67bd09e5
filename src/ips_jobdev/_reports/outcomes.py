"""Outcome figures: caseload, the IPS employment rate, job starts, hours, wages, endings,
and progress against the program's own goals. SQL aggregations over the tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._reports._sql import days_between
from ips_jobdev._reports.common import Figure, Period, Scope, make_period, resolve_scope, share
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev._vocab import JobEndReason, JobSeekerStatus

__all__ = ["GoalProgress", "OutcomeCounts", "OutcomesReport", "outcome_counts", "outcomes_report"]

_js = tables.job_seekers.c
_jst = tables.job_starts.c
_pg = tables.program_goals.c
RETENTION_DAYS = 90


@attrs.frozen
class OutcomeCounts:
    """The raw outcome counts of one period and scope."""

    caseload: int
    worked_competitive: int
    job_starts: int
    first_job_starts: int
    average_hours: float | None
    average_wage_cents: float | None
    held_90_days: int
    eligible_90_days: int
    endings: dict[str, int]

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


def _on_caseload(period: Period) -> list[sa.ColumnElement[bool]]:
    return [
        _js.status != JobSeekerStatus.CLOSED,
        sa.or_(_js.ips_start.is_(None), _js.ips_start <= period.end),
    ]


def outcome_counts(uow: UnitOfWork, period: Period, scope: Scope) -> OutcomeCounts:
    """Count the outcomes of ``period`` for ``scope`` (five GROUP BY queries)."""
    in_scope = scope.where(_js.specialist_id)
    caseload = uow.session.scalar(
        sa.select(sa.func.count(_js.id)).where(*_on_caseload(period), *in_scope)
    )
    worked = uow.session.scalar(
        sa.select(sa.func.count(sa.distinct(_jst.seeker_id)))
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(
            *_on_caseload(period),
            *in_scope,
            _jst.competitive.is_(True),
            _jst.start_date <= period.end,
            sa.or_(_jst.end_date.is_(None), _jst.end_date >= period.start),
        )
    )
    in_period = [_jst.start_date >= period.start, _jst.start_date <= period.end]
    competitive = _jst.competitive.is_(True)
    long_enough = _jst.start_date <= period.end - dt.timedelta(days=RETENTION_DAYS)
    held = sa.or_(
        _jst.end_date.is_(None), days_between(_jst.end_date, _jst.start_date) >= RETENTION_DAYS
    )
    wage = sa.type_coerce(_jst.wage, sa.Integer)
    starts = uow.session.execute(
        sa.select(
            sa.func.count(_jst.id),
            sa.func.avg(sa.case((competitive, _jst.hours_per_week), else_=None)),
            sa.func.avg(sa.case((competitive, wage), else_=None)),
            sa.func.sum(sa.case((sa.and_(competitive, long_enough, held), 1), else_=0)),
            sa.func.sum(sa.case((sa.and_(competitive, long_enough), 1), else_=0)),
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(*in_period, *in_scope)
    ).one()
    firsts = (
        sa.select(_jst.seeker_id, sa.func.min(_jst.start_date).label("first"))
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(*in_scope)
        .group_by(_jst.seeker_id)
        .subquery()
    )
    first_starts = uow.session.scalar(
        sa.select(sa.func.count()).where(
            firsts.c.first >= period.start, firsts.c.first <= period.end
        )
    )
    endings = {
        (reason.value if reason is not None else "not recorded"): int(count)
        for reason, count in uow.session.execute(
            sa.select(_jst.end_reason, sa.func.count())
            .join(tables.job_seekers, _js.id == _jst.seeker_id)
            .where(_jst.end_date >= period.start, _jst.end_date <= period.end, *in_scope)
            .group_by(_jst.end_reason)
        )
    }
    order = [r.value for r in JobEndReason] + ["not recorded"]
    return OutcomeCounts(
        caseload=int(caseload or 0),
        worked_competitive=int(worked or 0),
        job_starts=int(starts[0] or 0),
        first_job_starts=int(first_starts or 0),
        average_hours=float(starts[1]) if starts[1] is not None else None,
        average_wage_cents=float(starts[2]) if starts[2] is not None else None,
        held_90_days=int(starts[3] or 0),
        eligible_90_days=int(starts[4] or 0),
        endings={k: endings[k] for k in order if k in endings},
    )


@attrs.frozen
class GoalProgress:
    """One program goal and where the record stands against it."""

    metric: str
    target: Decimal
    period_start: dt.date
    period_end: dt.date
    scope: str
    achieved: float | None
    met: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "metric": self.metric,
            "target": self.target,
            "from": self.period_start,
            "to": self.period_end,
            "scope": self.scope,
            "achieved": self.achieved,
            "met": self.met,
        }


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
                    "unsatisfactory": reason
                    in (JobEndReason.QUIT_WITHOUT_PLANS.value, JobEndReason.FIRED.value),
                }
                for reason, count in self.counts.endings.items()
            ],
            "goals": [g.to_dict() for g in self.goals],
        }


def _figures(counts: OutcomeCounts) -> list[Figure]:
    unsatisfactory = sum(
        n
        for reason, n in counts.endings.items()
        if reason in (JobEndReason.QUIT_WITHOUT_PLANS.value, JobEndReason.FIRED.value)
    )
    hours = round(counts.average_hours, 1) if counts.average_hours is not None else None
    wage = float(counts.average_wage) if counts.average_wage is not None else None
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
        Figure("average_hours_per_week", "Average hours per week", hours, "hours"),
        Figure("average_hourly_wage", "Average hourly wage", wage, "$ an hour"),
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
    from ips_jobdev._reports.goals import goal_progress

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
