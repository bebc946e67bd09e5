"""The program's own outcome goals (placements, hours, wages) and progress against them.

Wisconsin asks each IPS program to set goals for placements, hours and wages and to
review them with a state trainer. A goal is a :class:`~ips_jobdev.ProgramGoal`: a metric,
a target, a period and a scope (``program`` or a specialist code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._reports.common import Scope, make_period, resolve_scope
from ips_jobdev._reports.outcomes import GoalProgress, OutcomeCounts, outcome_counts
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev.errors import ValidationError

__all__ = ["METRICS", "goal_progress", "list_goals", "set_goal"]

METRICS: dict[str, str] = {
    "job_starts": "job starts in the period (placements)",
    "employment_rate": "IPS employment rate, in percent (45 means 45%)",
    "hours_per_week": "average hours per week of competitive job starts",
    "hourly_wage": "average hourly wage of competitive job starts, in dollars",
}
"""The metrics a goal can measure, with what each means."""

_pg = tables.program_goals.c


def _target(value: object) -> Decimal:
    text = str(value).strip().rstrip("%").lstrip("$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError("ProgramGoal", "target", f"{value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError("ProgramGoal", "target", f"{value!r} is not a number >= 0")
    return amount.quantize(Decimal("0.01"))


def set_goal(
    uow: UnitOfWork,
    metric: str,
    target: object,
    *,
    start: dt.date,
    end: dt.date,
    scope: str = "program",
) -> model.ProgramGoal:
    """Record a goal, or change the target of the same metric, period and scope.

    Raises:
        ValidationError: unknown metric, a target that is not a number, a period running
            backwards.
        NotFoundError: ``scope`` is neither ``program`` nor a specialist code.
    """
    key = metric.strip().lower().replace("-", "_")
    if key not in METRICS:
        raise ValidationError(
            "ProgramGoal",
            "metric",
            f"unknown metric {metric!r}; expected one of: " + ", ".join(METRICS),
        )
    where = scope.strip() or "program"
    if where != "program":
        where = uow.specialists.by_code(where).code
    amount = _target(target)
    existing = uow.session.scalars(
        sa.select(model.ProgramGoal).where(
            _pg.metric == key, _pg.period_start == start, _pg.period_end == end, _pg.scope == where
        )
    ).first()
    if existing is not None:
        existing.target = amount
        uow.flush()
        return existing
    goal = model.ProgramGoal(
        metric=key, target=amount, period_start=start, period_end=end, scope=where
    )
    uow.goals.add(goal)
    uow.flush()
    return goal


def list_goals(uow: UnitOfWork) -> list[model.ProgramGoal]:
    """Every goal, newest period first."""
    return list(
        uow.session.scalars(
            sa.select(model.ProgramGoal).order_by(
                _pg.period_start.desc(), _pg.metric, _pg.scope, _pg.id
            )
        )
    )


def _achieved(metric: str, counts: OutcomeCounts) -> float | None:
    if metric == "job_starts":
        return float(counts.job_starts)
    if metric == "employment_rate":
        return counts.employment_rate
    if metric == "hours_per_week":
        return round(counts.average_hours, 1) if counts.average_hours is not None else None
    if metric == "hourly_wage":
        return float(counts.average_wage) if counts.average_wage is not None else None
    return None


def goal_progress(
    uow: UnitOfWork,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    scope: Scope | None = None,
    goals: Sequence[model.ProgramGoal] | None = None,
) -> list[GoalProgress]:
    """Progress against each goal (every goal, or those overlapping ``start``..``end``).

    A goal is measured over its own period and scope. With a report ``scope`` limited to
    some specialists, only program-wide goals and goals of those specialists are shown.
    """
    chosen = list(goals) if goals is not None else list_goals(uow)
    progress = []
    for goal in chosen:
        if start is not None and goal.period_end < start:
            continue
        if end is not None and goal.period_start > end:
            continue
        if (
            scope is not None
            and scope.codes
            and goal.scope != "program"
            and goal.scope.lower() not in {c.lower() for c in scope.codes}
        ):
            continue
        goal_scope = resolve_scope(
            uow,
            specialist=None if goal.scope == "program" else goal.scope,
            timezone=scope.zone if scope is not None else None,
        )
        period = make_period(goal.period_start, goal.period_end, goal_scope.zone)
        achieved = _achieved(goal.metric, outcome_counts(uow, period, goal_scope))
        progress.append(
            GoalProgress(
                metric=goal.metric,
                target=goal.target,
                period_start=goal.period_start,
                period_end=goal.period_end,
                scope=goal.scope,
                achieved=achieved,
                met=achieved is not None and Decimal(str(achieved)) >= goal.target,
            )
        )
    return progress
