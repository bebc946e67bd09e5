"""Reading what matching needs from the store, with SQLAlchemy Core (no ORM objects).

Ranking reads every employer it may show, so it reads only the columns the factors use,
undecoded (JSON text, cents, 0/1), and lets the database drop what the hard filters
remove: do-not-contact, avoided employers and industries, and employers outside a stated
distance limit (a latitude/longitude box, plus the ZIPs whose centroid is in range).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
from collections.abc import Collection, Iterable, Sequence
from operator import itemgetter
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._geo import EARTH_RADIUS_MILES, LatLon, bounding_box, miles_between, zip_centroid
from ips_jobdev._store import tables
from ips_jobdev._vocab import ContactMode, VisitStatus
from ips_jobdev.matching._context import SeekerView

__all__ = [
    "COLUMN_NAMES",
    "FILTER_NAMES",
    "EmployerColumns",
    "count_removed",
    "decode_tags",
    "do_not_contact_filter",
    "employer_names",
    "employer_rows",
    "employer_statement",
    "fetch_tuples",
    "hard_filters",
    "read_employers",
    "relationship_facts",
    "spread_facts",
]

#: The hard filters, in the order an employer removed by several is counted.
FILTER_NAMES: tuple[str, ...] = (
    "do_not_contact",
    "avoided_employer",
    "avoided_industry",
    "distance_limit",
    "avoided_job_types",
)

_IN_CHUNK = 2000

_e = tables.employers.c
_COLUMNS: tuple[Any, ...] = (
    _e.id,
    _e.industry,
    sa.type_coerce(_e.job_types, sa.String).label("job_types"),
    sa.type_coerce(_e.shifts, sa.String).label("shifts"),
    sa.type_coerce(_e.wage_min, sa.Integer).label("wage_min"),
    sa.type_coerce(_e.wage_max, sa.Integer).label("wage_max"),
    _e.bus_access,
    _e.zip,
    _e.latitude,
    _e.longitude,
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


def hashable(raw: object) -> object:
    """A dict key for a raw column value (PostgreSQL hands JSON back as lists)."""
    return tuple(raw) if isinstance(raw, list) else raw


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


def fetch_tuples(session: Session, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """Run a Core SELECT and return plain tuples straight from the driver's cursor.

    Result rows skip SQLAlchemy's per-row processing; callers select columns whose raw
    values they understand (``type_coerce`` to plain types). Bound values must be plain
    strings and numbers (no type processing is applied to them either).
    """
    connection = session.connection()
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup)
        if compiled.positional and compiled.positiontup is not None
        else params
    )
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        return cast(list[tuple[Any, ...]], cursor.fetchall())
    finally:
        cursor.close()


def _zip_keep_list(session: Session, view: SeekerView) -> tuple[list[str], list[str]]:
    """Stored ZIP values within the stated limit (or unknown to the table), and the rest."""
    assert view.home is not None
    assert view.limit is not None
    stored = session.execute(sa.select(_e.zip).where(_e.zip.is_not(None)).distinct()).scalars()
    keep: list[str] = []
    far: list[str] = []
    for value in stored:
        centre = zip_centroid(value)
        if centre is None or round(miles_between(view.home, centre), 1) <= view.limit:
            keep.append(value)
        else:
            far.append(value)
    return keep, far


def do_not_contact_filter() -> tuple[str, sa.ColumnElement[bool]]:
    """The do-not-contact filter: true for employers that asked not to be contacted."""
    return ("do_not_contact", _e.do_not_contact.is_(True))


def hard_filters(session: Session, view: SeekerView) -> list[tuple[str, sa.ColumnElement[bool]]]:
    """For each hard filter SQL can apply, a condition that is true for removed employers.

    Avoided job types are checked afterwards in Python (labels are stored as JSON); the
    exact distance of employers with their own position is checked there too.
    """
    removed = [do_not_contact_filter()]
    if view.avoid_names:
        removed.append(("avoided_employer", _e.name_key.in_(sorted(view.avoid_names))))
    if view.avoid:
        raw = {a.strip().lower() for a in view.preferences.avoid} | set(view.avoid)
        removed.append(
            ("avoided_industry", sa.and_(_e.industry.is_not(None), _e.industry.in_(sorted(raw))))
        )
    if view.limit is not None and view.home is not None:
        box = bounding_box(view.home, view.limit)
        keep, far = _zip_keep_list(session, view)
        own = sa.and_(_e.latitude.is_not(None), _e.longitude.is_not(None))
        in_box = sa.and_(
            _e.latitude.between(box.lat_min, box.lat_max),
            _e.longitude.between(box.lon_min, box.lon_max),
        )
        by_zip = (
            sa.or_(_e.zip.is_(None), _e.zip.in_(keep))
            if len(keep) <= len(far)
            else (sa.or_(_e.zip.is_(None), _e.zip.not_in(far)))
        )
        inside = sa.or_(sa.and_(own, in_box), sa.and_(sa.not_(own), by_zip))
        removed.append(("distance_limit", sa.not_(inside)))
    return removed


#: The names of the read columns, in order (``name_key`` follows when asked for).
COLUMN_NAMES: tuple[str, ...] = (
    "id",
    "industry",
    "job_types",
    "shifts",
    "wage_min",
    "wage_max",
    "bus_access",
    "zip",
    "latitude",
    "longitude",
)


def read_employers(
    session: Session,
    removed: Sequence[tuple[str, sa.ColumnElement[bool]]] = (),
    *,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
) -> EmployerColumns:
    """Employers that no ``removed`` condition removes, as columns, in id order.

    ``columns`` names the columns to read (of :data:`COLUMN_NAMES`; ``None``: all); the
    others come back as ``None`` in every row, so positions never change.
    """
    statement = employer_statement(removed, with_name_key, columns)
    return EmployerColumns(fetch_tuples(session, statement))


def employer_statement(
    removed: Sequence[tuple[str, sa.ColumnElement[bool]]] = (),
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
) -> sa.Select[Any]:
    """The SELECT :func:`read_employers` runs (benchmarks time it without filters)."""
    chosen = [
        column if columns is None or name == "id" or name in columns else sa.null().label(name)
        for name, column in zip(COLUMN_NAMES, _COLUMNS, strict=True)
    ]
    statement = sa.select(*chosen, *([_e.name_key] if with_name_key else [])).order_by(_e.id)
    for _, condition in removed:
        statement = statement.where(sa.not_(condition))
    return statement


def employer_rows(session: Session, ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
    """Full rows (every column of :data:`COLUMN_NAMES`) of some employers, by id."""
    out: dict[int, tuple[Any, ...]] = {}
    for chunk in _chunks(sorted(ids)):
        for row in fetch_tuples(session, sa.select(*_COLUMNS).where(_e.id.in_(chunk))):
            out[int(row[0])] = hashable_row(row)
    return out


def hashable_row(row: Sequence[Any]) -> tuple[Any, ...]:
    """A fetched row with PostgreSQL's JSON lists made tuples (as columns hold them)."""
    return tuple(hashable(v) for v in row)


def count_removed(
    session: Session, removed: Sequence[tuple[str, sa.ColumnElement[bool]]], kept: int
) -> dict[str, int]:
    """How many employers each condition removed, each counted under the first that did.

    ``kept`` is how many rows the filtered read returned: the distance filter's count is
    what is left of the total (so the many rows it removes are never grouped).
    """
    counts = dict.fromkeys(FILTER_NAMES, 0)
    others = [(name, cond) for name, cond in removed if name != "distance_limit"]
    connection = session.connection()
    if others:
        reason = sa.case(*[(cond, name) for name, cond in others], else_=None).label("reason")
        statement = (
            sa.select(reason, sa.func.count())
            .where(sa.or_(*[cond for _, cond in others]))
            .group_by(reason)
        )
        for name, count in connection.execute(statement):
            counts[name] = int(count)
    if len(others) < len(removed):
        total = connection.scalar(sa.select(sa.func.count()).select_from(tables.employers)) or 0
        counts["distance_limit"] = int(total) - kept - sum(counts.values())
    return counts


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _IN_CHUNK):
        yield list(ids[start : start + _IN_CHUNK])


def relationship_facts(
    session: Session,
    *,
    as_of: dt.date,
    window_days: int,
    employer_ids: Collection[int] | None = None,
) -> dict[int, tuple[int, dt.date | None]]:
    """Face-to-face visits made in the window ending on ``as_of``, per employer.

    Returns ``{employer_id: (visits, date of the last)}`` for employers with at least one;
    ``employer_ids`` restricts the query (it then uses the visits' employer index).
    """
    v = tables.visits.c
    since = dt.datetime.combine(as_of - dt.timedelta(days=window_days), dt.time(), dt.UTC)
    until = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time(), dt.UTC)
    conditions = [
        v.at >= since,
        v.at < until,
        v.status == VisitStatus.DONE,
        v.mode == ContactMode.IN_PERSON,
    ]
    out: dict[int, tuple[int, dt.date | None]] = {}
    connection = session.connection()
    # the newest visit, undecoded: only its UTC date is wanted (SQLite stores UTC text)
    last_at = sa.type_coerce(sa.func.max(v.at), sa.String)
    if employer_ids is None:
        # grouping on an expression keeps SQLite from walking the (employer, at) index for
        # every employer: one pass over the table is far quicker for all of them
        group = (v.employer_id + 0).label("employer")
        statement = sa.select(group, sa.func.count(), last_at).where(*conditions)
        batches: Iterable[Any] = [connection.execute(statement.group_by(group))]
    else:
        statement = (
            sa.select(v.employer_id, sa.func.count(), last_at)
            .where(*conditions, v.employer_id.in_(sa.bindparam("ids", expanding=True)))
            .group_by(v.employer_id)
        )
        batches = (
            connection.execute(statement, {"ids": chunk}) for chunk in _chunks(sorted(employer_ids))
        )
    for result in batches:
        for employer_id, visits, last in result.all():
            out[int(employer_id)] = (int(visits), _utc_date(last))
    return out


def _utc_date(value: object) -> dt.date | None:
    """The UTC date of a stored moment: UTC text on SQLite, an aware datetime elsewhere."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC) if value.tzinfo else value).date()
    return dt.date.fromisoformat(str(value)[:10])


def spread_facts(session: Session) -> dict[int, int]:
    """How many jobs the team's job seekers started at each employer (ended ones too)."""
    j = tables.job_starts.c
    statement = sa.select(j.employer_id, sa.func.count()).group_by(j.employer_id)
    return {int(e): int(n) for e, n in session.connection().execute(statement)}


def employer_names(
    session: Session, ids: Collection[int], *, all_rows: bool = False
) -> dict[int, str]:
    """Employer names by id (for the rows a ranking shows or must order by name).

    ``all_rows`` reads every employer's name in one pass (cheaper for very many ids).
    """
    connection = session.connection()
    if all_rows:
        return dict(fetch_tuples(session, sa.select(_e.id, _e.name)))
    statement = sa.select(_e.id, _e.name).where(_e.id.in_(sa.bindparam("ids", expanding=True)))
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(ids)):
        out.update((int(i), n) for i, n in connection.execute(statement, {"ids": chunk}))
    return out
