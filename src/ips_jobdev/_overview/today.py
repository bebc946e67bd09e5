"""A specialist's day: the visits planned and made today, what is due, and the job seekers
close to the 30-day mark (the web app's Today page; a county script may call it too).

>>> import ips_jobdev as jobdev                                           # doctest: +SKIP
>>> from ips_jobdev._overview import today_overview                       # doctest: +SKIP
>>> with jobdev.open_store(url) as uow:                                   # doctest: +SKIP
...     day = today_overview(uow, "av")
...     [(v.at, v.employer_name) for v in day.planned]
"""

from __future__ import annotations

import datetime as dt

import attrs

from ips_jobdev._overview.common import (
    Team,
    VisitLine,
    day_bounds,
    local_now,
    team,
    visit_lines_of_rows,
)
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.overview import visit_rows_between
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.cycles import DEFAULT_POLICY
from ips_jobdev.cycles._due import DueItem, list_due

__all__ = ["TodayOverview", "today_overview"]


@attrs.frozen
class TodayOverview:
    """What the Today page shows.

    ``planned`` are today's visits still to make (each can be logged as made), ``made``
    today's visits already logged, ``coming`` the next planned visits after today; ``due``
    the employers whose next visit is overdue or due, ``at_risk`` the job seekers at risk
    of (or past) the 30-day mark with no employer contact yet; ``cold`` how many
    relationships went cold, that is had no counted visit (face to face only, when
    ``face_to_face_only``) for ``cold_after_days`` days: the cycle policy's figures.
    """

    team: Team
    day: dt.date
    now: dt.datetime
    planned: list[VisitLine]
    made: list[VisitLine]
    cancelled: list[VisitLine]
    coming: list[VisitLine]
    due: list[DueItem]
    at_risk: list[DueItem]
    cold: int
    cold_after_days: int = DEFAULT_POLICY.cold_after_days
    face_to_face_only: bool = DEFAULT_POLICY.face_to_face_only


def today_overview(
    uow: UnitOfWork,
    specialist: str | None = None,
    *,
    now: dt.datetime | None = None,
    coming_limit: int = 5,
) -> TodayOverview:
    """The day of ``specialist`` (a code; default: the first active specialist).

    Args:
        uow: the unit of work to read from.
        specialist: whose day.
        now: the current time (default: the clock); "today" is its date in the
            specialist's time zone.
        coming_limit: how many planned visits after today to list.

    Raises:
        NotFoundError: no specialist has this code.
    """
    crew = team(uow, specialist)
    zone = crew.zone
    moment = local_now(now, zone)
    day = moment.date()
    who = crew.chosen
    if who is None:
        return TodayOverview(
            team=crew,
            day=day,
            now=moment,
            planned=[],
            made=[],
            cancelled=[],
            coming=[],
            due=[],
            at_risk=[],
            cold=0,
        )
    start, end = day_bounds(day, zone)
    todays = visit_lines_of_rows(visit_rows_between(uow, start, end, specialist_id=who.id), zone)
    coming = visit_lines_of_rows(
        visit_rows_between(
            uow, end, None, specialist_id=who.id, status=VisitStatus.PLANNED, limit=coming_limit
        ),
        zone,
    )
    due = list_due(uow, specialist=who.code, on=day, policy=DEFAULT_POLICY)
    return TodayOverview(
        team=crew,
        day=day,
        now=moment,
        planned=[v for v in todays if v.status is VisitStatus.PLANNED],
        made=[v for v in todays if v.status is VisitStatus.DONE],
        cancelled=[v for v in todays if v.status is VisitStatus.CANCELLED],
        coming=coming,
        due=[i for i in due.items if i.kind == "employer"],
        at_risk=[i for i in due.items if i.kind == "job-seeker"],
        cold=due.cold,
    )
