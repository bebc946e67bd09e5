"""Figures per program for state reviewers: counts only, never a row about a person.

Run in a unit of work that is not scoped to a program (the app's state-reviewer page);
a scoped one sees, and counts, its own program only.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._vocab import JobSeekerStatus, VisitStatus

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["program_counts"]


def _by_program(uow: UnitOfWork, statement: sa.Select[Any]) -> dict[int, int]:
    return {int(row[0]): int(row[1]) for row in uow.session.execute(statement)}


def program_counts(
    uow: UnitOfWork, *, visits_since: dt.datetime, jobs_since: dt.date
) -> dict[str, dict[int, int]]:
    """Per figure (``specialists``, ``caseload``, ``working``, ``contacts``,
    ``job_starts``), the count per program id."""
    s, js, v, j = tables.specialists.c, tables.job_seekers.c, tables.visits.c, tables.job_starts.c
    count = sa.func.count()
    return {
        "specialists": _by_program(
            uow, sa.select(s.program_id, count).where(s.active.is_(True)).group_by(s.program_id)
        ),
        "caseload": _by_program(
            uow,
            sa.select(js.program_id, count)
            .where(js.status != JobSeekerStatus.CLOSED)
            .group_by(js.program_id),
        ),
        "working": _by_program(
            uow,
            sa.select(js.program_id, count)
            .where(js.status == JobSeekerStatus.WORKING)
            .group_by(js.program_id),
        ),
        "contacts": _by_program(
            uow,
            sa.select(v.program_id, count)
            .where(v.status == VisitStatus.DONE, v.at >= visits_since)
            .group_by(v.program_id),
        ),
        "job_starts": _by_program(
            uow,
            sa.select(j.program_id, count).where(j.start_date >= jobs_since).group_by(j.program_id),
        ),
    }
