"""Read-side queries of the fidelity report: each a GROUP BY over the record, returning
counts. The report (``ips_jobdev._reports.fidelity``) rates them on the fidelity scale.

Every query takes the specialists in scope as ``specialist_ids`` (``None`` for everyone)
and the period as plain dates and UTC bounds. The period's job-development visits are
read a few times only, each read serving several figures: :func:`visit_tally` (counts by
specialist, purpose, mode and presence), :func:`employer_visits` (per employer) and
:func:`client_contacts` (per contact and job seeker); the functions that take their rows
(:func:`face_to_face_contacts`, :func:`contact_mix`, :func:`employer_visit_counts`...)
add them up.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Collection
from typing import NamedTuple

import attrs
import sqlalchemy as sa

from ips_jobdev._model import Preferences
from ips_jobdev._store import tables
from ips_jobdev._store.queries._raw import once_each
from ips_jobdev._store.queries._reporting import face_to_face, in_scope, one_of, report_settings
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import ContactBy, ContactMode, VisitPurpose, VisitStatus

__all__ = [
    "ClientContact",
    "ContactMix",
    "EmployerVisitCounts",
    "EmployerVisits",
    "JobStartCounts",
    "VisitTally",
    "client_contacts",
    "contact_mix",
    "employer_visit_counts",
    "employer_visits",
    "face_to_face_by_purpose",
    "face_to_face_contacts",
    "first_contacts",
    "job_start_counts",
    "last_visits_by_employer",
    "report_settings",
    "seeker_preferences",
    "support_contacts",
    "visit_tally",
]

_v = tables.visits.c
_vs = tables.visit_seekers.c
_js = tables.job_seekers.c
_jst = tables.job_starts.c
_emp = tables.employers.c
_Stored = sa.types.NullType
"""Selects a column as the driver gives it (no conversion per row; see ``once_each``)."""


@attrs.frozen
class VisitTally:
    """Visits the specialists made in a period, counted by specialist, purpose, mode and
    whether a job seeker came along."""

    specialist_id: int
    purpose: VisitPurpose
    mode: ContactMode
    seeker_present: bool
    visits: int


def visit_tally(
    uow: UnitOfWork,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    specialist_ids: Collection[int] | None,
    excluded_purposes: Collection[VisitPurpose] = (),
) -> list[VisitTally]:
    """The visits made (status done) from ``start_at`` to ``end_at`` by the specialists in
    scope, leaving out visits for ``excluded_purposes`` and contacts job seekers made
    alone, counted in one pass (the contact figures are sums of these counts)."""
    statement = (
        sa.select(_v.specialist_id, _v.purpose, _v.mode, _v.seeker_present, sa.func.count())
        .where(
            _v.status == VisitStatus.DONE,
            _v.at >= start_at,
            _v.at < end_at,
            _v.purpose.not_in(list(excluded_purposes)),
            _v.made_by == ContactBy.SPECIALIST,
            *in_scope(_v.specialist_id, specialist_ids),
        )
        .group_by(_v.specialist_id, _v.purpose, _v.mode, _v.seeker_present)
    )
    return [
        VisitTally(specialist_id, purpose, mode, bool(present), int(visits))
        for specialist_id, purpose, mode, present, visits in uow.session.execute(statement)
    ]


def face_to_face_contacts(
    tally: Collection[VisitTally], *, excluded_purposes: Collection[VisitPurpose] = ()
) -> dict[int, int]:
    """Face-to-face employer contacts per specialist id from a :func:`visit_tally`, leaving
    out visits for ``excluded_purposes`` as well."""
    found: dict[int, int] = {}
    for row in tally:
        if row.mode == ContactMode.IN_PERSON and row.purpose not in excluded_purposes:
            found[row.specialist_id] = found.get(row.specialist_id, 0) + row.visits
    return found


def face_to_face_by_purpose(tally: Collection[VisitTally]) -> dict[VisitPurpose, int]:
    """Face-to-face visits per purpose from a :func:`visit_tally`, in purpose order."""
    found: dict[VisitPurpose, int] = {}
    for row in sorted(tally, key=lambda row: row.purpose.value):
        if row.mode == ContactMode.IN_PERSON:
            found[row.purpose] = found.get(row.purpose, 0) + row.visits
    return found


def first_contacts(
    uow: UnitOfWork,
    seeker_ids: Collection[int],
    *,
    before: dt.datetime,
    excluded_purposes: Collection[VisitPurpose],
) -> dict[int, tuple[dt.datetime, bool]]:
    """The first face-to-face employer contact about a job for each job seeker, made
    before ``before``: a visit made in person that names them, for any purpose but
    ``excluded_purposes``, by the specialist or by the job seeker alone. Per job seeker id:
    when, and whether the job seeker made it alone."""
    conditions = (
        _v.status == VisitStatus.DONE,
        _v.mode == ContactMode.IN_PERSON,
        _v.at < before,
        _v.purpose.not_in(list(excluded_purposes)),
    )
    if uow.session.get_bind().dialect.name == "postgresql":
        return _first_contacts_each(uow, seeker_ids, conditions)
    found: dict[int, tuple[dt.datetime, bool]] = {}
    for named in one_of(uow, _vs.seeker_id, seeker_ids):
        rows = uow.session.execute(
            sa.select(_vs.seeker_id, _v.at, _v.made_by)
            .join(tables.visits, _v.id == _vs.visit_id)
            .where(*conditions, named)
            .order_by(_vs.seeker_id, _v.at, _v.id)
        )
        for seeker_id, at, made_by in rows:
            found.setdefault(seeker_id, (at, made_by is ContactBy.JOB_SEEKER))
    return found


def _first_contacts_each(
    uow: UnitOfWork, seeker_ids: Collection[int], conditions: tuple[sa.ColumnElement[bool], ...]
) -> dict[int, tuple[dt.datetime, bool]]:
    """:func:`first_contacts` on PostgreSQL: the first contact looked up for each job
    seeker in turn (``LATERAL``). Joined in one go, PostgreSQL hashed every visit of every
    year to find the few hundred first ones."""
    found: dict[int, tuple[dt.datetime, bool]] = {}
    for named in one_of(uow, _js.id, seeker_ids):
        # the person's visits fenced off (OFFSET 0) and then sorted: with ORDER BY ...
        # LIMIT 1 on the join itself, PostgreSQL may walk every visit in time order
        # looking for the person's first
        theirs = (
            sa.select(_v.at, _v.id, _v.made_by)
            .select_from(tables.visit_seekers)
            .join(tables.visits, _v.id == _vs.visit_id)
            .where(_vs.seeker_id == _js.id, *conditions)
            .offset(0)
            .correlate(tables.job_seekers)
            .subquery()
        )
        first = (
            sa.select(theirs.c.at, theirs.c.made_by)
            .order_by(theirs.c.at, theirs.c.id)
            .limit(1)
            .lateral()
        )
        rows = uow.session.execute(
            sa.select(_js.id, first.c.at, first.c.made_by).join(first, sa.true()).where(named)
        )
        for seeker_id, at, made_by in rows:
            found[seeker_id] = (at, made_by is ContactBy.JOB_SEEKER)
    return found


@attrs.frozen
class JobStartCounts:
    """Job starts in a period: how many, their different employers, how many record a
    job type and how many different types, how many are competitive."""

    starts: int
    employers: int
    typed: int
    types: int
    competitive: int


def job_start_counts(
    uow: UnitOfWork, *, start: dt.date, end: dt.date, specialist_ids: Collection[int] | None
) -> JobStartCounts:
    """Counts of the job starts dated ``start`` to ``end`` of the job seekers in scope."""
    competitive = sa.case((_jst.competitive.is_(True), 1), else_=0)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_jst.id),
            sa.func.count(sa.distinct(_jst.employer_id)),
            sa.func.count(_jst.job_type),
            sa.func.count(sa.distinct(_jst.job_type)),
            sa.func.sum(competitive),
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(
            _jst.start_date >= start,
            _jst.start_date <= end,
            *in_scope(_js.specialist_id, specialist_ids),
        )
    ).one()
    starts, employers, typed, types, competitive_starts = (int(x or 0) for x in row)
    return JobStartCounts(
        starts=starts, employers=employers, typed=typed, types=types, competitive=competitive_starts
    )


class EmployerVisits(NamedTuple):
    """One employer the specialists visited face-to-face: its face-to-face visits in the
    period, the time of its last such visit since the look-back day (``None``: none), and
    its place when employers are ordered by visits in the period (most first), then by
    name."""

    employer_id: int
    name: str
    visits: int
    last: dt.datetime | None
    place: int


def employer_visits(
    uow: UnitOfWork,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    since: dt.datetime,
    specialist_ids: Collection[int] | None,
    excluded_purposes: Collection[VisitPurpose] = (),
) -> list[EmployerVisits]:
    """The employers the specialists in scope visited face-to-face (not for excluded
    purposes, not a job seeker's own contact) from ``start_at`` or ``since``, whichever is
    earlier, up to ``end_at``: per employer, the visits from ``start_at`` and the last visit
    from ``since``, counted in one pass over the visits; by name."""
    begin = min(start_at, since)
    per_employer = (
        sa.select(
            _v.employer_id,
            sa.func.sum(sa.case((_v.at >= start_at, 1), else_=0)).label("visits"),
            sa.func.max(sa.case((_v.at >= since, _v.at))).label("last"),
        )
        .where(
            *face_to_face(begin, end_at),
            _v.purpose.not_in(list(excluded_purposes)),
            _v.made_by == ContactBy.SPECIALIST,
            *in_scope(_v.specialist_id, specialist_ids),
        )
        .group_by(_v.employer_id)
        .subquery()
    )
    # the place by visits, then name, numbered by the database (its collation orders names)
    place = sa.func.row_number().over(
        order_by=(per_employer.c.visits.desc(), _emp.name_key, _emp.id)
    )
    rows = uow.session.execute(
        sa.select(
            per_employer.c.employer_id,
            _emp.name,
            per_employer.c.visits,
            sa.type_coerce(per_employer.c.last, _Stored()),
            place,
        )
        .join(tables.employers, _emp.id == per_employer.c.employer_id)
        .order_by(_emp.name, _emp.id)
    )
    last_of = once_each(_v.at, uow.session.get_bind().dialect)
    return [
        EmployerVisits(employer_id, name, int(visits or 0), last_of(last), int(number))
        for employer_id, name, visits, last, number in rows
    ]


@attrs.frozen
class EmployerVisitCounts:
    """Employers visited face-to-face in a period: how many, how many at least
    ``repeated_from`` times, and the visits."""

    employers: int
    repeated: int
    visits: int
    repeated_employers: list[tuple[str, int]] = attrs.field(factory=list)
    """The employers visited at least ``repeated_from`` times, with their visits (most
    visits first, then by name)."""


def employer_visit_counts(
    employers: Collection[EmployerVisits], *, repeated_from: int
) -> EmployerVisitCounts:
    """The employers of :func:`employer_visits` visited in the period, counted."""
    visited = [row for row in employers if row.visits]
    repeated = sorted((row for row in visited if row.visits >= repeated_from), key=_place)
    return EmployerVisitCounts(
        employers=len(visited),
        repeated=len(repeated),
        visits=sum(row.visits for row in visited),
        repeated_employers=[(row.name, row.visits) for row in repeated],
    )


def _place(row: EmployerVisits) -> int:
    return row.place


def last_visits_by_employer(
    employers: Collection[EmployerVisits],
) -> list[tuple[int, str, dt.datetime]]:
    """The employers of :func:`employer_visits` visited since the look-back day, with the
    time of the last such visit: ``(employer id, name, last visit)``, by name."""
    return [(row.employer_id, row.name, row.last) for row in employers if row.last is not None]


@attrs.frozen
class ContactMix:
    """The employer contacts the specialists made in a period (not for excluded purposes,
    not made by a job seeker alone): all of them, those in person, those in person for
    named job seekers, and of these the ones where a job seeker came along."""

    made: int
    in_person: int
    in_person_for_seekers: int
    seeker_present: int


def contact_mix(tally: Collection[VisitTally], contacts: Collection[ClientContact]) -> ContactMix:
    """How the specialists' employer contacts were made, from the :func:`visit_tally` and
    the :func:`client_contacts` of the same period, scope and excluded purposes."""
    in_person = [row for row in tally if row.mode == ContactMode.IN_PERSON]
    for_seekers = {contact.visit_id: contact.seeker_present for contact in contacts}
    return ContactMix(
        made=sum(row.visits for row in tally),
        in_person=sum(row.visits for row in in_person),
        in_person_for_seekers=len(for_seekers),
        seeker_present=sum(for_seekers.values()),
    )


class ClientContact(NamedTuple):
    """One job seeker named on one face-to-face employer contact, with what the employer
    is (its name, industry and job types) to judge the fit with the person's preferences.
    A plain tuple: a year of contacts is tens of thousands of them."""

    visit_id: int
    seeker_id: int
    employer_id: int
    employer_name: str
    industry: str | None
    job_types: tuple[str, ...]
    at: dt.datetime | None = None
    seeker_present: bool = False


def client_contacts(
    uow: UnitOfWork,
    *,
    start_at: dt.datetime,
    end_at: dt.datetime,
    specialist_ids: Collection[int] | None,
    excluded_purposes: Collection[VisitPurpose],
) -> list[ClientContact]:
    """The job seekers named on the specialists' face-to-face employer contacts from
    ``start_at`` to ``end_at`` (not for excluded purposes), one row per contact and
    job seeker, in time order."""
    # the time comes as stored, converted once per distinct value (many contacts share a
    # time slot); the rows are put in time order below
    statement = (
        sa.select(
            _v.id,
            _vs.seeker_id,
            _v.employer_id,
            sa.type_coerce(_v.at, _Stored()),
            sa.type_coerce(_v.seeker_present, _Stored()),
        )
        .join(tables.visit_seekers, _vs.visit_id == _v.id)
        .where(
            *face_to_face(start_at, end_at),
            _v.purpose.not_in(list(excluded_purposes)),
            _v.made_by == ContactBy.SPECIALIST,
            *in_scope(_v.specialist_id, specialist_ids),
        )
    )
    rows = uow.session.execute(statement).all()
    # each employer read once, not once per contact (tens of thousands of contacts, a
    # fraction of them different employers; joined, SQLite would read an employer for
    # every visit of the period, named job seekers or not)
    employers = _employer_facts(uow, {row[2] for row in rows})
    at_of = once_each(_v.at, uow.session.get_bind().dialect)
    make = ClientContact._make
    found: list[ClientContact] = []
    for visit_id, seeker_id, employer_id, at, present in rows:
        name, industry, job_types = employers[employer_id]
        found.append(
            make(
                (
                    visit_id,
                    seeker_id,
                    employer_id,
                    name,
                    industry,
                    job_types,
                    at_of(at),
                    bool(present),
                )
            )
        )
    # put in time order here: ordered by the database, PostgreSQL sorted the period's
    # visits before joining them (twice the time of the join alone)
    found.sort(key=_TIME_ORDER)
    return found


_TIME_ORDER = operator.itemgetter(6, 0, 1)
"""A contact's time, visit and job seeker (unique: one row per contact and person)."""


def _employer_facts(
    uow: UnitOfWork, employer_ids: Collection[int]
) -> dict[int, tuple[str, str | None, tuple[str, ...]]]:
    """Name, industry and job types of each employer, by id."""
    found: dict[int, tuple[str, str | None, tuple[str, ...]]] = {}
    # the job types come as their JSON text, read once per different list (a program has
    # a few hundred different lists over tens of thousands of employers)
    tags: dict[str | None, tuple[str, ...]] = {}
    for wanted in one_of(uow, _emp.id, employer_ids):
        for employer_id, name, industry, text in uow.session.execute(
            sa.select(_emp.id, _emp.name, _emp.industry, sa.cast(_emp.job_types, sa.Text)).where(
                wanted
            )
        ):
            job_types = tags.get(text)
            if job_types is None:
                job_types = tags[text] = tuple(json.loads(text) or ()) if text else ()
            found[employer_id] = (name, industry, job_types)
    return found


def seeker_preferences(
    uow: UnitOfWork, seeker_ids: Collection[int]
) -> dict[int, tuple[str, Preferences]]:
    """The program code and preferences of each job seeker, by id (ids not found left
    out)."""
    found: dict[int, tuple[str, Preferences]] = {}
    for wanted in one_of(uow, _js.id, seeker_ids):
        for seeker_id, code, preferences in uow.session.execute(
            sa.select(_js.id, _js.code, _js.preferences).where(wanted)
        ):
            found[seeker_id] = (code, preferences)
    return found


def support_contacts(
    uow: UnitOfWork,
    seeker_ids: Collection[int],
    *,
    before: dt.datetime,
    since: dt.datetime | None = None,
) -> dict[int, list[dt.datetime]]:
    """The face-to-face follow-along support visits (purpose ``support``) made before
    ``before`` (and from ``since``, if given) that name each job seeker, in time order, by
    job seeker id."""
    found: dict[int, list[dt.datetime]] = {}
    after = [] if since is None else [_v.at >= since]
    for named in one_of(uow, _vs.seeker_id, seeker_ids):
        rows = uow.session.execute(
            sa.select(_vs.seeker_id, _v.at)
            .join(tables.visits, _v.id == _vs.visit_id)
            .where(
                _v.status == VisitStatus.DONE,
                _v.mode == ContactMode.IN_PERSON,
                _v.purpose == VisitPurpose.SUPPORT,
                _v.at < before,
                *after,
                named,
            )
            .order_by(_vs.seeker_id, _v.at)
        )
        for seeker_id, at in rows:
            found.setdefault(seeker_id, []).append(at)
    return found
