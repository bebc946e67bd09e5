"""Job seekers in the browser: a specialist's caseload, and one person's page (their
preferences, the employers ranked for them with every reason, the 30-day clock, fit
notes, jobs)."""

from __future__ import annotations

import datetime as dt

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._overview.common import Team, VisitLine, local_now, team, visit_lines_of_rows
from ips_jobdev._overview.employers import FitNoteLine, fit_note_lines
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import casework as casework_queries
from ips_jobdev._store.queries import overview as overview_queries
from ips_jobdev.cycles import DEFAULT_POLICY, RapidSearchState
from ips_jobdev.cycles._due import seeker_states
from ips_jobdev.matching import MatchConfig, MatchList, rank_employers

__all__ = [
    "CaseloadPage",
    "CaseloadRow",
    "JobLine",
    "SeekerPage",
    "caseload_overview",
    "seeker_overview",
]


@attrs.frozen
class CaseloadRow:
    """A job seeker on the caseload and where they stand with the 30-day rule."""

    code: str
    name: str | None
    status: str
    ips_start: dt.date | None
    rapid: RapidSearchState


@attrs.frozen
class CaseloadPage:
    """The specialist's caseload, by code."""

    team: Team
    on: dt.date
    rows: list[CaseloadRow]


def caseload_overview(
    uow: UnitOfWork, specialist: str | None = None, *, now: dt.datetime | None = None
) -> CaseloadPage:
    """The job seekers on ``specialist``'s caseload (everyone not closed), each with the
    30-day rapid job search clock.

    Raises:
        NotFoundError: no specialist with this code.
    """
    crew = team(uow, specialist)
    day = local_now(now, crew.zone).date()
    if crew.chosen is None:
        return CaseloadPage(crew, day, [])
    seekers = list(uow.seekers.on_caseload(crew.chosen.id))
    states = seeker_states(uow, seekers, on=day, zone=crew.chosen.timezone, policy=DEFAULT_POLICY)
    rows = [
        CaseloadRow(s.code, s.name, s.status.value, s.ips_start, state)
        for s, state in zip(seekers, states, strict=True)
    ]
    return CaseloadPage(crew, day, rows)


@attrs.frozen
class JobLine:
    """A job start as a page lists it."""

    id: int
    employer_id: int
    employer_name: str
    title: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None
    hours_per_week: float | None
    wage: str | None
    competitive: bool


NEARBY_FACTOR = 2.0
"""With no distance limit of their own, a job seeker's page first ranks the employers within
twice the usual distance for how they travel (50 miles by car); every employer, however
far, on request."""


@attrs.frozen
class SeekerPage:
    """Everything the job seeker page shows. ``nearby_miles`` is set when the ranking was
    kept to nearby employers because the person states no distance limit."""

    team: Team
    seeker: model.JobSeeker
    specialist_name: str | None
    matches: MatchList
    rapid: RapidSearchState
    notes: list[FitNoteLine]
    jobs: list[JobLine]
    visits: list[VisitLine]
    on: dt.date
    nearby_miles: float | None = None


def seeker_overview(
    uow: UnitOfWork,
    code: str,
    specialist: str | None = None,
    *,
    now: dt.datetime | None = None,
    limit: int = 20,
    visits_limit: int = 10,
    every_employer: bool = False,
) -> SeekerPage:
    """One job seeker's page: the ``limit`` best-matched employers with each factor's
    reason, the 30-day clock, fit notes, jobs and the latest visits made for them.

    A person who states no distance limit gets the employers within twice the usual
    distance for how they travel (:data:`NEARBY_FACTOR`; ranking every employer in a
    state takes a second), and ``nearby_miles`` says so; ``every_employer`` ranks them
    all.

    Raises:
        NotFoundError: no job seeker with this code, or no specialist with this code.
    """
    crew = team(uow, specialist)
    seeker = lookup.seeker(uow, code)
    assert seeker.id is not None
    owner = uow.specialists.find(seeker.specialist_id) if seeker.specialist_id else None
    zone = owner.zone if owner is not None else crew.zone
    day = local_now(now, zone).date()
    nearby: float | None = None
    prefs = seeker.preferences
    if not every_employer and prefs.max_miles is None and prefs.home_zip:
        nearby = NEARBY_FACTOR * MatchConfig().usual_miles_for(prefs.transport)
    # the page shows how many employers were considered, not what each filter removed
    matches = rank_employers(
        uow, seeker, limit=limit, as_of=day, max_miles=nearby, count_filtered=False
    )
    rapid = seeker_states(uow, [seeker], on=day, zone=str(zone), policy=DEFAULT_POLICY)[0]
    notes = fit_note_lines(uow, list(uow.fit_notes.for_seeker(seeker.id)), zone)
    starts = list(uow.job_starts.for_seeker(seeker.id))
    names = casework_queries.employer_names(uow, (j.employer_id for j in starts))
    jobs = [
        JobLine(
            id=j.id or 0,
            employer_id=j.employer_id,
            employer_name=names.get(j.employer_id, ""),
            title=j.title,
            start_date=j.start_date,
            end_date=j.end_date,
            end_reason=j.end_reason.value if j.end_reason else None,
            hours_per_week=j.hours_per_week,
            wage=str(j.wage) if j.wage is not None else None,
            competitive=j.competitive,
        )
        for j in reversed(starts)
    ]
    visits = overview_queries.visits_rows_for_seeker(uow, seeker.id, visits_limit)
    return SeekerPage(
        team=crew,
        seeker=seeker,
        specialist_name=f"{owner.name} ({owner.code})" if owner else None,
        matches=matches,
        rapid=rapid,
        notes=notes,
        jobs=jobs,
        visits=visit_lines_of_rows(visits, zone, specialists=crew.everyone),
        on=day,
        nearby_miles=nearby,
    )
