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
from ips_jobdev._model import JobSeeker, Specialist, Visit
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
    "reassign_caseload",
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
    program: str | None = None,
) -> Specialist:
    """Add an employment specialist (staged: call ``uow.commit()``).

    ``program`` is the code of the specialist's program; by default the unit of work's
    program, or the record's only one.

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
    existing = uow.specialists.find_by_code(specialist.code)
    if existing is not None:
        raise ValidationError(
            "Specialist", "code", f"{existing.code!r} already exists ({existing.name})"
        )
    if program is not None:
        specialist.program_id = uow.programs.by_code(program).id
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
