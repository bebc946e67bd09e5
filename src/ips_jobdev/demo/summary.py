"""What a specialist wants to know about the demo county, computed from the database in SQL.

The same figures come out whether the county was just built or was already there, so the
summary is always about what is stored, not about what the generator meant to make.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ips_jobdev._jsonable import jsonable
from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries import demo as queries
from ips_jobdev._vocab import ContactMode, VisitPurpose

__all__ = [
    "RAPID_JOB_SEARCH_DAYS",
    "DemoSummary",
    "RecentEmployer",
    "WaitingSeeker",
    "summarize",
]

RAPID_JOB_SEARCH_DAYS = 30
"""IPS asks for the first face-to-face employer contact within 30 days of IPS start."""


@attrs.frozen
class RecentEmployer:
    """An employer and the last contact made with it."""

    employer_id: int
    name: str
    zip: str | None
    last_contact: dt.datetime
    specialist: str
    purpose: VisitPurpose
    mode: ContactMode

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see :meth:`DemoSummary.to_dict`)."""
        return {
            "employer_id": self.employer_id,
            "name": self.name,
            "zip": self.zip,
            "last_contact": jsonable(self.last_contact),
            "specialist": self.specialist,
            "purpose": self.purpose.value,
            "mode": self.mode.value,
        }


@attrs.frozen
class WaitingSeeker:
    """A job seeker on the caseload with no face-to-face employer contact made yet."""

    code: str
    specialist: str | None
    ips_start: dt.date | None
    days_since_start: int | None
    next_planned_contact: dt.datetime | None

    @property
    def past_rapid_search_days(self) -> bool:
        """True when more than 30 days have passed since IPS start."""
        return (self.days_since_start or 0) > RAPID_JOB_SEARCH_DAYS

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape (see :meth:`DemoSummary.to_dict`)."""
        return {
            "code": self.code,
            "specialist": self.specialist,
            "ips_start": jsonable(self.ips_start),
            "days_since_start": self.days_since_start,
            "past_30_days": self.past_rapid_search_days,
            "next_planned_contact": jsonable(self.next_planned_contact),
        }


@attrs.frozen
class DemoSummary:
    """The demo county in figures.

    ``created`` is False when the county was already in the database and nothing was
    added; ``seed`` is then ``None`` (the seed it was built with is not stored).
    ``counts`` keys: ``specialists``, ``job_seekers``, ``on_caseload``, ``working``,
    ``employers``, ``zip_codes``, ``do_not_contact``, ``employer_people``, ``visits_done``,
    ``face_to_face_done``, ``visits_planned``, ``openings_open``, ``job_starts``,
    ``jobs_ended``, ``fit_notes``.
    """

    created: bool
    seed: int | None
    today: dt.date
    counts: Mapping[str, int]
    caseloads: tuple[tuple[str, str, int], ...]
    """(code, name, job seekers on the caseload) per specialist."""
    recently_visited: tuple[RecentEmployer, ...]
    waiting: tuple[WaitingSeeker, ...]
    """Job seekers with no face-to-face employer contact yet, longest-waiting first."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document ``ips-jobdev demo --json`` starts from (keys only ever added)."""
        return {
            "created": self.created,
            "seed": self.seed,
            "today": self.today.isoformat(),
            "counts": dict(self.counts),
            "caseloads": [
                {"specialist": code, "name": name, "job_seekers": count}
                for code, name, count in self.caseloads
            ],
            "recently_visited": [e.to_dict() for e in self.recently_visited],
            "waiting_for_first_contact": [s.to_dict() for s in self.waiting],
        }


@reads_unaudited
def summarize(
    uow: UnitOfWork, *, today: dt.date, created: bool, seed: int | None, recent: int = 5
) -> DemoSummary:
    """Figures of everything in the database (the demo fills an empty one)."""
    return DemoSummary(
        created=created,
        seed=seed,
        today=today,
        counts=_counts(uow),
        caseloads=_caseloads(uow),
        recently_visited=_recently_visited(uow, recent),
        waiting=_waiting(uow, today),
    )


def _counts(uow: UnitOfWork) -> dict[str, int]:
    return queries.record_counts(uow)


def _caseloads(uow: UnitOfWork) -> tuple[tuple[str, str, int], ...]:
    return tuple(queries.caseload_rows(uow))


def _recently_visited(uow: UnitOfWork, limit: int) -> tuple[RecentEmployer, ...]:
    codes = {s.id: s.code for s in uow.specialists.list()}
    found = []
    for employer_id in queries.last_visited_employer_ids(uow, limit):
        visit = uow.visits.last_contact(employer_id)
        employer = uow.employers.get(employer_id)
        assert visit is not None
        found.append(
            RecentEmployer(
                employer_id=employer_id,
                name=employer.name,
                zip=employer.zip,
                last_contact=visit.at,
                specialist=codes[visit.specialist_id],
                purpose=visit.purpose,
                mode=visit.mode,
            )
        )
    return tuple(found)


def _waiting(uow: UnitOfWork, today: dt.date) -> tuple[WaitingSeeker, ...]:
    rows = queries.waiting_rows(uow)
    return tuple(
        WaitingSeeker(
            code=code,
            specialist=specialist,
            ips_start=start,
            days_since_start=(today - start).days if start is not None else None,
            next_planned_contact=next_at,
        )
        for code, specialist, start, next_at in rows
    )
