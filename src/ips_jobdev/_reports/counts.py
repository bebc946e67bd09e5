"""The outcome counts of a period and scope: what the outcomes report shows and what the
program's goals are measured against (one home for both, so neither imports the other)."""

from __future__ import annotations

from decimal import Decimal

import attrs

from ips_jobdev._reports.common import Period, Scope, share
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import outcomes as queries
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


def outcome_counts(uow: UnitOfWork, period: Period, scope: Scope) -> OutcomeCounts:
    """Count the outcomes of ``period`` for ``scope`` (five GROUP BY queries)."""
    totals = queries.outcome_totals(
        uow,
        start=period.start,
        end=period.end,
        specialist_ids=scope.specialist_ids,
        retention_days=RETENTION_DAYS,
    )
    return OutcomeCounts(
        caseload=totals.caseload,
        worked_competitive=totals.worked_competitive,
        job_starts=totals.job_starts,
        first_job_starts=totals.first_job_starts,
        average_hours=totals.average_hours,
        average_wage_cents=totals.average_wage_cents,
        held_90_days=totals.held,
        eligible_90_days=totals.eligible,
        endings=_endings(totals.endings),
    )
