"""Fitting a week's visits into working days: grouped by area, routed, timed.

The planner hands over the visits it wants (each a :class:`Stop` with where, how long,
the last day it may happen and its priority), the specialist's working windows and the
times already taken. :func:`schedule_week` fills the days in order: each day starts with
the most pressing visit still open (a visit whose last day has come, else the one of
highest priority), adds the open visits nearest to it within
:attr:`ScheduleSettings.area_miles`, opens the day with that visit, routes the rest
(nearest neighbour, then 2-opt) back to the office, and times them. A visit starts only after the
travel to it, never overlaps a busy time, and leaves time to drive back to the office
before the working day ends; a day that does not fit drops its last-added visit and tries
again. Visits no day could take come back as left over.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import attrs

from ips_jobdev._geo import miles_between
from ips_jobdev._planning.route import DEFAULT_SPEED_MPH, Point, plan_route, travel_minutes

__all__ = [
    "DaySchedule",
    "Interval",
    "ScheduleSettings",
    "Stop",
    "TimedStop",
    "WorkWindow",
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
    """

    speed_mph: float = attrs.field(default=DEFAULT_SPEED_MPH)
    stop_minutes: int = 5
    max_visits_per_day: int = 4
    area_miles: float = 10.0
    slot_minutes: int = 5

    @speed_mph.validator
    def _check_speed(self, attribute: attrs.Attribute[float], value: float) -> None:
        if value <= 0:
            raise ValueError("speed_mph must be above zero")


@attrs.frozen
class Stop:
    """A visit to place: ``key`` is the caller's index for it."""

    key: int
    location: Point | None
    minutes: int
    latest: dt.date | None = None
    priority: int = 0


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
    """A visit placed in the day: when it starts, and the trip before it."""

    key: int
    start: dt.datetime
    end: dt.datetime
    travel_minutes: int
    miles: float


@attrs.frozen
class DaySchedule:
    """One day's visits in route order, and the trip back to the office."""

    day: dt.date
    stops: list[TimedStop]
    miles: float
    travel_minutes: int
    back_at_office: dt.datetime | None


def _round_up(moment: dt.datetime, minutes: int) -> dt.datetime:
    if minutes <= 1:
        return moment.replace(second=0, microsecond=0) + (
            dt.timedelta(minutes=1) if moment.second or moment.microsecond else dt.timedelta()
        )
    base = moment.replace(second=0, microsecond=0)
    extra = 1 if moment.second or moment.microsecond else 0
    total = base.hour * 60 + base.minute + extra
    rounded = math.ceil(total / minutes) * minutes
    return base.replace(hour=0, minute=0) + dt.timedelta(minutes=rounded)


def _leave(
    depart: dt.datetime, trip: int, length: int, busy: Sequence[Interval], slot: int
) -> tuple[dt.datetime, dt.datetime]:
    """The earliest ``(start, end)`` of an activity of ``length`` minutes reached after a
    trip of ``trip`` minutes, leaving no earlier than ``depart``, whose trip and activity
    overlap no busy interval."""
    while True:
        start = _round_up(depart + dt.timedelta(minutes=trip), slot)
        end = start + dt.timedelta(minutes=length)
        clash = [b for b in busy if b.overlaps(depart, end)]
        if not clash:
            return start, end
        depart = max(b.end for b in clash)


def _fit_day(
    stops: Sequence[Stop],
    window: WorkWindow,
    busy: Sequence[Interval],
    office: Point,
    settings: ScheduleSettings,
) -> DaySchedule | None:
    """Route and time ``stops`` in ``window``; ``None`` when they do not all fit.

    The first stop (the day's most pressing visit) opens the day; the others follow in
    route order (nearest neighbour, then 2-opt) and the day ends back at the office.
    """
    points = [s.location or office for s in stops]
    rest = plan_route(points[0], points[1:], end=office) if stops else None
    order = [0, *(i + 1 for i in rest.order)] if rest else []
    day_busy = [b for b in busy if b.overlaps(window.start, window.end)]
    here = office
    clock = window.start
    timed: list[TimedStop] = []
    total_travel = 0
    total_miles = 0.0
    for index in order:
        stop = stops[index]
        there = points[index]
        miles = miles_between(here, there)
        trip = math.ceil(travel_minutes(miles, settings.speed_mph)) + settings.stop_minutes
        start, end = _leave(clock, trip, stop.minutes, day_busy, settings.slot_minutes)
        if end > window.end:
            return None
        timed.append(TimedStop(stop.key, start, end, trip, miles))
        total_travel += trip
        total_miles += miles
        clock, here = end, there
    miles_back = miles_between(here, office)
    trip_back = math.ceil(travel_minutes(miles_back, settings.speed_mph))
    _, back = _leave(clock, 0, trip_back, day_busy, 1)
    if back > window.end:
        return None
    return DaySchedule(
        day=window.day,
        stops=timed,
        miles=total_miles + miles_back,
        travel_minutes=total_travel + trip_back,
        back_at_office=back if timed else None,
    )


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
) -> tuple[list[DaySchedule], list[int]]:
    """Place ``stops`` on the working days; returns the days and the keys left over.

    Args:
        stops: the visits wanted, in priority order (``priority`` breaks ties).
        windows: the working windows, one per plannable day, in date order.
        busy: times already taken on any of those days.
        office: where each day starts and ends; ``None`` starts from the first stop.
        settings: speed, allowances and the per-day limit.
    """
    frame = _WeekFrame(
        windows=tuple(windows),
        busy=tuple(busy),
        office=office or next((s.location for s in stops if s.location), None) or (0.0, 0.0),
        settings=settings or ScheduleSettings(),
    )
    week = _Placement(pending=sorted(stops, key=lambda s: (s.priority, s.key)))
    _fill_days(frame, week)
    _place_leftovers(frame, week)
    ordered = [week.days[w.day] for w in windows if w.day in week.days]
    return ordered, [s.key for s in week.pending]


@attrs.frozen
class _WeekFrame:
    """What stays fixed while a week is scheduled (``office`` is the day's start point)."""

    windows: tuple[WorkWindow, ...]
    busy: tuple[Interval, ...]
    office: Point
    settings: ScheduleSettings

    def fit(self, stops: Sequence[Stop], window: WorkWindow) -> DaySchedule | None:
        """``stops`` routed and timed in ``window``, or ``None`` when they do not fit."""
        return _fit_day(stops, window, self.busy, self.office, self.settings)

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
    """The day's first visit (the first whose last day has come, else the first open one),
    the other visits whose last day has come, then the open visits nearest to it within
    the area, up to the day's limit."""
    limit = frame.settings.max_visits_per_day
    must = [s for s in pending if s.latest is not None and s.latest <= window.day]
    seed = must[0] if must else pending[0]
    chosen = [seed, *must[1:limit]]
    centre = seed.location or frame.office
    nearby = sorted(
        (s for s in pending if s not in chosen),
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
    """The working days to try a left-over ``stop`` on: days up to its last day first,
    then the days whose visits are nearest to it, then by date."""
    far = frame.settings.area_miles * 10

    def nearest(window: WorkWindow) -> float:
        placed = week.placed.get(window.day, [])
        return min((_distance(stop.location, s.location) for s in placed), default=far)

    return sorted(
        frame.windows,
        key=lambda w: (stop.latest is not None and w.day > stop.latest, nearest(w), w.day),
    )
