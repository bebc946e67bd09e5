"""Laying the chosen visits out on the week: days, routes and times, then the plan with
its warnings (other specialists nearby in time) and the last contact with each employer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ips_jobdev import _plugins
from ips_jobdev._geo import zip_centroid
from ips_jobdev._geocoding import Position, locate
from ips_jobdev._planning.context import Candidate, Draft, WeekContext
from ips_jobdev._planning.coordination import other_programs_at
from ips_jobdev._planning.lookups import CONFLICT_DAYS, last_contacts, other_specialists_visits
from ips_jobdev._planning.schedule import (
    DaySchedule,
    Interval,
    Stop,
    TimedStop,
    WorkWindow,
    open_days,
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
from ips_jobdev._travel import StraightLineTravel, TravelMatrix, TravelTimes, check_matrix
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
    days, places = _schedule(context, draft, listed)
    placed_ids = {listed[t.key].employer.id for d in days for t in d.stops}
    notes = _DayNotes.read(context, placed_ids, places.positions)
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
        travel_times=places.travel,
    )
    if not plan.target_met:
        draft.warnings.append(
            f"the plan reaches {plan.face_to_face_total} of the {context.goal} face-to-face "
            "visits wanted this week"
        )
    return plan


class _Places:
    """Where the week's visits are and the travel between them: ``positions`` by employer
    id, ``matrix`` over the office and ``listed`` in order, and the travel source's name."""

    def __init__(self, positions: dict[int, Position], matrix: TravelMatrix, travel: str) -> None:
        self.positions = positions
        self.matrix = matrix
        self.travel = travel


def _travel_source(context: WeekContext) -> TravelTimes:
    """The settings' travel source, else the first a plugin registered, else straight
    lines at the settings' speed."""
    schedule = context.settings.schedule
    if schedule.travel is not None:
        return schedule.travel
    registered = _plugins.get_travel_times()
    return registered[0] if registered else StraightLineTravel(speed_mph=schedule.speed_mph)


def _places(
    context: WeekContext, draft: Draft, listed: list[Candidate], office: tuple[float, float]
) -> _Places:
    """Locate the wanted visits (recorded coordinates, then the geocoders) and ask the
    travel source once for the matrix; a failing plugin falls back to the built-ins."""
    geocoders = context.settings.geocoders
    located = locate(
        [c.employer for c in listed],
        _plugins.get_geocoders() if geocoders is None else geocoders,
    )
    draft.warnings.extend(located.warnings)
    points = [office]
    for candidate in listed:
        position = located.positions.get(candidate.employer.id)
        points.append(position.point if position is not None else office)
    source = _travel_source(context)
    try:
        matrix = check_matrix(source.matrix(points), len(points))
    except Exception as exc:
        fallback = StraightLineTravel(speed_mph=context.settings.schedule.speed_mph)
        draft.warnings.append(
            f"travel times from {source.name!r} failed ({type(exc).__name__}: {exc}); "
            "straight-line estimates were used"
        )
        source, matrix = fallback, fallback.matrix(points)
    return _Places(located.positions, matrix, source.name)


def _schedule(
    context: WeekContext, draft: Draft, listed: list[Candidate]
) -> tuple[list[DaySchedule], _Places]:
    """Route and time the wanted visits (``listed``, keyed by position) on the working days;
    those no day can take are left out, each with why."""
    office = zip_centroid(context.who.office_zip)
    if office is None:
        draft.warnings.append("no office ZIP known: each day's route starts at its first visit")
    places = _places(context, draft, listed, office or _first_place(listed))
    for candidate in listed:
        if candidate.employer.id not in places.positions:
            draft.warnings.append(
                f"{candidate.employer.name}: no address position known; travel not estimated"
            )
    stops = [
        Stop(
            key=index,
            location=places.positions[c.employer.id].point
            if c.employer.id in places.positions
            else None,
            minutes=context.policy.minutes(c.state.next_stage if c.state else 1),
            latest=c.latest,
            priority=c.priority,
            windows=c.employer.visiting_windows if c.employer.visiting_windows.restricts else None,
        )
        for index, c in enumerate(listed)
    ]
    taken = [Interval(v.start, v.end, "visit") for v in context.existing]
    taken += [Interval(start, end) for start, end in context.busy]
    days, left = schedule_week(
        stops,
        context.windows,
        taken,
        office,
        context.settings.schedule,
        matrix=places.matrix,
    )
    for key in left:
        _not_placed(draft, listed[key], why_not_placed(stops[key], context.windows))
    return days, places


def _first_place(listed: list[Candidate]) -> tuple[float, float]:
    """Where a day starts without an office: the first wanted visit with a known place."""
    for candidate in listed:
        if candidate.employer.location is not None:
            return candidate.employer.location
    return (0.0, 0.0)


_DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def why_not_placed(stop: Stop, windows: Sequence[WorkWindow]) -> str:
    """Why ``stop`` found no day: ``"only Tue 14:00-16:00, and Tuesday is full"``."""
    if stop.windows is None:
        return "no time left in working hours"
    only = f"only {stop.windows.describe()}"
    days = open_days(stop, windows)
    if not days:
        return f"{only}, outside the working hours left this week"
    names = [_DAY_WORDS[w.day.weekday()] for w in days]
    if len(names) == 1:
        return f"{only}, and {names[0]} is full"
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return f"{only}, and {listed} are full"


def _not_placed(draft: Draft, c: Candidate, why: str) -> None:
    draft.leave_out(
        Unplanned(
            c.kind,
            c.reason,
            why,
            employer_id=c.employer.id,
            employer_name=c.employer.name,
            seekers=tuple(s.code for s in c.seekers),
        )
    )
    if c.kind == "first-contact":
        draft.warnings.append(f"{c.employer.name}: {why}, so no time for {c.reason.split(';')[0]}")


class _DayNotes:
    """What the plan tells about the placed employers: other specialists' visits there
    within :data:`CONFLICT_DAYS`, and the last contact."""

    def __init__(
        self,
        others: dict[int, list[str]],
        lasts: dict[int, LastContact],
        positions: dict[int, Position],
    ) -> None:
        self.others = others
        self.lasts = lasts
        self.positions = positions

    @classmethod
    def read(
        cls, context: WeekContext, employer_ids: set[int], positions: dict[int, Position]
    ) -> _DayNotes:
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
        return cls(others, last_contacts(context.uow, employer_ids, before, zone), positions)


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
        routing=schedule.solver if schedule and schedule.stops else None,
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
    position = notes.positions.get(c.employer.id)
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
        window=timed.window,
        position=position.source if position is not None else None,
        visiting_note=c.employer.visiting_windows.note,
    )
