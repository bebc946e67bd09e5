"""Employment specialists and their caseloads: add a specialist, see a caseload, move one.

Specialist turnover is high in IPS (about 45% a year in one study), so a caseload must be
reassignable in one step. Reassigning moves the job seekers and the old specialist's
planned visits for them (so nobody's next employer visit is left in a departed
specialist's diary); every visit made keeps the specialist who made it, so an employer's
history outlasts the specialist.

>>> import ips_jobdev as jobdev
>>> with jobdev.open_store("sqlite:///county.sqlite3") as uow:                 # doctest: +SKIP
...     jobdev.add_specialist(uow, "ae", "Alex Example", office_zip="53704")
...     uow.commit()
...     moved = jobdev.reassign_caseload(uow, "ae", "bx")
...     uow.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import attrs

from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._model import EmploymentPeriod, JobSeeker, Specialist, Visit
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import casework as queries
from ips_jobdev._vocab import JobSeekerStatus, VisitStatus
from ips_jobdev.errors import ValidationError

__all__ = [
    "FULL_FIDELITY_CASELOAD",
    "Caseload",
    "Reassignment",
    "add_specialist",
    "caseload_sizes",
    "edit_specialist",
    "reassign_caseload",
    "record_leave",
    "specialist_caseload",
]

FULL_FIDELITY_CASELOAD = 20
"""The IPS fidelity scale gives a caseload of 20 job seekers or fewer its top score."""


@attrs.frozen
class Caseload:
    """One specialist and the job seekers on their caseload (everyone not closed), by code."""

    specialist: Specialist
    seekers: tuple[JobSeeker, ...]

    @property
    def count(self) -> int:
        """How many job seekers are on the caseload."""
        return len(self.seekers)

    @property
    def over_full_fidelity(self) -> bool:
        """True when the caseload is larger than the fidelity scale's top anchor (20)."""
        return self.count > FULL_FIDELITY_CASELOAD

    def by_status(self) -> dict[JobSeekerStatus, int]:
        """How many job seekers are searching, working, on hold."""
        counts: dict[JobSeekerStatus, int] = {}
        for seeker in self.seekers:
            counts[seeker.status] = counts.get(seeker.status, 0) + 1
        return counts


@attrs.frozen
class Reassignment:
    """What :func:`reassign_caseload` did: who moved, and what stays with the old specialist.

    ``visits_moved`` are the old specialist's planned visits that went with the job
    seekers (every job seeker they name moved). ``planned_visits_left`` counts the old
    specialist's planned visits still in their diary: general visits for no one, visits
    also for job seekers who stay, and (with ``move_planned_visits=False``) the ones left
    on purpose; the new specialist may want to take them over or cancel them.
    """

    from_specialist: Specialist
    to_specialist: Specialist
    moved: tuple[JobSeeker, ...]
    planned_visits_left: int
    visits_moved: tuple[Visit, ...] = ()

    @property
    def moved_codes(self) -> list[str]:
        """The program codes of the job seekers who moved."""
        return [seeker.code for seeker in self.moved]


def add_specialist(
    uow: UnitOfWork,
    code: str,
    name: str,
    *,
    email: str | None = None,
    office_zip: str | None = None,
    timezone: str = "America/Chicago",
    weekly_contact_target: int = 6,
    started: dt.date | None = None,
    fte: float | None = None,
    program: str | None = None,
) -> Specialist:
    """Add an employment specialist (staged: call ``uow.commit()``).

    ``started`` (the first day employed) and ``fte`` (the full-time share, 0.5 for half
    time) make their first employment period; without either, they count as employed
    throughout, full time. ``program`` is the code of the specialist's program; by default
    the unit of work's program, or the record's only one.

    Raises:
        ValidationError: a field is not valid, a specialist with this code exists, or the
            record holds several programs and none is given.
        NotFoundError: no program has the code ``program``.
    """
    specialist = Specialist(
        code=code,
        name=name,
        email=email,
        office_zip=office_zip,
        timezone=timezone,
        weekly_contact_target=weekly_contact_target,
    )
    if started is not None or fte is not None:
        specialist.add_period(started, fte=1.0 if fte is None else fte)
    if program is not None:
        specialist.program_id = uow.programs.by_code(program).id
    # codes are unique per program: look in the one the specialist goes to
    existing = uow.specialists.find_by_code(specialist.code, program_id=specialist.program_id)
    if existing is not None:
        raise ValidationError(
            "Specialist", "code", f"{existing.code!r} already exists ({existing.name})"
        )
    uow.specialists.add(specialist)
    uow.flush()
    assert specialist.id is not None
    uow.record_event(RecordChanged("specialist", specialist.id, ChangeAction.CREATED))
    return specialist


def specialist_caseload(uow: UnitOfWork, code: str) -> Caseload:
    """The specialist with this code and the job seekers on their caseload.

    Raises:
        NotFoundError: no specialist has this code.
    """
    specialist = uow.specialists.by_code(code)
    seekers = uow.seekers.on_caseload(specialist.id)
    return Caseload(specialist=specialist, seekers=tuple(seekers))


def caseload_sizes(uow: UnitOfWork) -> dict[int, int]:
    """Job seekers on the caseload (not closed) per specialist id."""
    return queries.caseload_sizes(uow)


def reassign_caseload(
    uow: UnitOfWork,
    from_code: str,
    to_code: str,
    *,
    seeker_codes: Iterable[str] = (),
    now: dt.datetime | None = None,
    move_planned_visits: bool = True,
    reason: str | None = None,
) -> Reassignment:
    """Move job seekers from one specialist to another (staged: call ``uow.commit()``).

    Without ``seeker_codes`` the whole caseload moves (every job seeker not closed);
    with them, only those job seekers, who must be with ``from_code``. The old
    specialist's visits planned from ``now`` on whose job seekers all move go to the new
    specialist too (``move_planned_visits=False`` leaves them); visits made, and planned
    visits for no one or also for job seekers who stay, keep their specialist.
    ``reason`` is kept in the change history.

    Raises:
        NotFoundError: a specialist or job seeker code is unknown.
        ValidationError: the two specialists are the same, the new one is not active, or
            a named job seeker is not with ``from_code``.
    """
    source = uow.specialists.by_code(from_code)
    target = uow.specialists.by_code(to_code)
    if source.id == target.id:
        raise ValidationError("reassignment", "to", f"{target.code!r} is the same specialist")
    if not target.active:
        raise ValidationError("reassignment", "to", f"{target.code!r} is not an active specialist")
    chosen = _chosen_seekers(uow, source, seeker_codes)
    current = now or dt.datetime.now(dt.UTC)
    visits = _visits_to_move(uow, source, chosen, current) if move_planned_visits else []
    assert target.id is not None
    with uow.explain("reassign caseload", reason):
        for seeker in chosen:
            seeker.specialist_id = target.id
        for visit in visits:
            visit.specialist_id = target.id
        uow.flush()
    for seeker in chosen:
        assert seeker.id is not None
        uow.record_event(RecordChanged("job-seeker", seeker.id, ChangeAction.UPDATED))
    for visit in visits:
        assert visit.id is not None
        uow.record_event(RecordChanged("visit", visit.id, ChangeAction.UPDATED))
    return Reassignment(
        from_specialist=source,
        to_specialist=target,
        moved=tuple(chosen),
        planned_visits_left=_planned_visits(uow, source, current),
        visits_moved=tuple(visits),
    )


def _visits_to_move(
    uow: UnitOfWork, source: Specialist, moving: Sequence[JobSeeker], now: dt.datetime
) -> list[Visit]:
    """The source's visits planned from ``now`` on that name job seekers, all moving."""
    ids = {seeker.id for seeker in moving}
    planned = uow.visits.between(now, specialist_id=source.id, status=VisitStatus.PLANNED)
    return [v for v in planned if v.seekers and all(s.id in ids for s in v.seekers)]


def _chosen_seekers(
    uow: UnitOfWork, source: Specialist, seeker_codes: Iterable[str]
) -> Sequence[JobSeeker]:
    codes = list(dict.fromkeys(code.strip() for code in seeker_codes if code.strip()))
    if not codes:
        return uow.seekers.on_caseload(source.id)
    chosen = [uow.seekers.by_code(code) for code in codes]
    for seeker in chosen:
        if seeker.specialist_id != source.id:
            raise ValidationError(
                "reassignment", "seeker", f"{seeker.code!r} is not on {source.code!r}'s caseload"
            )
    return sorted(chosen, key=lambda seeker: seeker.code)


def _planned_visits(uow: UnitOfWork, specialist: Specialist, now: dt.datetime) -> int:
    assert specialist.id is not None
    return queries.planned_visit_count(uow, specialist.id, from_=now)


def _period_changes(
    specialist: Specialist,
    *,
    started: dt.date | None,
    ended: dt.date | None,
    fte: float | None,
    fte_from: dt.date | None,
) -> None:
    """Apply employment changes: a start (a new period after one that ended, else the
    start of the current one), an end, a full-time share (from a day: a new period)."""
    current = specialist.current_period
    if started is not None:
        if current is not None and current.ended is not None and current.ended < started:
            current = specialist.add_period(started, fte=current.fte)
        elif current is None:
            current = specialist.add_period(started)
        else:
            current.started = started
            current.__attrs_post_init__()
    if fte is not None:
        if fte_from is not None:
            if current is None:
                specialist.add_period(None, ended=fte_from - dt.timedelta(days=1))
            else:
                if current.started is not None and fte_from <= current.started:
                    raise ValidationError(
                        "EmploymentPeriod", "fte", f"{fte_from} is not after {current.started}"
                    )
                current.ended, old_end = fte_from - dt.timedelta(days=1), current.ended
                current = specialist.add_period(fte_from, ended=old_end, fte=fte)
                fte = None
        if fte is not None:
            if current is None:
                current = specialist.add_period(None, fte=fte)
            else:
                current.fte = EmploymentPeriod(fte=fte).fte
    if ended is not None:
        if current is None:
            current = specialist.add_period(None)
        current.ended = ended
        current.__attrs_post_init__()


def edit_specialist(
    uow: UnitOfWork,
    code: str,
    *,
    name: str | None = None,
    email: str | None = None,
    office_zip: str | None = None,
    weekly_contact_target: int | None = None,
    active: bool | None = None,
    started: dt.date | None = None,
    ended: dt.date | None = None,
    fte: float | None = None,
    fte_from: dt.date | None = None,
) -> Specialist:
    """Change a specialist's details and employment (staged: call ``uow.commit()``).

    ``started`` after a period that ended begins a new period (a return); otherwise it
    corrects the start of the current one. ``ended`` ends the current period. ``fte`` with
    ``fte_from`` starts a new period with that full-time share from that day (past periods
    keep theirs, so past figures do not change); without ``fte_from`` it corrects the
    share of the current period.

    Raises:
        NotFoundError: no specialist has this code.
        ValidationError: a value is refused (an end before the start, a share not in
            (0, 1], periods that would overlap).
    """
    specialist = uow.specialists.by_code(code)
    candidate = Specialist(
        code=specialist.code,
        name=name if name is not None else specialist.name,
        email=email if email is not None else specialist.email,
        office_zip=office_zip if office_zip is not None else specialist.office_zip,
        weekly_contact_target=(
            weekly_contact_target
            if weekly_contact_target is not None
            else specialist.weekly_contact_target
        ),
    )
    specialist.name, specialist.email = candidate.name, candidate.email
    specialist.office_zip = candidate.office_zip
    specialist.weekly_contact_target = candidate.weekly_contact_target
    if active is not None:
        specialist.active = active
    _period_changes(specialist, started=started, ended=ended, fte=fte, fte_from=fte_from)
    uow.flush()
    assert specialist.id is not None
    uow.record_event(RecordChanged("specialist", specialist.id, ChangeAction.UPDATED))
    return specialist


def record_leave(
    uow: UnitOfWork, code: str, *, first_day: dt.date, last_day: dt.date, note: str | None = None
) -> Specialist:
    """Record days a specialist was away, both included (staged: call ``uow.commit()``).

    The fidelity report takes the leave's work days out of the weeks they worked.

    Raises:
        NotFoundError: no specialist has this code.
        ValidationError: the leave runs backwards or overlaps one already recorded.
    """
    specialist = uow.specialists.by_code(code)
    specialist.add_leave(first_day, last_day, note)
    uow.flush()
    assert specialist.id is not None
    uow.record_event(RecordChanged("specialist", specialist.id, ChangeAction.UPDATED))
    return specialist
