"""Employers as matching sees them: raw rows from the store, held as columns.

Ranking reads every employer it may show, so it reads only the columns the factors use,
undecoded (JSON text, cents, 0/1), and lets the database drop what the hard filters
remove (:func:`hard_filters` states them; the store's
:mod:`~ips_jobdev._store.queries.matching` runs them): do-not-contact, avoided employers
and industries, and employers outside a stated distance limit (a latitude/longitude box,
plus the ZIPs whose centroid is in range).

Without a stated limit, a ranking of the best ``k`` need not read the whole state either
(:func:`read_nearby`): the employers near home give a score the ``k``-th best must at
least reach, and the distance beyond which no employer can reach it (even with full marks
on everything else) becomes a region the database reads (:func:`distance_radius`). The
result is exactly that of reading every employer.
"""

from __future__ import annotations

import functools
import heapq
import json
import math
from collections.abc import Callable, Collection, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev._geo import EARTH_RADIUS_MILES, LatLon, bounding_box, miles_between, zip_centroid
from ips_jobdev._store.queries import matching as queries
from ips_jobdev._store.queries.matching import (
    COLUMN_NAMES,
    Area,
    EmployerFilter,
    KeyedBound,
    ScoreBound,
    hashable,
)
from ips_jobdev.matching._context import SeekerView, label
from ips_jobdev.matching._factors import DistanceFactor

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork
    from ips_jobdev.matching._engine import ActiveFactor, SeekerScoring

__all__ = [
    "COLUMN_NAMES",
    "FILTER_NAMES",
    "EmployerColumns",
    "EmployerFilter",
    "area_around",
    "avoided_job_type_texts",
    "bound_columns",
    "count_kept",
    "count_removed",
    "decode_tags",
    "distance_radius",
    "filter_counts",
    "hard_filters",
    "hashable",
    "read_employers",
    "read_nearby",
    "score_bound",
]

NEARBY_MIN_EMPLOYERS = 5000
"""Below this many employers a ranking reads them all (the region is not worth its
queries); tests set it to 0 to exercise the regional read on small data sets."""

BOUND_IN_DATABASE: bool | None = None
"""Whether the database computes a bound of each employer's score to skip those that
cannot reach the list (:func:`score_bound`); ``None``: where it is quick (PostgreSQL).
Tests set it to exercise the bound on SQLite too."""

_BOUND_STEPS = 20  # distance parts are rounded up to a twentieth of the factor's weight
_EPSILON = 1e-4  # as the engine's: scores are shown to four places
_FARTHEST_TENTHS = 250_000  # 25,000 miles: beyond any two points on Earth

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
            by_zip = {z: _zip_miles(home, z) for z in set(self.zip)}
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
        return _zip_miles(home, row[_ZIP])

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


@functools.lru_cache(maxsize=65536)
def _zip_miles(home: LatLon, zip_code: str | None) -> float | None:
    """:meth:`_MilesFrom.zip`, kept: every ranking and caseload asks for the same few
    homes and the same stored ZIPs again and again."""
    return _MilesFrom(home).zip(zip_code)


@functools.lru_cache(maxsize=65536)
def _within_limit(home: LatLon, zip_code: str, limit: float) -> bool:
    """Whether a ZIP's centroid is within ``limit`` miles of home (or unknown)."""
    centre = zip_centroid(zip_code)
    return centre is None or round(miles_between(home, centre), 1) <= limit


def area_around(
    uow: UnitOfWork, home: LatLon, limit: float, zips: Sequence[str] | None = None
) -> Area:
    """A distance limit as the store applies it: a box around home, and the stored ZIPs
    within the limit (or unknown to the ZIP table) and beyond it (``zips``: the stored
    ZIPs, when already read)."""
    keep: list[str] = []
    far: list[str] = []
    for value in queries.distinct_zips(uow) if zips is None else zips:
        if _within_limit(home, value, limit):
            keep.append(value)
        else:
            far.append(value)
    return Area(bounding_box(home, limit), tuple(keep), tuple(far))


def avoided_job_type_texts(uow: UnitOfWork, avoid: frozenset[str]) -> frozenset[str]:
    """The stored job type lists (JSON text) whose every type is avoided."""
    if not avoid:
        return frozenset()
    out: set[str] = set()
    for text in queries.distinct_job_types(uow):
        types = [label(t) for t in decode_tags(text)]
        if types and all(t in avoid for t in types):
            out.add(text)
    return frozenset(out)


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
        area = area_around(uow, view.home, view.limit)
    return EmployerFilter(avoid_names=view.avoid_names, avoid_industries=industries, area=area)


def read_employers(
    uow: UnitOfWork,
    where: EmployerFilter,
    *,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
    bound: ScoreBound | None = None,
    top: int | None = None,
    skip_kinds: Collection[tuple[str | None, str]] = (),
) -> EmployerColumns:
    """Employers that ``where`` keeps, as columns, in id order.

    ``columns`` names the columns to read (of :data:`COLUMN_NAMES`; ``None``: all); the
    others come back as ``None`` in every row, so positions never change. ``bound`` and
    ``top`` keep only employers whose score bound reaches its ``at_least``, or the
    ``top`` best bounds; employers of the kinds in ``skip_kinds`` (pairs of industry and
    job types, :func:`kinds_below`) are left out.
    """
    rows = queries.read_employers(
        uow,
        where,
        with_name_key=with_name_key,
        columns=columns,
        bound=bound,
        top=top,
        skip_kinds=skip_kinds,
    )
    return EmployerColumns(rows)


def kind_bound(scoring: SeekerScoring, need: float) -> Callable[[str | None, str], bool]:
    """Whether an employer of an industry and job types (JSON text) may reach a weighted
    sum of ``need`` for ``scoring``'s job seeker, whatever its other facts (full marks on
    every factor but job type and industry; hard filters on those two applied)."""
    view = scoring.view
    constant = 0.0
    by_fact: dict[str, list[tuple[float, Callable[..., float | None]]]] = {
        "industry": [],
        "job_types": [],
    }
    for active in scoring.factors:
        if not active.weight:
            continue
        fact = active.facts[0] if active.facts is not None and len(active.facts) == 1 else None
        bulk = getattr(active.factor, "part_column", None)
        if active.unknown:
            constant += 0.5 * active.weight
        elif fact in by_fact and active.function is not None and bulk is None:
            by_fact[fact].append((active.weight, active.function))
        else:
            constant += active.weight

    def may_reach(industry: str | None, job_types: str) -> bool:
        types = decode_tags(job_types)
        if view.avoid and _kind_avoided(view.avoid, industry, types):
            return False
        total = constant
        for weight, part in by_fact["industry"]:
            value = part(industry)
            total += weight * (0.5 if value is None else value)
        for weight, part in by_fact["job_types"]:
            value = part(types)
            total += weight * (0.5 if value is None else value)
        return total >= need

    return may_reach


def _kind_avoided(avoid: frozenset[str], industry: str | None, types: tuple[str, ...]) -> bool:
    """Whether the hard filters remove every employer of this industry and job types."""
    if industry and label(industry) in avoid:
        return True
    labels = [label(t) for t in types]
    return bool(labels) and all(t in avoid for t in labels)


def kinds_below(
    uow: UnitOfWork, scoring: SeekerScoring, need: float
) -> list[tuple[str | None, str]]:
    """The stored kinds of employer (pairs of industry and job types) none of which can
    reach a weighted sum of ``need`` for ``scoring``'s job seeker (:func:`kind_bound`)."""
    may_reach = kind_bound(scoring, need)
    return [kind for kind in queries.distinct_kinds(uow) if not may_reach(*kind)]


def count_kept(uow: UnitOfWork, where: EmployerFilter) -> int:
    """How many employers every filter of ``where`` keeps (counted by the database)."""
    return queries.count_kept(uow, where)


def filter_counts(uow: UnitOfWork, where: EmployerFilter) -> tuple[dict[str, int], int]:
    """What each hard filter removed (every filter named, in :data:`FILTER_NAMES` order)
    and how many employers they keep, counted by the database in one pass."""
    counts = dict.fromkeys(FILTER_NAMES, 0)
    removed, kept = queries.filter_counts(uow, where)
    counts.update(removed)
    return counts, kept


def count_removed(uow: UnitOfWork, where: EmployerFilter, kept: int) -> dict[str, int]:
    """How many employers each hard filter removed (every filter named, in
    :data:`FILTER_NAMES` order), each counted under the first that did."""
    counts = dict.fromkeys(FILTER_NAMES, 0)
    counts.update(queries.count_removed(uow, where, kept))
    return counts


def distance_radius(scoring: SeekerScoring, need: float) -> float | None:
    """The distance (in tenths of a mile, as distances are rounded) beyond which no
    employer's weighted sum can reach ``need``, even with full marks on every other
    factor; ``None`` when an employer at any distance could.

    Only the built-in distance factor is used: its part never rises with distance. A
    factor unknown for every employer counts its neutral half, as it does in the sum.
    """
    distance = next(
        (
            a
            for a in scoring.factors
            if isinstance(a.factor, DistanceFactor)
            and a.weight
            and not a.unknown
            and a.function is not None
        ),
        None,
    )
    if distance is None:
        return None
    others = sum(
        (0.5 * a.weight if a.unknown else a.weight)
        for a in scoring.factors
        if a is not distance and a.weight
    )
    function, weight = distance.function, distance.weight
    assert function is not None

    def reaches(tenths: int) -> bool:
        part = function(tenths / 10)
        return others + weight * (0.5 if part is None else part) >= need

    if reaches(_FARTHEST_TENTHS):
        return None
    low, high = 0, _FARTHEST_TENTHS  # reaches(high) is false; find the last tenth that does
    if not reaches(low):
        return 0.0
    while high - low > 1:
        middle = (low + high) // 2
        if reaches(middle):
            low = middle
        else:
            high = middle
    return low / 10


def _decode_bus(raw: object) -> bool | None:
    return None if raw is None else bool(raw)


_BOUND_DECODERS: dict[str, Callable[[Any], Any]] = {
    "job_types": decode_tags,
    "shifts": decode_tags,
    "industry": lambda raw: raw,
    "bus_access": _decode_bus,
}


def _keyed(active: ActiveFactor, fact: str, keys: Sequence[Any]) -> KeyedBound:
    """A factor's exact weighted part for each stored value of its column."""
    function, weight, decode = active.function, active.weight, _BOUND_DECODERS[fact]
    assert function is not None

    def weighted(raw: Any) -> float:
        part = function(decode(raw))
        return weight * (0.5 if part is None else part)

    levels: dict[float, list[Any]] = {}
    for key in keys:
        levels.setdefault(weighted(key), []).append(key)
    return KeyedBound(
        column=fact,
        levels=tuple((value, tuple(found)) for value, found in sorted(levels.items())),
        when_null=weighted(None),
        otherwise=weight,
    )


def _distance_term(scoring: SeekerScoring, active: ActiveFactor, zips: Sequence[str]) -> KeyedBound:
    """The distance part by ZIP centroid, rounded up to a few levels; an employer with its
    own coordinates counts full marks (the bound does not compute distances)."""
    function, weight = active.function, active.weight
    assert function is not None
    home = scoring.view.home
    assert home is not None
    to = _MilesFrom(home)
    step = weight / _BOUND_STEPS
    levels: dict[float, list[str]] = {}
    for value in zips:
        part = function(to.zip(value))
        exact = weight * (0.5 if part is None else part)
        levels.setdefault(min(weight, math.ceil(exact / step) * step + 1e-9), []).append(value)
    unknown = function(None)
    return KeyedBound(
        column="zip",
        levels=tuple((value, tuple(found)) for value, found in sorted(levels.items())),
        when_null=weight * (0.5 if unknown is None else unknown),
        otherwise=weight,
        own_position=weight,
    )


def _bound_kind(scoring: SeekerScoring, active: ActiveFactor) -> str | None:
    """How a factor enters the bound: the column it is looked up by (``None``: full
    weight, or half for a factor unknown for every employer)."""
    if not active.weight or active.unknown or active.deferred:
        return None
    if active.function is None or getattr(active.factor, "part_column", None) is not None:
        return None
    if active.facts is None or len(active.facts) != 1:
        return None
    fact = active.facts[0]
    if fact == "distance":
        return "zip" if scoring.view.home is not None else None
    return fact if fact in _BOUND_DECODERS else None


def bound_columns(scoring: SeekerScoring) -> set[str]:
    """The columns whose distinct values :func:`score_bound` needs (of ``job_types``,
    ``shifts``, ``industry``)."""
    kinds = (_bound_kind(scoring, a) for a in scoring.factors)
    return {kind for kind in kinds if kind in ("job_types", "shifts", "industry")}


def score_bound(scoring: SeekerScoring, keys: dict[str, list[Any]]) -> ScoreBound | None:
    """An upper bound of each employer's weighted score for ``scoring``'s job seeker, for
    the database to compute (``None`` when no factor can be looked up by a column).

    Factors with one fact stored in one column (job types, industry, shifts, bus, and
    distance by ZIP) count their exact part for each stored value (``keys``: the values
    of :func:`bound_columns` and ``zip``); a factor unknown for every employer counts its
    half; every other factor counts its full weight.
    """
    terms: list[KeyedBound] = []
    constant = 0.0
    for active in scoring.factors:
        kind = _bound_kind(scoring, active)
        if kind == "zip":
            terms.append(_distance_term(scoring, active, keys["zip"]))
        elif kind is not None:
            values = [True, False] if kind == "bus_access" else keys[kind]
            terms.append(_keyed(active, kind, values))
        elif active.weight:
            constant += (0.5 if active.unknown else 1.0) * active.weight
    if not terms:
        return None
    return ScoreBound(terms=tuple(terms), constant=constant)


def _bound_in_database(uow: UnitOfWork) -> bool:
    if BOUND_IN_DATABASE is not None:
        return BOUND_IN_DATABASE
    return queries.bound_supported(uow)


def _read_near_home(
    uow: UnitOfWork,
    home: LatLon,
    start: float,
    where: EmployerFilter,
    *,
    zips: Sequence[str],
    wanted: tuple[int, Collection[str] | None, ScoreBound | None],
) -> tuple[EmployerColumns, float] | None:
    """The employers within ``start`` miles of home, the distance doubled until there are
    ``k`` of them, and that distance (``wanted``: ``(k, columns, bound)``; with a bound,
    only the ``k`` best bounds there are read)."""
    k, columns, bound = wanted
    radius = max(start, 1.0)
    while True:
        region = where.within(area_around(uow, home, radius, zips))
        table = read_employers(uow, region, columns=columns, bound=bound, top=k)
        if len(table) >= k:
            return table, radius
        radius *= 2
        if radius > _FARTHEST_TENTHS / 10:
            return None


def read_nearby(
    uow: UnitOfWork,
    scoring: SeekerScoring,
    where: EmployerFilter,
    k: int,
    columns: Collection[str] | None,
) -> EmployerColumns | None:
    """Every employer that may be among the best ``k`` for a job seeker with no distance
    limit, without reading the whole state (``None``: this cannot help, read everything).

    First a few employers give a score the final ``k``-th must reach: those near home
    (within the usual distance, doubled until there are ``k``), or, with no home, the
    ``k`` with the best bound (:func:`score_bound`). Then only the employers that can
    still reach it are read: those within :func:`distance_radius` of home and, where the
    database computes the bound, whose bound reaches it (elsewhere, whose kind, industry
    and job types, can reach it: :func:`kinds_below`). Employers whose distance is
    unknown are always read.
    """
    view = scoring.view
    if view.limit is not None or k <= 0:
        return None
    home = view.home
    zips = queries.distinct_zips(uow)
    bound = None
    if _bound_in_database(uow):
        keys = queries.distinct_keys(uow, bound_columns(scoring))
        bound = score_bound(scoring, {**keys, "zip": zips})
    if home is None and bound is None:
        return None
    near: float | None = None
    if home is not None:
        found = _read_near_home(
            uow, home, view.usual_miles, where, zips=zips, wanted=(k, columns, bound)
        )
        if found is None:
            return None
        table, near = found
    else:
        table = read_employers(uow, where, columns=columns, bound=bound, top=k)
    if not len(table):
        return None
    sums = scoring.row_sums(table)
    # the k-th best whole score among them (visit history read for the few that may be)
    exact = scoring.exact_sums(table, sums, scoring.candidates(sums, k))
    reach = heapq.nlargest(k, exact.values())[-1] - 2 * _EPSILON * scoring.total_weight
    radius = distance_radius(scoring, reach) if home is not None else None
    if radius is not None:
        radius += 0.1  # the region is drawn on rounded distances: keep a tenth to spare
        if near is not None and radius <= near and bound is None:
            return table
    region = where
    if radius is not None and home is not None:
        region = where.within(area_around(uow, home, radius, zips))
    if bound is not None:
        limited = attrs.evolve(bound, at_least=reach)
        return read_employers(uow, region, columns=columns, bound=limited)
    # no bound in the database: leave out the kinds of employer that cannot reach it
    skip = kinds_below(uow, scoring, reach)
    return read_employers(uow, region, columns=columns, skip_kinds=skip)
