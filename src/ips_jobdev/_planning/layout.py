"""Laying the chosen visits out on the week: days, routes and times, then the plan with
its warnings (other specialists nearby in time) and the last contact with each employer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ips_jobdev._geo import zip_centroid
from ips_jobdev._planning.context import Candidate, Draft, WeekContext
from ips_jobdev._planning.coordination import other_programs_at
from ips_jobdev._planning.lookups import CONFLICT_DAYS, last_contacts, other_specialists_visits
from ips_jobdev._planning.schedule import (
    DaySchedule,
    Interval,
    Stop,
    TimedStop,
    WorkWindow,
    schedule_week,
)
from ips_jobdev._planning.week import (
    LastContact,
    PlanDay,
    ProposedVisit,
    Unplanned,
    WeekPlan,
    week_label,
)
from ips_jobdev.cycles import short_date
from ips_jobdev.cycles._due import EmployerInfo, day_start

__all__ = ["Candidate", "area", "assemble"]


def area(infos: Sequence[EmployerInfo]) -> str:
    """The places a day's visits are in, most visits first (at most three)."""
    places: dict[str, int] = {}
    for info in infos:
        label = info.city or info.zip or ""
        if label:
            places[label] = places.get(label, 0) + 1
    return ", ".join(sorted(places, key=lambda p: (-places[p], p))[:3])


def assemble(context: WeekContext, draft: Draft) -> WeekPlan:
    """Place the wanted visits on the working days and build the :class:`WeekPlan`."""
    listed = list(draft.candidates.values())
    days = _schedule(context, draft, listed)
    placed_ids = {listed[t.key].employer.id for d in days for t in d.stops}
    notes = _DayNotes.read(context, placed_ids)
    by_day = {d.day: d for d in days}
    plan_days = [
        _plan_day(context, draft, window, by_day.get(window.day), listed=listed, notes=notes)
        for window in context.windows
    ]
    plan = WeekPlan(
        specialist=context.who.code,
        specialist_name=context.who.name,
        specialist_id=context.specialist_id,
        week=week_label(context.monday),
        start=context.monday,
        end=context.sunday,
        today=context.today,
        timezone=context.zone,
        policy=context.policy.name,
        target=context.goal,
        counted_existing=context.counted,
        days=plan_days,
        unplanned=draft.unplanned,
        warnings=draft.warnings,
    )
    if not plan.target_met:
        draft.warnings.append(
            f"the plan reaches {plan.face_to_face_total} of the {context.goal} face-to-face "
            "visits wanted this week"
        )
    return plan


def _schedule(context: WeekContext, draft: Draft, listed: list[Candidate]) -> list[DaySchedule]:
    """Route and time the wanted visits (``listed``, keyed by position) on the working days;
    those no day can take are left out."""
    office = zip_centroid(context.who.office_zip)
    if office is None:
        draft.warnings.append("no office ZIP known: each day's route starts at its first visit")
    for candidate in listed:
        if candidate.employer.location is None:
            draft.warnings.append(
                f"{candidate.employer.name}: no address position known; travel not estimated"
            )
    stops = [
        Stop(
            key=index,
            location=c.employer.location,
            minutes=context.policy.minutes(c.state.next_stage if c.state else 1),
            latest=c.latest,
            priority=c.priority,
        )
        for index, c in enumerate(listed)
    ]
    taken = [Interval(v.start, v.end, "visit") for v in context.existing]
    taken += [Interval(start, end) for start, end in context.busy]
    days, left = schedule_week(stops, context.windows, taken, office, context.settings.schedule)
    for key in left:
        _no_time_left(draft, listed[key])
    return days


def _no_time_left(draft: Draft, c: Candidate) -> None:
    draft.leave_out(
        Unplanned(
            c.kind,
            c.reason,
            "no time left in working hours",
            employer_id=c.employer.id,
            employer_name=c.employer.name,
            seekers=tuple(s.code for s in c.seekers),
        )
    )
    if c.kind == "first-contact":
        draft.warnings.append(f"{c.employer.name}: no time left for {c.reason.split(';')[0]}")


class _DayNotes:
    """What the plan tells about the placed employers: other specialists' visits there
    within :data:`CONFLICT_DAYS`, and the last contact."""

    def __init__(self, others: dict[int, list[str]], lasts: dict[int, LastContact]) -> None:
        self.others = others
        self.lasts = lasts

    @classmethod
    def read(cls, context: WeekContext, employer_ids: set[int]) -> _DayNotes:
        zone = context.zone
        since = day_start(context.reference - dt.timedelta(days=CONFLICT_DAYS), zone)
        before = day_start(context.reference + dt.timedelta(days=1), zone)
        others = other_specialists_visits(context.uow, context.who, employer_ids, since, zone)
        programs = other_programs_at(
            context.uow,
            employer_ids,
            program_id=context.who.program_id,
            around=day_start(context.reference, zone),
            zone=zone,
        )
        for employer_id, notes in programs.items():
            others.setdefault(employer_id, []).extend(
                f"another program, {note.text}" for note in notes
            )
        return cls(others, last_contacts(context.uow, employer_ids, before, zone))


def _plan_day(
    context: WeekContext,
    draft: Draft,
    window: WorkWindow,
    schedule: DaySchedule | None,
    *,
    listed: list[Candidate],
    notes: _DayNotes,
) -> PlanDay:
    stops = schedule.stops if schedule else []
    return PlanDay(
        date=window.day,
        visits=[_proposed(draft, window, listed[t.key], t, notes) for t in stops],
        existing=[v for v in context.existing if v.start.date() == window.day],
        area=area([listed[t.key].employer for t in stops]) if schedule else "",
        miles=schedule.miles if schedule else 0.0,
        travel_minutes=schedule.travel_minutes if schedule else 0,
        back_at_office=schedule.back_at_office if schedule else None,
    )


def _proposed(
    draft: Draft, window: WorkWindow, c: Candidate, timed: TimedStop, notes: _DayNotes
) -> ProposedVisit:
    state = c.state
    assert state is not None
    warnings = tuple(notes.others.get(c.employer.id, []))
    for note in warnings:
        draft.warnings.append(f"{c.employer.name}: {note}")
    if c.latest is not None and window.day > c.latest:
        warnings += (f"planned after its last day, {short_date(c.latest)}",)
    return ProposedVisit(
        employer_id=c.employer.id,
        employer_name=c.employer.name,
        address=c.employer.address,
        start=timed.start,
        minutes=int((timed.end - timed.start).total_seconds() // 60),
        purpose=state.next_purpose,
        stage=state.next_stage,
        stage_title=state.next_title,
        kind=c.kind,
        reason=c.reason,
        seekers=tuple(s.code for s in c.seekers),
        seeker_ids=tuple(s.id for s in c.seekers if s.id is not None),
        travel_minutes=timed.travel_minutes,
        miles=timed.miles,
        last_contact=notes.lasts.get(c.employer.id),
        warnings=warnings,
    )
