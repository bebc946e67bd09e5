"""Read-side queries of the web app's pages and the calendar feed: plain values only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactBy, ContactMode, VisitPurpose, VisitStatus

__all__ = [
    "FeedFingerprint",
    "VisitFilter",
    "feed_fingerprint",
    "recent_employer_ids",
    "specialist_rows",
    "visit_times",
    "visit_versions",
]

_v = tables.visits.c
_e = tables.employers.c
_sp = tables.specialists.c


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
