"""Figures across programs for a state reviewer: per program, counts only (specialists,
caseload, people working, employer contacts in the last 30 days, job starts in the last
90), never a job seeker's name or code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.statewide import program_counts

__all__ = ["CONTACT_DAYS", "JOB_DAYS", "ProgramFigures", "StateOverview", "state_overview"]

CONTACT_DAYS = 30
JOB_DAYS = 90


@attrs.frozen(slots=True)
class ProgramFigures:
    """One program's figures."""

    code: str
    name: str
    specialists: int
    caseload: int
    working: int
    contacts: int
    job_starts: int

    @property
    def employment_rate(self) -> float | None:
        """The share of the caseload working (``None``: nobody on the caseload)."""
        return self.working / self.caseload if self.caseload else None


@attrs.frozen(slots=True)
class StateOverview:
    """Every program's figures, and their totals."""

    programs: Sequence[ProgramFigures]
    total: ProgramFigures
    contact_days: int = CONTACT_DAYS
    job_days: int = JOB_DAYS


def state_overview(uow: UnitOfWork, *, now: dt.datetime) -> StateOverview:
    """The figures of every program the unit of work can see (all of them when it is
    not scoped to one)."""
    counts = program_counts(
        uow,
        visits_since=now - dt.timedelta(days=CONTACT_DAYS),
        jobs_since=now.date() - dt.timedelta(days=JOB_DAYS),
    )
    rows = []
    for program in uow.programs.list():
        assert program.id is not None
        pid = program.id
        rows.append(
            ProgramFigures(
                code=program.code,
                name=program.name,
                **{figure: counts[figure].get(pid, 0) for figure in counts},
            )
        )
    total = ProgramFigures(
        code="",
        name="All programs",
        **{figure: sum(getattr(r, figure) for r in rows) for figure in counts},
    )
    return StateOverview(programs=rows, total=total)
