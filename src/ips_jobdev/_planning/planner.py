"""The week planner: which employers to visit this week, in what order, and why.

:func:`plan_week` proposes, in this order of priority:

1. for each job seeker at risk of missing the 30-day rapid job search rule (no
   face-to-face employer contact yet, and the 30-day mark within ``at_risk_days_left`` of
   the week's last working day) a visit to their best-matched employer
   (:func:`ips_jobdev.matching.rank_employers`), no later than the mark; then for job
   seekers already past the mark with no contact;
2. overdue follow-ups in the contact cycle, most overdue first, then follow-ups falling
   due this week, by due date;
3. new employers (never visited, or gone cold) from the caseload target list
   (:func:`ips_jobdev.matching.caseload_targets`),

until the weekly face-to-face target is met (visits already planned or made that week
count). Visits for at-risk job seekers are proposed even past the target. The visits are
grouped by area per day, routed from the office and timed inside working hours around
existing visits and busy times (:mod:`ips_jobdev._planning.schedule`). Each carries its
reason, the last contact with the employer, and a warning when another specialist visited
or plans to visit there within 30 days.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

import attrs
import sqlalchemy as sa

from ips_jobdev import _model as model
from ips_jobdev._events import VisitPlanned
from ips_jobdev._planning.layout import Candidate, assemble
from ips_jobdev._planning.lookups import (
    CONFLICT_DAYS,
    existing_visits,
    other_specialists_visits,
    seekers_with_planned_visits,
    work_windows,
)
from ips_jobdev._planning.schedule import (
    ScheduleSettings,
)
from ips_jobdev._planning.week import (
    Unplanned,
    WeekPlan,
    parse_week,
    week_label,
)
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitStatus
from ips_jobdev.cycles import (
    CyclePolicy,
    EmployerStatus,
    RapidSearchState,
    RapidSearchStatus,
    resolve_policy,
    short_date,
)
from ips_jobdev.cycles._due import (
    EmployerInfo,
    day_start,
    employer_infos,
    relationship_states,
    resolve_specialist,
    seeker_states,
    specialist_employer_ids,
)
from ips_jobdev.errors import ValidationError

__all__ = ["PlanSettings", "plan_week", "save_plan"]

_v = tables.visits.c
_sp = tables.specialists.c


@attrs.frozen
class PlanSettings:
    """What the planner may vary besides the policy.

    Fields:

    - ``schedule``: travel speed, per-stop allowance, visits per day, area radius.
    - ``match_limit``: how many ranked employers to consider for an at-risk job seeker.
    - ``target_limit``: how long a caseload target list to ask for.
    """

    schedule: ScheduleSettings = attrs.field(factory=ScheduleSettings)
    match_limit: int = 10
    target_limit: int = 50


def _rank(
    uow: UnitOfWork, seeker: model.JobSeeker, limit: int, as_of: dt.date
) -> list[tuple[int, float]]:
    """The best-matched employers for one job seeker (ids and scores, best first)."""
    from ips_jobdev.matching import rank_employers

    ranked = rank_employers(uow, seeker, limit=limit, as_of=as_of)
    return [(m.employer_id, m.score) for m in ranked.matches]


def _targets(
    uow: UnitOfWork, specialist: model.Specialist, limit: int, as_of: dt.date
) -> list[tuple[int, list[str], float]]:
    """The caseload target list: employer ids, the job seekers each fits, the score."""
    from ips_jobdev.matching import caseload_targets

    return [
        (t.employer_id, list(t.seekers), t.score)
        for t in caseload_targets(uow, specialist, limit=limit, as_of=as_of)
    ]


def _at_risk(
    states: Sequence[RapidSearchState], last_day: dt.date, policy: CyclePolicy
) -> list[RapidSearchState]:
    """Job seekers with no contact yet who are at risk at some point of the week (the
    30-day mark first), then those already past the mark."""
    near = []
    past = []
    for state in states:
        if state.first_contact is not None or state.deadline is None:
            continue
        if state.status is RapidSearchStatus.MISSED:
            past.append(state)
        elif (
            state.days_since_start is not None
            and state.days_since_start >= 0
            and (state.deadline - last_day).days <= policy.at_risk_days_left
        ):
            near.append(state)
    near.sort(key=lambda s: (s.deadline, s.seeker_code))
    past.sort(key=lambda s: (s.deadline, s.seeker_code))
    return near + past


def plan_week(
    uow: UnitOfWork,
    specialist: model.Specialist | str,
    week: str | dt.date,
    *,
    target: int | None = None,
    policy: CyclePolicy | str | None = None,
    today: dt.date | None = None,
    busy: Sequence[tuple[dt.datetime, dt.datetime]] = (),
    settings: PlanSettings | None = None,
) -> WeekPlan:
    """Propose a specialist's employer visits for one ISO week (see the module docs).

    Args:
        uow: the unit of work to read from (nothing is written; see :func:`save_plan`).
        specialist: a specialist code or record.
        week: ``"2026-W49"`` or any date in the week.
        target: face-to-face visits wanted that week (default: the specialist's
            ``weekly_contact_target``, 6 unless changed).
        policy: the cycle policy, a registered name or a TOML path.
        today: plan only from this day on (default: today; then today's visits start
            after the current time).
        busy: other times the specialist is not free, as aware ``(start, end)`` pairs.
        settings: travel speed, visits per day and the like.

    Raises:
        ValidationError: the week is over, or is not an ISO week.
        NotFoundError: no such specialist.
    """
    settings = settings or PlanSettings()
    chosen_policy = resolve_policy(policy)
    who = resolve_specialist(uow, specialist)
    if who.id is None:
        raise ValidationError("plan", "specialist", f"{who.code!r} is not saved yet")
    zone = who.timezone
    now: dt.datetime | None = None
    if today is None:
        now = dt.datetime.now(zoneinfo.ZoneInfo(zone))
        today = now.date()
    monday = parse_week(week)
    sunday = monday + dt.timedelta(days=6)
    if sunday < today:
        raise ValidationError("plan", "week", f"{week_label(monday)} is over (today is {today})")
    for start, end in busy:
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise ValidationError("plan", "busy", f"{start} to {end} is not an aware time span")
    goal = who.weekly_contact_target if target is None else target
    if goal < 0:
        raise ValidationError("plan", "target", f"{goal} is below zero")
    windows = work_windows(who, monday, today, now)
    existing = existing_visits(uow, who, monday)
    counted = sum(1 for v in existing if v.face_to_face)
    booked = {v.employer_id for v in existing if v.status == VisitStatus.PLANNED.value}
    need = max(0, goal - counted)
    reference = max(monday, today)
    last_day = windows[-1].day if windows else sunday
    first_day = windows[0].day if windows else reference
    warnings: list[str] = []
    unplanned: list[Unplanned] = []
    if not windows:
        warnings.append(f"no working day left in {week_label(monday)}")

    caseload = list(uow.seekers.on_caseload(who.id))
    searching = [s for s in caseload if s.status is JobSeekerStatus.SEARCHING]
    own_ids = specialist_employer_ids(who.id, on=reference, zone=zone, policy=chosen_policy)
    infos = employer_infos(uow, own_ids)
    states = relationship_states(
        uow,
        own_ids,
        on=reference,
        zone=zone,
        policy=chosen_policy,
        pool=caseload,
        infos=infos,
        planned_from=today,
    )
    candidates: dict[int, Candidate] = {}
    order = 0

    # 1. job seekers at risk of the 30-day rule
    rapid = seeker_states(uow, searching, on=reference, zone=zone, policy=chosen_policy)
    by_id = {s.id: s for s in searching}
    covered = seekers_with_planned_visits(
        uow, [s.id for s in searching if s.id is not None], day_start(today, zone)
    )
    for state in _at_risk(rapid, last_day, chosen_policy):
        seeker = by_id[state.seeker_id]
        if seeker.id in covered:
            continue
        if state.ips_start is not None and state.ips_start > last_day:
            continue
        match = _best_match(uow, seeker, settings.match_limit, infos, reference, booked)
        if match is None:
            unplanned.append(
                Unplanned(
                    "first-contact", state.reason, "no matched employer", seekers=(seeker.code,)
                )
            )
            warnings.append(f"{seeker.code}: no matched employer for a first employer contact")
            continue
        employer_id, score = match
        assert state.deadline is not None
        latest = state.deadline if state.deadline >= first_day else None
        reason = f"{state.reason}; matches {seeker.code}'s preferences (score {score:.2f})"
        if employer_id in candidates:
            candidates[employer_id].seekers.append(seeker)
            candidates[employer_id].reason += f"; {reason}"
            dates = [d for d in (latest, candidates[employer_id].latest) if d is not None]
            candidates[employer_id].latest = min(dates) if dates else None
        else:
            order += 1
            candidates[employer_id] = Candidate(
                infos[employer_id], "first-contact", reason, order, latest, [seeker]
            )

    # 2. follow-ups: overdue, then due this week
    follow_ups = [
        s
        for s in states.values()
        if s.status in (EmployerStatus.OVERDUE, EmployerStatus.DUE, EmployerStatus.OK)
        and s.due is not None
        and (s.overdue or s.due <= sunday)
        and s.employer_id is not None
        and not infos[s.employer_id].do_not_contact
    ]
    follow_ups.sort(key=lambda s: (s.due, (s.employer_name or "").lower(), s.employer_id))
    picked = len(candidates)
    for follow in follow_ups:
        assert follow.employer_id is not None
        assert follow.due is not None
        if follow.employer_id in candidates:
            candidates[follow.employer_id].reason += f"; {follow.reason}"
            continue
        kind = "overdue" if follow.overdue else "due"
        if follow.planned is not None:
            unplanned.append(
                Unplanned(
                    kind,
                    follow.reason,
                    f"a visit is already planned there on {short_date(follow.planned)}",
                    follow.employer_id,
                    follow.employer_name,
                )
            )
            continue
        if picked >= need:
            unplanned.append(
                Unplanned(
                    kind,
                    follow.reason,
                    "the weekly target is met",
                    follow.employer_id,
                    follow.employer_name,
                )
            )
            continue
        latest = follow.due if follow.due >= first_day else None
        order += 1
        picked += 1
        candidates[follow.employer_id] = Candidate(
            infos[follow.employer_id], kind, follow.reason, order, latest, [], follow
        )

    # 3. new employers from the caseload target list
    if picked < need:
        order = _add_targets(
            uow,
            who,
            candidates,
            need - picked,
            order,
            reference,
            zone,
            chosen_policy,
            caseload,
            settings,
            today,
        )

    # states for employers outside the specialist's own list (matches, targets)
    missing = {i for i in candidates if candidates[i].state is None and i not in states}
    if missing:
        states.update(
            relationship_states(
                uow,
                missing,
                on=reference,
                zone=zone,
                policy=chosen_policy,
                pool=caseload,
                planned_from=today,
            )
        )
    for employer_id, candidate in candidates.items():
        candidate.state = candidate.state or states[employer_id]

    return assemble(
        uow,
        who,
        chosen_policy,
        monday,
        today,
        windows,
        existing,
        busy,
        candidates,
        goal,
        counted,
        unplanned,
        warnings,
        settings.schedule,
        reference,
    )


def _best_match(
    uow: UnitOfWork,
    seeker: model.JobSeeker,
    limit: int,
    infos: dict[int, EmployerInfo],
    as_of: dt.date,
    booked: set[int],
) -> tuple[int, float] | None:
    """The best-ranked employer for ``seeker`` that may be contacted and has no visit
    planned that week already (``infos`` gains the employers it had not seen)."""
    ranked = _rank(uow, seeker, limit, as_of)
    fresh = [i for i, _ in ranked if i not in infos]
    if fresh:
        infos.update(employer_infos(uow, fresh))
    usable = [
        (i, s) for i, s in ranked if i in infos and not infos[i].do_not_contact and i not in booked
    ]
    return usable[0] if usable else None


def _add_targets(
    uow: UnitOfWork,
    who: model.Specialist,
    candidates: dict[int, Candidate],
    wanted: int,
    order: int,
    reference: dt.date,
    zone: str,
    policy: CyclePolicy,
    caseload: Sequence[model.JobSeeker],
    settings: PlanSettings,
    today: dt.date,
) -> int:
    """Add new employers (never visited, or gone cold) from the caseload target list, up
    to ``wanted``; employers another specialist is working with are left out."""
    assert who.id is not None
    targets = [
        t for t in _targets(uow, who, settings.target_limit, reference) if t[0] not in candidates
    ]
    if not targets:
        return order
    ids = {t[0] for t in targets}
    infos = employer_infos(uow, ids)
    states = relationship_states(
        uow,
        ids,
        on=reference,
        zone=zone,
        policy=policy,
        pool=caseload,
        infos=infos,
        planned_from=today,
    )
    since = day_start(reference - dt.timedelta(days=CONFLICT_DAYS), zone)
    others = other_specialists_visits(uow, who.id, ids, since, zone)
    added = 0
    for employer_id, seekers, score in targets:
        if added >= wanted:
            break
        state = states.get(employer_id)
        info = infos.get(employer_id)
        if state is None or info is None or info.do_not_contact:
            continue
        if state.status not in (EmployerStatus.NEW, EmployerStatus.COLD) or state.planned:
            continue
        if employer_id in others:
            continue
        who_fits = ", ".join(seekers) if seekers else "the caseload"
        opening = (
            "new employer from the caseload target list"
            if state.status is EmployerStatus.NEW
            else f"{state.reason.split(', stage')[0]}; on the caseload target list"
        )
        reason = f"{opening}: fits {who_fits} (score {score:.2f}), stage 1: {policy.title(1)}"
        order += 1
        added += 1
        candidates[employer_id] = Candidate(info, "new", reason, order, None, [], state)
    return order


def save_plan(uow: UnitOfWork, plan: WeekPlan) -> list[model.Visit]:
    """Store the plan's proposed visits as planned visits (status ``planned``, reason set).

    A visit already stored for the same specialist, employer and time is not added again,
    so saving the same plan twice stores it once. Nothing is committed: call
    ``uow.commit()``; plugins hear of each visit (``visit_planned``) after the commit.

    Returns:
        The visits added.
    """
    added: list[model.Visit] = []
    for proposed in plan.visits:
        clash = uow.session.scalar(
            sa.select(sa.func.count())
            .select_from(tables.visits)
            .where(
                _v.specialist_id == plan.specialist_id,
                _v.employer_id == proposed.employer_id,
                _v.at == proposed.start,
                _v.status != VisitStatus.CANCELLED,
            )
        )
        if clash:
            continue
        seekers = [uow.seekers.get(i) for i in proposed.seeker_ids]
        visit = model.Visit(
            employer_id=proposed.employer_id,
            specialist_id=plan.specialist_id,
            at=proposed.start,
            duration_minutes=proposed.minutes,
            mode=ContactMode.IN_PERSON,
            purpose=proposed.purpose,
            status=VisitStatus.PLANNED,
            seekers=seekers,
            reason=proposed.reason,
        )
        uow.visits.add(visit)
        added.append(visit)
    uow.flush()
    for visit in added:
        uow.record_event(VisitPlanned(visit.id))  # type: ignore[arg-type]
    return added
