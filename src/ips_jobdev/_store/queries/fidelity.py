"""Read-side queries of the fidelity report: each a GROUP BY over the record, returning
counts. The report (``ips_jobdev._reports.fidelity``) rates them on the fidelity scale.

Every query takes the specialists in scope as ``specialist_ids`` (``None`` for everyone)
and the period as plain dates and UTC bounds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.queries._reporting import (
    days_between,
    face_to_face,
    in_scope,
    local_day,
    on_caseload,
)
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitPurpose, VisitStatus

__all__ = [
    "CaseloadCount",
    "EmployerVisitCounts",
    "FirstContactCounts",
    "JobStartCounts",
    "caseload_counts",
    "employer_visit_counts",
    "face_to_face_contacts",
    "first_contact_counts",
    "job_start_counts",
]

_v = tables.visits.c
_vs = tables.visit_seekers.c
_js = tables.job_seekers.c
_jst = tables.job_starts.c


def face_to_face_contacts(
    uow: UnitOfWork,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    specialist_ids: Collection[int] | None,
    excluded_purposes: Collection[VisitPurpose] = (),
) -> dict[int, int]:
    """Face-to-face employer contacts made from ``start_at`` to ``end_at`` per specialist
    id, leaving out visits for ``excluded_purposes``."""
    statement = (
        sa.select(_v.specialist_id, sa.func.count())
        .where(
            *face_to_face(start_at, end_at),
            _v.purpose.not_in(list(excluded_purposes)),
            *in_scope(_v.specialist_id, specialist_ids),
        )
        .group_by(_v.specialist_id)
    )
    return {row[0]: int(row[1]) for row in uow.session.execute(statement)}


@attrs.frozen
class CaseloadCount:
    """A specialist's caseload on the last day of a period, and those on it looking for
    work (status searching)."""

    on_caseload: int
    searching: int


def caseload_counts(
    uow: UnitOfWork, *, end: dt.date, specialist_ids: Collection[int] | None
) -> dict[int, CaseloadCount]:
    """The caseload on day ``end`` per specialist id (specialists with none left out)."""
    searching = sa.case((_js.status == JobSeekerStatus.SEARCHING, 1), else_=0)
    statement = (
        sa.select(_js.specialist_id, sa.func.count(), sa.func.sum(searching))
        .where(*on_caseload(end), *in_scope(_js.specialist_id, specialist_ids))
        .group_by(_js.specialist_id)
    )
    return {
        row[0]: CaseloadCount(on_caseload=int(row[1]), searching=int(row[2] or 0))
        for row in uow.session.execute(statement)
    }


@attrs.frozen
class FirstContactCounts:
    """Job seekers whose IPS start falls in a period, and their first face-to-face
    employer contacts (see :func:`first_contact_counts`)."""

    entered: int
    with_contact: int
    within: int
    judged: int
    waiting: int
    average_days: float | None


def first_contact_counts(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    end_at: dt.datetime,
    offset_seconds: int,
    specialist_ids: Collection[int] | None,
    within_days: int,
) -> FirstContactCounts:
    """For the job seekers in scope whose IPS start is from ``start`` to ``end``: how many
    there are (``entered``), how many had a face-to-face employer contact made for them
    before ``end_at`` (``with_contact``), how many within ``within_days`` of IPS start
    (``within``), how many had a contact or whose ``within_days`` ran out by ``end``
    (``judged``), how many ran out with no contact (``waiting``), and the average days to
    the first contact (dates at UTC offset ``offset_seconds``; a contact before IPS start
    counts as day 0)."""
    cohort = [
        _js.ips_start >= start,
        _js.ips_start <= end,
        *in_scope(_js.specialist_id, specialist_ids),
    ]
    firsts = (
        sa.select(_vs.seeker_id.label("seeker_id"), sa.func.min(_v.at).label("first_at"))
        .join(tables.visits, _v.id == _vs.visit_id)
        .where(
            _v.status == VisitStatus.DONE,
            _v.mode == ContactMode.IN_PERSON,
            _v.at < end_at,
            _vs.seeker_id.in_(sa.select(_js.id).where(*cohort)),
        )
        .group_by(_vs.seeker_id)
        .subquery()
    )
    raw_days = days_between(local_day(firsts.c.first_at, offset_seconds), _js.ips_start)
    days = sa.case((raw_days < 0, 0), else_=raw_days)
    contacted = firsts.c.first_at.is_not(None)
    ran_out = _js.ips_start <= end - dt.timedelta(days=within_days)
    one = sa.literal(1)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_js.id),
            sa.func.count(firsts.c.first_at),
            sa.func.sum(sa.case((sa.and_(contacted, days <= within_days), one), else_=0)),
            sa.func.sum(sa.case((sa.or_(contacted, ran_out), one), else_=0)),
            sa.func.sum(sa.case((sa.and_(sa.not_(contacted), ran_out), one), else_=0)),
            sa.func.avg(sa.case((contacted, days), else_=None)),
        )
        .select_from(tables.job_seekers.outerjoin(firsts, firsts.c.seeker_id == _js.id))
        .where(*cohort)
    ).one()
    return FirstContactCounts(
        entered=int(row[0] or 0),
        with_contact=int(row[1] or 0),
        within=int(row[2] or 0),
        judged=int(row[3] or 0),
        waiting=int(row[4] or 0),
        average_days=float(row[5]) if row[5] is not None else None,
    )


@attrs.frozen
class JobStartCounts:
    """Job starts in a period: how many, their different employers, how many record a
    job type and how many different types, how many are competitive."""

    starts: int
    employers: int
    typed: int
    types: int
    competitive: int


def job_start_counts(
    uow: UnitOfWork, *, start: dt.date, end: dt.date, specialist_ids: Collection[int] | None
) -> JobStartCounts:
    """Counts of the job starts dated ``start`` to ``end`` of the job seekers in scope."""
    competitive = sa.case((_jst.competitive.is_(True), 1), else_=0)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_jst.id),
            sa.func.count(sa.distinct(_jst.employer_id)),
            sa.func.count(_jst.job_type),
            sa.func.count(sa.distinct(_jst.job_type)),
            sa.func.sum(competitive),
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(
            _jst.start_date >= start,
            _jst.start_date <= end,
            *in_scope(_js.specialist_id, specialist_ids),
        )
    ).one()
    starts, employers, typed, types, competitive_starts = (int(x or 0) for x in row)
    return JobStartCounts(
        starts=starts, employers=employers, typed=typed, types=types, competitive=competitive_starts
    )


@attrs.frozen
class EmployerVisitCounts:
    """Employers visited face-to-face in a period: how many, how many at least
    ``repeated_from`` times, the visits, and the visits by purpose (in purpose order)."""

    employers: int
    repeated: int
    visits: int
    by_purpose: dict[VisitPurpose, int]


def employer_visit_counts(
    uow: UnitOfWork,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    specialist_ids: Collection[int] | None,
    repeated_from: int,
) -> EmployerVisitCounts:
    """The face-to-face visits made by the specialists in scope from ``start_at`` to
    ``end_at``, counted per employer and per purpose."""
    made = [*face_to_face(start_at, end_at), *in_scope(_v.specialist_id, specialist_ids)]
    per_employer = (
        sa.select(_v.employer_id, sa.func.count().label("visits"))
        .where(*made)
        .group_by(_v.employer_id)
        .subquery()
    )
    row = uow.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((per_employer.c.visits >= repeated_from, 1), else_=0)),
            sa.func.sum(per_employer.c.visits),
        ).select_from(per_employer)
    ).one()
    employers, repeated, visits = (int(x or 0) for x in row)
    by_purpose = uow.session.execute(
        sa.select(_v.purpose, sa.func.count())
        .where(*made)
        .group_by(_v.purpose)
        .order_by(_v.purpose)
    )
    return EmployerVisitCounts(
        employers=employers,
        repeated=repeated,
        visits=visits,
        by_purpose={purpose: int(count) for purpose, count in by_purpose},
    )
