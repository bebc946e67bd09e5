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

until the weekly face-to-face target is met (job-development visits already planned or
made that week count; follow-along support visits never do). Visits for at-risk job
seekers are proposed even past the target. The visits are
grouped by area per day, routed from the office and timed inside working hours around
existing visits and busy times (:mod:`ips_jobdev._planning.schedule`). Each carries its
reason, the last contact with the employer, and a warning when another specialist visited
or plans to visit there within 30 days.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from ips_jobdev import _lookup
from ips_jobdev import _model as model
from ips_jobdev._casework.visits import check_do_not_contact
from ips_jobdev._events import VisitPlanned
from ips_jobdev._planning.context import Draft, PlanSettings, WeekContext
from ips_jobdev._planning.layout import assemble
from ips_jobdev._planning.lookups import (
    CONFLICT_DAYS,
    existing_visits,
    other_specialists_visits,
    seekers_with_planned_visits,
    work_windows,
)
from ips_jobdev._planning.week import Unplanned, WeekPlan, parse_week, week_label
from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries import planning as queries
from ips_jobdev._vocab import ContactMode, VisitStatus
from ips_jobdev.cycles import (
    CyclePolicy,
    EmployerCycleState,
    EmployerStatus,
    RapidSearchState,
    RapidSearchStatus,
    resolve_policy,
    short_date,
)
from ips_jobdev.cycles._due import (
    EmployerIds,
    EmployerInfo,
    day_start,
    employer_infos,
    relationship_states,
    seeker_states,
    specialist_employers,
)
from ips_jobdev.errors import ValidationError

__all__ = ["PlanSettings", "plan_week", "save_plan"]


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


@reads_unaudited
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
    context = _week_context(
        uow,
        specialist,
        week,
        target=target,
        policy=policy,
        today=today,
        busy=busy,
        settings=settings or PlanSettings(),
    )
    draft = _start_draft(context)
    _plan_first_contacts(context, draft)
    _plan_follow_ups(context, draft)
    _plan_new_employers(context, draft)
    _complete_states(context, draft)
    return assemble(context, draft)


# -- the week and what is already in it ---------------------------------------------------


def _week_context(
    uow: UnitOfWork,
    specialist: model.Specialist | str,
    week: str | dt.date,
    *,
    target: int | None,
    policy: CyclePolicy | str | None,
    today: dt.date | None,
    busy: Sequence[tuple[dt.datetime, dt.datetime]],
    settings: PlanSettings,
) -> WeekContext:
    """Check the arguments and read the specialist's week (errors in argument order)."""
    chosen_policy = resolve_policy(policy)
    who = _lookup.specialist(uow, specialist)
    if who.id is None:
        raise ValidationError("plan", "specialist", f"{who.code!r} is not saved yet")
    now: dt.datetime | None = None
    if today is None:
        now = dt.datetime.now(zoneinfo.ZoneInfo(who.timezone))
        today = now.date()
    monday = parse_week(week)
    if monday + dt.timedelta(days=6) < today:
        raise ValidationError("plan", "week", f"{week_label(monday)} is over (today is {today})")
    _check_busy(busy)
    goal = who.weekly_contact_target if target is None else target
    if goal < 0:
        raise ValidationError("plan", "target", f"{goal} is below zero")
    windows = work_windows(who, monday, today, now)
    existing = existing_visits(uow, who, monday)
    return WeekContext(
        uow=uow,
        who=who,
        specialist_id=who.id,
        policy=chosen_policy,
        settings=settings,
        monday=monday,
        today=today,
        windows=tuple(windows),
        existing=tuple(existing),
        busy=tuple(busy),
        goal=goal,
        caseload=tuple(uow.seekers.on_caseload(who.id)),
    )


def _check_busy(busy: Sequence[tuple[dt.datetime, dt.datetime]]) -> None:
    for start, end in busy:
        if start.tzinfo is None or end.tzinfo is None or end <= start:
            raise ValidationError("plan", "busy", f"{start} to {end} is not an aware time span")


def _start_draft(context: WeekContext) -> Draft:
    """The draft before any visit is chosen: the employers on the specialist's list and
    their states."""
    own = specialist_employers(
        context.specialist_id, on=context.reference, zone=context.zone, policy=context.policy
    )
    infos = employer_infos(context.uow, own)
    draft = Draft(infos=infos, states=_states(context, own, infos))
    if not context.windows:
        draft.warnings.append(f"no working day left in {week_label(context.monday)}")
    return draft


def _states(
    context: WeekContext,
    employers: EmployerIds,
    infos: dict[int, EmployerInfo] | None = None,
) -> dict[int, EmployerCycleState]:
    """The cycle states of ``employers`` on the reference day (visits planned from today)."""
    return relationship_states(
        context.uow,
        employers,
        on=context.reference,
        zone=context.zone,
        policy=context.policy,
        pool=context.caseload,
        infos=infos,
        planned_from=context.today,
    )


# -- 1. job seekers at risk of the 30-day rule --------------------------------------------


def _plan_first_contacts(context: WeekContext, draft: Draft) -> None:
    """A visit to the best-matched employer for each job seeker at risk of the 30-day rule
    (the mark nearest first, then those past it) with no face-to-face visit planned."""
    searching = context.searching
    rapid = seeker_states(
        context.uow, searching, on=context.reference, zone=context.zone, policy=context.policy
    )
    by_id = {s.id: s for s in searching}
    covered = seekers_with_planned_visits(
        context.uow,
        [s.id for s in searching if s.id is not None],
        day_start(context.today, context.zone),
    )
    for state in _at_risk(rapid, context.last_day, context.policy):
        seeker = by_id[state.seeker_id]
        if seeker.id in covered:
            continue
        if state.ips_start is not None and state.ips_start > context.last_day:
            continue
        _plan_first_contact(context, draft, state, seeker)


def _plan_first_contact(
    context: WeekContext, draft: Draft, state: RapidSearchState, seeker: model.JobSeeker
) -> None:
    match = _best_match(context, draft, seeker)
    if match is None:
        draft.leave_out(
            Unplanned("first-contact", state.reason, "no matched employer", seekers=(seeker.code,))
        )
        draft.warnings.append(f"{seeker.code}: no matched employer for a first employer contact")
        return
    employer_id, score = match
    assert state.deadline is not None
    latest = state.deadline if state.deadline >= context.first_day else None
    reason = f"{state.reason}; matches {seeker.code}'s preferences (score {score:.2f})"
    wanted = draft.candidates.get(employer_id)
    if wanted is not None:
        wanted.join(seeker, reason, latest)
    else:
        draft.want(
            draft.infos[employer_id],
            kind="first-contact",
            reason=reason,
            latest=latest,
            seekers=[seeker],
        )


def _best_match(
    context: WeekContext, draft: Draft, seeker: model.JobSeeker
) -> tuple[int, float] | None:
    """The best-ranked employer for ``seeker`` that may be contacted and has no visit
    planned that week already (the draft's ``infos`` gain the employers not seen yet)."""
    infos = draft.infos
    ranked = _rank(context.uow, seeker, context.settings.match_limit, context.reference)
    fresh = [i for i, _ in ranked if i not in infos]
    if fresh:
        infos.update(employer_infos(context.uow, fresh))
    booked = context.booked
    usable = [
        (i, s) for i, s in ranked if i in infos and not infos[i].do_not_contact and i not in booked
    ]
    return usable[0] if usable else None


# -- 2. follow-ups: overdue, then due this week -------------------------------------------


def _plan_follow_ups(context: WeekContext, draft: Draft) -> None:
    """Overdue follow-ups of the contact cycle, most overdue first, then those falling due
    this week, while the weekly target is not met."""
    follow_ups = [
        s
        for s in draft.states.values()
        if s.status in (EmployerStatus.OVERDUE, EmployerStatus.DUE, EmployerStatus.OK)
        and s.due is not None
        and (s.overdue or s.due <= context.sunday)
        and s.employer_id is not None
        and not draft.infos[s.employer_id].do_not_contact
    ]
    follow_ups.sort(key=lambda s: (s.due, (s.employer_name or "").lower(), s.employer_id))
    for follow in follow_ups:
        _plan_follow_up(context, draft, follow)


def _plan_follow_up(context: WeekContext, draft: Draft, follow: EmployerCycleState) -> None:
    assert follow.employer_id is not None
    assert follow.due is not None
    wanted = draft.candidates.get(follow.employer_id)
    if wanted is not None:
        wanted.reason += f"; {follow.reason}"
        return
    kind = "overdue" if follow.overdue else "due"
    why = None
    if follow.planned is not None:
        why = f"a visit is already planned there on {short_date(follow.planned)}"
    elif len(draft.candidates) >= context.need:
        why = "the weekly target is met"
    if why is not None:
        draft.leave_out(
            Unplanned(
                kind,
                follow.reason,
                why,
                employer_id=follow.employer_id,
                employer_name=follow.employer_name,
            )
        )
        return
    draft.want(
        draft.infos[follow.employer_id],
        kind=kind,
        reason=follow.reason,
        latest=follow.due if follow.due >= context.first_day else None,
        state=follow,
    )


# -- 3. new employers from the caseload target list ---------------------------------------


def _plan_new_employers(context: WeekContext, draft: Draft) -> None:
    """New employers (never visited, or gone cold) from the caseload target list until the
    weekly target is met; employers another specialist is working with are left out."""
    if len(draft.candidates) >= context.need:
        return
    targets = [
        t
        for t in _targets(
            context.uow, context.who, context.settings.target_limit, context.reference
        )
        if t[0] not in draft.candidates
    ]
    if not targets:
        return
    ids = {t[0] for t in targets}
    infos = employer_infos(context.uow, ids)
    states = _states(context, ids, infos)
    since = day_start(context.reference - dt.timedelta(days=CONFLICT_DAYS), context.zone)
    others = other_specialists_visits(context.uow, context.who, ids, since, context.zone)
    for employer_id, seekers, score in targets:
        if len(draft.candidates) >= context.need:
            break
        state = states.get(employer_id)
        info = infos.get(employer_id)
        if state is None or info is None or not _open_to_approach(state, info):
            continue
        if employer_id in others:
            continue
        draft.want(
            info,
            kind="new",
            reason=_new_reason(context, state, seekers, score),
            latest=None,
            state=state,
        )


def _open_to_approach(state: EmployerCycleState, info: EmployerInfo) -> bool:
    """Whether a target employer is one to introduce ourselves to: never visited or gone
    cold, no visit planned, and not asking to be left alone."""
    if info.do_not_contact or state.planned:
        return False
    return state.status in (EmployerStatus.NEW, EmployerStatus.COLD)


def _new_reason(
    context: WeekContext, state: EmployerCycleState, seekers: Sequence[str], score: float
) -> str:
    who_fits = ", ".join(seekers) if seekers else "the caseload"
    opening = (
        "new employer from the caseload target list"
        if state.status is EmployerStatus.NEW
        else f"{state.reason.split(', stage')[0]}; on the caseload target list"
    )
    return f"{opening}: fits {who_fits} (score {score:.2f}), stage 1: {context.policy.title(1)}"


# -- then every wanted visit gets its employer's state --------------------------------------


def _complete_states(context: WeekContext, draft: Draft) -> None:
    """Give each wanted visit its employer's state (read now for employers outside the
    specialist's own list: matches for at-risk job seekers)."""
    candidates = draft.candidates
    missing = {i for i in candidates if candidates[i].state is None and i not in draft.states}
    if missing:
        draft.states.update(_states(context, missing))
    for employer_id, candidate in candidates.items():
        candidate.state = candidate.state or draft.states[employer_id]


@reads_unaudited
def save_plan(
    uow: UnitOfWork,
    plan: WeekPlan,
    *,
    override_do_not_contact: bool = False,
    reason: str | None = None,
) -> list[model.Visit]:
    """Store the plan's proposed visits as planned visits (status ``planned``, reason set).

    A visit already stored for the same specialist, employer and time is not added again,
    so saving the same plan twice stores it once. Nothing is committed: call
    ``uow.commit()``; plugins hear of each visit (``visit_planned``) after the commit.

    The planner never proposes an employer who asked not to be contacted, but one may
    have asked since the plan was made: then nothing is saved, unless
    ``override_do_not_contact`` is given with a ``reason`` (kept in the change history).

    Returns:
        The visits added.

    Raises:
        ValidationError: a proposed employer is do-not-contact now (and no override).
    """
    employers = uow.employers.by_ids({p.employer_id for p in plan.visits})
    overridden = set()
    for employer in employers.values():
        check_do_not_contact(employer, override=override_do_not_contact, reason=reason)
        if employer.do_not_contact:
            overridden.add(employer.id)
    added: list[model.Visit] = []
    for proposed in plan.visits:
        if queries.visit_stored(uow, plan.specialist_id, proposed.employer_id, at=proposed.start):
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
        if proposed.employer_id in overridden:
            uow.annotate(visit, do_not_contact_override=True)
        added.append(visit)
    with uow.explain("save plan", reason if overridden else None):
        uow.flush()
    for visit in added:
        uow.record_event(VisitPlanned(visit.id))  # type: ignore[arg-type]
    return added
