"""Employers in the browser: a search, and one employer's page (where the relationship
stands, the people there, the history, the job seekers it fits, fit notes, openings)."""

from __future__ import annotations

import datetime as dt

import attrs

from ips_jobdev import _model as model
from ips_jobdev._casework.visits import last_contacts
from ips_jobdev._overview.common import Team, VisitLine, local_now, team, visit_lines
from ips_jobdev._planning.coordination import ProgramNote, other_programs_at
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import casework as casework_queries
from ips_jobdev._store.queries import overview as queries
from ips_jobdev.cycles import DEFAULT_POLICY, EmployerCycleState
from ips_jobdev.cycles._due import relationship_states
from ips_jobdev.matching import ACTIVE_STATUSES, FactorScore, explain_match

__all__ = [
    "EmployerPage",
    "EmployerRow",
    "EmployerSearch",
    "FitNoteLine",
    "SeekerFit",
    "employer_overview",
    "find_employers",
]


@attrs.frozen
class EmployerRow:
    """An employer in a list: enough to recognise it and to see when it was last visited."""

    id: int
    name: str
    address: str
    industry: str | None
    do_not_contact: bool
    last_contact: dt.date | None


@attrs.frozen
class EmployerSearch:
    """Employers whose name contains ``text`` (or, with no text, the ones the specialist
    visited most recently); ``more`` when the list was cut at the limit."""

    team: Team
    text: str
    rows: list[EmployerRow]
    more: bool


def find_employers(
    uow: UnitOfWork,
    text: str = "",
    specialist: str | None = None,
    *,
    limit: int = 30,
) -> EmployerSearch:
    """Search employers by name (any part of it, any case), or list the specialist's
    most recently visited employers when ``text`` is empty."""
    crew = team(uow, specialist)
    zone = crew.zone
    query = " ".join(text.split())
    if query:
        found = list(uow.employers.search(text=query, limit=limit + 1))
    elif crew.chosen is not None:
        ids = queries.recent_employer_ids(uow, crew.chosen.id, limit=limit)
        by_id = uow.employers.by_ids(ids)
        found = [by_id[i] for i in ids if i in by_id]
    else:
        found = []
    more = len(found) > limit
    found = found[:limit]
    lasts = last_contacts(uow, (e.id for e in found if e.id is not None))
    rows = [
        EmployerRow(
            id=e.id,
            name=e.name,
            address=e.address,
            industry=e.industry,
            do_not_contact=e.do_not_contact,
            last_contact=lasts[e.id].astimezone(zone).date() if e.id in lasts else None,
        )
        for e in found
        if e.id is not None
    ]
    return EmployerSearch(crew, query, rows, more)


@attrs.frozen
class SeekerFit:
    """A job seeker on the caseload and how well this employer fits them: the score and
    the factors that count most, each with the matcher's reason."""

    code: str
    name: str
    score: float
    parts: list[FactorScore]
    filtered_by: str | None


@attrs.frozen
class FitNoteLine:
    """A job-fit note as a page lists it."""

    id: int
    seeker_code: str
    employer_id: int
    employer_name: str
    written_at: dt.datetime
    overall: str
    text: str | None
    ratings: dict[str, tuple[str, str | None]]


@attrs.frozen
class EmployerPage:
    """Everything the employer page shows."""

    team: Team
    employer: model.Employer
    state: EmployerCycleState
    history: list[VisitLine]
    fits: list[SeekerFit]
    notes: list[FitNoteLine]
    openings: list[model.JobOpening]
    on: dt.date
    other_programs: list[ProgramNote] = attrs.field(factory=list)
    """Other programs' visits here in the 30 days before or after today (their program and
    contact person, never their job seekers): a warning to coordinate before going."""


def fit_note_lines(
    uow: UnitOfWork, notes: list[model.JobFitNote], zone: dt.tzinfo
) -> list[FitNoteLine]:
    """Fit notes with the job seeker's code and the employer's name, newest first."""
    seekers = uow.seekers.by_ids(n.seeker_id for n in notes)
    names = casework_queries.employer_names(uow, (n.employer_id for n in notes))
    lines = [
        FitNoteLine(
            id=n.id or 0,
            seeker_code=seekers[n.seeker_id].code if n.seeker_id in seekers else "",
            employer_id=n.employer_id,
            employer_name=names.get(n.employer_id, ""),
            written_at=n.written_at.astimezone(zone),
            overall=n.overall.value,
            text=n.text,
            ratings={k: (r.rating.value, r.comment) for k, r in n.ratings.items()},
        )
        for n in notes
    ]
    return sorted(lines, key=lambda n: n.written_at, reverse=True)


def employer_overview(
    uow: UnitOfWork,
    employer_id: int,
    specialist: str | None = None,
    *,
    now: dt.datetime | None = None,
    history_limit: int = 100,
    fits_limit: int = 8,
) -> EmployerPage:
    """One employer's page, as ``specialist`` (default: the first active one) sees it:
    the relationship's state in the contact cycle (the specialist's caseload sets the
    keep-in-touch interval), the history newest first, and which of their job seekers
    (looking for work, or working and open to job development) the employer fits best.

    Raises:
        NotFoundError: no employer with this id, or no specialist with this code.
    """
    crew = team(uow, specialist)
    zone = crew.zone
    moment = local_now(now, zone)
    employer = uow.employers.get(employer_id)
    caseload = list(uow.seekers.on_caseload(crew.chosen.id)) if crew.chosen else []
    state = relationship_states(
        uow,
        [employer_id],
        on=moment.date(),
        zone=str(zone),
        policy=DEFAULT_POLICY,
        pool=caseload,
    )[employer_id]
    visits = list(uow.visits.between(employer_id=employer_id))[::-1][:history_limit]
    history = visit_lines(
        uow, visits, zone, employers={employer_id: employer}, specialists=crew.everyone
    )
    fits = []
    for seeker in caseload:
        if seeker.status not in ACTIVE_STATUSES:
            continue
        match = explain_match(uow, seeker, employer, as_of=moment.date())
        counted = sorted((p for p in match.parts if p.weight), key=lambda p: -p.weight)
        fits.append(
            SeekerFit(seeker.code, seeker.display_name, match.score, counted, match.filtered_by)
        )
    fits.sort(key=lambda f: (f.filtered_by is not None, -f.score, f.code))
    notes = fit_note_lines(uow, list(uow.fit_notes.matching(employer_id=employer_id)), zone)
    return EmployerPage(
        team=crew,
        employer=employer,
        state=state,
        history=history,
        fits=fits[:fits_limit],
        notes=notes,
        openings=list(uow.openings.at_employer(employer_id)),
        on=moment.date(),
        other_programs=other_programs_at(
            uow,
            [employer_id],
            program_id=uow.specialists.get(crew.chosen.id).program_id if crew.chosen else None,
            around=moment,
            zone=str(zone),
        ).get(employer_id, []),
    )
