"""The rows behind a report's figures: the contacts, job seekers and jobs it counted.

Each function takes a filter of plain values (the use case in
:mod:`ips_jobdev._overview.reports` builds it from the report's period and scope) and
returns how many rows match in all and the first ``limit`` of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.queries.overview import VisitFilter, seeker_codes_of_visits
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactMode, JobEndReason, JobSeekerStatus, VisitPurpose, VisitStatus

__all__ = [
    "ContactRow",
    "EmployerVisits",
    "JobFilter",
    "JobRow",
    "SeekerFilter",
    "SeekerRow",
    "contacts",
    "employers_visited",
    "jobs",
    "seekers",
]

_v = tables.visits.c
_vs = tables.visit_seekers.c
_js = tables.job_seekers.c
_jst = tables.job_starts.c
_e = tables.employers.c
_sp = tables.specialists.c


@attrs.frozen
class ContactRow:
    """One employer contact a figure counted."""

    visit_id: int
    at: dt.datetime
    specialist: str
    employer_id: int
    employer: str
    purpose: VisitPurpose
    mode: ContactMode
    seekers: tuple[str, ...]
    seeker_present: bool


def contacts(
    uow: UnitOfWork, selection: VisitFilter, *, limit: int
) -> tuple[int, list[ContactRow]]:
    """The visits the filter selects: how many, and the latest ``limit`` of them."""
    conditions = selection.conditions()
    total = uow.session.scalar(sa.select(sa.func.count(_v.id)).where(*conditions)) or 0
    statement = (
        sa.select(
            _v.id,
            _v.at,
            _sp.code,
            _v.employer_id,
            _e.name,
            _v.purpose,
            _v.mode,
            _v.seeker_present,
        )
        .join(tables.specialists, _sp.id == _v.specialist_id)
        .join(tables.employers, _e.id == _v.employer_id)
        .where(*conditions)
        .order_by(_v.at.desc(), _v.id.desc())
        .limit(limit)
    )
    rows = uow.session.execute(statement).all()
    codes = seeker_codes_of_visits(uow, (row[0] for row in rows))
    return int(total), [
        ContactRow(
            visit_id=row[0],
            at=row[1],
            specialist=row[2],
            employer_id=row[3],
            employer=row[4],
            purpose=row[5],
            mode=row[6],
            seekers=tuple(codes.get(row[0], ())),
            seeker_present=bool(row[7]),
        )
        for row in rows
    ]


@attrs.frozen
class EmployerVisits:
    """An employer and the visits a filter selects there."""

    employer_id: int
    employer: str
    visits: int
    purposes: dict[str, int]


def employers_visited(
    uow: UnitOfWork, selection: VisitFilter, *, limit: int
) -> tuple[int, list[EmployerVisits]]:
    """Employers with at least one selected visit (most visits first), and how many."""
    conditions = selection.conditions()
    counts = (
        sa.select(_v.employer_id, sa.func.count().label("n"))
        .where(*conditions)
        .group_by(_v.employer_id)
        .subquery()
    )
    total = uow.session.scalar(sa.select(sa.func.count()).select_from(counts)) or 0
    top = uow.session.execute(
        sa.select(counts.c.employer_id, _e.name, counts.c.n)
        .join(tables.employers, _e.id == counts.c.employer_id)
        .order_by(counts.c.n.desc(), _e.name_key, _e.id)
        .limit(limit)
    ).all()
    purposes: dict[int, dict[str, int]] = {}
    for chunk in chunks(row[0] for row in top):
        statement = (
            sa.select(_v.employer_id, _v.purpose, sa.func.count())
            .where(*conditions, _v.employer_id.in_(chunk))
            .group_by(_v.employer_id, _v.purpose)
        )
        for employer_id, purpose, n in uow.session.execute(statement):
            purposes.setdefault(int(employer_id), {})[VisitPurpose(purpose).value] = int(n)
    return int(total), [
        EmployerVisits(int(row[0]), row[1], int(row[2]), purposes.get(int(row[0]), {}))
        for row in top
    ]


@attrs.frozen
class SeekerFilter:
    """Which job seekers: whose, by status, by IPS start."""

    specialist_ids: Collection[int] | None = None
    excluded_statuses: Collection[JobSeekerStatus] = ()
    started_from: dt.date | None = None
    started_to: dt.date | None = None
    started_by: dt.date | None = None
    """IPS start on or before this day, or none recorded."""
    ids: Collection[int] | None = None
    """Only these job seekers (the use case's choice: those served during a period)."""

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        """The WHERE conditions on the job seekers table."""
        out: list[sa.ColumnElement[bool]] = []
        if self.ids is not None:
            out.append(_js.id.in_(sorted(self.ids)))
        if self.specialist_ids is not None:
            out.append(_js.specialist_id.in_(sorted(self.specialist_ids)))
        if self.excluded_statuses:
            out.append(_js.status.not_in(list(self.excluded_statuses)))
        if self.started_from is not None:
            out.append(_js.ips_start >= self.started_from)
        if self.started_to is not None:
            out.append(_js.ips_start <= self.started_to)
        if self.started_by is not None:
            out.append(sa.or_(_js.ips_start.is_(None), _js.ips_start <= self.started_by))
        return out


@attrs.frozen
class SeekerRow:
    """A job seeker a figure counted, with their first face-to-face employer contact."""

    seeker_id: int
    code: str
    name: str | None
    specialist: str | None
    status: JobSeekerStatus
    ips_start: dt.date | None
    first_contact: dt.datetime | None


def seekers(
    uow: UnitOfWork,
    selection: SeekerFilter,
    *,
    first_contact_before: dt.datetime | None = None,
    first_contact_excluding: Collection[VisitPurpose] = (),
    limit: int,
) -> tuple[int, list[SeekerRow]]:
    """The job seekers the filter selects (by code), and how many; with
    ``first_contact_before``, each one's first face-to-face employer contact made before
    that moment (a visit made in person naming them, by the specialist or by the job
    seeker alone, of any purpose but ``first_contact_excluding``)."""
    conditions = selection.conditions()
    total = uow.session.scalar(sa.select(sa.func.count(_js.id)).where(*conditions)) or 0
    rows = uow.session.execute(
        sa.select(_js.id, _js.code, _js.name, _sp.code, _js.status, _js.ips_start)
        .outerjoin(tables.specialists, _sp.id == _js.specialist_id)
        .where(*conditions)
        .order_by(_js.code)
        .limit(limit)
    ).all()
    firsts: dict[int, dt.datetime] = {}
    if first_contact_before is not None:
        for chunk in chunks(row[0] for row in rows):
            statement = (
                sa.select(_vs.seeker_id, sa.func.min(_v.at))
                .join(tables.visits, _v.id == _vs.visit_id)
                .where(
                    _vs.seeker_id.in_(chunk),
                    _v.status == VisitStatus.DONE,
                    _v.mode == ContactMode.IN_PERSON,
                    _v.at < first_contact_before,
                    *(
                        [_v.purpose.not_in(list(first_contact_excluding))]
                        if first_contact_excluding
                        else []
                    ),
                )
                .group_by(_vs.seeker_id)
            )
            for seeker_id, at in uow.session.execute(statement):
                firsts[int(seeker_id)] = at
    return int(total), [
        SeekerRow(
            seeker_id=row[0],
            code=row[1],
            name=row[2],
            specialist=row[3],
            status=JobSeekerStatus(row[4]),
            ips_start=row[5],
            first_contact=firsts.get(row[0]),
        )
        for row in rows
    ]


@attrs.frozen
class JobFilter:
    """Which job starts: whose job seekers, when they started or ended, what kind.

    ``held_between`` keeps jobs held on at least one day of the span (started by its end,
    not ended before its start); ``first_only`` keeps each job seeker's first job ever
    (with ``competitive_only``: their first competitive job).
    """

    specialist_ids: Collection[int] | None = None
    seekers: SeekerFilter | None = None
    started_from: dt.date | None = None
    started_to: dt.date | None = None
    ended_from: dt.date | None = None
    ended_to: dt.date | None = None
    held_between: tuple[dt.date, dt.date] | None = None
    competitive_only: bool = False
    first_only: bool = False
    non_competitive_only: bool = False

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        """The WHERE conditions on job starts joined with their job seekers."""
        out: list[sa.ColumnElement[bool]] = []
        if self.specialist_ids is not None:
            out.append(_js.specialist_id.in_(sorted(self.specialist_ids)))
        if self.seekers is not None:
            out.extend(self.seekers.conditions())
        for column, bound, lower in (
            (_jst.start_date, self.started_from, True),
            (_jst.start_date, self.started_to, False),
            (_jst.end_date, self.ended_from, True),
            (_jst.end_date, self.ended_to, False),
        ):
            if bound is not None:
                out.append(column >= bound if lower else column <= bound)
        if self.held_between is not None:
            first, last = self.held_between
            out.append(_jst.start_date <= last)
            out.append(sa.or_(_jst.end_date.is_(None), _jst.end_date >= first))
        if self.competitive_only:
            out.append(_jst.competitive.is_(True))
        if self.non_competitive_only:
            out.append(_jst.competitive.is_(False))
        if self.first_only:
            earlier = tables.job_starts.alias("earlier")
            kind = [earlier.c.competitive.is_(True)] if self.competitive_only else []
            out.append(
                ~sa.exists().where(
                    earlier.c.seeker_id == _jst.seeker_id,
                    *kind,
                    sa.or_(
                        earlier.c.start_date < _jst.start_date,
                        sa.and_(earlier.c.start_date == _jst.start_date, earlier.c.id < _jst.id),
                    ),
                )
            )
        return out


@attrs.frozen
class JobRow:
    """A job start a figure counted."""

    job_id: int
    seeker_code: str
    employer_id: int
    employer: str
    title: str
    job_type: str | None
    start_date: dt.date
    end_date: dt.date | None
    end_reason: JobEndReason | None
    competitive: bool
    hours_per_week: float | None
    wage: Decimal | None


def jobs(uow: UnitOfWork, selection: JobFilter, *, limit: int) -> tuple[int, list[JobRow]]:
    """The job starts the filter selects (by start date, then job seeker), and how many."""
    conditions = selection.conditions()
    joined = tables.job_starts.join(tables.job_seekers, _js.id == _jst.seeker_id)
    total = uow.session.scalar(
        sa.select(sa.func.count(_jst.id)).select_from(joined).where(*conditions)
    )
    statement: sa.Select[Any] = (
        sa.select(
            _jst.id,
            _js.code,
            _jst.employer_id,
            _e.name,
            _jst.title,
            _jst.job_type,
            _jst.start_date,
            _jst.end_date,
            _jst.end_reason,
            _jst.competitive,
            _jst.hours_per_week,
            _jst.wage,
        )
        .select_from(joined.join(tables.employers, _e.id == _jst.employer_id))
        .where(*conditions)
        .order_by(_jst.start_date, _js.code, _jst.id)
        .limit(limit)
    )
    return int(total or 0), [
        JobRow(
            job_id=row[0],
            seeker_code=row[1],
            employer_id=row[2],
            employer=row[3],
            title=row[4],
            job_type=row[5],
            start_date=row[6],
            end_date=row[7],
            end_reason=JobEndReason(row[8]) if row[8] is not None else None,
            competitive=bool(row[9]),
            hours_per_week=row[10],
            wage=row[11],
        )
        for row in uow.session.execute(statement)
    ]
