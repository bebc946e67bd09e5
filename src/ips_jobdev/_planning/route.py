"""A day's route: nearest neighbour from the office, improved by 2-opt, with travel times.

Distances are great-circle miles between ``(latitude, longitude)`` points
(:func:`ips_jobdev._geo.miles_between`); travel minutes are distance over an average speed
(:data:`DEFAULT_SPEED_MPH`), plus a fixed allowance per stop for parking and walking in.
A specialist's day holds a handful of visits, so the simple heuristics are plenty: 2-opt
never makes the nearest-neighbour tour longer, and usually shortens it.

>>> office = (43.0747, -89.3841)
>>> stops = [(43.10, -89.33), (43.05, -89.40), (43.11, -89.35)]
>>> route = plan_route(office, stops)
>>> route.order
[1, 0, 2]
>>> route.miles <= route.nearest_neighbour_miles
True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs

from ips_jobdev._geo import miles_between

__all__ = [
    "DEFAULT_SPEED_MPH",
    "Point",
    "Route",
    "nearest_neighbour",
    "plan_route",
    "tour_miles",
    "travel_minutes",
    "two_opt",
]

Point = tuple[float, float]

DEFAULT_SPEED_MPH = 25.0
"""Average door-to-door speed: straight-line miles per hour, allowing for detours, lights
and town streets (a conservative figure for mixed town and county driving)."""


def travel_minutes(miles: float, speed_mph: float = DEFAULT_SPEED_MPH) -> float:
    """Minutes to cover ``miles`` at ``speed_mph``."""
    if speed_mph <= 0:
        raise ValueError("speed_mph must be above zero")
    return miles / speed_mph * 60.0


def _matrix(start: Point, points: Sequence[Point], end: Point | None = None) -> list[list[float]]:
    """Distances between the start (index 0), every point (index i + 1) and the end, when
    given (the last index)."""
    nodes = [start, *points] + ([end] if end is not None else [])
    return [[miles_between(a, b) for b in nodes] for a in nodes]


def tour_miles(
    start: Point, points: Sequence[Point], order: Sequence[int], *, closed: bool = True
) -> float:
    """Length of the tour start -> points in ``order`` (-> start again when ``closed``)."""
    return _length(_matrix(start, points), order, closed)


def _length(d: list[list[float]], order: Sequence[int], closed: bool) -> float:
    path = [0, *(i + 1 for i in order)] + ([0] if closed else [])
    return sum(d[a][b] for a, b in itertools.pairwise(path))


def nearest_neighbour(start: Point, points: Sequence[Point]) -> list[int]:
    """Visit order (indexes into ``points``): always go to the nearest stop not yet visited.

    Ties go to the lower index, so the same input always gives the same order.
    """
    return _nearest(_matrix(start, points), len(points))


def _nearest(d: list[list[float]], n: int) -> list[int]:
    left = set(range(n))
    order: list[int] = []
    here = 0
    while left:
        nxt = min(left, key=lambda i: (d[here][i + 1], i))
        order.append(nxt)
        left.remove(nxt)
        here = nxt + 1
    return order


def two_opt(
    start: Point, points: Sequence[Point], order: Sequence[int], *, closed: bool = True
) -> list[int]:
    """Improve a tour by reversing segments while that shortens it (first improvement).

    Returns an order never longer than ``order``.
    """
    return _two_opt(_matrix(start, points), list(order), closed)


def _two_opt(
    d: list[list[float]], order: list[int], closed: bool, end: int | None = None
) -> list[int]:
    path = [0, *(i + 1 for i in order)]
    n = len(path)
    finish = end if end is not None else (0 if closed else None)
    improved = True
    epsilon = 1e-9
    while improved:
        improved = False
        for i in range(1, n - 1):
            for j in range(i + 1, n):
                a, b = path[i - 1], path[i]
                c = path[j]
                after = path[j + 1] if j + 1 < n else finish
                before_cost = d[a][b] + (d[c][after] if after is not None else 0.0)
                after_cost = d[a][c] + (d[b][after] if after is not None else 0.0)
                if after_cost < before_cost - epsilon:
                    path[i : j + 1] = reversed(path[i : j + 1])
                    improved = True
    return [node - 1 for node in path[1:]]


@attrs.frozen
class Route:
    """A day's visiting order and its length.

    ``legs`` are the miles of each step: office to the first stop, stop to stop, and (when
    closed) the last stop back to the office.
    """

    order: list[int]
    legs: list[float]
    miles: float
    nearest_neighbour_miles: float
    closed: bool


def plan_route(
    start: Point, points: Sequence[Point], *, closed: bool = True, end: Point | None = None
) -> Route:
    """Order ``points`` into a route from ``start``: nearest neighbour, then 2-opt.

    Args:
        start: where the day starts (the office).
        points: the stops, as ``(latitude, longitude)``.
        closed: the route ends back at ``start`` (the default) or at the last stop.
        end: where the route must end instead of ``start`` (the office, when the day
            starts at a visit that has to come first).
    """
    d = _matrix(start, points, end)
    finish = len(points) + 1 if end is not None else (0 if closed else None)
    first = _nearest(d, len(points))
    better = _two_opt(d, list(first), closed, finish)
    tail = [finish] if finish is not None and (points or end is not None) else []
    path = [0, *(i + 1 for i in better), *tail]
    legs = [d[a][b] for a, b in itertools.pairwise(path)]
    nn_path = [0, *(i + 1 for i in first), *tail]
    return Route(
        order=better,
        legs=legs,
        miles=sum(legs),
        nearest_neighbour_miles=sum(d[a][b] for a, b in itertools.pairwise(nn_path)),
        closed=finish is not None,
    )
