"""Distances and travel minutes between places: one source, which a plugin may replace.

The planner asks one :class:`TravelTimes` provider for the whole matrix of a week's places
(the office and every visit wanted) once, and routes and times every day from it. The
default, :class:`StraightLineTravel`, estimates road miles as straight-line miles times a
road factor, and minutes from the straight-line distance at an average speed that already
allows for detours, lights and town streets. A plugin can register another provider (an
OSRM server, a licensed routing service) through the ``register_travel_times`` hook.

>>> madison, stoughton = (43.0747, -89.3841), (42.9169, -89.2179)
>>> matrix = StraightLineTravel().matrix([madison, stoughton])
>>> round(matrix.miles[0][1], 1), round(matrix.minutes[0][1])
(17.9, 33)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import attrs

from ips_jobdev._geo import miles_between

__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "DEFAULT_SPEED_MPH",
    "StraightLineTravel",
    "TravelMatrix",
    "TravelTimes",
    "check_matrix",
]

LatLon = tuple[float, float]

DEFAULT_SPEED_MPH = 25.0
"""Average door-to-door speed over straight-line distance (detours, lights and town
streets allowed for): a conservative figure for mixed town and county driving."""

DEFAULT_ROAD_FACTOR = 1.3
"""Road miles per straight-line mile, a usual figure for US town and county roads."""


@attrs.frozen
class TravelMatrix:
    """Miles and minutes from each place (row) to each place (column), in the order asked.

    Travel may differ by direction (one-way streets): ``miles[a][b]`` need not equal
    ``miles[b][a]``.
    """

    miles: tuple[tuple[float, ...], ...]
    minutes: tuple[tuple[float, ...], ...]

    @property
    def size(self) -> int:
        """How many places the matrix is about."""
        return len(self.miles)


@runtime_checkable
class TravelTimes(Protocol):
    """What the ``register_travel_times`` hook registers.

    ``name`` identifies it (lower case); ``matrix`` answers a whole list of
    ``(latitude, longitude)`` places at once with a :class:`TravelMatrix` of that size. It
    may raise: the planner then warns and falls back to straight-line estimates.
    """

    @property
    def name(self) -> str:
        """The lower-case name it is known by."""
        ...

    def matrix(self, points: Sequence[LatLon]) -> TravelMatrix:
        """Miles and minutes between every pair of ``points``."""
        ...


@attrs.frozen
class StraightLineTravel:
    """The built-in estimate: ``miles`` = straight-line miles x ``road_factor``;
    ``minutes`` = straight-line miles / ``speed_mph`` x 60."""

    speed_mph: float = DEFAULT_SPEED_MPH
    road_factor: float = DEFAULT_ROAD_FACTOR
    name: str = "straight-line"

    def __attrs_post_init__(self) -> None:
        if not self.speed_mph > 0:
            raise ValueError("speed_mph must be above zero")
        if not self.road_factor >= 1:
            raise ValueError("road_factor must be 1 or more")

    def matrix(self, points: Sequence[LatLon]) -> TravelMatrix:
        """The estimate for every pair of ``points``."""
        straight = [[miles_between(a, b) for b in points] for a in points]
        per_mile = 60.0 / self.speed_mph
        return TravelMatrix(
            miles=tuple(tuple(d * self.road_factor for d in row) for row in straight),
            minutes=tuple(tuple(d * per_mile for d in row) for row in straight),
        )


def check_matrix(matrix: object, size: int) -> TravelMatrix:
    """``matrix`` when it is a :class:`TravelMatrix` of ``size`` places with finite,
    non-negative values.

    Raises:
        ValueError: what is wrong with it.
    """
    if not isinstance(matrix, TravelMatrix):
        raise ValueError(f"answered {type(matrix).__name__}, not a TravelMatrix")
    for label, rows in (("miles", matrix.miles), ("minutes", matrix.minutes)):
        if len(rows) != size or any(len(row) != size for row in rows):
            raise ValueError(f"{label} is not {size} x {size}")
        if any(not (math.isfinite(v) and v >= 0) for row in rows for v in row):
            raise ValueError(f"{label} holds a negative or non-finite value")
    return matrix
