"""Plain, JSON-ready dictionaries of records: the one shape ``--json`` output uses.

These shapes are a documented contract (docs/reference/json.md): keys are only ever added;
a removal or rename is announced in the CHANGELOG with how to move.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ips_jobdev import _model as model
from ips_jobdev._jsonable import jsonable

__all__ = [
    "employer_to_dict",
    "jsonable",
    "person_to_dict",
    "seeker_to_dict",
    "specialist_to_dict",
    "visit_to_dict",
]


def person_to_dict(person: model.EmployerPerson) -> dict[str, Any]:
    """One person at an employer."""
    return {
        "id": person.id,
        "name": person.name,
        "title": person.title,
        "phone": jsonable(person.phone),
        "email": person.email,
        "makes_hiring_decisions": person.makes_hiring_decisions,
        "visiting_windows": str(person.visiting_windows) or None,
    }


def employer_to_dict(employer: model.Employer, *, people: bool = True) -> dict[str, Any]:
    """An employer, with its people unless ``people=False``."""
    out: dict[str, Any] = {
        "id": employer.id,
        "external_id": employer.external_id,
        "name": employer.name,
        "industry": employer.industry,
        "job_types": list(employer.job_types),
        "street": employer.street,
        "city": employer.city,
        "state": employer.state,
        "zip": employer.zip,
        "latitude": employer.latitude,
        "longitude": employer.longitude,
        "phone": jsonable(employer.phone),
        "website": employer.website,
        "size": employer.size,
        "shifts": list(employer.shifts),
        "wage_min": jsonable(employer.wage_min),
        "wage_max": jsonable(employer.wage_max),
        "bus_access": employer.bus_access,
        "do_not_contact": employer.do_not_contact,
        "notes": employer.notes,
        "version": employer.version,
        "updated_at": jsonable(employer.updated_at),
        "visiting_windows": str(employer.visiting_windows) or None,
    }
    if people:
        out["people"] = [person_to_dict(p) for p in employer.people]
    return out


def specialist_to_dict(specialist: model.Specialist) -> dict[str, Any]:
    """An employment specialist."""
    return {
        "id": specialist.id,
        "code": specialist.code,
        "name": specialist.name,
        "email": specialist.email,
        "office_zip": specialist.office_zip,
        "timezone": specialist.timezone,
        "weekly_contact_target": specialist.weekly_contact_target,
        "active": specialist.active,
        "started": jsonable(specialist.started),
        "ended": jsonable(specialist.ended),
        "fte": specialist.fte,
        "employment": [
            {"started": jsonable(p.started), "ended": jsonable(p.ended), "fte": p.fte}
            for p in sorted(specialist.periods, key=lambda p: p.started or dt.date.min)
        ],
        "leave": [
            {"from": jsonable(leave.first_day), "to": jsonable(leave.last_day), "note": leave.note}
            for leave in sorted(specialist.leaves, key=lambda leave: leave.first_day)
        ],
    }


def seeker_to_dict(
    seeker: model.JobSeeker, *, specialist_code: str | None = None
) -> dict[str, Any]:
    """A job seeker with their preferences (team use only: never hand this to an adapter)."""
    return {
        "id": seeker.id,
        "code": seeker.code,
        "name": seeker.name,
        "specialist": specialist_code,
        "ips_start": jsonable(seeker.ips_start),
        "status": seeker.status.value,
        "preferences": seeker.preferences.to_dict(),
        "version": seeker.version,
        "closed_on": jsonable(seeker.closed_on),
        "reopened_on": jsonable(seeker.reopened_on),
        "status_history": [
            {"status": change.status.value, "since": jsonable(change.since)}
            for change in seeker.history()
        ],
    }


def visit_to_dict(
    visit: model.Visit,
    *,
    employer_name: str | None = None,
    specialist_code: str | None = None,
) -> dict[str, Any]:
    """A visit (employer contact); job seekers appear by program code."""
    return {
        "id": visit.id,
        "employer_id": visit.employer_id,
        "employer": employer_name,
        "specialist": specialist_code,
        "at": jsonable(visit.at),
        "duration_minutes": visit.duration_minutes,
        "mode": visit.mode.value,
        "face_to_face": visit.face_to_face,
        "purpose": visit.purpose.value,
        "status": visit.status.value,
        "seekers": [s.code for s in visit.seekers],
        "seeker_present": visit.seeker_present,
        "person_id": visit.person_id,
        "outcome": visit.outcome,
        "next_step": visit.next_step,
        "reason": visit.reason,
        "version": visit.version,
        "made_by": visit.made_by.value,
    }
