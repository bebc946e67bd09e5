"""Read-side queries of the web app's pages and the calendar feed: plain values only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactBy, ContactMode, VisitPurpose, VisitStatus

__all__ = [
    "FeedFingerprint",
    "VisitFilter",
    "VisitRow",
    "feed_fingerprint",
    "recent_employer_ids",
    "seeker_codes_of_visits",
    "specialist_rows",
    "visit_rows_between",
    "visit_times",
    "visit_versions",
    "visits_rows_for_seeker",
]

_v = tables.visits.c
_e = tables.employers.c
_sp = tables.specialists.c


class VisitRow(NamedTuple):
    """A visit as a page lists it, as plain values: its employer's name and address
    columns, and the codes of the job seekers it was for (by code)."""

    id: int
    version: int
    employer_id: int
    employer_name: str
    street: str | None
    city: str | None
    state: str | None
    zip: str | None
    at: dt.datetime
    duration_minutes: int
    mode: ContactMode
    purpose: VisitPurpose
    status: VisitStatus
    specialist_id: int
    seeker_present: bool
    reason: str | None
    outcome: str | None
    next_step: str | None
    seekers: tuple[str, ...]


_ROW_COLUMNS = (
    *(_v.id, _v.version, _v.employer_id, _e.name, _e.street, _e.city, _e.state, _e.zip),
    *(_v.at, _v.duration_minutes, _v.mode, _v.purpose, _v.status, _v.specialist_id),
    *(_v.seeker_present, _v.reason, _v.outcome, _v.next_step),
)


def _visit_rows(uow: UnitOfWork, statement: sa.Select[Any]) -> list[VisitRow]:
    """The rows of ``statement`` (selecting :data:`_ROW_COLUMNS`) with each visit's job
    seekers' codes: two statements, where loading the records took six (the visits, their
    job seekers and those people's status histories, the employers and their people)."""
    rows = uow.session.execute(statement).all()
    codes = seeker_codes_of_visits(uow, [row[0] for row in rows])
    return [VisitRow._make((*row, tuple(codes.get(row[0], ())))) for row in rows]


def seeker_codes_of_visits(uow: UnitOfWork, visit_ids: Iterable[int]) -> dict[int, list[str]]:
    """The codes of each visit's job seekers, in code order (a visit for nobody is left
    out)."""
    vs, js = tables.visit_seekers.c, tables.job_seekers.c
    out: dict[int, list[str]] = {}
    for chunk in chunks(visit_ids):
        statement = (
            sa.select(vs.visit_id, js.code)
            .join(tables.job_seekers, js.id == vs.seeker_id)
            .where(vs.visit_id.in_(chunk))
            .order_by(vs.visit_id, js.code)
        )
        for visit_id, code in uow.session.execute(statement):
            out.setdefault(int(visit_id), []).append(code)
    return out


def visit_rows_between(
    uow: UnitOfWork,
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    specialist_id: int,
    status: VisitStatus | None = None,
    limit: int | None = None,
) -> list[VisitRow]:
    """A specialist's visits with ``start <= at < end`` (``end`` optional), oldest first
    (of one ``status`` when given; the first ``limit`` when given)."""
    statement = (
        sa.select(*_ROW_COLUMNS)
        .join(tables.employers, _e.id == _v.employer_id)
        .where(_v.specialist_id == specialist_id, _v.at >= start)
        .order_by(_v.at, _v.id)
    )
    if end is not None:
        statement = statement.where(_v.at < end)
    if status is not None:
        statement = statement.where(_v.status == status)
    if limit is not None:
        statement = statement.limit(limit)
    return _visit_rows(uow, statement)


def visits_rows_for_seeker(uow: UnitOfWork, seeker_id: int, limit: int) -> list[VisitRow]:
    """The ``limit`` latest visits made or planned on behalf of one job seeker, newest
    first."""
    vs = tables.visit_seekers.c
    statement = (
        sa.select(*_ROW_COLUMNS)
        .join(tables.employers, _e.id == _v.employer_id)
        .join(tables.visit_seekers, vs.visit_id == _v.id)
        .where(vs.seeker_id == seeker_id)
        .order_by(_v.at.desc(), _v.id.desc())
        .limit(limit)
    )
    return _visit_rows(uow, statement)


def specialist_rows(uow: UnitOfWork) -> list[tuple[int, str, str, str, bool, int]]:
    """``(id, code, name, timezone, active, weekly_contact_target)`` of every specialist,
    by code: what a page's header names them by (every page asks; the records, with
    their employment periods and leaves, are not loaded for it)."""
    statement = sa.select(
        _sp.id, _sp.code, _sp.name, _sp.timezone, _sp.active, _sp.weekly_contact_target
    ).order_by(_sp.code)
    return [
        (int(i), str(code), str(name), str(zone), bool(active), int(target))
        for i, code, name, zone, active, target in uow.session.execute(statement)
    ]


def recent_employer_ids(uow: UnitOfWork, specialist_id: int, *, limit: int) -> list[int]:
    """The employers a specialist contacted (visits made) most recently, latest first."""
    last = sa.func.max(_v.at)
    statement = (
        sa.select(_v.employer_id)
        .where(_v.specialist_id == specialist_id, _v.status == VisitStatus.DONE)
        .group_by(_v.employer_id)
        .order_by(last.desc(), _v.employer_id)
        .limit(limit)
    )
    return [int(i) for i in uow.session.scalars(statement)]


def visit_versions(uow: UnitOfWork, visit_ids: Iterable[int]) -> dict[int, int]:
    """Each visit's version counter (how many times it was saved), by id."""
    out: dict[int, int] = {}
    for chunk in chunks(visit_ids):
        for visit_id, version in uow.session.execute(
            sa.select(_v.id, _v.version).where(_v.id.in_(chunk))
        ):
            out[int(visit_id)] = int(version)
    return out


@attrs.frozen
class FeedFingerprint:
    """What a calendar feed's content depends on, read in one query: when it changes, the
    feed changes."""

    visits: int
    version_sum: int
    last_visit_change: dt.datetime | None
    last_employer_change: dt.datetime | None
    specialist_version: int


def feed_fingerprint(uow: UnitOfWork, specialist_id: int, *, since: dt.datetime) -> FeedFingerprint:
    """The fingerprint of a specialist's visits at or after ``since`` (and of the
    employers visited), for cheap ``ETag``/``Last-Modified`` answers."""
    in_feed = [_v.specialist_id == specialist_id, _v.at >= since]
    row = uow.session.execute(
        sa.select(sa.func.count(_v.id), sa.func.sum(_v.version), sa.func.max(_v.updated_at)).where(
            *in_feed
        )
    ).one()
    employers = sa.select(_v.employer_id).where(*in_feed).distinct()
    employer_change = uow.session.scalar(
        sa.select(sa.func.max(_e.updated_at)).where(_e.id.in_(employers))
    )
    version = uow.session.scalar(sa.select(_sp.version).where(_sp.id == specialist_id))
    return FeedFingerprint(
        visits=int(row[0] or 0),
        version_sum=int(row[1] or 0),
        last_visit_change=_aware(row[2]),
        last_employer_change=_aware(employer_change),
        specialist_version=int(version or 0),
    )


def _aware(value: object) -> dt.datetime | None:
    # aggregates over a UTC column come back as text or naive values on SQLite
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


@attrs.frozen
class VisitFilter:
    """Which visits a count or a list covers: a time span, whose, what kind."""

    start: dt.datetime
    end: dt.datetime
    specialist_ids: Collection[int] | None = None
    statuses: Collection[VisitStatus] = (VisitStatus.DONE,)
    modes: Collection[ContactMode] | None = None
    excluded_purposes: Collection[VisitPurpose] = ()
    made_by: Collection[ContactBy] | None = None
    """Who made the contact (``None``: anyone; the specialists' figures count only their
    own, never a job seeker's contact made alone)."""

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        """The WHERE conditions on the visits table."""
        out = [_v.at >= self.start, _v.at < self.end, _v.status.in_(list(self.statuses))]
        if self.made_by is not None:
            out.append(_v.made_by.in_(list(self.made_by)))
        if self.specialist_ids is not None:
            out.append(_v.specialist_id.in_(sorted(self.specialist_ids)))
        if self.modes is not None:
            out.append(_v.mode.in_(list(self.modes)))
        if self.excluded_purposes:
            out.append(_v.purpose.not_in(list(self.excluded_purposes)))
        return out


def visit_times(uow: UnitOfWork, selection: VisitFilter) -> list[dt.datetime]:
    """When each visit the filter selects happened (UTC), oldest first."""
    statement = sa.select(_v.at).where(*selection.conditions()).order_by(_v.at)
    return list(uow.session.scalars(statement))
