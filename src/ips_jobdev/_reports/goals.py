"""The program's own outcome goals (placements, hours, wages) and progress against them.

Wisconsin asks each IPS program to set goals for placements, hours and wages and to
review them with a state trainer. A goal is a :class:`~ips_jobdev.ProgramGoal`: a metric,
a target, a period and a scope (``program`` or a specialist code).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from ips_jobdev import _lookup
from ips_jobdev import _model as model
from ips_jobdev._reports.common import Scope, make_period, resolve_scope
from ips_jobdev._reports.counts import OutcomeCounts, outcome_counts
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import goals as queries
from ips_jobdev.errors import ValidationError

__all__ = ["METRICS", "GoalProgress", "goal_progress", "list_goals", "set_goal"]

METRICS: dict[str, str] = {
    "job_starts": "job starts in the period (placements)",
    "employment_rate": "IPS employment rate, in percent (45 means 45%)",
    "hours_per_week": "average hours per week of competitive job starts",
    "hourly_wage": "average hourly wage of competitive job starts, in dollars",
}
"""The metrics a goal can measure, with what each means."""


@attrs.frozen
class GoalProgress:
    """One program goal and where the record stands against it.

    ``goal_id`` is the goal's id (not part of :meth:`to_dict`).
    """

    metric: str
    target: Decimal
    period_start: dt.date
    period_end: dt.date
    scope: str
    achieved: float | None
    met: bool
    goal_id: int | None = None

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


def _target(value: object) -> Decimal:
    text = str(value).strip().rstrip("%").lstrip("$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValidationError("ProgramGoal", "target", f"{value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError("ProgramGoal", "target", f"{value!r} is not a number >= 0")
    return amount.quantize(Decimal("0.01"))


def _metric(metric: str) -> str:
    key = metric.strip().lower().replace("-", "_")
    if key not in METRICS:
        raise ValidationError(
            "ProgramGoal",
            "metric",
            f"unknown metric {metric!r}; expected one of: " + ", ".join(METRICS),
        )
    return key


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
    key = _metric(metric)
    where = scope.strip() or "program"
    if where != "program":
        where = _lookup.specialist(uow, where).code
    amount = _target(target)
    existing = queries.find_goal(uow, metric=key, start=start, end=end, scope=where)
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
    return queries.goals_newest_first(uow)


def _achieved(metric: str, counts: OutcomeCounts) -> float | None:
    if metric == "job_starts":
        return float(counts.job_starts)
    if metric == "employment_rate":
        return counts.employment_rate
    if metric == "hours_per_week":
        return counts.hours_per_week
    if metric == "hourly_wage":
        return counts.hourly_wage
    return None


def _shown(
    goal: model.ProgramGoal, start: dt.date | None, end: dt.date | None, scope: Scope | None
) -> bool:
    """Whether ``goal`` overlaps ``start``..``end`` and is program-wide or of a specialist
    in ``scope``."""
    if start is not None and goal.period_end < start:
        return False
    if end is not None and goal.period_start > end:
        return False
    if scope is None or not scope.codes or goal.scope == "program":
        return True
    return goal.scope.lower() in {code.lower() for code in scope.codes}


def _progress(uow: UnitOfWork, goal: model.ProgramGoal, zone: str | None) -> GoalProgress:
    """``goal`` measured over its own period and scope."""
    goal_scope = resolve_scope(
        uow, specialist=None if goal.scope == "program" else goal.scope, timezone=zone
    )
    period = make_period(goal.period_start, goal.period_end, goal_scope.zone)
    achieved = _achieved(goal.metric, outcome_counts(uow, period, goal_scope))
    return GoalProgress(
        metric=goal.metric,
        target=goal.target,
        period_start=goal.period_start,
        period_end=goal.period_end,
        scope=goal.scope,
        achieved=achieved,
        met=achieved is not None and Decimal(str(achieved)) >= goal.target,
        goal_id=goal.id,
    )


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
    zone = scope.zone if scope is not None else None
    return [_progress(uow, goal, zone) for goal in chosen if _shown(goal, start, end, scope)]
