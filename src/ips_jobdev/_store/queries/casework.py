"""Read-side queries of the casework: caseload sizes, planned visits, last contacts, names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import JobSeekerStatus, VisitStatus

__all__ = ["caseload_sizes", "employer_names", "last_contacts", "planned_visit_count"]


def caseload_sizes(uow: UnitOfWork) -> dict[int, int]:
    """Job seekers on the caseload (not closed) per specialist id, counted in SQL."""
    c = tables.job_seekers.c
    rows = uow.session.execute(
        sa.select(c.specialist_id, sa.func.count())
        .where(c.specialist_id.is_not(None), c.status != JobSeekerStatus.CLOSED)
        .group_by(c.specialist_id)
    )
    return {int(specialist_id): int(count) for specialist_id, count in rows}


def planned_visit_count(uow: UnitOfWork, specialist_id: int, *, from_: dt.datetime) -> int:
    """How many visits the specialist has planned at or after ``from_``."""
    c = tables.visits.c
    statement = sa.select(sa.func.count()).where(
        c.specialist_id == specialist_id, c.status == VisitStatus.PLANNED, c.at >= from_
    )
    return int(uow.session.scalar(statement) or 0)


def last_contacts(uow: UnitOfWork, employer_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each employer was last contacted (visits made only), a query per 500 employers;
    employers never contacted are left out."""
    c = tables.visits.c
    out: dict[int, dt.datetime] = {}
    for chunk in chunks(employer_ids):
        statement = (
            sa.select(c.employer_id, sa.func.max(c.at))
            .where(c.employer_id.in_(chunk), c.status == VisitStatus.DONE)
            .group_by(c.employer_id)
        )
        # max() keeps the column's type, so the times come back timezone-aware (UTC)
        for employer_id, at in uow.session.execute(statement):
            out[employer_id] = at
    return out


def employer_names(uow: UnitOfWork, employer_ids: Iterable[int]) -> dict[int, str]:
    """Employers' names by id, a query per 500."""
    c = tables.employers.c
    names: dict[int, str] = {}
    for chunk in chunks(employer_ids):
        for record_id, name in uow.session.execute(sa.select(c.id, c.name).where(c.id.in_(chunk))):
            names[record_id] = name
    return names
