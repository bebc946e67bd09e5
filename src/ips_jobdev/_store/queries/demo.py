"""What the demo reads back: whether the demo county is there, and its summary figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, OpeningStatus, VisitStatus

__all__ = [
    "caseload_rows",
    "employer_with_external_id_prefix",
    "held_counts",
    "last_visited_employer_ids",
    "record_counts",
    "waiting_rows",
]


def employer_with_external_id_prefix(uow: UnitOfWork, prefix: str) -> bool:
    """True when some employer's external id starts with ``prefix``."""
    e = tables.employers.c
    statement = sa.select(e.id).where(e.external_id.startswith(prefix)).limit(1)
    return uow.session.scalar(statement) is not None


def _count(uow: UnitOfWork, table: sa.Table, *where: Any) -> int:
    return int(uow.session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)) or 0)


def held_counts(uow: UnitOfWork) -> dict[str, int]:
    """How many specialists, job seekers, employers and visits (of any status) are stored."""
    return {
        "specialists": _count(uow, tables.specialists),
        "job seekers": _count(uow, tables.job_seekers),
        "employers": _count(uow, tables.employers),
        "visits": _count(uow, tables.visits),
    }


def record_counts(uow: UnitOfWork) -> dict[str, int]:
    """The figures the demo summary shows, each counted in SQL."""
    e, js, v = tables.employers.c, tables.job_seekers.c, tables.visits.c
    done = v.status == VisitStatus.DONE
    zips = uow.session.scalar(sa.select(sa.func.count(sa.distinct(e.zip))))
    openings, starts = tables.job_openings, tables.job_starts
    return {
        "specialists": _count(uow, tables.specialists),
        "job_seekers": _count(uow, tables.job_seekers),
        "on_caseload": _count(uow, tables.job_seekers, js.status != JobSeekerStatus.CLOSED),
        "working": _count(uow, tables.job_seekers, js.status == JobSeekerStatus.WORKING),
        "employers": _count(uow, tables.employers),
        "zip_codes": int(zips or 0),
        "do_not_contact": _count(uow, tables.employers, e.do_not_contact.is_(True)),
        "employer_people": _count(uow, tables.employer_people),
        "visits_done": _count(uow, tables.visits, done),
        "face_to_face_done": _count(uow, tables.visits, done, v.mode == ContactMode.IN_PERSON),
        "visits_planned": _count(uow, tables.visits, v.status == VisitStatus.PLANNED),
        "openings_open": _count(uow, openings, openings.c.status == OpeningStatus.OPEN),
        "job_starts": _count(uow, starts),
        "jobs_ended": _count(uow, starts, starts.c.end_date.is_not(None)),
        "fit_notes": _count(uow, tables.job_fit_notes),
    }


def caseload_rows(uow: UnitOfWork) -> list[tuple[str, str, int]]:
    """(code, name, job seekers on the caseload) of every specialist, by code."""
    s, js = tables.specialists.c, tables.job_seekers.c
    on_caseload = sa.func.count(js.id).filter(js.status != JobSeekerStatus.CLOSED)
    rows = uow.session.execute(
        sa.select(s.code, s.name, on_caseload)
        .select_from(tables.specialists.outerjoin(tables.job_seekers, js.specialist_id == s.id))
        .group_by(s.id, s.code, s.name)
        .order_by(s.code)
    )
    return [(code, name, int(count)) for code, name, count in rows]


def last_visited_employer_ids(uow: UnitOfWork, limit: int) -> list[int]:
    """The employers with the most recent visits made, most recent first."""
    v = tables.visits.c
    last = sa.func.max(v.at).label("last")
    statement = (
        sa.select(v.employer_id, last)
        .where(v.status == VisitStatus.DONE)
        .group_by(v.employer_id)
        .order_by(last.desc(), v.employer_id)
        .limit(limit)
    )
    return list(uow.session.execute(statement).scalars())


def waiting_rows(
    uow: UnitOfWork,
) -> list[tuple[str, str | None, dt.date | None, dt.datetime | None]]:
    """Job seekers on a caseload with no face-to-face employer contact made yet:
    (code, specialist's code, IPS start, next planned contact), by IPS start."""
    v, vs, js, s = (
        tables.visits.c,
        tables.visit_seekers.c,
        tables.job_seekers.c,
        tables.specialists.c,
    )
    contacted = (
        sa.select(vs.seeker_id)
        .join(tables.visits, v.id == vs.visit_id)
        .where(v.status == VisitStatus.DONE, v.mode == ContactMode.IN_PERSON)
    )
    planned = (
        sa.select(vs.seeker_id, sa.func.min(v.at).label("next_at"))
        .join(tables.visits, v.id == vs.visit_id)
        .where(v.status == VisitStatus.PLANNED)
        .group_by(vs.seeker_id)
        .subquery()
    )
    rows = uow.session.execute(
        sa.select(js.code, s.code, js.ips_start, planned.c.next_at)
        .select_from(
            tables.job_seekers.outerjoin(tables.specialists, s.id == js.specialist_id).outerjoin(
                planned, planned.c.seeker_id == js.id
            )
        )
        .where(js.status != JobSeekerStatus.CLOSED, js.id.not_in(contacted))
        .order_by(js.ips_start, js.code)
    )
    return [(code, specialist, start, next_at) for code, specialist, start, next_at in rows]
