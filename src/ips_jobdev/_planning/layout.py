"""Laying the chosen visits out on the week: days, routes and times, then the plan with
its warnings (other specialists nearby in time) and the last contact with each employer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ips_jobdev import _model as model
from ips_jobdev._geo import zip_centroid
from ips_jobdev._planning.lookups import CONFLICT_DAYS, last_contacts, other_specialists_visits
from ips_jobdev._planning.schedule import (
    Interval,
    ScheduleSettings,
    Stop,
    WorkWindow,
    schedule_week,
)
from ips_jobdev._planning.week import (
    ExistingVisit,
    PlanDay,
    ProposedVisit,
    Unplanned,
    WeekPlan,
    week_label,
)
from ips_jobdev._store import UnitOfWork
from ips_jobdev.cycles import CyclePolicy, EmployerCycleState, short_date
from ips_jobdev.cycles._due import EmployerInfo, day_start

__all__ = ["Candidate", "area", "assemble"]


@attrs.define
class Candidate:
    """A visit the planner wants, before it is placed on a day."""

    employer: EmployerInfo
    kind: str
    reason: str
    priority: int
    latest: dt.date | None
    seekers: list[model.JobSeeker] = attrs.field(factory=list)
    state: EmployerCycleState | None = None


def area(infos: Sequence[EmployerInfo]) -> str:
    """The places a day's visits are in, most visits first (at most three)."""
    places: dict[str, int] = {}
    for info in infos:
        label = info.city or info.zip or ""
        if label:
            places[label] = places.get(label, 0) + 1
    return ", ".join(sorted(places, key=lambda p: (-places[p], p))[:3])


def assemble(
    uow: UnitOfWork,
    who: model.Specialist,
    policy: CyclePolicy,
    monday: dt.date,
    today: dt.date,
    windows: list[WorkWindow],
    existing: list[ExistingVisit],
    busy: Sequence[tuple[dt.datetime, dt.datetime]],
    candidates: dict[int, Candidate],
    goal: int,
    counted: int,
    unplanned: list[Unplanned],
    warnings: list[str],
    settings: ScheduleSettings,
    reference: dt.date,
) -> WeekPlan:
    """Place the candidates on the working days and build the :class:`WeekPlan`."""
    assert who.id is not None
    zone = who.timezone
    office = zip_centroid(who.office_zip)
    if office is None:
        warnings.append("no office ZIP known: each day's route starts at its first visit")
    listed = list(candidates.values())
    for candidate in listed:
        if candidate.employer.location is None:
            warnings.append(
                f"{candidate.employer.name}: no address position known; travel not estimated"
            )
    stops = [
        Stop(
            key=index,
            location=c.employer.location,
            minutes=policy.minutes(c.state.next_stage if c.state else 1),
            latest=c.latest,
            priority=c.priority,
        )
        for index, c in enumerate(listed)
    ]
    taken = [Interval(v.start, v.end, "visit") for v in existing]
    taken += [Interval(start, end) for start, end in busy]
    days, left = schedule_week(stops, windows, taken, office, settings)
    for key in left:
        c = listed[key]
        unplanned.append(
            Unplanned(
                c.kind,
                c.reason,
                "no time left in working hours",
                c.employer.id,
                c.employer.name,
                tuple(s.code for s in c.seekers),
            )
        )
        if c.kind == "first-contact":
            warnings.append(f"{c.employer.name}: no time left for {c.reason.split(';')[0]}")
    placed_ids = {listed[t.key].employer.id for d in days for t in d.stops}
    since = day_start(reference - dt.timedelta(days=CONFLICT_DAYS), zone)
    others = other_specialists_visits(uow, who.id, placed_ids, since, zone)
    lasts = last_contacts(uow, placed_ids, day_start(reference + dt.timedelta(days=1), zone), zone)
    by_day = {d.day: d for d in days}
    plan_days = []
    for window in windows:
        schedule = by_day.get(window.day)
        visits = []
        for timed in schedule.stops if schedule else []:
            c = listed[timed.key]
            state = c.state
            assert state is not None
            notes = tuple(others.get(c.employer.id, []))
            for note in notes:
                warnings.append(f"{c.employer.name}: {note}")
            if c.latest is not None and window.day > c.latest:
                notes += (f"planned after its last day, {short_date(c.latest)}",)
            visits.append(
                ProposedVisit(
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
                    last_contact=lasts.get(c.employer.id),
                    warnings=notes,
                )
            )
        plan_days.append(
            PlanDay(
                date=window.day,
                visits=visits,
                existing=[v for v in existing if v.start.date() == window.day],
                area=area([listed[t.key].employer for t in schedule.stops]) if schedule else "",
                miles=schedule.miles if schedule else 0.0,
                travel_minutes=schedule.travel_minutes if schedule else 0,
                back_at_office=schedule.back_at_office if schedule else None,
            )
        )
    plan = WeekPlan(
        specialist=who.code,
        specialist_name=who.name,
        specialist_id=who.id,
        week=week_label(monday),
        start=monday,
        end=monday + dt.timedelta(days=6),
        today=today,
        timezone=zone,
        policy=policy.name,
        target=goal,
        counted_existing=counted,
        days=plan_days,
        unplanned=unplanned,
        warnings=warnings,
    )
    if not plan.target_met:
        warnings.append(
            f"the plan reaches {plan.face_to_face_total} of the {goal} face-to-face visits "
            "wanted this week"
        )
    return plan
