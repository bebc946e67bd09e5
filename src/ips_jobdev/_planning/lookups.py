"""What the record says about a specialist's week: working windows, visits already there,
other specialists' visits nearby in time, and the last contact with each employer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from ips_jobdev import _model as model
from ips_jobdev._planning.schedule import WorkWindow
from ips_jobdev._planning.week import ExistingVisit, LastContact
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import planning as queries
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.cycles import local_date, short_date
from ips_jobdev.cycles._due import day_start, employer_infos
from ips_jobdev.errors import ValidationError

__all__ = [
    "CONFLICT_DAYS",
    "existing_visits",
    "last_contacts",
    "other_specialists_visits",
    "seekers_with_planned_visits",
    "work_days",
    "work_windows",
]

_DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
CONFLICT_DAYS = 30
"""Another specialist's visit this many days back (or planned ahead) earns a warning."""


def work_days(specialist: model.Specialist) -> set[int]:
    """The weekdays (Monday 0) in the specialist's ``work_days`` (``"mon,tue,wed"``)."""
    days = set()
    for token in specialist.work_days.split(","):
        key = token.strip().lower()[:3]
        if not key:
            continue
        if key not in _DAYS:
            raise ValidationError(
                "Specialist", "work_days", f"{token.strip()!r} is not a weekday (mon..sun)"
            )
        days.add(_DAYS[key])
    return days


def work_windows(
    specialist: model.Specialist,
    monday: dt.date,
    today: dt.date,
    now: dt.datetime | None,
) -> list[WorkWindow]:
    """The specialist's working hours on each working day of the week from ``today`` (on
    ``today`` itself, from ``now`` when given)."""
    zone = specialist.zone
    wanted = work_days(specialist)
    windows = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if day < today or day.weekday() not in wanted:
            continue
        start = dt.datetime.combine(day, specialist.work_start, tzinfo=zone)
        end = dt.datetime.combine(day, specialist.work_end, tzinfo=zone)
        if now is not None and day == today:
            start = max(start, now.astimezone(zone))
        if start < end:
            windows.append(WorkWindow(day, start, end))
    return windows


def existing_visits(
    uow: UnitOfWork, specialist: model.Specialist, monday: dt.date
) -> list[ExistingVisit]:
    """The specialist's visits planned or made in the week starting ``monday`` (contacts a
    job seeker made alone are theirs, not in the specialist's week)."""
    zone = specialist.timezone
    assert specialist.id is not None
    visits = queries.week_visits(
        uow,
        specialist.id,
        day_start(monday, zone),
        day_start(monday + dt.timedelta(days=7), zone),
    )
    names = employer_infos(uow, {v.employer_id for v in visits}) if visits else {}
    return [
        ExistingVisit(
            id=v.id,
            employer_id=v.employer_id,
            employer_name=names[v.employer_id].name if v.employer_id in names else "",
            start=v.at.astimezone(specialist.zone),
            minutes=v.duration_minutes,
            status=v.status.value,
            purpose=v.purpose.value,
            face_to_face=v.mode.face_to_face,
            reason=v.reason,
        )
        for v in visits
    ]


def other_specialists_visits(
    uow: UnitOfWork,
    specialist: model.Specialist,
    employer_ids: set[int],
    since: dt.datetime,
    zone: str,
) -> dict[int, list[str]]:
    """Warnings: other specialists' visits made or planned at these employers since
    ``since`` (of the specialist's own program; see :mod:`ips_jobdev._planning.coordination`
    for the other programs)."""
    assert specialist.id is not None
    found: dict[int, list[str]] = {}
    for visit in queries.other_specialists_visits(
        uow, specialist.id, employer_ids, since=since, program_id=specialist.program_id
    ):
        day = short_date(local_date(visit.at, zone))
        did = "has a visit planned on" if visit.status is VisitStatus.PLANNED else "visited on"
        found.setdefault(visit.employer_id, []).append(
            f"another specialist, {visit.specialist_code} ({visit.specialist_name}), {did} {day}"
        )
    return found


def last_contacts(
    uow: UnitOfWork, employer_ids: set[int], before: dt.datetime, zone: str
) -> dict[int, LastContact]:
    """The last contact made (any mode, by anyone) before ``before`` with each employer."""
    return {
        visit.employer_id: LastContact(
            date=local_date(visit.at, zone),
            specialist=visit.specialist_code,
            mode=visit.mode.value,
            purpose=visit.purpose.value,
            outcome=visit.outcome,
        )
        for visit in queries.last_visits_made(uow, employer_ids, before=before)
    }


def seekers_with_planned_visits(
    uow: UnitOfWork, seeker_ids: Collection[int], since: dt.datetime
) -> set[int]:
    """Which of ``seeker_ids`` already have a face-to-face visit planned from ``since`` on."""
    return queries.seekers_with_planned_visits(uow, seeker_ids, since=since)
