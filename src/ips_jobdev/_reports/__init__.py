"""Fidelity and outcome figures, computed from the record with SQL aggregations.

The fidelity scale is data (:class:`FidelityScale`, the US IPS-25 by default); every
figure states its definition (:data:`DEFINITIONS`, ``ips-jobdev report ... --explain``,
docs/explanation/how-the-figures-are-computed.md).

>>> import datetime as dt                                            # doctest: +SKIP
>>> with jobdev.open_store(url) as uow:                                    # doctest: +SKIP
...     report = fidelity_report(uow, start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
...     report.figure("frequent_employer_contact").point
"""

from ips_jobdev._reports.common import DEFINITIONS, Figure, Period, Scope
from ips_jobdev._reports.counts import OutcomeCounts, is_unsatisfactory
from ips_jobdev._reports.fidelity import FidelityReport, SpecialistFigures, fidelity_report
from ips_jobdev._reports.goals import METRICS, GoalProgress, goal_progress, list_goals, set_goal
from ips_jobdev._reports.outcomes import OutcomesReport, outcomes_report
from ips_jobdev._reports.scale import Anchor, FidelityScale, ScaleItem, default_scale

__all__ = [
    "DEFINITIONS",
    "METRICS",
    "Anchor",
    "FidelityReport",
    "FidelityScale",
    "Figure",
    "GoalProgress",
    "OutcomeCounts",
    "OutcomesReport",
    "Period",
    "ScaleItem",
    "Scope",
    "SpecialistFigures",
    "default_scale",
    "fidelity_report",
    "goal_progress",
    "is_unsatisfactory",
    "list_goals",
    "outcomes_report",
    "set_goal",
]
