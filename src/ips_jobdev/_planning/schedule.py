"""Fitting a week's visits into working days: grouped by area, routed, timed, each inside
its employer's visiting windows.

The planner hands over the visits it wants (each a :class:`Stop` with where, how long,
its visiting windows, the last day it may happen and its priority), the specialist's
working windows and the times already taken. :func:`schedule_week` asks the travel-time
source once for the minutes and miles between the office and every visit, then fills the
days in order: each day starts from the most pressing visit still open that can happen
that day (a visit whose last day has come, else the one of highest priority), adds the
open visits nearest to it within :attr:`ScheduleSettings.area_miles` that can also happen
that day, and orders and times them (:func:`ips_jobdev._planning.sequence.solve_day`:
the built-in heuristic, or OR-Tools' routing solver when a visit has a window that day and
the ``routing`` extra is installed). A visit starts only after the travel to it, inside
one of its windows, never overlaps a busy time, and leaves time to drive back to the office
before the working day ends; a day that does not fit drops its last-added visit and tries
again. Visits no day could take come back as left over.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import attrs

from ips_jobdev._geo import miles_between
from ips_jobdev._planning.route import DEFAULT_SPEED_MPH, Point
from ips_jobdev._planning.sequence import DayProblem, DayRoute, solve_day
from ips_jobdev._travel import StraightLineTravel, TravelMatrix, TravelTimes
from ips_jobdev._windows import VisitingWindows

__all__ = [
    "DaySchedule",
    "Interval",
    "ScheduleSettings",
    "Stop",
    "TimedStop",
    "WorkWindow",
    "open_days",
    "schedule_week",
]


@attrs.frozen
class ScheduleSettings:
    """How the planner lays out a day.

    Fields:

    - ``speed_mph``: average travel speed over straight-line distance.
    - ``stop_minutes``: added to every trip for parking and walking in.
    - ``max_visits_per_day``: at most this many proposed visits a day, so a day keeps time
      for job seekers and follow-along support.
    - ``area_miles``: visits within this distance of a day's first visit count as one area.
    - ``slot_minutes``: visit start times are rounded up to a multiple of this.
    - ``travel``: where minutes and miles come from (default: the straight-line estimate
      at ``speed_mph``, :class:`~ips_jobdev.StraightLineTravel`).
    - ``solver``: how a day is ordered: ``"auto"`` (OR-Tools when a visit has a window
      that day and the extra is installed), ``"heuristic"`` or ``"or-tools"``.
    """

    speed_mph: float = attrs.field(default=DEFAULT_SPEED_MPH)
    stop_minutes: int = 5
    max_visits_per_day: int = 4
    area_miles: float = 10.0
    slot_minutes: int = 5
    travel: TravelTimes | None = attrs.field(default=None, eq=False)
    solver: str = attrs.field(default="auto")

    @speed_mph.validator
    def _check_speed(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value <= 0:
            raise ValueError("speed_mph must be above zero")

    @solver.validator
    def _check_solver(self, attribute: attrs.Attribute[str], value: str) -> None:
        if value not in ("auto", "heuristic", "or-tools"):
            raise ValueError("solver must be auto, heuristic or or-tools")

    def travel_times(self) -> TravelTimes:
        """The travel-time source: ``travel``, else the straight-line estimate."""
        return self.travel or StraightLineTravel(speed_mph=self.speed_mph)


@attrs.frozen
class Stop:
    """A visit to place: ``key`` is the caller's index for it; ``windows`` when it may
    happen (any time in working hours when ``None`` or empty)."""

    key: int
    location: Point | None
    minutes: int
    latest: dt.date | None = None
    priority: int = 0
    windows: VisitingWindows | None = None


@attrs.frozen
class Interval:
    """A stretch of time already taken (an existing visit, a meeting)."""

    start: dt.datetime
    end: dt.datetime
    label: str = "busy"

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        """True when ``[start, end)`` and this interval share any time."""
        return start < self.end and self.start < end


@attrs.frozen
class WorkWindow:
    """When the specialist works on one day (``start`` may be later on the current day)."""

    day: dt.date
    start: dt.datetime
    end: dt.datetime


@attrs.frozen
class TimedStop:
    """A visit placed in the day: when it starts, the trip before it, and the visiting
    window it keeps (``None`` when its employer has none)."""

    key: int
    start: dt.datetime
    end: dt.datetime
    travel_minutes: int
    miles: float
    window: str | None = None


@attrs.frozen
class DaySchedule:
    """One day's visits in route order, the trip back to the office, and what ordered the
    day (``"heuristic"`` or ``"or-tools"``)."""

    day: dt.date
    stops: list[TimedStop]
    miles: float
    travel_minutes: int
    back_at_office: dt.datetime | None
    solver: str = "heuristic"


def _minutes(moment: dt.datetime, day: dt.date) -> int:
    """Wall-clock minutes of ``moment`` after midnight of ``day`` (negative before it)."""
    local = moment.replace(tzinfo=None)
    return int((local - dt.datetime.combine(day, dt.time())).total_seconds() // 60)


def _allowed(stop: Stop, window: WorkWindow) -> tuple[tuple[int, int], ...]:
    """The stretches of ``window``'s day, in minutes, when ``stop`` may happen."""
    begin = _minutes(window.start, window.day)
    end = _minutes(window.end, window.day)
    if stop.windows is None or not stop.windows.restricts:
        return ((begin, end),)
    return tuple(
        (max(a, begin), min(b, end))
        for a, b in stop.windows.open_on(window.day.weekday())
        if min(b, end) - max(a, begin) >= stop.minutes
    )


def open_days(stop: Stop, windows: Sequence[WorkWindow]) -> list[WorkWindow]:
    """The working windows in which ``stop`` could happen (its visiting windows leave room
    for it within working hours)."""
    return [w for w in windows if _allowed(stop, w)]


def _distance(a: Point | None, b: Point | None) -> float:
    if a is None or b is None:
        return 0.0
    return miles_between(a, b)


def schedule_week(
    stops: Sequence[Stop],
    windows: Sequence[WorkWindow],
    busy: Sequence[Interval],
    office: Point | None,
    settings: ScheduleSettings | None = None,
    *,
    matrix: TravelMatrix | None = None,
) -> tuple[list[DaySchedule], list[int]]:
    """Place ``stops`` on the working days; returns the days and the keys left over.

    Args:
        stops: the visits wanted, in priority order (``priority`` breaks ties).
        windows: the working windows, one per plannable day, in date order.
        busy: times already taken on any of those days.
        office: where each day starts and ends; ``None`` starts from the first stop.
        settings: speed, allowances, the per-day limit, travel times and solver.
        matrix: minutes and miles between the office (first) and ``stops`` (in order),
            when the caller has them already; else ``settings``' travel source is asked.
    """
    settings = settings or ScheduleSettings()
    start = office or next((s.location for s in stops if s.location), None) or (0.0, 0.0)
    if matrix is None:
        matrix = settings.travel_times().matrix([start, *(s.location or start for s in stops)])
    frame = _WeekFrame(
        windows=tuple(windows),
        busy=tuple(busy),
        office=start,
        settings=settings,
        matrix=matrix,
        node={s.key: i + 1 for i, s in enumerate(stops)},
    )
    week = _Placement(pending=sorted(stops, key=lambda s: (s.priority, s.key)))
    _fill_days(frame, week)
    _place_leftovers(frame, week)
    _finish_days(frame, week)
    ordered = [week.days[w.day] for w in windows if w.day in week.days]
    return ordered, [s.key for s in week.pending]


@attrs.define
class _WeekFrame:
    """What stays fixed while a week is scheduled (``office`` is the day's start point,
    ``matrix`` the travel between it (node 0) and every stop (``node[key]``)), and the
    days already tried (a set of stops is tried on a day once)."""

    windows: tuple[WorkWindow, ...]
    busy: tuple[Interval, ...]
    office: Point
    settings: ScheduleSettings
    matrix: TravelMatrix
    node: dict[int, int]
    tried: dict[tuple[dt.date, tuple[int, ...]], DaySchedule | None] = attrs.field(factory=dict)

    def fit(
        self, stops: Sequence[Stop], window: WorkWindow, *, solver: str = "heuristic"
    ) -> DaySchedule | None:
        """``stops`` routed and timed in ``window``, or ``None`` when they do not fit.

        While the week is laid out the quick heuristic decides whether a day fits; the
        days kept are ordered again at the end with ``settings.solver``.
        """
        memo = (window.day, tuple(sorted(s.key for s in stops)))
        if solver == "heuristic" and memo in self.tried:
            return self.tried[memo]
        problem = self.problem(stops, window)
        route = solve_day(problem, solver=solver)
        fitted = self.schedule(stops, window, route) if route is not None else None
        if solver == "heuristic":
            self.tried[memo] = fitted
        return fitted

    def problem(self, stops: Sequence[Stop], window: WorkWindow) -> DayProblem:
        """The day of ``stops`` in ``window`` in minutes after midnight."""
        nodes = [0, *(self.node[s.key] for s in stops)]
        minutes, miles = self.matrix.minutes, self.matrix.miles
        allowance = self.settings.stop_minutes
        midnight = window.day
        busy = tuple(
            sorted(
                (_minutes(b.start, midnight), _minutes(b.end, midnight))
                for b in self.busy
                if b.overlaps(window.start, window.end)
            )
        )
        return DayProblem(
            trips=tuple(
                tuple(
                    0 if a == b else math.ceil(minutes[a][b] - 1e-9) + (allowance if b else 0)
                    for b in nodes
                )
                for a in nodes
            ),
            miles=tuple(tuple(miles[a][b] for b in nodes) for a in nodes),
            durations=(0, *(s.minutes for s in stops)),
            allowed=((), *(_allowed(s, window) for s in stops)),
            busy=busy,
            day_start=_minutes(window.start, midnight),
            day_end=_minutes(window.end, midnight),
            slot=max(1, self.settings.slot_minutes),
        )

    def schedule(self, stops: Sequence[Stop], window: WorkWindow, route: DayRoute) -> DaySchedule:
        """The :class:`DaySchedule` of a solved day."""
        midnight = dt.datetime.combine(window.day, dt.time(), tzinfo=window.start.tzinfo)
        weekday = window.day.weekday()
        timed = []
        here = 0
        for node, start, trip in zip(route.order, route.starts, route.trips, strict=True):
            stop = stops[node - 1]
            end = start + stop.minutes
            kept = stop.windows.kept_by(weekday, start, end) if stop.windows else None
            timed.append(
                TimedStop(
                    key=stop.key,
                    start=midnight + dt.timedelta(minutes=start),
                    end=midnight + dt.timedelta(minutes=end),
                    travel_minutes=trip,
                    miles=self.matrix.miles[self.node_of(stops, here)][self.node[stop.key]],
                    window=kept,
                )
            )
            here = node
        return DaySchedule(
            day=window.day,
            stops=timed,
            miles=route.miles,
            travel_minutes=route.travel,
            back_at_office=midnight + dt.timedelta(minutes=route.back) if timed else None,
            solver=route.solver,
        )

    def node_of(self, stops: Sequence[Stop], position: int) -> int:
        """The matrix index of the day's node ``position`` (0: the office)."""
        return 0 if position == 0 else self.node[stops[position - 1].key]

    def can(self, stop: Stop, window: WorkWindow) -> bool:
        """Whether ``stop`` could happen on ``window``'s day at all."""
        return bool(_allowed(stop, window))

    def away(self, centre: Point, stop: Stop) -> float:
        """Miles from ``centre`` to ``stop`` (a stop of unknown place counts as the office)."""
        return _distance(centre, stop.location or self.office)


@attrs.define
class _Placement:
    """The week so far: the stops on each day, each day's schedule, and what is open."""

    pending: list[Stop]
    placed: dict[dt.date, list[Stop]] = attrs.field(factory=dict)
    days: dict[dt.date, DaySchedule] = attrs.field(factory=dict)

    def place(self, day: dt.date, stops: list[Stop], schedule: DaySchedule) -> None:
        """Give ``day`` these stops and their schedule."""
        self.placed[day] = stops
        self.days[day] = schedule


def _fill_days(frame: _WeekFrame, week: _Placement) -> None:
    """First pass: each day, in order, takes the most pressing open visit and the open
    visits in its area, dropping the last-added until the day fits."""
    for window in frame.windows:
        if not week.pending:
            break
        chosen = _area_of_day(frame, week.pending, window)
        fitted = _fit_most(frame, chosen, window)
        if fitted is not None:
            week.place(window.day, chosen, fitted)
            week.pending = [s for s in week.pending if s not in chosen]


def _area_of_day(frame: _WeekFrame, pending: list[Stop], window: WorkWindow) -> list[Stop]:
    """The day's first visit (the first whose last day has come, else the first open one,
    among those that can happen that day), the other visits whose last day has come, then
    the open visits nearest to it within the area, up to the day's limit."""
    limit = frame.settings.max_visits_per_day
    possible = [s for s in pending if frame.can(s, window)]
    if not possible:
        return []
    must = [s for s in possible if s.latest is not None and s.latest <= window.day]
    seed = must[0] if must else possible[0]
    chosen = [seed, *[s for s in must if s is not seed][: limit - 1]]
    centre = seed.location or frame.office
    nearby = sorted(
        (s for s in possible if s not in chosen),
        key=lambda s: (frame.away(centre, s), s.priority, s.key),
    )
    for stop in nearby:
        if len(chosen) >= limit:
            break
        if frame.away(centre, stop) <= frame.settings.area_miles:
            chosen.append(stop)
    return chosen


def _fit_most(frame: _WeekFrame, chosen: list[Stop], window: WorkWindow) -> DaySchedule | None:
    """The schedule of ``chosen`` in ``window``, dropping its last stops (from the list
    itself) until it fits; ``None`` when not even the first fits."""
    while chosen:
        fitted = frame.fit(chosen, window)
        if fitted is not None:
            return fitted
        chosen.pop()
    return None


def _place_leftovers(frame: _WeekFrame, week: _Placement) -> None:
    """Second pass: what is left goes on any day with room, nearest area first."""
    for stop in list(week.pending):
        for window in _days_for(frame, week, stop):
            current = week.placed.get(window.day, [])
            if len(current) >= frame.settings.max_visits_per_day:
                continue
            fitted = frame.fit([*current, stop], window)
            if fitted is not None:
                week.place(window.day, [*current, stop], fitted)
                week.pending.remove(stop)
                break


def _days_for(frame: _WeekFrame, week: _Placement, stop: Stop) -> list[WorkWindow]:
    """The working days to try a left-over ``stop`` on (those it can happen on): days up
    to its last day first, then the days whose visits are nearest to it, then by date."""
    far = frame.settings.area_miles * 10

    def nearest(window: WorkWindow) -> float:
        placed = week.placed.get(window.day, [])
        return min((_distance(stop.location, s.location) for s in placed), default=far)

    return sorted(
        (w for w in frame.windows if frame.can(stop, w)),
        key=lambda w: (stop.latest is not None and w.day > stop.latest, nearest(w), w.day),
    )


def _finish_days(frame: _WeekFrame, week: _Placement) -> None:
    """Order each day kept with the settings' solver (OR-Tools on a day with a window,
    when installed); the quick heuristic's day stays if the solver does no better."""
    if frame.settings.solver == "heuristic":
        return
    windows = {w.day: w for w in frame.windows}
    for day, stops in week.placed.items():
        quick = week.days[day]
        problem = frame.problem(stops, windows[day])
        if not (problem.windowed or frame.settings.solver == "or-tools"):
            continue
        best = frame.fit(stops, windows[day], solver=frame.settings.solver)
        if best is not None and best.travel_minutes <= quick.travel_minutes:
            week.days[day] = best
