"""What the record says about a specialist's week: working windows, visits already there,
other specialists' visits nearby in time, and the last contact with each employer."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._planning.schedule import WorkWindow
from ips_jobdev._planning.week import ExistingVisit, LastContact
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev._vocab import ContactMode, VisitStatus
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

_v = tables.visits.c
_sp = tables.specialists.c


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
    """The specialist's visits planned or made in the week starting ``monday``."""
    zone = specialist.timezone
    visits = [
        v
        for v in uow.visits.between(
            day_start(monday, zone),
            day_start(monday + dt.timedelta(days=7), zone),
            specialist_id=specialist.id,
        )
        if v.status is not VisitStatus.CANCELLED
    ]
    names = employer_infos(uow, {v.employer_id for v in visits}) if visits else {}
    return [
        ExistingVisit(
            id=v.id or 0,
            employer_id=v.employer_id,
            employer_name=names[v.employer_id].name if v.employer_id in names else "",
            start=v.at.astimezone(specialist.zone),
            minutes=v.duration_minutes,
            status=v.status.value,
            purpose=v.purpose.value,
            face_to_face=v.face_to_face,
            reason=v.reason,
        )
        for v in visits
    ]


def other_specialists_visits(
    uow: UnitOfWork, specialist_id: int, employer_ids: set[int], since: dt.datetime, zone: str
) -> dict[int, list[str]]:
    """Warnings: other specialists' visits made or planned at these employers since
    ``since``."""
    if not employer_ids:
        return {}
    statement = (
        sa.select(_v.employer_id, _v.at, _v.status, _sp.code, _sp.name)
        .join(tables.specialists, _sp.id == _v.specialist_id)
        .where(
            _v.employer_id.in_(sorted(employer_ids)),
            _v.specialist_id != specialist_id,
            _v.status != VisitStatus.CANCELLED,
            _v.at >= since,
        )
        .order_by(_v.at, _v.id)
    )
    found: dict[int, list[str]] = {}
    for row in uow.session.execute(statement):
        day = short_date(local_date(row.at, zone))
        did = "has a visit planned on" if row.status is VisitStatus.PLANNED else "visited on"
        found.setdefault(row.employer_id, []).append(
            f"another specialist, {row.code} ({row.name}), {did} {day}"
        )
    return found


def last_contacts(
    uow: UnitOfWork, employer_ids: set[int], before: dt.datetime, zone: str
) -> dict[int, LastContact]:
    """The last contact made (any mode, by anyone) before ``before`` with each employer."""
    if not employer_ids:
        return {}
    ids = sorted(employer_ids)
    latest = (
        sa.select(_v.employer_id, sa.func.max(_v.at).label("at"))
        .where(_v.employer_id.in_(ids), _v.status == VisitStatus.DONE, _v.at < before)
        .group_by(_v.employer_id)
        .subquery()
    )
    statement = (
        sa.select(_v.employer_id, _v.at, _v.mode, _v.purpose, _v.outcome, _sp.code)
        .join(latest, sa.and_(latest.c.employer_id == _v.employer_id, latest.c.at == _v.at))
        .join(tables.specialists, _sp.id == _v.specialist_id)
        .where(_v.status == VisitStatus.DONE)
        .order_by(_v.id)
    )
    return {
        row.employer_id: LastContact(
            date=local_date(row.at, zone),
            specialist=row.code,
            mode=row.mode.value,
            purpose=row.purpose.value,
            outcome=row.outcome,
        )
        for row in uow.session.execute(statement)
    }


def seekers_with_planned_visits(
    uow: UnitOfWork, seeker_ids: list[int], since: dt.datetime
) -> set[int]:
    if not seeker_ids:
        return set()
    vs = tables.visit_seekers.c
    statement = (
        sa.select(vs.seeker_id)
        .join(tables.visits, _v.id == vs.visit_id)
        .where(
            vs.seeker_id.in_(seeker_ids),
            _v.status == VisitStatus.PLANNED,
            _v.mode == ContactMode.IN_PERSON,
            _v.at >= since,
        )
        .distinct()
    )
    return set(uow.session.scalars(statement))
