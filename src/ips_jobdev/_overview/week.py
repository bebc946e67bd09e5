"""A specialist's week in the browser: the planner's proposal, the specialist's choices
(keep, skip, or move a visit to another day), the route of each day as a map, and saving.

The proposal is recomputed from the record on every request, so nothing is kept between
showing a plan and saving it; a fingerprint of the proposal tells whether it changed in
between (someone saved a visit, or time passed), and then nothing is saved and the new
proposal is shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from collections.abc import Mapping, Sequence

import attrs

from ips_jobdev._geo import employer_location, zip_centroid
from ips_jobdev._overview.common import Team, day_bounds, local_now, team
from ips_jobdev._overview.routemap import RouteMap, RouteStop, route_map
from ips_jobdev._planning import (
    PlanDay,
    ProposedVisit,
    WeekPlan,
    parse_week,
    plan_week,
    save_plan,
    tour_miles,
    travel_minutes,
    week_label,
)
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import overview as queries
from ips_jobdev.cycles import short_date
from ips_jobdev.errors import ValidationError

__all__ = [
    "Choice",
    "DayRoute",
    "WeekOverview",
    "WeekSaved",
    "adjust_plan",
    "default_week",
    "plan_fingerprint",
    "save_week",
    "week_overview",
]


@attrs.frozen
class Choice:
    """What the specialist chose for one proposed visit: keep it (on ``day``, when it
    moves) or skip it."""

    keep: bool = True
    day: dt.date | None = None


@attrs.frozen
class DayRoute:
    """A day's route map, and each stop's number by visit: ``("proposed", employer id)``
    or ``("existing", visit id)``."""

    date: dt.date
    map: RouteMap
    numbers: dict[tuple[str, int], int]


@attrs.frozen
class WeekOverview:
    """What the Week page shows: the plan as the specialist adjusted it, each day's route,
    the versions of the visits already in the week (to move them), and the neighbours."""

    team: Team
    week: str
    plan: WeekPlan | None
    fingerprint: str
    routes: dict[dt.date, DayRoute]
    versions: dict[int, int]
    choices: dict[int, Choice]
    previous_week: str | None
    next_week: str
    error: str | None = None

    @property
    def days(self) -> list[dt.date]:
        """The working days a visit can be moved to."""
        return [d.date for d in self.plan.days] if self.plan else []


@attrs.frozen
class WeekSaved:
    """What saving did: the ids of the visits stored, or ``changed`` when the proposal
    had changed since it was shown (nothing saved)."""

    saved: list[int]
    changed: bool
    overview: WeekOverview


def default_week(today: dt.date) -> str:
    """This week; from Saturday on, next week."""
    monday = today - dt.timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += dt.timedelta(days=7)
    return week_label(monday)


def plan_fingerprint(plan: WeekPlan) -> str:
    """A short digest of the proposal (which employers, when), to notice a change."""
    text = json.dumps([(v.employer_id, v.start.isoformat()) for v in plan.visits])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _overlaps(start: dt.datetime, minutes: int, taken: Sequence[tuple[dt.datetime, int]]) -> bool:
    end = start + dt.timedelta(minutes=minutes)
    return any(start < s + dt.timedelta(minutes=m) and s < end for s, m in taken)


def _moved_start(
    visit: ProposedVisit, day: dt.date, taken: Sequence[tuple[dt.datetime, int]], zone: dt.tzinfo
) -> dt.datetime:
    """The same time of day on ``day``, or just after the visits it would overlap."""
    start = dt.datetime.combine(day, visit.start.astimezone(zone).time(), tzinfo=zone)
    while _overlaps(start, visit.minutes, taken):
        start = max(
            s + dt.timedelta(minutes=m)
            for s, m in taken
            if start < s + dt.timedelta(minutes=m)
            and s < start + dt.timedelta(minutes=visit.minutes)
        )
    return start


def adjust_plan(plan: WeekPlan, choices: Mapping[int, Choice]) -> WeekPlan:
    """The plan with the specialist's choices applied, by employer id: skipped visits
    removed, moved ones on their new day at the same time of day (later if that time is
    taken). Employers the plan does not propose are ignored.

    Raises:
        ValidationError: a visit is moved to a day that is not a working day of the plan.
    """
    zone = zoneinfo.ZoneInfo(plan.timezone)
    kept: dict[dt.date, list[ProposedVisit]] = {}
    moves: list[tuple[ProposedVisit, dt.date, dt.date]] = []
    for day in plan.days:
        kept[day.date] = []
        for visit in day.visits:
            choice = choices.get(visit.employer_id, Choice())
            if not choice.keep:
                continue
            if choice.day is not None and choice.day != day.date:
                moves.append((visit, day.date, choice.day))
            else:
                kept[day.date].append(visit)
    existing = {d.date: [(v.start, v.minutes) for v in d.existing] for d in plan.days}
    for visit, source, target in moves:
        if target not in kept:
            raise ValidationError(
                "plan", "day", f"{target} is not a working day left in {plan.week}"
            )
        taken = existing[target] + [(v.start, v.minutes) for v in kept[target]]
        start = _moved_start(visit, target, taken, zone)
        kept[target].append(
            attrs.evolve(
                visit,
                start=start,
                warnings=(*visit.warnings, f"moved from {short_date(source)}"),
            )
        )
    days = []
    for day in plan.days:
        visits = sorted(kept[day.date], key=lambda v: v.start)
        if [v.employer_id for v in visits] != [v.employer_id for v in day.visits]:
            day = attrs.evolve(day, visits=visits, miles=0.0, travel_minutes=0)
        days.append(day)
    return attrs.evolve(plan, days=days)


def _routes(
    uow: UnitOfWork, plan: WeekPlan, office_zip: str | None, changed: set[dt.date]
) -> tuple[dict[dt.date, DayRoute], list[PlanDay]]:
    """Each day's route map (and the days whose stops changed, with their miles again)."""
    ids = {v.employer_id for d in plan.days for v in d.visits}
    ids |= {v.employer_id for d in plan.days for v in d.existing}
    employers = uow.employers.by_ids(ids)
    office = zip_centroid(office_zip)
    routes: dict[dt.date, DayRoute] = {}
    days: list[PlanDay] = []
    for day in plan.days:
        stops: list[tuple[dt.datetime, tuple[str, int], int]] = [
            (v.start, ("proposed", v.employer_id), v.employer_id) for v in day.visits
        ]
        stops += [
            (v.start, ("existing", v.id), v.employer_id)
            for v in day.existing
            if v.status == "planned"
        ]
        stops.sort(key=lambda s: s[0])
        drawn = []
        for _, key, employer_id in stops:
            employer = employers.get(employer_id)
            drawn.append(
                RouteStop(
                    employer.name if employer else f"#{employer_id}",
                    employer_location(employer) if employer else None,
                    employer.zip if employer else None,
                    existing=key[0] == "existing",
                )
            )
        if stops:
            routes[day.date] = DayRoute(
                day.date,
                route_map(office, drawn),
                {key: n for n, (_, key, _) in enumerate(stops, start=1)},
            )
        if day.date in changed and office is not None:
            points = [s.location for s in drawn if s.location is not None]
            miles = tour_miles(office, points, list(range(len(points))))
            day = attrs.evolve(day, miles=miles, travel_minutes=round(travel_minutes(miles)))
        days.append(day)
    return routes, days


def week_overview(
    uow: UnitOfWork,
    specialist: str | None = None,
    week: str | None = None,
    *,
    now: dt.datetime | None = None,
    choices: Mapping[int, Choice] | None = None,
) -> WeekOverview:
    """The planner's proposal for ``week`` (default: this week; from Saturday, next
    week) with ``choices`` applied, each day's route, and the week's existing visits.

    A week that is over, or text that is not a week, gives an overview with ``error``
    set and no plan.

    Raises:
        NotFoundError: no specialist has this code.
    """
    crew = team(uow, specialist)
    moment = local_now(now, crew.zone)
    today = moment.date()
    label = week or default_week(today)
    try:
        monday = parse_week(label)
    except ValidationError as exc:
        monday = parse_week(default_week(today))
        return _empty(crew, week_label(monday), today, exc.reason)
    label = week_label(monday)
    if crew.chosen is None:
        return _empty(crew, label, today, None)
    start_of_today, _ = day_bounds(today, crew.zone)
    busy = [(start_of_today, moment)] if moment > start_of_today else []
    # the record, read once: the plan and the routes (from the office) both need it
    who = uow.specialists.get(crew.chosen.id)
    try:
        proposal = plan_week(uow, who, label, today=today, busy=busy)
    except ValidationError as exc:
        return _empty(crew, label, today, exc.reason)
    chosen = dict(choices or {})
    plan = adjust_plan(proposal, chosen) if chosen else proposal
    changed = {
        after.date
        for before, after in zip(proposal.days, plan.days, strict=True)
        if before is not after
    }
    routes, days = _routes(uow, plan, who.office_zip, changed)
    plan = attrs.evolve(plan, days=days)
    existing_ids = [v.id for d in plan.days for v in d.existing]
    return WeekOverview(
        team=crew,
        week=label,
        plan=plan,
        fingerprint=plan_fingerprint(proposal),
        routes=routes,
        versions=queries.visit_versions(uow, existing_ids),
        choices=chosen,
        previous_week=_neighbour(monday, -7, today),
        next_week=week_label(monday + dt.timedelta(days=7)),
    )


def _neighbour(monday: dt.date, days: int, today: dt.date) -> str | None:
    other = monday + dt.timedelta(days=days)
    return week_label(other) if other + dt.timedelta(days=6) >= today else None


def _empty(crew: Team, label: str, today: dt.date, error: str | None) -> WeekOverview:
    monday = parse_week(label)
    return WeekOverview(
        team=crew,
        week=label,
        plan=None,
        fingerprint="",
        routes={},
        versions={},
        choices={},
        previous_week=_neighbour(monday, -7, today),
        next_week=week_label(monday + dt.timedelta(days=7)),
        error=error,
    )


def save_week(
    uow: UnitOfWork,
    specialist: str | None,
    week: str,
    *,
    fingerprint: str,
    choices: Mapping[int, Choice],
    now: dt.datetime | None = None,
) -> WeekSaved:
    """Store the week's proposed visits with the specialist's choices, and commit.

    The proposal is made again; when its fingerprint is not the one the specialist saw,
    nothing is saved and ``changed`` is true (the overview holds the new proposal, with
    the choices applied where they still fit).
    """
    overview = week_overview(uow, specialist, week, now=now, choices=choices)
    if overview.plan is None or overview.fingerprint != fingerprint:
        return WeekSaved([], True, overview)
    visits = save_plan(uow, overview.plan)
    uow.commit()
    return WeekSaved([v.id for v in visits if v.id is not None], False, overview)
