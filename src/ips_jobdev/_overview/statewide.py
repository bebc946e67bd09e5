"""Figures across programs for a state reviewer: per program, counts only (specialists,
caseload, people working, employer contacts in the last 30 days, job starts in the last
90), never a job seeker's name or code.

Counts of people (caseload, working, job starts) from 1 to 4 are shown as "fewer than 5"
(:data:`SMALL_COUNT`), so a figure cannot single out a person; when that leaves exactly one
hidden cell in a column, the next smallest is hidden too, so the total cannot give it
back by subtraction, and a rate is hidden with its counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.statewide import program_counts

__all__ = [
    "CONTACT_DAYS",
    "JOB_DAYS",
    "PERSON_FIGURES",
    "SMALL_COUNT",
    "ProgramFigures",
    "StateOverview",
    "state_overview",
    "suppress_small_counts",
]

CONTACT_DAYS = 30
JOB_DAYS = 90
SMALL_COUNT = 5
"""Counts of people below this (and above 0) are not shown, only "fewer than 5"."""
PERSON_FIGURES = ("caseload", "working", "job_starts")
"""The figures that count people (job seekers), suppressed when small."""
FEWER = f"fewer than {SMALL_COUNT}"
HIDDEN = "hidden"


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
    hidden: Mapping[str, str] = attrs.field(factory=dict)
    """Figures not shown, each with what to show instead ("fewer than 5", or "hidden"
    when it is hidden so a small count elsewhere cannot be worked out); their values are
    0 here."""

    @property
    def employment_rate(self) -> float | None:
        """The share of the caseload working (``None``: nobody on the caseload, or a
        count hidden)."""
        if "working" in self.hidden or "caseload" in self.hidden:
            return None
        return self.working / self.caseload if self.caseload else None


@attrs.frozen(slots=True)
class StateOverview:
    """Every program's figures, and their totals."""

    programs: Sequence[ProgramFigures]
    total: ProgramFigures
    contact_days: int = CONTACT_DAYS
    job_days: int = JOB_DAYS


def state_overview(
    uow: UnitOfWork, *, now: dt.datetime, suppress_below: int | None = SMALL_COUNT
) -> StateOverview:
    """The figures of every program the unit of work can see (all of them when it is
    not scoped to one), small counts of people suppressed
    (:func:`suppress_small_counts`; ``suppress_below=None``: every count as it is)."""
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
                **dict[str, Any]({figure: counts[figure].get(pid, 0) for figure in counts}),
            )
        )
    total = ProgramFigures(
        code="",
        name="All programs",
        **dict[str, Any]({figure: sum(getattr(r, figure) for r in rows) for figure in counts}),
    )
    overview = StateOverview(programs=rows, total=total)
    if suppress_below is None:
        return overview
    return suppress_small_counts(overview, below=suppress_below)


def _small(value: int, below: int) -> bool:
    return 0 < value < below


def suppress_small_counts(overview: StateOverview, *, below: int = SMALL_COUNT) -> StateOverview:
    """``overview`` with every count of people from 1 to ``below - 1`` hidden ("fewer
    than 5"), and, where a column of programs then has exactly one hidden cell while its
    total shows, its next smallest cell hidden too ("hidden"): otherwise the total minus
    the others gives the small count back."""
    hidden: list[dict[str, str]] = [{} for _ in overview.programs]
    total_hidden: dict[str, str] = {}
    label = f"fewer than {below}"
    for figure in PERSON_FIGURES:
        values = [getattr(p, figure) for p in overview.programs]
        small = [i for i, v in enumerate(values) if _small(v, below)]
        for i in small:
            hidden[i][figure] = label
        if _small(getattr(overview.total, figure), below):
            total_hidden[figure] = label
        elif len(small) == 1:
            others = sorted((v, i) for i, v in enumerate(values) if i not in small and v > 0)
            if others:
                hidden[others[0][1]][figure] = HIDDEN
    programs = [_hide(p, h) for p, h in zip(overview.programs, hidden, strict=True)]
    return attrs.evolve(overview, programs=programs, total=_hide(overview.total, total_hidden))


def _hide(figures: ProgramFigures, hidden: dict[str, str]) -> ProgramFigures:
    zeros: dict[str, Any] = dict.fromkeys(hidden, 0)
    return attrs.evolve(figures, hidden=hidden, **zeros)
