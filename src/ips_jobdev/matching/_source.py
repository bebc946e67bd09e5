"""Employers as matching sees them: raw rows from the store, held as columns.

Ranking reads every employer it may show, so it reads only the columns the factors use,
undecoded (JSON text, cents, 0/1), and lets the database drop what the hard filters
remove (:func:`hard_filters` states them; the store's
:mod:`~ips_jobdev._store.queries.matching` runs them): do-not-contact, avoided employers
and industries, and employers outside a stated distance limit (a latitude/longitude box,
plus the ZIPs whose centroid is in range).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Collection, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ips_jobdev._geo import EARTH_RADIUS_MILES, LatLon, bounding_box, miles_between, zip_centroid
from ips_jobdev._store.queries import matching as queries
from ips_jobdev._store.queries.matching import COLUMN_NAMES, Area, EmployerFilter, hashable
from ips_jobdev.matching._context import SeekerView

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "COLUMN_NAMES",
    "FILTER_NAMES",
    "EmployerColumns",
    "EmployerFilter",
    "count_removed",
    "decode_tags",
    "hard_filters",
    "hashable",
    "read_employers",
]

#: The hard filters, in the order an employer removed by several is counted.
FILTER_NAMES: tuple[str, ...] = (
    "do_not_contact",
    "avoided_employer",
    "avoided_industry",
    "distance_limit",
    "avoided_job_types",
)


def decode_tags(raw: object) -> tuple[str, ...]:
    """A stored label list (JSON text on SQLite, a list on PostgreSQL) as a tuple."""
    if raw is None:
        return ()
    if isinstance(raw, list):
        raw = tuple(raw)
    return _decode(raw)


@functools.lru_cache(maxsize=8192)
def _decode(raw: str | tuple[object, ...]) -> tuple[str, ...]:
    items = (json.loads(raw) if raw else []) if isinstance(raw, str) else raw
    return tuple(str(item) for item in items)


_ID, _INDUSTRY, _JOB_TYPES, _SHIFTS, _WAGE_MIN, _WAGE_MAX, _BUS, _ZIP, _LAT, _LON, _NAME_KEY = (
    range(11)
)


class EmployerColumns:
    """Employer rows as fetched (plain tuples), with each column built when first used.

    Index ``i`` of every column is one employer. Columns are lists; JSON label lists stay
    undecoded (text on SQLite, tuples on PostgreSQL) so equal lists are equal keys.
    """

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        self._columns: dict[int, list[Any]] = {}
        self._own: tuple[list[int], list[float], list[float]] | None = None
        self._miles: dict[LatLon, list[float | None]] = {}

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, index: int) -> list[Any]:
        """Column ``index`` of the read columns (built once)."""
        found = self._columns.get(index)
        if found is None:
            found = list(map(itemgetter(index), self.rows))
            if index in (_JOB_TYPES, _SHIFTS) and found and isinstance(found[0], list):
                found = [hashable(v) for v in found]  # PostgreSQL hands JSON back as lists
            self._columns[index] = found
        return found

    @property
    def ids(self) -> list[int]:
        """Employer ids."""
        return self.column(_ID)

    @property
    def industry(self) -> list[str | None]:
        """Industry labels."""
        return self.column(_INDUSTRY)

    @property
    def job_types(self) -> list[object]:
        """Job type lists, undecoded (see :func:`decode_tags`)."""
        return self.column(_JOB_TYPES)

    @property
    def shifts(self) -> list[object]:
        """Shift lists, undecoded."""
        return self.column(_SHIFTS)

    @property
    def wage_min(self) -> list[int | None]:
        """The lowest hourly wage in cents."""
        return self.column(_WAGE_MIN)

    @property
    def wage_max(self) -> list[int | None]:
        """The highest hourly wage in cents."""
        return self.column(_WAGE_MAX)

    @property
    def bus_access(self) -> list[object]:
        """Bus access: true, false (1/0 on SQLite) or ``None``."""
        return self.column(_BUS)

    @property
    def zip(self) -> list[str | None]:
        """ZIP codes as stored."""
        return self.column(_ZIP)

    @property
    def latitude(self) -> list[float | None]:
        """The employer's own latitude, when known."""
        return self.column(_LAT)

    @property
    def longitude(self) -> list[float | None]:
        """The employer's own longitude, when known."""
        return self.column(_LON)

    @property
    def name_key(self) -> list[str] | None:
        """Normalised names (only when read ``with_name_key``)."""
        if not self.rows or len(self.rows[0]) <= _NAME_KEY:
            return None
        return self.column(_NAME_KEY)

    def own_positions(self) -> tuple[list[int], list[float], list[float]]:
        """Rows with their own coordinates: indexes, latitudes and longitudes in radians."""
        found = self._own
        if found is None:
            lats, lons = self.latitude, self.longitude
            rows = [i for i, lat in enumerate(lats) if lat is not None and lons[i] is not None]
            found = self._own = (
                rows,
                [math.radians(lats[i]) for i in rows],  # type: ignore[arg-type]
                [math.radians(lons[i]) for i in rows],  # type: ignore[arg-type]
            )
        return found

    def miles_from(self, home: LatLon | None) -> list[float | None]:
        """Great-circle miles (in tenths) from ``home`` to each employer, computed once.

        An employer's own position counts when recorded, else its ZIP's centroid;
        ``None`` where neither is known (or there is no home).
        """
        if home is None:
            return [None] * len(self.rows)
        found = self._miles.get(home)
        if found is None:
            to = _MilesFrom(home)
            by_zip = {z: to.zip(z) for z in set(self.zip)}
            found = list(map(by_zip.__getitem__, self.zip))
            rows, lats, lons = self.own_positions()
            for i, value in zip(rows, to.points(lats, lons), strict=True):
                found[i] = value
            self._miles[home] = found
        return found

    def miles_at(self, home: LatLon | None, index: int) -> float | None:
        """Miles from ``home`` to the employer at row ``index`` (as :meth:`miles_from`)."""
        if home is None:
            return None
        cached = self._miles.get(home)
        if cached is not None:
            return cached[index]
        row = self.rows[index]
        lat, lon = row[_LAT], row[_LON]
        to = _MilesFrom(home)
        if lat is not None and lon is not None:
            return to.points([math.radians(lat)], [math.radians(lon)])[0]
        return to.zip(row[_ZIP])

    def take(self, keep: Sequence[int]) -> EmployerColumns:
        """Only the rows at the indexes in ``keep``, in that order."""
        rows = self.rows
        return EmployerColumns([rows[i] for i in keep])

    def take_for(self, home: LatLon | None, keep: Sequence[int]) -> EmployerColumns:
        """:meth:`take`, carrying the distances from ``home`` when already computed."""
        subset = self.take(keep)
        miles = self._miles.get(home) if home is not None else None
        if home is not None and miles is not None:
            subset._miles[home] = [miles[i] for i in keep]
        return subset


class _MilesFrom:
    """Haversine distances from one home, vectorised for many employers.

    The same arithmetic as :func:`ips_jobdev._geo.miles_between` (home first), rounded to
    tenths, so every path gives the same figure for the same employer.
    """

    def __init__(self, home: LatLon) -> None:
        self.lat0, self.lon0 = math.radians(home[0]), math.radians(home[1])
        self.cos0 = math.cos(self.lat0)

    def points(self, lats: Sequence[float], lons: Sequence[float]) -> list[float | None]:
        """Miles to points given in radians."""
        lat0, lon0, cos0 = self.lat0, self.lon0, self.cos0
        sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
        diameter = 2 * EARTH_RADIUS_MILES
        return [
            round(diameter * asin(min(1.0, sqrt(h))), 1)
            for h in [
                sin((lat - lat0) / 2) ** 2 + cos0 * cos(lat) * sin((lon - lon0) / 2) ** 2
                for lat, lon in zip(lats, lons, strict=True)
            ]
        ]

    def zip(self, zip_code: str | None) -> float | None:
        """Miles to a ZIP's centroid (``None`` for a missing or unknown ZIP)."""
        centre = zip_centroid(zip_code)
        if centre is None:
            return None
        return self.points([math.radians(centre[0])], [math.radians(centre[1])])[0]


def _area(uow: UnitOfWork, home: LatLon, limit: float) -> Area:
    """The distance limit as the store applies it: a box around home, and the stored ZIPs
    within the limit (or unknown to the ZIP table) and beyond it."""
    keep: list[str] = []
    far: list[str] = []
    for value in queries.distinct_zips(uow):
        centre = zip_centroid(value)
        if centre is None or round(miles_between(home, centre), 1) <= limit:
            keep.append(value)
        else:
            far.append(value)
    return Area(bounding_box(home, limit), tuple(keep), tuple(far))


def hard_filters(uow: UnitOfWork, view: SeekerView) -> EmployerFilter:
    """The hard filters the database can apply for ``view``'s job seeker.

    Avoided job types are checked afterwards in Python (labels are stored as JSON); the
    exact distance of employers with their own position is checked there too.
    """
    industries: frozenset[str] = frozenset()
    if view.avoid:
        industries = frozenset(a.strip().lower() for a in view.preferences.avoid) | view.avoid
    area = None
    if view.limit is not None and view.home is not None:
        area = _area(uow, view.home, view.limit)
    return EmployerFilter(avoid_names=view.avoid_names, avoid_industries=industries, area=area)


def read_employers(
    uow: UnitOfWork,
    where: EmployerFilter,
    *,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
) -> EmployerColumns:
    """Employers that ``where`` keeps, as columns, in id order.

    ``columns`` names the columns to read (of :data:`COLUMN_NAMES`; ``None``: all); the
    others come back as ``None`` in every row, so positions never change.
    """
    rows = queries.read_employers(uow, where, with_name_key=with_name_key, columns=columns)
    return EmployerColumns(rows)


def count_removed(uow: UnitOfWork, where: EmployerFilter, kept: int) -> dict[str, int]:
    """How many employers each hard filter removed (every filter named, in
    :data:`FILTER_NAMES` order), each counted under the first that did."""
    counts = dict.fromkeys(FILTER_NAMES, 0)
    counts.update(queries.count_removed(uow, where, kept))
    return counts
