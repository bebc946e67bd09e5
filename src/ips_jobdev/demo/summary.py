"""What a specialist wants to know about the demo county, computed from the database in SQL.

The same figures come out whether the county was just built or was already there, so the
summary is always about what is stored, not about what the generator meant to make.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._jsonable import jsonable
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, OpeningStatus, VisitPurpose, VisitStatus

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


def _count(uow: UnitOfWork, table: sa.Table, *where: Any) -> int:
    return int(uow.session.scalar(sa.select(sa.func.count()).select_from(table).where(*where)) or 0)


def _counts(uow: UnitOfWork) -> dict[str, int]:
    e, js, v = tables.employers.c, tables.job_seekers.c, tables.visits.c
    done = v.status == VisitStatus.DONE
    zips = uow.session.scalar(sa.select(sa.func.count(sa.distinct(e.zip))))
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
        "openings_open": _count(
            uow, tables.job_openings, tables.job_openings.c.status == OpeningStatus.OPEN
        ),
        "job_starts": _count(uow, tables.job_starts),
        "jobs_ended": _count(uow, tables.job_starts, tables.job_starts.c.end_date.is_not(None)),
        "fit_notes": _count(uow, tables.job_fit_notes),
    }


def _caseloads(uow: UnitOfWork) -> tuple[tuple[str, str, int], ...]:
    s, js = tables.specialists.c, tables.job_seekers.c
    on_caseload = sa.func.count(js.id).filter(js.status != JobSeekerStatus.CLOSED)
    rows = uow.session.execute(
        sa.select(s.code, s.name, on_caseload)
        .select_from(tables.specialists.outerjoin(tables.job_seekers, js.specialist_id == s.id))
        .group_by(s.id, s.code, s.name)
        .order_by(s.code)
    )
    return tuple((code, name, int(count)) for code, name, count in rows)


def _recently_visited(uow: UnitOfWork, limit: int) -> tuple[RecentEmployer, ...]:
    v, e = tables.visits.c, tables.employers.c
    last = sa.func.max(v.at).label("last")
    employer_ids = (
        uow.session.execute(
            sa.select(v.employer_id, last)
            .where(v.status == VisitStatus.DONE)
            .group_by(v.employer_id)
            .order_by(last.desc(), v.employer_id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    specialists = tables.specialists.c
    codes = dict(uow.session.execute(sa.select(specialists.id, specialists.code)).all())
    found = []
    for employer_id in employer_ids:
        visit = uow.visits.last_contact(employer_id)
        name, zip_code = uow.session.execute(
            sa.select(e.name, e.zip).where(e.id == employer_id)
        ).one()
        assert visit is not None
        found.append(
            RecentEmployer(
                employer_id=employer_id,
                name=name,
                zip=zip_code,
                last_contact=visit.at,
                specialist=codes[visit.specialist_id],
                purpose=visit.purpose,
                mode=visit.mode,
            )
        )
    return tuple(found)


def _waiting(uow: UnitOfWork, today: dt.date) -> tuple[WaitingSeeker, ...]:
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
