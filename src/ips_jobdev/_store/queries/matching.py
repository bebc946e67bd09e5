"""What matching reads, with SQLAlchemy Core (no ORM objects).

Ranking reads every employer it may show, so it reads only the columns the factors use,
undecoded (JSON text, cents, 0/1), straight from the driver's cursor, and lets the database
drop what the hard filters remove (:class:`EmployerFilter`): do-not-contact, avoided
employers and industries, and employers outside a stated distance limit (a
latitude/longitude box, plus the ZIPs whose centroid is in range).
"""

from __future__ import annotations

import datetime as dt
import time
import weakref
from collections.abc import Collection, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs
import sqlalchemy as sa

from ips_jobdev._geo import BoundingBox
from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.queries._raw import fetch_tuples
from ips_jobdev._vocab import ContactMode, VisitStatus

if TYPE_CHECKING:
    from ips_jobdev._store.unit_of_work import UnitOfWork

__all__ = [
    "COLUMN_NAMES",
    "Area",
    "EmployerFilter",
    "KeyedBound",
    "Region",
    "ScoreBound",
    "all_employer_rows",
    "bound_expression",
    "bound_supported",
    "count_kept",
    "count_removed",
    "distinct_job_types",
    "distinct_keys",
    "distinct_kinds",
    "distinct_zips",
    "do_not_contact_ids",
    "employer_names",
    "employer_rows",
    "filter_counts",
    "hashable",
    "job_start_count",
    "read_employers",
    "read_kinds_outside",
    "read_region",
    "relationship_facts",
    "spread_facts",
]

_IN_CHUNK = 2000
"""Ids per ``IN`` list here: ranking may ask for many thousands; well within both limits."""

_e = tables.employers.c

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

_COLUMNS: tuple[Any, ...] = (
    _e.id,
    _e.industry,
    # JSON label lists as their text: PostgreSQL's driver would parse every row's JSON,
    # the slowest part of reading the statewide set (they are decoded once per distinct text)
    sa.cast(_e.job_types, sa.Text).label("job_types"),
    sa.cast(_e.shifts, sa.Text).label("shifts"),
    sa.type_coerce(_e.wage_min, sa.Integer).label("wage_min"),
    sa.type_coerce(_e.wage_max, sa.Integer).label("wage_max"),
    _e.bus_access,
    _e.zip,
    _e.latitude,
    _e.longitude,
)


@attrs.frozen(slots=True)
class Area:
    """Where an employer must be to pass a distance limit.

    An employer with its own position passes when it lies in ``box``; one without, when
    its ZIP is missing or among ``zips_inside`` (the stored ZIPs whose centroid is in
    range or unknown); ``zips_outside`` are the other stored ZIPs (the shorter list goes
    into the SQL). The exact distance is checked afterwards by the caller.
    """

    box: BoundingBox
    zips_inside: tuple[str, ...]
    zips_outside: tuple[str, ...]


@attrs.frozen(slots=True)
class EmployerFilter:
    """The hard filters the database applies: do-not-contact always, and the rest when set.

    ``avoid_names`` are normalised employer names (``name_key``); ``avoid_industries``
    industry labels as stored; ``area`` a distance limit; ``avoid_job_types`` stored job
    type lists (as their JSON text, see :func:`distinct_job_types`) whose every type is
    avoided.
    """

    avoid_names: frozenset[str] = frozenset()
    avoid_industries: frozenset[str] = frozenset()
    area: Area | None = None
    avoid_job_types: frozenset[str] = frozenset()

    def removed(self) -> list[tuple[str, sa.ColumnElement[bool]]]:
        """For each filter, its name and a condition true for the employers it removes."""
        removed: list[tuple[str, sa.ColumnElement[bool]]] = [
            ("do_not_contact", _e.do_not_contact.is_(True))
        ]
        if self.avoid_names:
            removed.append(("avoided_employer", _e.name_key.in_(sorted(self.avoid_names))))
        if self.avoid_industries:
            industries = sorted(self.avoid_industries)
            removed.append(
                ("avoided_industry", sa.and_(_e.industry.is_not(None), _e.industry.in_(industries)))
            )
        if self.area is not None:
            removed.append(("distance_limit", sa.not_(_inside(self.area))))
        if self.avoid_job_types:
            texts = sorted(self.avoid_job_types)
            removed.append(("avoided_job_types", sa.cast(_e.job_types, sa.Text).in_(texts)))
        return removed

    def within(self, area: Area | None) -> EmployerFilter:
        """The same filters, restricted to ``area`` (a region to read, not a hard filter:
        callers count what it leaves out themselves)."""
        return attrs.evolve(self, area=area)


@attrs.frozen(slots=True)
class KeyedBound:
    """One factor's share of a score bound, looked up by the value of one stored column.

    ``column`` is ``job_types`` or ``shifts`` (their JSON text), ``industry``,
    ``bus_access`` or ``zip``; ``levels`` pairs a value with the keys that have it;
    ``when_null`` is the value for a missing key and ``otherwise`` for any key not listed
    (one stored after the keys were read: give the factor's full weight).
    ``own_position``, for ``zip``, is the value of employers with their own coordinates.
    """

    column: str
    levels: tuple[tuple[float, tuple[Any, ...]], ...]
    when_null: float
    otherwise: float
    own_position: float | None = None


@attrs.frozen(slots=True)
class ScoreBound:
    """An upper bound of each employer's weighted score the database computes: ``constant``
    plus each term's value; only employers whose bound reaches ``at_least`` are read."""

    terms: tuple[KeyedBound, ...]
    constant: float
    at_least: float = float("-inf")


@attrs.frozen(slots=True)
class Region:
    """The union of several distance limits' areas (see :class:`Area`): employers with
    their own position inside any of ``boxes``, the others when their ZIP is missing or
    among ``zips`` (the stored ZIPs inside any of the areas)."""

    boxes: tuple[BoundingBox, ...]
    zips: tuple[str, ...]


_JSON_COLUMNS = ("job_types", "shifts")


def _key(column: str) -> sa.ColumnElement[Any]:
    if column in _JSON_COLUMNS:
        return sa.cast(_e[column], sa.Text)
    return _e[column]


def _term(term: KeyedBound) -> sa.ColumnElement[Any]:
    key = _key(term.column)
    whens: list[tuple[sa.ColumnElement[bool], float]] = [(key.is_(None), term.when_null)]
    for value, keys in term.levels:
        if not keys:
            continue
        if term.column == "bus_access":
            whens.extend((key.is_(bool(k)), value) for k in keys)
        else:
            whens.append((key.in_(list(keys)), value))
    expression: sa.ColumnElement[Any] = sa.case(*whens, else_=term.otherwise)
    if term.own_position is not None:
        own = sa.and_(_e.latitude.is_not(None), _e.longitude.is_not(None))
        expression = sa.case((own, term.own_position), else_=expression)
    return expression


def bound_expression(bound: ScoreBound) -> sa.ColumnElement[Any]:
    """The SQL of ``bound``'s value for each employer."""
    total: sa.ColumnElement[Any] = sa.literal(bound.constant, sa.Float)
    for term in bound.terms:
        total = total + _term(term)
    return total


def bound_supported(uow: UnitOfWork) -> bool:
    """Whether the database computes score bounds quickly (PostgreSQL; SQLite reads the
    rows faster than it evaluates long ``CASE ... IN`` lists)."""
    return uow.session.connection().dialect.name == "postgresql"


_KEYS_TTL_SECONDS = 300.0
_keys_cache: weakref.WeakKeyDictionary[sa.Engine, dict[str, tuple[float, list[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def distinct_keys(uow: UnitOfWork, columns: Collection[str]) -> dict[str, list[Any]]:
    """The distinct stored values of the ``columns`` a :class:`KeyedBound` looks up
    (``job_types``, ``shifts`` as JSON text, ``industry``).

    Kept for a few minutes per database: reading the JSON lists of every employer is the
    slowest query of a ranking, and a value stored since then is harmless (a bound counts
    the factor's full weight for any value it does not list).
    """
    bind = uow.session.get_bind()
    cache = _keys_cache.setdefault(bind, {}) if isinstance(bind, sa.Engine) else {}
    now = time.monotonic()
    out: dict[str, list[Any]] = {}
    connection = uow.session.connection()
    for name in columns:
        cached = cache.get(name)
        if cached is not None and now - cached[0] < _KEYS_TTL_SECONDS:
            out[name] = cached[1]
            continue
        column = _key(name)
        statement = sa.select(column).where(column.is_not(None)).distinct()
        values = list(connection.execute(statement).scalars())
        cache[name] = (now, values)
        out[name] = values
    return out


def distinct_kinds(uow: UnitOfWork) -> list[tuple[str | None, str]]:
    """Every stored pair of industry and job types (JSON text), once each.

    Kept for a few minutes per database, as :func:`distinct_keys`: callers must treat a
    pair stored since then as possible anywhere (:func:`read_kinds_outside` reads every
    pair it is not told to skip).
    """
    bind = uow.session.get_bind()
    cache = _keys_cache.setdefault(bind, {}) if isinstance(bind, sa.Engine) else {}
    now = time.monotonic()
    cached = cache.get("industry+job_types")
    if cached is not None and now - cached[0] < _KEYS_TTL_SECONDS:
        return cached[1]
    statement = sa.select(_e.industry, sa.cast(_e.job_types, sa.Text)).distinct()
    values = [(industry, str(jt)) for industry, jt in uow.session.connection().execute(statement)]
    cache["industry+job_types"] = (now, values)
    return values


def _inside(area: Area) -> sa.ColumnElement[bool]:
    box = area.box
    own = sa.and_(_e.latitude.is_not(None), _e.longitude.is_not(None))
    in_box = sa.and_(
        _e.latitude.between(box.lat_min, box.lat_max),
        _e.longitude.between(box.lon_min, box.lon_max),
    )
    keep, far = area.zips_inside, area.zips_outside
    by_zip = (
        sa.or_(_e.zip.is_(None), _e.zip.in_(list(keep)))
        if len(keep) <= len(far)
        else sa.or_(_e.zip.is_(None), _e.zip.not_in(list(far)))
    )
    return sa.or_(sa.and_(own, in_box), sa.and_(sa.not_(own), by_zip))


def _id_batches(
    connection: sa.Connection, column: sa.ColumnElement[int], ids: Collection[int]
) -> Iterator[sa.ColumnElement[bool]]:
    """Conditions "``column`` is one of ``ids``", values bound: on PostgreSQL one
    condition with every id as a single array parameter (``= ANY(:ids)``: one statement,
    parsed once, however many ids); elsewhere ``IN`` lists of :data:`_IN_CHUNK` ids."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql  # not loaded for SQLite (slow to import)

        array = sa.bindparam("ids", sorted(set(ids)), type_=postgresql.ARRAY(sa.Integer))
        yield column == sa.any_(array)
        return
    for chunk in chunks(ids, _IN_CHUNK):
        yield column.in_(chunk)


def hashable(raw: object) -> object:
    """A dict key for a raw column value (PostgreSQL hands JSON back as lists)."""
    return tuple(raw) if isinstance(raw, list) else raw


def distinct_job_types(uow: UnitOfWork) -> list[str]:
    """Every stored job type list, once each, as the JSON text :func:`read_employers` gives."""
    text = sa.cast(_e.job_types, sa.Text)
    return [str(v) for v in uow.session.execute(sa.select(text).distinct()).scalars()]


def count_kept(uow: UnitOfWork, where: EmployerFilter) -> int:
    """How many employers every filter of ``where`` keeps."""
    statement = sa.select(sa.func.count()).select_from(tables.employers)
    for _, condition in where.removed():
        statement = statement.where(sa.not_(condition))
    return int(uow.session.connection().scalar(statement) or 0)


def filter_counts(uow: UnitOfWork, where: EmployerFilter) -> tuple[dict[str, int], int]:
    """In one pass: how many employers each filter of ``where`` removed (each counted
    under the first that did; filters that removed none left out), and how many it kept."""
    removed = where.removed()
    # one aggregate row, no grouping: each filter counts the rows no earlier filter removed
    sums: list[sa.ColumnElement[Any]] = [sa.func.count()]
    earlier: list[sa.ColumnElement[bool]] = []
    for _, condition in removed:
        sums.append(sa.func.sum(sa.case((sa.and_(*earlier, condition), 1), else_=0)))
        earlier.append(sa.not_(condition))
    row = uow.session.connection().execute(sa.select(*sums).select_from(tables.employers)).one()
    total, counts = int(row[0]), {}
    for (name, _), count in zip(removed, row[1:], strict=True):
        if count:
            counts[name] = int(count)
    return counts, total - sum(counts.values())


_ZIPS_BY_SKIPPING = sa.text(
    "WITH RECURSIVE found(zip) AS ("
    " SELECT min(zip) FROM employers"
    " UNION ALL"
    " SELECT (SELECT min(e.zip) FROM employers e WHERE e.zip > found.zip)"
    " FROM found WHERE found.zip IS NOT NULL"
    ") SELECT zip FROM found WHERE zip IS NOT NULL"
)


def distinct_zips(uow: UnitOfWork) -> list[str]:
    """Every ZIP code stored on an employer, once each (in order on PostgreSQL)."""
    connection = uow.session.connection()
    if connection.dialect.name == "postgresql":
        # from one ZIP to the next along ix_employers_zip: a probe per ZIP (hundreds
        # statewide) where DISTINCT read all 150,000 employers on every job seeker's page
        return [str(z) for z in connection.execute(_ZIPS_BY_SKIPPING).scalars()]
    statement = sa.select(_e.zip).where(_e.zip.is_not(None)).distinct()
    return list(connection.execute(statement).scalars())


def do_not_contact_ids(uow: UnitOfWork) -> list[int]:
    """The ids of the employers marked do-not-contact."""
    # "= true", not "IS true": PostgreSQL uses ix_employers_do_not_contact only for "="
    statement = sa.select(_e.id).where(_e.do_not_contact == sa.true())
    return [int(row[0]) for row in fetch_tuples(uow.session, statement)]


def _employer_statement(
    where: EmployerFilter | None,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
    bound: ScoreBound | None = None,
    top: int | None = None,
) -> sa.Select[Any]:
    chosen = [
        column if columns is None or name == "id" or name in columns else sa.null().label(name)
        for name, column in zip(COLUMN_NAMES, _COLUMNS, strict=True)
    ]
    statement = sa.select(*chosen, *([_e.name_key] if with_name_key else []))
    for _, condition in where.removed() if where is not None else ():
        statement = statement.where(sa.not_(condition))
    if bound is not None:
        value = bound_expression(bound)
        if bound.at_least != float("-inf"):
            statement = statement.where(value >= bound.at_least)
        if top is not None:
            return statement.order_by(value.desc(), _e.id).limit(top)
    return statement.order_by(_e.id)


def read_employers(
    uow: UnitOfWork,
    where: EmployerFilter,
    *,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
    bound: ScoreBound | None = None,
    top: int | None = None,
    skip_kinds: Collection[tuple[str | None, str]] = (),
) -> list[tuple[Any, ...]]:
    """Rows of the employers ``where`` keeps, in id order, as raw tuples.

    Each row holds the columns of :data:`COLUMN_NAMES` undecoded (``name_key`` after them
    with ``with_name_key``); ``columns`` names those to read (``None``: all), the others
    come back as ``None`` in every row, so positions never change. With ``bound``, only
    employers whose bound reaches its ``at_least``; with ``top`` as well, the ``top``
    highest bounds (ties by id). Employers of a pair of industry and job types in
    ``skip_kinds`` (see :func:`distinct_kinds`) are left out.
    """
    statement = _employer_statement(where, with_name_key, columns, bound, top)
    if skip_kinds:
        statement = statement.where(sa.not_(_kind_skipped(skip_kinds)))
    rows = fetch_tuples(uow.session, statement)
    if top is not None:
        rows.sort(key=lambda row: row[0])
    return rows


def _in_region(region: Region) -> sa.ColumnElement[bool]:
    own = sa.and_(_e.latitude.is_not(None), _e.longitude.is_not(None))
    in_box = sa.or_(
        sa.false(),
        *[
            sa.and_(
                _e.latitude.between(box.lat_min, box.lat_max),
                _e.longitude.between(box.lon_min, box.lon_max),
            )
            for box in region.boxes
        ],
    )
    by_zip = sa.or_(_e.zip.is_(None), _e.zip.in_(list(region.zips)))
    return sa.or_(sa.and_(own, in_box), sa.and_(sa.not_(own), by_zip))


def read_region(
    uow: UnitOfWork,
    region: Region,
    *,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows (as :func:`read_employers` gives them) of the employers inside ``region``
    that are not do-not-contact, in id order."""
    statement = _employer_statement(EmployerFilter(), with_name_key, columns)
    return fetch_tuples(uow.session, statement.where(_in_region(region)))


def _kind_skipped(skip: Collection[tuple[str | None, str]]) -> sa.ColumnElement[bool]:
    """True for the employers whose pair of industry and job types is in ``skip``."""
    job_types = sa.cast(_e.job_types, sa.Text)
    by_industry: dict[str | None, list[str]] = {}
    for industry, jt in sorted(skip, key=lambda kind: (kind[0] or "", kind[1])):
        by_industry.setdefault(industry, []).append(jt)
    # one CASE on the industry, then one IN lookup: far quicker on SQLite than a row-value
    # IN list, and NULL-safe (an industry not listed is never skipped)
    whens = [
        (_e.industry.is_(None) if industry is None else _e.industry == industry, job_types.in_(jts))
        for industry, jts in by_industry.items()
    ]
    return sa.case(*whens, else_=sa.false()) if whens else sa.false()


def read_kinds_outside(
    uow: UnitOfWork,
    skip: Collection[tuple[str | None, str]],
    *,
    outside: Region | None = None,
    with_name_key: bool = False,
    columns: Collection[str] | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of the employers (not do-not-contact, outside ``outside`` when given) whose
    pair of industry and job types (as :func:`distinct_kinds` gives them) is not in
    ``skip``, in id order: one pass, one lookup a row."""
    statement = _employer_statement(EmployerFilter(), with_name_key, columns)
    statement = statement.where(sa.not_(_kind_skipped(skip)))
    if outside is not None:
        statement = statement.where(sa.not_(_in_region(outside)))
    return fetch_tuples(uow.session, statement)


def all_employer_rows(uow: UnitOfWork) -> list[tuple[Any, ...]]:
    """Every column of :data:`COLUMN_NAMES` for every employer, unfiltered, by the same
    path as :func:`read_employers`: the floor any ranking pays (benchmarks time it)."""
    return fetch_tuples(uow.session, _employer_statement(None))


def employer_rows(uow: UnitOfWork, ids: Collection[int]) -> dict[int, tuple[Any, ...]]:
    """Full rows (every column of :data:`COLUMN_NAMES`) of some employers, by id, with
    PostgreSQL's JSON lists made tuples."""
    out: dict[int, tuple[Any, ...]] = {}
    if not ids:
        return out
    connection = uow.session.connection()
    for condition in _id_batches(connection, _e.id, ids):
        statement = sa.select(*_COLUMNS).where(condition)
        for row in fetch_tuples(uow.session, statement):
            out[int(row[0])] = tuple(hashable(v) for v in row)
    return out


def count_removed(uow: UnitOfWork, where: EmployerFilter, kept: int) -> dict[str, int]:
    """How many employers each filter of ``where`` removed, each counted under the first
    that did (filters that removed none are left out).

    ``kept`` is how many rows the filtered read returned: the distance filter's count is
    what is left of the total (so the many rows it removes are never grouped).
    """
    removed = where.removed()
    counts: dict[str, int] = {}
    # the distance filter, when it is the last, is counted as what is left of the total
    last_is_distance = bool(removed) and removed[-1][0] == "distance_limit"
    others = removed[:-1] if last_is_distance else removed
    connection = uow.session.connection()
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


def relationship_facts(
    uow: UnitOfWork,
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
    connection = uow.session.connection()
    # the newest visit, undecoded: only its UTC date is wanted (SQLite stores UTC text)
    last_at = sa.type_coerce(sa.func.max(v.at), sa.String)
    if employer_ids is None:
        # grouping on an expression keeps SQLite from walking the (employer, at) index for
        # every employer: one pass over the table is far quicker for all of them
        group = (v.employer_id + 0).label("employer")
        statement = sa.select(group, sa.func.count(), last_at).where(*conditions)
        batches: Iterable[Any] = [connection.execute(statement.group_by(group))]
    elif not employer_ids:
        return out
    else:
        batches = (
            connection.execute(
                sa.select(v.employer_id, sa.func.count(), last_at)
                .where(*conditions, condition)
                .group_by(v.employer_id)
            )
            for condition in _id_batches(connection, v.employer_id, employer_ids)
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


def spread_facts(uow: UnitOfWork) -> dict[int, int]:
    """How many jobs the team's job seekers started at each employer (ended ones too)."""
    j = tables.job_starts.c
    statement = sa.select(j.employer_id, sa.func.count()).group_by(j.employer_id)
    return {int(e): int(n) for e, n in uow.session.connection().execute(statement)}


def job_start_count(uow: UnitOfWork, employer_id: int) -> int:
    """How many jobs the team's job seekers started at one employer (ended ones too)."""
    j = tables.job_starts.c
    statement = (
        sa.select(sa.func.count())
        .select_from(tables.job_starts)
        .where(j.employer_id == employer_id)
    )
    return int(uow.session.scalar(statement) or 0)


def employer_names(
    uow: UnitOfWork, ids: Collection[int], *, all_rows: bool = False
) -> dict[int, str]:
    """Employer names by id (for the rows a ranking shows or must order by name).

    ``all_rows`` reads every employer's name in one pass (cheaper for very many ids).
    """
    if all_rows:
        return dict(fetch_tuples(uow.session, sa.select(_e.id, _e.name)))
    connection = uow.session.connection()
    out: dict[int, str] = {}
    if not ids:
        return out
    for condition in _id_batches(connection, _e.id, ids):
        statement = sa.select(_e.id, _e.name).where(condition)
        out.update(fetch_tuples(uow.session, statement))
    return out
