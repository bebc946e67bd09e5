"""Planning a specialist's week of employer visits, in route order, each with its reason.

>>> import ips_jobdev as jobdev                                      # doctest: +SKIP
>>> from ips_jobdev._planning import plan_week, save_plan            # doctest: +SKIP
>>> with jobdev.open_store(url) as uow:                                    # doctest: +SKIP
...     plan = plan_week(uow, "jd", "2026-W49")
...     for visit in plan.visits:
...         print(visit.start, visit.employer_name, visit.reason)
...     save_plan(uow, plan)
...     uow.commit()
"""

from ips_jobdev._planning.planner import PlanSettings, plan_week, save_plan
from ips_jobdev._planning.route import (
    DEFAULT_SPEED_MPH,
    Route,
    nearest_neighbour,
    plan_route,
    tour_miles,
    travel_minutes,
    two_opt,
)
from ips_jobdev._planning.schedule import ScheduleSettings
from ips_jobdev._planning.week import (
    ExistingVisit,
    LastContact,
    PlanDay,
    ProposedVisit,
    Unplanned,
    WeekPlan,
    parse_week,
    week_label,
)

__all__ = [
    "DEFAULT_SPEED_MPH",
    "ExistingVisit",
    "LastContact",
    "PlanDay",
    "PlanSettings",
    "ProposedVisit",
    "Route",
    "ScheduleSettings",
    "Unplanned",
    "WeekPlan",
    "nearest_neighbour",
    "parse_week",
    "plan_route",
    "plan_week",
    "save_plan",
    "tour_miles",
    "travel_minutes",
    "two_opt",
    "week_label",
]
