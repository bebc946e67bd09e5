"""A day's route as a small map: the office and the stops in route order, projected from
their coordinates or ZIP centroids onto a drawing box (no map tiles: it works offline).

Only geometry lives here; the web app draws the SVG. Stops that fall on the same spot (two
employers in one ZIP with no street coordinates share its centroid) are spread on a small
circle so each number stays readable.

>>> m = route_map((43.07, -89.40), [RouteStop("Example Bakery", (43.10, -89.35), "53704")])
>>> [p.number for p in m.points]
[None, 1]
>>> m.scale_miles
1.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from ips_jobdev._geo import EARTH_RADIUS_MILES, zip_place

__all__ = ["MapPoint", "RouteMap", "RouteStop", "route_map"]

LatLon = tuple[float, float]
MILES_PER_DEGREE = EARTH_RADIUS_MILES * math.pi / 180
MIN_SPAN_DEGREES = 0.02
SPREAD_PX = 12.0
NICE_MILES = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)


@attrs.frozen
class RouteStop:
    """One stop to draw: a label, where it is (``None`` when unknown), its ZIP, and
    whether it is a visit already in the record (``existing``) or a proposed one."""

    label: str
    location: LatLon | None
    zip: str | None = None
    existing: bool = False


@attrs.frozen
class MapPoint:
    """A drawn point: ``number`` is the stop's place in the route (``None`` for the
    office)."""

    number: int | None
    x: float
    y: float
    label: str
    existing: bool = False


@attrs.frozen
class RouteMap:
    """The drawing: points, the route through them (office, stops, office), place
    labels, and a scale bar ``scale_px`` long standing for ``scale_miles``."""

    width: int
    height: int
    points: tuple[MapPoint, ...]
    path: tuple[tuple[float, float], ...]
    places: tuple[tuple[float, float, str], ...]
    scale_miles: float
    scale_px: float
    unplaced: tuple[str, ...]

    @property
    def stops(self) -> tuple[MapPoint, ...]:
        """The numbered stops, in route order."""
        return tuple(p for p in self.points if p.number is not None)


def _spread(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Move points that (nearly) coincide apart, on a circle around their middle."""
    out = list(points)
    groups: list[list[int]] = []
    for i, (x, y) in enumerate(points):
        for group in groups:
            gx, gy = points[group[0]]
            if math.hypot(x - gx, y - gy) < 4.0:
                group.append(i)
                break
        else:
            groups.append([i])
    for group in groups:
        if len(group) < 2:
            continue
        cx = sum(points[i][0] for i in group) / len(group)
        cy = sum(points[i][1] for i in group) / len(group)
        for k, i in enumerate(group):
            angle = 2 * math.pi * k / len(group) - math.pi / 2
            out[i] = (cx + SPREAD_PX * math.cos(angle), cy + SPREAD_PX * math.sin(angle))
    return out


def _scale(px_per_mile: float, longest_px: float) -> tuple[float, float]:
    fitting = [m for m in NICE_MILES if m * px_per_mile <= longest_px]
    miles = fitting[-1] if fitting else NICE_MILES[0]
    return miles, miles * px_per_mile


def route_map(
    office: LatLon | None,
    stops: Sequence[RouteStop],
    *,
    width: int = 320,
    height: int = 220,
    padding: float = 26.0,
) -> RouteMap:
    """Project the office and the stops (in route order) onto a ``width`` x ``height`` box.

    Stops with no known location are left off the drawing and named in ``unplaced``;
    they keep their number, so the list and the map agree.
    """
    located = [(n, s) for n, s in enumerate(stops, start=1) if s.location is not None]
    coords = [s.location for _, s in located]
    if office is not None:
        coords.append(office)
    if not coords:
        return RouteMap(
            width=width,
            height=height,
            points=(),
            path=(),
            places=(),
            scale_miles=1.0,
            scale_px=0.0,
            unplaced=tuple(s.label for s in stops),
        )
    lats = [c[0] for c in coords if c is not None]
    lons = [c[1] for c in coords if c is not None]
    mid = (max(lats) + min(lats)) / 2
    shrink = math.cos(math.radians(mid))
    span_x = max((max(lons) - min(lons)) * shrink, MIN_SPAN_DEGREES)
    span_y = max(max(lats) - min(lats), MIN_SPAN_DEGREES)
    scale = min((width - 2 * padding) / span_x, (height - 2 * padding) / span_y)
    centre_x = (max(lons) + min(lons)) / 2 * shrink
    centre_y = (max(lats) + min(lats)) / 2

    def project(point: LatLon) -> tuple[float, float]:
        return (
            width / 2 + (point[1] * shrink - centre_x) * scale,
            height / 2 - (point[0] - centre_y) * scale,
        )

    raw = [project(s.location) for _, s in located if s.location is not None]
    spread = _spread(raw)
    points: list[MapPoint] = []
    if office is not None:
        ox, oy = project(office)
        points.append(MapPoint(None, round(ox, 1), round(oy, 1), label="Office"))
    for (number, stop), (x, y) in zip(located, spread, strict=True):
        points.append(
            MapPoint(number, round(x, 1), round(y, 1), label=stop.label, existing=stop.existing)
        )
    route = [(p.x, p.y) for p in points]
    if office is not None and len(points) > 1:
        route.append((points[0].x, points[0].y))
    places: dict[str, tuple[float, float, str]] = {}
    for _, stop in located:
        place = zip_place(stop.zip)
        if place is not None and place.zip not in places:
            x, y = project(place.centroid)
            places[place.zip] = (round(x, 1), round(y, 1), f"{place.city.title()} {place.zip}")
    miles, px = _scale(scale / MILES_PER_DEGREE, width / 3)
    return RouteMap(
        width=width,
        height=height,
        points=tuple(points),
        path=tuple(route),
        places=tuple(places.values())[:6],
        scale_miles=miles,
        scale_px=round(px, 1),
        unplaced=tuple(s.label for s in stops if s.location is None),
    )
