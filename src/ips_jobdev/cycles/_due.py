"""What is due: employer visits due or overdue, and job seekers at risk of the 30-day rule.

:func:`list_due` is the use case behind ``ips-jobdev due``. It reads each employer's visit
history from the store and derives the relationship's state with
:mod:`ips_jobdev.cycles` (nothing derived is stored), and the first face-to-face employer
contact of each job seeker on the caseload. The week planner uses the same readers.

>>> import ips_jobdev as jobdev                                    # doctest: +SKIP
>>> with jobdev.open_store(url) as uow:                                  # doctest: +SKIP
...     for item in list_due(uow, specialist="jd").items:
...         print(item.due, item.name, item.reason)
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any, Protocol

import attrs

from ips_jobdev import _lookup
from ips_jobdev import _model as model
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import cycles as queries
from ips_jobdev._store.queries.cycles import EmployerIds, EmployerInfo, EmployerList, employer_infos
from ips_jobdev._vocab import ContactMode, JobSeekerStatus
from ips_jobdev._windows import Opening, parse_weekdays
from ips_jobdev.cycles import (
    CyclePolicy,
    EmployerCycleState,
    EmployerStatus,
    RapidSearchState,
    RapidSearchStatus,
    employer_state,
    local_date,
    rapid_search_state,
    resolve_policy,
    summarize,
)
from ips_jobdev.cycles._relationship import fold_made

__all__ = [
    "DEFAULT_ZONE",
    "DueItem",
    "DueList",
    "EmployerIds",
    "EmployerInfo",
    "EmployerList",
    "day_start",
    "employer_infos",
    "first_contacts",
    "list_due",
    "relationship_states",
    "seeker_states",
    "specialist_employers",
]

DEFAULT_ZONE = "America/Chicago"
"""The time zone used when no specialist is named (the model's default)."""


def day_start(day: dt.date, zone: str | zoneinfo.ZoneInfo) -> dt.datetime:
    """Local midnight at the start of ``day`` in ``zone``, as an aware datetime."""
    tz = zone if isinstance(zone, zoneinfo.ZoneInfo) else zoneinfo.ZoneInfo(zone)
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def _counted_modes(policy: CyclePolicy) -> tuple[ContactMode, ...]:
    return (ContactMode.IN_PERSON,) if policy.face_to_face_only else tuple(ContactMode)


# -- employers ------------------------------------------------------------------------------


def specialist_employers(
    specialist_id: int | None,
    *,
    on: dt.date,
    zone: str,
    policy: CyclePolicy,
    include_cold: bool = False,
) -> EmployerList:
    """The employers on a specialist's list on day ``on`` (a description the store queries
    select inside their own statements; see :class:`EmployerList`).

    An employer is on the list when the specialist made a counted visit there, or a counted
    visit there was made for a job seeker now on their caseload (so a reassigned caseload
    brings its employers along), within the last ``cold_after_days`` (ever, with
    ``include_cold``); or when the specialist has a visit planned there from ``on``.
    With no specialist: every employer with such a visit.
    """
    return EmployerList(
        specialist_id=specialist_id,
        modes=_counted_modes(policy),
        made_before=day_start(on + dt.timedelta(days=1), zone),
        made_since=None if include_cold else _cold_line(on, zone, policy),
        planned_from=day_start(on, zone),
    )


class SeekerLike(Protocol):
    """What due lists and states read of a job seeker (a :class:`~ips_jobdev.JobSeeker`
    has it all; the due list reads a caseload as plain rows)."""

    @property
    def id(self) -> int | None: ...

    @property
    def code(self) -> str: ...

    @property
    def status(self) -> JobSeekerStatus: ...

    @property
    def ips_start(self) -> dt.date | None: ...

    @property
    def preferences(self) -> model.Preferences: ...


def _cold_line(on: dt.date, zone: str, policy: CyclePolicy) -> dt.datetime:
    """Counted visits before this moment are ``cold_after_days`` or more days old on
    ``on`` (a relationship whose last one is older has gone cold)."""
    return day_start(on - dt.timedelta(days=policy.cold_after_days - 1), zone)


def _count_cold(
    uow: UnitOfWork, specialist_id: int | None, *, on: dt.date, zone: str, policy: CyclePolicy
) -> int:
    """How many employers on the specialist's list (ever) have gone cold by ``on``."""
    ever = specialist_employers(specialist_id, on=on, zone=zone, policy=policy, include_cold=True)
    return queries.count_gone_cold(uow, ever, cold_line=_cold_line(on, zone, policy))


def _interest(
    uow: UnitOfWork,
    ids: EmployerIds,
    infos: dict[int, EmployerInfo],
    pool: Sequence[SeekerLike],
    *,
    since: dt.datetime,
) -> dict[int, list[str]]:
    """The job seekers in ``pool`` interested in each employer, by program code.

    Interested: a visit to the employer was made or planned for them since ``since``, or a
    job-fit note for them there is not rated poor, or they want one of its job types.
    """
    searching = {s.id: s for s in pool if s.status is JobSeekerStatus.SEARCHING}
    if not searching:
        return {}
    found: dict[int, set[str]] = {}
    pool_ids = [i for i in searching if i is not None]
    for employer_id, seeker_id in queries.interest_pairs(uow, ids, pool_ids, since=since):
        found.setdefault(employer_id, set()).add(searching[seeker_id].code)
    by_type = _wanted_job_types(searching.values())
    if by_type:
        for employer_id, info in infos.items():
            for job_type in info.job_types:
                if job_type in by_type:
                    found.setdefault(employer_id, set()).update(by_type[job_type])
    return {employer_id: sorted(codes) for employer_id, codes in found.items()}


def _wanted_job_types(seekers: Iterable[SeekerLike]) -> dict[str, set[str]]:
    """The codes of the job seekers who want each job type (and do not avoid it)."""
    by_type: dict[str, set[str]] = {}
    for seeker in seekers:
        avoid = set(seeker.preferences.avoid)
        for job_type in seeker.preferences.job_types:
            if job_type not in avoid:
                by_type.setdefault(job_type, set()).add(seeker.code)
    return by_type


def relationship_states(
    uow: UnitOfWork,
    ids: EmployerIds,
    *,
    on: dt.date,
    zone: str,
    policy: CyclePolicy,
    pool: Sequence[SeekerLike] = (),
    infos: dict[int, EmployerInfo] | None = None,
    planned_from: dt.date | None = None,
) -> dict[int, EmployerCycleState]:
    """The cycle state on day ``on`` of every employer in ``ids`` (ids or a specialist's
    :class:`EmployerList`).

    Reads the visits made before the end of ``on`` and folds them with
    :func:`ips_jobdev.cycles.summarize`; ``pool`` is the job seekers whose interest sets
    the keep-in-touch interval (see :func:`_interest`). A state's ``planned`` is the first
    visit planned there from ``planned_from`` (default: ``on``) on.
    """
    end = day_start(on + dt.timedelta(days=1), zone)
    infos = infos if infos is not None else employer_infos(uow, ids)
    tz = zoneinfo.ZoneInfo(zone)
    face_to_face = {mode: mode.face_to_face for mode in ContactMode}
    summaries = {
        employer_id: fold_made(
            [(at, purpose, face_to_face[mode]) for _, at, purpose, mode in rows], policy, tz
        )
        for employer_id, rows in itertools.groupby(
            queries.visits_made(uow, ids, before=end), key=itemgetter(0)
        )
    }
    first_planned = queries.first_planned(uow, ids, since=day_start(planned_from or on, zone))
    planned = {employer_id: local_date(at, zone) for employer_id, at in first_planned.items()}
    since = day_start(on - dt.timedelta(days=policy.cold_after_days), zone)
    interest = _interest(uow, ids, infos, pool, since=since)
    states: dict[int, EmployerCycleState] = {}
    for employer_id, info in infos.items():
        states[employer_id] = employer_state(
            summaries.get(employer_id) or summarize((), policy),
            policy,
            on=on,
            interested=interest.get(employer_id, []),
            planned=planned.get(employer_id),
            employer_id=employer_id,
            employer_name=info.name,
        )
    return states


# -- job seekers ----------------------------------------------------------------------------


def first_contacts(
    uow: UnitOfWork, seeker_ids: Iterable[int], *, before: dt.datetime
) -> dict[int, dt.datetime]:
    """When the first face-to-face employer contact was made for each job seeker (visits
    made before ``before`` that name them, whether or not they came along)."""
    return queries.first_face_to_face(uow, seeker_ids, before=before)


def seeker_states(
    uow: UnitOfWork,
    seekers: Sequence[SeekerLike],
    *,
    on: dt.date,
    zone: str,
    policy: CyclePolicy,
) -> list[RapidSearchState]:
    """The rapid job search state of each job seeker on day ``on``, in the given order."""
    end = day_start(on + dt.timedelta(days=1), zone)
    firsts = first_contacts(uow, (s.id for s in seekers if s.id is not None), before=end)
    states = []
    for seeker in seekers:
        first = firsts.get(seeker.id) if seeker.id is not None else None
        states.append(
            rapid_search_state(
                seeker.ips_start,
                local_date(first, zone) if first else None,
                on=on,
                policy=policy,
                seeker_id=seeker.id,
                seeker_code=seeker.code,
            )
        )
    return states


def _planned_for_seekers(
    uow: UnitOfWork, seeker_ids: Sequence[int], *, start: dt.datetime, zone: str
) -> dict[int, dt.date]:
    firsts = queries.first_planned_for_seekers(uow, seeker_ids, since=start)
    return {seeker_id: local_date(at, zone) for seeker_id, at in firsts.items()}


# -- the use case ---------------------------------------------------------------------------


@attrs.frozen
class DueItem:
    """One thing on the due list: an employer visit or a job seeker's first contact.

    ``kind`` is ``"employer"`` or ``"job-seeker"``; ``due`` is the employer's due date or
    the job seeker's 30-day mark; ``planned`` the date of a visit already planned for it.
    """

    kind: str
    id: int
    name: str
    due: dt.date | None
    status: str
    reason: str
    planned: dt.date | None = None
    employer: EmployerCycleState | None = None
    seeker: RapidSearchState | None = None
    visiting_windows: str | None = None
    """The employer's visiting windows as text (``None`` when none are recorded)."""
    best_time: Opening | None = None
    """The next time the employer can be visited, from the day judged: within the
    specialist's working days and hours when one is named and that is possible (see
    :attr:`Opening.in_working_hours`); ``None`` when no window is recorded."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of ``ips-jobdev due --json`` (docs/reference/cli.md)."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "due": self.due,
            "status": self.status,
            "reason": self.reason,
            "planned": self.planned,
        }
        if self.employer is not None:
            e = self.employer
            out.update(
                stage=e.stage,
                stage_title=e.stage_title,
                next_stage=e.next_stage,
                next_title=e.next_title,
                next_purpose=e.next_purpose,
                days_overdue=e.days_overdue,
                last_face_to_face=e.last_face_to_face,
                interested_seekers=list(e.interested_seekers),
                visiting_windows=self.visiting_windows,
                best_time=self.best_time.to_dict() if self.best_time else None,
            )
        if self.seeker is not None:
            s = self.seeker
            out.update(
                ips_start=s.ips_start,
                days_since_start=s.days_since_start,
                days_left=s.days_left,
                first_contact=s.first_contact,
            )
        return out


@attrs.frozen
class DueList:
    """What :func:`list_due` found, most urgent first."""

    on: dt.date
    specialist: str | None
    policy: str
    items: list[DueItem]
    cold: int
    """How many of the listed relationships have gone cold (listed only on request)."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev due --json``."""
        return {
            "on": self.on,
            "specialist": self.specialist,
            "policy": self.policy,
            "cold": self.cold,
            "items": [item.to_dict() for item in self.items],
        }


def list_due(
    uow: UnitOfWork,
    *,
    specialist: model.Specialist | str | None = None,
    on: dt.date | None = None,
    policy: CyclePolicy | str | None = None,
    include_cold: bool = False,
) -> DueList:
    """Employers whose next visit is overdue or due within the policy's window (7 days,
    ``on`` included), and job seekers at risk of missing (or past) the 30-day mark with no
    employer contact yet; most urgent first (earliest date first, job seekers before
    employers on the same day).

    Args:
        uow: the unit of work to read from.
        specialist: one specialist's list (a code or record); ``None`` for everyone.
        on: the day to judge (default: today in the specialist's time zone).
        policy: the cycle policy, a registered name or a TOML path (default: the default).
        include_cold: also list relationships that have gone cold (after the rest).
    """
    chosen = resolve_policy(policy)
    who = _lookup.specialist(uow, specialist) if specialist is not None else None
    zone = who.timezone if who is not None else DEFAULT_ZONE
    day = on or dt.datetime.now(zoneinfo.ZoneInfo(zone)).date()
    specialist_id = who.id if who is not None else None
    caseload = queries.caseload(uow, specialist_id)
    # counted first: the store reads the list taken ever once, and the shorter one from it
    cold = (
        None if include_cold else _count_cold(uow, specialist_id, on=day, zone=zone, policy=chosen)
    )
    ids = specialist_employers(
        specialist_id, on=day, zone=zone, policy=chosen, include_cold=include_cold
    )
    infos = employer_infos(uow, ids)
    states = relationship_states(
        uow, ids, on=day, zone=zone, policy=chosen, pool=caseload, infos=infos
    )
    items, cold_items = _employer_items(states, infos, _Timing(day, who))
    items += _seeker_items(uow, caseload, on=day, zone=zone, policy=chosen)
    items.sort(key=lambda i: (i.due or dt.date.max, i.kind != "job-seeker", i.name.lower(), i.id))
    cold_items.sort(key=lambda i: (i.employer.last_face_to_face or dt.date.min, i.id))  # type: ignore[union-attr]
    return DueList(
        on=day,
        specialist=who.code if who is not None else None,
        policy=chosen.name,
        items=items + cold_items,
        cold=len(cold_items) if cold is None else cold,
    )


@attrs.frozen
class _Timing:
    """The day judged and the specialist whose working days and hours the best time of a
    visit falls in (any day and hour without one)."""

    on: dt.date
    who: model.Specialist | None

    def best_time(self, info: EmployerInfo) -> Opening | None:
        """The next opening in the employer's windows, in working hours when possible."""
        windows = info.visiting_windows
        if not windows.restricts:
            return None
        if self.who is not None:
            start, end = self.who.work_start, self.who.work_end
            try:
                weekdays = parse_weekdays(self.who.work_days)
            except ValueError:
                weekdays = frozenset(range(5))
            found = windows.next_opening(
                self.on,
                weekdays=weekdays,
                hours=(start.hour * 60 + start.minute, end.hour * 60 + end.minute),
            )
            if found is not None:
                return found
        found = windows.next_opening(self.on)
        if found is not None and self.who is not None:
            return attrs.evolve(found, in_working_hours=False)
        return found


def _employer_items(
    states: dict[int, EmployerCycleState], infos: dict[int, EmployerInfo], timing: _Timing
) -> tuple[list[DueItem], list[DueItem]]:
    """The employers overdue or due, and those gone cold (do-not-contact ones left out)."""
    items: list[DueItem] = []
    cold_items: list[DueItem] = []
    for employer_id, state in states.items():
        info = infos[employer_id]
        if info.do_not_contact:
            continue
        if state.status is EmployerStatus.COLD:
            cold_items.append(_employer_item(state, info, timing))
        elif state.status in (EmployerStatus.OVERDUE, EmployerStatus.DUE):
            items.append(_employer_item(state, info, timing))
    return items, cold_items


def _seeker_items(
    uow: UnitOfWork,
    caseload: Sequence[SeekerLike],
    *,
    on: dt.date,
    zone: str,
    policy: CyclePolicy,
) -> list[DueItem]:
    """Job seekers looking for work with no employer contact yet, at risk of missing (or
    past) the 30-day mark."""
    searching = [s for s in caseload if s.status is JobSeekerStatus.SEARCHING]
    planned = _planned_for_seekers(
        uow, [s.id for s in searching if s.id is not None], start=day_start(on, zone), zone=zone
    )
    items: list[DueItem] = []
    for rapid in seeker_states(uow, searching, on=on, zone=zone, policy=policy):
        waiting = rapid.first_contact is None and rapid.status in (
            RapidSearchStatus.AT_RISK,
            RapidSearchStatus.MISSED,
        )
        if waiting and rapid.seeker_id is not None:
            items.append(
                DueItem(
                    kind="job-seeker",
                    id=rapid.seeker_id,
                    name=rapid.seeker_code or "",
                    due=rapid.deadline,
                    status=rapid.status.value,
                    reason=rapid.reason,
                    planned=planned.get(rapid.seeker_id),
                    seeker=rapid,
                )
            )
    return items


def _employer_item(state: EmployerCycleState, info: EmployerInfo, timing: _Timing) -> DueItem:
    return DueItem(
        kind="employer",
        id=info.id,
        name=info.name,
        due=state.due,
        status=state.status.value,
        reason=state.reason,
        planned=state.planned,
        employer=state,
        visiting_windows=str(info.visiting_windows) or None,
        best_time=timing.best_time(info),
    )
