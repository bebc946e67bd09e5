"""Read-side queries of the contact cycles: employers' visit history, job seekers' first
contacts, and the employers on a specialist's list.

A specialist's list can hold thousands of employers. It is never read into a Python list
of ids: an :class:`EmployerList` describes it, and each query given one selects it inside
its own statement (a subquery, so still one round trip).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, NamedTuple

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._geo import employer_location
from ips_jobdev._model import Preferences
from ips_jobdev._store import tables
from ips_jobdev._store.queries._raw import fetch_tuples, once_each
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import (
    LIVE_VISIT_STATUSES,
    ContactMode,
    FitRating,
    JobSeekerStatus,
    VisitPurpose,
    VisitStatus,
)
from ips_jobdev._windows import VisitingWindows

__all__ = [
    "EmployerIds",
    "EmployerInfo",
    "EmployerList",
    "Seeker",
    "caseload",
    "count_gone_cold",
    "employer_infos",
    "employer_list_statement",
    "first_face_to_face",
    "first_planned",
    "first_planned_for_seekers",
    "interest_pairs",
    "visits_made",
]

_v = tables.visits.c
_vs = tables.visit_seekers.c
_js = tables.job_seekers.c
_emp = tables.employers.c


@attrs.frozen
class EmployerList:
    """The employers on a specialist's list (everyone's, when ``specialist_id`` is ``None``).

    An employer is on it when the specialist made a visit there in one of ``modes``, or one
    was made there for a job seeker now on their caseload (so a reassigned caseload brings
    its employers along), before ``made_before`` and at or after ``made_since`` (ever, when
    ``None``); or when the specialist has a visit planned there from ``planned_from`` on.
    With no specialist: every employer with such a visit by anyone.
    """

    specialist_id: int | None
    modes: tuple[ContactMode, ...]
    made_before: dt.datetime
    made_since: dt.datetime | None
    planned_from: dt.datetime


EmployerIds = Collection[int] | EmployerList
"""The employers a query is about: their ids, or a specialist's list."""


def employer_list_statement(employers: EmployerList) -> sa.Select[Any]:
    """The SELECT of the ids on ``employers`` (benchmarks read it for their baselines)."""
    made = [_v.status == VisitStatus.DONE, _v.mode.in_(employers.modes)]
    made.append(_v.at < employers.made_before)
    if employers.made_since is not None:
        made.append(_v.at >= employers.made_since)
    planned = [_v.status == VisitStatus.PLANNED, _v.at >= employers.planned_from]
    specialist_id = employers.specialist_id
    if specialist_id is None:
        return (
            sa.union(
                sa.select(_v.employer_id).where(*made), sa.select(_v.employer_id).where(*planned)
            )
            .subquery()
            .select()
        )
    caseload = sa.select(_js.id).where(
        _js.specialist_id == specialist_id, _js.status != JobSeekerStatus.CLOSED
    )
    own = sa.select(_v.employer_id).where(_v.specialist_id == specialist_id, *made)
    for_caseload = (
        sa.select(_v.employer_id)
        .join(tables.visit_seekers, _vs.visit_id == _v.id)
        .where(_vs.seeker_id.in_(caseload), *made)
    )
    own_planned = sa.select(_v.employer_id).where(_v.specialist_id == specialist_id, *planned)
    return sa.union(own, for_caseload, own_planned).subquery().select()


_LISTS = "ips_jobdev.employer_lists"
LISTED_IDS_LIMIT = 2000
"""A specialist's list up to this many employers is read once per unit of work and its ids
given to the queries that follow; a longer one (or everyone's) stays a subquery."""


@sa.event.listens_for(Session, "after_flush")
def _forget_lists(session: Session, context: Any) -> None:
    # a flush may add or change visits: the lists are read again
    session.info.pop(_LISTS, None)


def _list_facts_statement(employers: EmployerList) -> sa.Select[Any]:
    """Per employer on ``employers`` taken ever (its ``made_since`` ignored): the last
    counted visit the specialist made there or one made there for their caseload, and
    whether the specialist has a visit planned there; what each shorter list (a
    ``made_since`` later) is read from without another statement."""
    made = [
        _v.status == VisitStatus.DONE,
        _v.mode.in_(employers.modes),
        _v.at < employers.made_before,
    ]
    planned = [_v.status == VisitStatus.PLANNED, _v.at >= employers.planned_from]
    specialist_id = employers.specialist_id
    caseload = sa.select(_js.id).where(
        _js.specialist_id == specialist_id, _js.status != JobSeekerStatus.CLOSED
    )
    no = sa.literal(0, sa.Integer)
    own = sa.select(_v.employer_id, _v.at.label("made"), no.label("planned")).where(
        _v.specialist_id == specialist_id, *made
    )
    for_caseload = (
        sa.select(_v.employer_id, _v.at, no)
        .join(tables.visit_seekers, _vs.visit_id == _v.id)
        .where(_vs.seeker_id.in_(caseload), *made)
    )
    own_planned = sa.select(_v.employer_id, sa.null(), sa.literal(1, sa.Integer)).where(
        _v.specialist_id == specialist_id, *planned
    )
    rows = sa.union_all(own, for_caseload, own_planned).subquery()
    return sa.select(
        rows.c.employer_id, sa.func.max(rows.c.made), sa.func.max(rows.c.planned)
    ).group_by(rows.c.employer_id)


_Facts = dict[int, tuple[dt.datetime | None, bool]]


def _listed_ids(uow: UnitOfWork, employers: EmployerList) -> list[int] | None:
    """The ids on a specialist's list, read once per unit of work (``None``: everyone's
    list, or a long one). Each page of a specialist's day asks about the same list five
    or six times; as a subquery the planner evaluated it, and misjudged its size, each
    time (on the statewide data set it then scanned every employer of the state).

    The list taken ever (``made_since`` ``None``: the Today page counts the relationships
    gone cold on it) is read with each employer's last counted visit; a shorter list of
    the same specialist, day and modes asked for afterwards is then read from those,
    without another statement."""
    if employers.specialist_id is None:
        return None
    known: dict[object, Any] = uow.session.info.setdefault(_LISTS, {})
    if employers in known:
        listed: list[int] | None = known[employers]
        return listed
    ever = attrs.evolve(employers, made_since=None)
    facts: _Facts | None = known.get(("facts", ever))
    if facts is None and employers.made_since is None:
        statement = _list_facts_statement(employers).limit(LISTED_IDS_LIMIT + 1)
        read = uow.session.execute(statement).all()
        facts = {int(i): (made, bool(planned)) for i, made, planned in read}
        if len(facts) > LISTED_IDS_LIMIT:
            known[("facts", ever)] = known[employers] = None
            return None
        known[("facts", ever)] = facts
    if facts is not None:
        since = employers.made_since
        ids = sorted(
            employer_id
            for employer_id, (made, planned) in facts.items()
            if planned or since is None or (made is not None and made >= since)
        )
        known[employers] = ids
        return ids
    statement = employer_list_statement(employers).limit(LISTED_IDS_LIMIT + 1)
    ids = sorted(int(i) for i in uow.session.scalars(statement))
    known[employers] = ids if len(ids) <= LISTED_IDS_LIMIT else None
    return known[employers]  # type: ignore[no-any-return]


def _one_of(
    uow: UnitOfWork, column: sa.ColumnElement[Any], ids: list[int]
) -> sa.ColumnElement[bool]:
    """``column IN ids``; on PostgreSQL ``column = ANY(:ids)``, every id in ONE array
    parameter: a specialist's list is hundreds of ids, and as an ``IN`` list each is a
    parameter of its own, which SQLAlchemy expands, psycopg parses (too long a statement
    for its cache) and PostgreSQL plans again on every page. The array goes as its text
    (``{1,2,3}``), cast in SQL: the driver adapts a list of ints one element at a time,
    a millisecond for each of the dozen such parameters of a page."""
    if uow.session.get_bind().dialect.name == "postgresql":
        text = "{" + ",".join(str(int(i)) for i in ids) + "}"
        array = sa.cast(sa.bindparam(None, text, type_=sa.String), sa.ARRAY(sa.Integer))
        return column == sa.any_(array)
    return column.in_(ids)


def _in(uow: UnitOfWork, column: sa.ColumnElement[Any], ids: EmployerIds) -> sa.ColumnElement[bool]:
    if isinstance(ids, EmployerList):
        listed = _listed_ids(uow, ids)
        if listed is None:
            return column.in_(employer_list_statement(ids))
        return _one_of(uow, column, listed)
    return _one_of(uow, column, sorted(ids))


@attrs.frozen
class EmployerInfo:
    """The few facts about an employer that due lists and plans show."""

    id: int
    name: str
    street: str | None
    city: str | None
    zip: str | None
    latitude: float | None
    longitude: float | None
    job_types: tuple[str, ...]
    do_not_contact: bool
    state: str | None = None
    visiting_windows: VisitingWindows = attrs.field(factory=VisitingWindows)
    """When to visit: the employer's windows, with those of the person the specialist
    sees there (see :func:`employer_infos`)."""

    @property
    def location(self) -> tuple[float, float] | None:
        """Its coordinates, else its ZIP centroid, else ``None``."""
        return employer_location(self)

    @property
    def address(self) -> str:
        """Street, city and ZIP on one line."""
        return ", ".join(p for p in (self.street, self.city, self.zip) if p)


def employer_infos(uow: UnitOfWork, ids: EmployerIds) -> dict[int, EmployerInfo]:
    """:class:`EmployerInfo` by id for the employers in ``ids`` (ids or a list).

    ``visiting_windows`` are the employer's, combined with those of the person the
    specialist sees there (:meth:`VisitingWindows.with_person`): the first person who
    makes hiring decisions and has windows recorded, else the first person with windows.
    """
    statement = sa.select(
        _emp.id,
        _emp.name,
        _emp.street,
        _emp.city,
        _emp.zip,
        _emp.latitude,
        _emp.longitude,
        _emp.job_types,
        _emp.do_not_contact,
        _emp.state,
        _emp.visiting_windows,
    ).where(_in(uow, _emp.id, ids))
    infos = {
        row.id: EmployerInfo(
            id=row.id,
            name=row.name,
            street=row.street,
            city=row.city,
            zip=row.zip,
            latitude=row.latitude,
            longitude=row.longitude,
            job_types=tuple(row.job_types),
            do_not_contact=row.do_not_contact,
            state=row.state,
            visiting_windows=row.visiting_windows,
        )
        for row in uow.session.connection().execute(statement).all()
    }
    for employer_id, (name, windows) in _people_windows(uow, ids).items():
        if employer_id in infos:
            info = infos[employer_id]
            combined = info.visiting_windows.with_person(windows, name)
            infos[employer_id] = attrs.evolve(info, visiting_windows=combined)
    return infos


def _people_windows(uow: UnitOfWork, ids: EmployerIds) -> dict[int, tuple[str, VisitingWindows]]:
    """Per employer, the person whose visiting windows count (see :func:`employer_infos`)."""
    p = tables.employer_people.c
    statement = (
        sa.select(p.employer_id, p.name, p.visiting_windows)
        .where(_in(uow, p.employer_id, ids), p.visiting_windows.is_not(None))
        .order_by(p.employer_id, p.makes_hiring_decisions.desc(), p.id)
    )
    found: dict[int, tuple[str, VisitingWindows]] = {}
    for row in uow.session.execute(statement):
        if row.visiting_windows and row.employer_id not in found:
            found[row.employer_id] = (row.name, row.visiting_windows)
    return found


def count_gone_cold(uow: UnitOfWork, employers: EmployerList, *, cold_line: dt.datetime) -> int:
    """How many employers on ``employers`` (do-not-contact ones left out) had their last
    visit made in the list's modes, before its ``made_before``, earlier than
    ``cold_line``."""
    # "last counted visit before cold_line" as: one counted visit, and none from cold_line
    # on; each EXISTS stops at its first row, where max(at) per employer read every visit
    # of the whole history (46 ms for a statewide specialist, now a few)
    counted = [_v.status == VisitStatus.DONE, _v.mode.in_(employers.modes)]
    counted.append(_v.at < employers.made_before)

    def any_visit(*more: sa.ColumnElement[bool]) -> sa.Exists:
        return sa.exists().where(_v.employer_id == _emp.id, *counted, *more)

    listed = _in(uow, _emp.id, employers)
    facts = _ever_facts(uow, employers)
    if facts is not None:
        # the specialist's own counted visit (or their caseload's) from cold_line on is
        # one by anyone: those employers have not gone cold, and are not asked about
        maybe = [i for i, (made, _) in facts.items() if made is None or made < cold_line]
        listed = _one_of(uow, _emp.id, sorted(maybe))
    statement = (
        sa.select(sa.func.count())
        .select_from(tables.employers)
        .where(listed, _emp.do_not_contact.is_(False))
        .where(any_visit(), ~any_visit(_v.at >= cold_line))
    )
    return int(uow.session.scalar(statement) or 0)


def _ever_facts(uow: UnitOfWork, employers: EmployerList) -> _Facts | None:
    """The facts :func:`_listed_ids` read for ``employers`` when it is a list taken ever
    (``None``: another list, or none read)."""
    if employers.made_since is not None:
        return None
    known: dict[object, Any] = uow.session.info.get(_LISTS, {})
    facts: _Facts | None = known.get(("facts", employers))
    return facts


class Seeker(NamedTuple):
    """A job seeker on a caseload, as the due list reads them (plain values)."""

    id: int
    code: str
    status: JobSeekerStatus
    ips_start: dt.date | None
    preferences: Preferences


def caseload(uow: UnitOfWork, specialist_id: int | None) -> list[Seeker]:
    """The job seekers ``uow.seekers.on_caseload`` gives (not closed; of one specialist,
    when given; by code), as plain rows: without loading each one's status history."""
    statement = sa.select(_js.id, _js.code, _js.status, _js.ips_start, _js.preferences).where(
        _js.status != JobSeekerStatus.CLOSED
    )
    if specialist_id is not None:
        statement = statement.where(_js.specialist_id == specialist_id)
    return [Seeker(*row) for row in uow.session.execute(statement.order_by(_js.code))]


def visits_made(
    uow: UnitOfWork, ids: EmployerIds, *, before: dt.datetime
) -> list[tuple[int, dt.datetime, VisitPurpose, ContactMode]]:
    """``(employer id, at, purpose, mode)`` of every visit made at the employers before
    ``before``, by employer id, then oldest first."""
    done = VisitStatus.DONE.value  # a plain string: the raw read below binds it as it is
    statement = (
        sa.select(_v.employer_id, _v.at, _v.purpose, _v.mode)
        .where(_in(uow, _v.employer_id, ids), _v.status == done, _v.at < before)
        .order_by(_v.employer_id, _v.at)
    )
    if uow.session.get_bind().dialect.name != "postgresql":
        return list(uow.session.connection().execute(statement).all())
    # thousands of rows a page: straight from the driver (which gives aware datetimes),
    # each distinct purpose and mode converted once, without SQLAlchemy's row handling
    dialect = uow.session.get_bind().dialect
    purpose_of, mode_of = once_each(_v.purpose, dialect), once_each(_v.mode, dialect)
    return [
        (employer_id, at, purpose_of(purpose), mode_of(mode))
        for employer_id, at, purpose, mode in fetch_tuples(uow.session, statement)
    ]


def first_planned(
    uow: UnitOfWork, ids: EmployerIds, *, since: dt.datetime
) -> dict[int, dt.datetime]:
    """When the first visit planned at each employer from ``since`` on starts (employers
    with none are left out)."""
    statement = (
        sa.select(_v.employer_id, sa.func.min(_v.at))
        .where(_in(uow, _v.employer_id, ids), _v.status == VisitStatus.PLANNED, _v.at >= since)
        .group_by(_v.employer_id)
    )
    return dict(uow.session.execute(statement).all())


def interest_pairs(
    uow: UnitOfWork, ids: EmployerIds, seeker_ids: Collection[int], *, since: dt.datetime
) -> list[tuple[int, int]]:
    """``(employer id, job seeker id)`` for each of ``seeker_ids`` with a visit made or
    planned for them at one of the employers since ``since`` (visits first), then with a
    job-fit note there not rated poor; a pair may come twice."""
    pool = sorted(seeker_ids)
    visits = (
        sa.select(_v.employer_id, _vs.seeker_id)
        .join(tables.visit_seekers, _vs.visit_id == _v.id)
        .where(
            _in(uow, _v.employer_id, ids),
            _one_of(uow, _vs.seeker_id, pool),
            _v.status.in_(LIVE_VISIT_STATUSES),
            _v.at >= since,
        )
        .distinct()
    )
    fn = tables.job_fit_notes.c
    notes = (
        sa.select(fn.employer_id, fn.seeker_id)
        .where(
            _in(uow, fn.employer_id, ids),
            _one_of(uow, fn.seeker_id, pool),
            fn.overall != FitRating.POOR,
        )
        .distinct()
    )
    pairs: list[tuple[int, int]] = []
    for statement in (visits, notes):
        pairs.extend(uow.session.execute(statement).all())
    return pairs


def first_face_to_face(
    uow: UnitOfWork, seeker_ids: Iterable[int], *, before: dt.datetime
) -> dict[int, dt.datetime]:
    """When the first face-to-face employer contact about a job for each job seeker was
    made before ``before``: a visit in person naming them (whether or not they came along,
    by the specialist or by the job seeker alone), follow-along support visits left out;
    job seekers with none are left out."""
    ids = sorted(seeker_ids)
    if not ids:
        return {}
    statement = (
        sa.select(_vs.seeker_id, sa.func.min(_v.at))
        .join(tables.visits, _v.id == _vs.visit_id)
        .where(
            _one_of(uow, _vs.seeker_id, ids),
            _v.status == VisitStatus.DONE,
            _v.mode == ContactMode.IN_PERSON,
            _v.purpose != VisitPurpose.SUPPORT,
            _v.at < before,
        )
        .group_by(_vs.seeker_id)
    )
    return dict(uow.session.execute(statement).all())


def first_planned_for_seekers(
    uow: UnitOfWork, seeker_ids: Collection[int], *, since: dt.datetime
) -> dict[int, dt.datetime]:
    """When the first face-to-face visit planned from ``since`` on that names each job
    seeker starts; job seekers with none are left out."""
    if not seeker_ids:
        return {}
    statement = (
        sa.select(_vs.seeker_id, sa.func.min(_v.at))
        .join(tables.visits, _v.id == _vs.visit_id)
        .where(
            _one_of(uow, _vs.seeker_id, sorted(seeker_ids)),
            _v.status == VisitStatus.PLANNED,
            _v.mode == ContactMode.IN_PERSON,
            _v.at >= since,
        )
        .group_by(_vs.seeker_id)
    )
    return dict(uow.session.execute(statement).all())
