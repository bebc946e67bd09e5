"""Read-side queries of the week planner: other specialists' visits at employers, the last
contact with each employer, job seekers who already have a visit planned, and whether a
proposed visit is stored already."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any, NamedTuple

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import (
    LIVE_VISIT_STATUSES,
    ContactBy,
    ContactMode,
    VisitPurpose,
    VisitStatus,
)

__all__ = [
    "SpecialistVisit",
    "WeekVisit",
    "last_visits_made",
    "other_specialists_visits",
    "seekers_with_planned_visits",
    "visit_stored",
    "week_visits",
]

_v = tables.visits.c
_sp = tables.specialists.c


@attrs.frozen
class SpecialistVisit:
    """A visit at an employer, with who made or planned it."""

    employer_id: int
    at: dt.datetime
    status: VisitStatus
    mode: ContactMode
    purpose: VisitPurpose
    outcome: str | None
    specialist_code: str
    specialist_name: str


def _specialist_visits(uow: UnitOfWork, statement: sa.Select[Any]) -> list[SpecialistVisit]:
    return [
        SpecialistVisit(
            employer_id=row.employer_id,
            at=row.at,
            status=row.status,
            mode=row.mode,
            purpose=row.purpose,
            outcome=row.outcome,
            specialist_code=row.code,
            specialist_name=row.name,
        )
        for row in uow.session.execute(statement)
    ]


class WeekVisit(NamedTuple):
    """A visit of the specialist's own in a week being planned, as plain values."""

    id: int
    employer_id: int
    at: dt.datetime
    duration_minutes: int
    status: VisitStatus
    purpose: VisitPurpose
    mode: ContactMode
    reason: str | None


def week_visits(
    uow: UnitOfWork, specialist_id: int, start: dt.datetime, end: dt.datetime
) -> list[WeekVisit]:
    """The specialist's visits planned or made with ``start <= at < end``, oldest first
    (contacts a job seeker made alone left out: they are theirs, not the specialist's).

    Plain rows, not records: the planner reads a few fields of each, and loading the
    records also loaded every visit's job seekers and their status histories."""
    statement = (
        sa.select(_v.id, _v.employer_id, _v.at, _v.duration_minutes, _v.status)
        .add_columns(_v.purpose, _v.mode, _v.reason)
        .where(_v.specialist_id == specialist_id, _v.at >= start, _v.at < end)
        .where(_v.status.in_(LIVE_VISIT_STATUSES), _v.made_by != ContactBy.JOB_SEEKER)
        .order_by(_v.at, _v.id)
    )
    return [WeekVisit(*row) for row in uow.session.execute(statement)]


_COLUMNS = (_v.employer_id, _v.at, _v.status, _v.mode, _v.purpose, _v.outcome, _sp.code, _sp.name)


def other_specialists_visits(
    uow: UnitOfWork,
    specialist_id: int,
    employer_ids: Collection[int],
    *,
    since: dt.datetime,
    program_id: int | None = None,
) -> list[SpecialistVisit]:
    """Visits made or planned (not cancelled) at the employers since ``since`` by
    specialists other than ``specialist_id`` (of program ``program_id`` when given: other
    programs' visits are the coordination warnings' business), oldest first."""
    if not employer_ids:
        return []
    statement = (
        sa.select(*_COLUMNS)
        .join(tables.specialists, _sp.id == _v.specialist_id)
        .where(
            _v.employer_id.in_(sorted(employer_ids)),
            _v.specialist_id != specialist_id,
            _v.status.in_(LIVE_VISIT_STATUSES),
            _v.at >= since,
        )
        .order_by(_v.at, _v.id)
    )
    if program_id is not None:
        program: sa.ColumnElement[Any] = _v.program_id
        if uow.session.get_bind().dialect.name == "sqlite":
            # "+ 0" keeps SQLite's planner (no statistics) off the program index, which
            # holds nearly every visit, and on (employer, at): 200 ms to under 1 at scale
            program = program + 0
        statement = statement.where(program == program_id)
    return _specialist_visits(uow, statement)


def last_visits_made(
    uow: UnitOfWork, employer_ids: Collection[int], *, before: dt.datetime
) -> list[SpecialistVisit]:
    """The last visit made (any mode, by anyone) before ``before`` at each employer, in
    visit id order (visits made at the same last moment all come, the later id last)."""
    if not employer_ids:
        return []
    latest = (
        sa.select(_v.employer_id, sa.func.max(_v.at).label("at"))
        .where(
            _v.employer_id.in_(sorted(employer_ids)),
            _v.status == VisitStatus.DONE,
            _v.at < before,
        )
        .group_by(_v.employer_id)
        .subquery()
    )
    statement = (
        sa.select(*_COLUMNS)
        .join(latest, sa.and_(latest.c.employer_id == _v.employer_id, latest.c.at == _v.at))
        .join(tables.specialists, _sp.id == _v.specialist_id)
        .where(_v.status == VisitStatus.DONE)
        .order_by(_v.id)
    )
    return _specialist_visits(uow, statement)


def seekers_with_planned_visits(
    uow: UnitOfWork, seeker_ids: Collection[int], *, since: dt.datetime
) -> set[int]:
    """Which of ``seeker_ids`` are named on a face-to-face visit planned from ``since`` on."""
    if not seeker_ids:
        return set()
    vs = tables.visit_seekers.c
    statement = (
        sa.select(vs.seeker_id)
        .join(tables.visits, _v.id == vs.visit_id)
        .where(
            vs.seeker_id.in_(list(seeker_ids)),
            _v.status == VisitStatus.PLANNED,
            _v.mode == ContactMode.IN_PERSON,
            _v.at >= since,
        )
        .distinct()
    )
    return set(uow.session.scalars(statement))


def visit_stored(uow: UnitOfWork, specialist_id: int, employer_id: int, *, at: dt.datetime) -> bool:
    """Whether the specialist has a visit (not cancelled) at the employer at ``at``."""
    statement = (
        sa.select(sa.func.count())
        .select_from(tables.visits)
        .where(
            _v.specialist_id == specialist_id,
            _v.employer_id == employer_id,
            _v.at == at,
            _v.status.in_(LIVE_VISIT_STATUSES),
        )
    )
    return bool(uow.session.scalar(statement))
