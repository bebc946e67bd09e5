"""Routes (nearest neighbour, then 2-opt) and fitting a week's visits into working hours."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ips_jobdev._geo import miles_between
from ips_jobdev._planning import nearest_neighbour, plan_route, tour_miles, travel_minutes, two_opt
from ips_jobdev._planning.schedule import (
    Interval,
    ScheduleSettings,
    Stop,
    WorkWindow,
    schedule_week,
)

ZONE = zoneinfo.ZoneInfo("America/Chicago")
OFFICE = (43.0747, -89.3841)  # Madison, the capitol square

# points within about 30 miles of Madison
points_near_madison = st.lists(
    st.tuples(st.floats(42.7, 43.5), st.floats(-89.9, -88.9)), min_size=0, max_size=9
)


def test_travel_minutes_is_distance_over_speed() -> None:
    assert travel_minutes(25.0, 25.0) == 60.0
    assert travel_minutes(5.0, 30.0) == 10.0


def test_a_hand_worked_route_goes_round_not_back_and_forth() -> None:
    # four corners of a square around the office, listed crosswise
    stops = [(43.10, -89.35), (43.05, -89.42), (43.10, -89.42), (43.05, -89.35)]
    route = plan_route(OFFICE, stops)
    path = [OFFICE, *(stops[i] for i in route.order), OFFICE]
    legs = [miles_between(a, b) for a, b in itertools.pairwise(path)]
    assert route.legs == legs
    assert route.miles == sum(legs)
    # the best closed tour visits the corners in turn, so no leg crosses the square
    best = min(tour_miles(OFFICE, stops, list(order)) for order in itertools.permutations(range(4)))
    assert abs(route.miles - best) < 1e-9


@settings(max_examples=200, deadline=None)
@given(points_near_madison)
def test_two_opt_is_never_longer_than_nearest_neighbour(stops: list[tuple[float, float]]) -> None:
    first = nearest_neighbour(OFFICE, stops)
    better = two_opt(OFFICE, stops, first)
    assert sorted(better) == list(range(len(stops)))
    assert tour_miles(OFFICE, stops, better) <= tour_miles(OFFICE, stops, first) + 1e-9
    route = plan_route(OFFICE, stops)
    assert route.miles <= route.nearest_neighbour_miles + 1e-9


@settings(max_examples=100, deadline=None)
@given(points_near_madison, st.tuples(st.floats(42.7, 43.5), st.floats(-89.9, -88.9)))
def test_an_open_route_ending_elsewhere_is_never_longer_either(
    stops: list[tuple[float, float]], end: tuple[float, float]
) -> None:
    route = plan_route(OFFICE, stops, end=end)
    assert route.miles <= route.nearest_neighbour_miles + 1e-9


# -- fitting visits into working hours -----------------------------------------------------

MONDAY = dt.date(2026, 11, 30)


def _window(day: dt.date, start: int = 8 * 60 + 30, end: int = 17 * 60) -> WorkWindow:
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=ZONE)
    return WorkWindow(
        day, midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=end)
    )


def _check(days, windows, busy, office, stops, settings_) -> None:  # type: ignore[no-untyped-def]
    by_day = {w.day: w for w in windows}
    placed = [t for d in days for t in d.stops]
    assert len({t.key for t in placed}) == len(placed)
    for day in days:
        window = by_day[day.day]
        assert len(day.stops) <= settings_.max_visits_per_day
        for timed in day.stops:
            stop = stops[timed.key]
            assert timed.end - timed.start == dt.timedelta(minutes=stop.minutes)
            assert timed.start >= window.start + dt.timedelta(minutes=timed.travel_minutes)
            assert timed.end <= window.end
            assert timed.start.minute % settings_.slot_minutes == 0
            assert not any(b.overlaps(timed.start, timed.end) for b in busy)
        for a, b in itertools.pairwise(day.stops):
            assert a.end + dt.timedelta(minutes=b.travel_minutes) <= b.start
        assert day.back_at_office is not None
        assert day.back_at_office <= window.end


stop_lists = st.lists(
    st.tuples(st.floats(42.8, 43.3), st.floats(-89.7, -89.1), st.sampled_from([15, 20, 30, 45])),
    max_size=14,
)
busy_lists = st.lists(
    st.tuples(st.integers(0, 4), st.integers(7 * 60, 17 * 60), st.integers(15, 240)),
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(stop_lists, busy_lists, st.integers(1, 5), st.integers(8 * 60, 10 * 60))
def test_no_visit_ever_falls_outside_working_hours_or_on_a_busy_time(
    raw_stops: list[tuple[float, float, int]],
    raw_busy: list[tuple[int, int, int]],
    per_day: int,
    start_minute: int,
) -> None:
    stops = [
        Stop(i, (lat, lon), minutes, priority=i) for i, (lat, lon, minutes) in enumerate(raw_stops)
    ]
    windows = [_window(MONDAY + dt.timedelta(days=d), start=start_minute) for d in range(5)]
    busy = []
    for day, minute, length in raw_busy:
        begin = dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(), tzinfo=ZONE)
        begin += dt.timedelta(minutes=minute)
        busy.append(Interval(begin, begin + dt.timedelta(minutes=length)))
    settings_ = ScheduleSettings(max_visits_per_day=per_day)
    days, left = schedule_week(stops, windows, busy, OFFICE, settings_)
    _check(days, windows, busy, OFFICE, stops, settings_)
    placed = {t.key for d in days for t in d.stops}
    assert placed | set(left) == set(range(len(stops)))
    assert not placed & set(left)


def test_a_day_takes_its_most_pressing_visit_and_groups_the_area() -> None:
    madison = [(43.07, -89.40), (43.08, -89.38), (43.06, -89.41)]
    stoughton = [(42.92, -89.22), (42.93, -89.21)]
    stops = [Stop(0, madison[0], 30, priority=0)]
    stops += [Stop(i + 1, p, 30, priority=5 + i) for i, p in enumerate(stoughton)]
    stops += [Stop(i + 3, p, 30, priority=10 + i) for i, p in enumerate(madison[1:])]
    windows = [_window(MONDAY), _window(MONDAY + dt.timedelta(days=1))]
    days, left = schedule_week(stops, windows, [], OFFICE, ScheduleSettings())
    assert left == []
    # the most pressing visit sets Monday's area; the day is then ordered to drive least
    assert {t.key for t in days[0].stops} == {0, 3, 4}  # Madison on Monday
    assert {t.key for t in days[1].stops} == {1, 2}  # Stoughton on Tuesday


def test_a_visit_whose_last_day_has_come_goes_that_day() -> None:
    far = Stop(0, (42.92, -89.22), 30, priority=9)
    due_tuesday = Stop(1, (43.07, -89.40), 30, latest=MONDAY + dt.timedelta(days=1), priority=5)
    urgent = Stop(2, (43.08, -89.39), 30, priority=0)
    windows = [_window(MONDAY + dt.timedelta(days=d)) for d in range(3)]
    settings_ = ScheduleSettings(max_visits_per_day=1)
    days, _ = schedule_week([far, due_tuesday, urgent], windows, [], OFFICE, settings_)
    assert [[t.key for t in d.stops] for d in days] == [[2], [1], [0]]


def test_a_full_day_leaves_the_visit_for_another_day_or_over() -> None:
    stop = Stop(0, (43.07, -89.40), 45)
    window = _window(MONDAY)
    busy = [Interval(window.start, window.end - dt.timedelta(minutes=30))]
    days, left = schedule_week([stop], [window], busy, OFFICE, ScheduleSettings())
    assert (days, left) == ([], [0])
    days, left = schedule_week(
        [stop], [window, _window(MONDAY + dt.timedelta(days=1))], busy, OFFICE
    )
    assert left == []
    assert days[0].day == MONDAY + dt.timedelta(days=1)
