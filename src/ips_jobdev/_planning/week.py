"""What a week plan holds: days of proposed visits, each with its reason, and warnings."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs

from ips_jobdev._vocab import VisitPurpose
from ips_jobdev.errors import ValidationError

__all__ = [
    "ExistingVisit",
    "LastContact",
    "PlanDay",
    "ProposedVisit",
    "Unplanned",
    "WeekPlan",
    "parse_week",
    "week_label",
]

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


def parse_week(week: str | dt.date) -> dt.date:
    """The Monday of an ISO week given as ``"2026-W49"`` (or any date in it).

    Raises:
        ValidationError: the text is not an ISO week, or the week does not exist.
    """
    if isinstance(week, dt.date):
        return week - dt.timedelta(days=week.weekday())
    match = _WEEK_RE.match(week.strip())
    if not match:
        raise ValidationError("plan", "week", f"{week!r} is not an ISO week such as 2026-W49")
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        raise ValidationError("plan", "week", f"{week!r}: the year has no such week") from None


def week_label(monday: dt.date) -> str:
    """``"2026-W49"`` for the week starting on ``monday``."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


@attrs.frozen
class LastContact:
    """The most recent contact made with an employer, by anyone (see it before going)."""

    date: dt.date
    specialist: str
    mode: str
    purpose: str
    outcome: str | None

    def describe(self) -> str:
        """``"12 Nov 2026, jd, in-person learn-business: met the owner"``."""
        text = f"{self.date.day} {self.date:%b %Y}, {self.specialist}, {self.mode} {self.purpose}"
        return f"{text}: {self.outcome}" if self.outcome else text

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "date": self.date,
            "specialist": self.specialist,
            "mode": self.mode,
            "purpose": self.purpose,
            "outcome": self.outcome,
        }


@attrs.frozen
class ProposedVisit:
    """A visit the planner proposes, in route order within its day.

    ``kind`` is ``first-contact`` (a job seeker near the 30-day mark), ``overdue`` or
    ``due`` (a follow-up in the contact cycle) or ``new`` (an employer from the caseload
    target list). ``seekers`` are the job seekers the visit is for (client-specific).
    ``window`` is the employer's visiting window the visit keeps (``None`` when none is
    recorded); ``position`` where the employer's place came from (``"recorded"``,
    ``"zip-centroid"`` or a plugin geocoder's name; ``None`` when unknown);
    ``visiting_note`` the note kept with the windows ("ask for Dana").
    """

    employer_id: int
    employer_name: str
    address: str
    start: dt.datetime
    minutes: int
    purpose: VisitPurpose
    stage: int
    stage_title: str
    kind: str
    reason: str
    seekers: tuple[str, ...] = ()
    seeker_ids: tuple[int, ...] = ()
    travel_minutes: int = 0
    miles: float = 0.0
    last_contact: LastContact | None = None
    warnings: tuple[str, ...] = ()
    window: str | None = None
    position: str | None = None
    visiting_note: str | None = None

    @property
    def end(self) -> dt.datetime:
        """When the visit is planned to end."""
        return self.start + dt.timedelta(minutes=self.minutes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values (``ips-jobdev plan week --json``)."""
        return {
            "employer_id": self.employer_id,
            "employer": self.employer_name,
            "address": self.address,
            "start": self.start,
            "end": self.end,
            "minutes": self.minutes,
            "purpose": self.purpose,
            "stage": self.stage,
            "stage_title": self.stage_title,
            "kind": self.kind,
            "reason": self.reason,
            "seekers": list(self.seekers),
            "travel_minutes": self.travel_minutes,
            "miles": round(self.miles, 1),
            "last_contact": self.last_contact.to_dict() if self.last_contact else None,
            "warnings": list(self.warnings),
            "window": self.window,
            "position": self.position,
            "visiting_note": self.visiting_note,
        }


@attrs.frozen
class ExistingVisit:
    """A visit already in the record for that week (planned or made): time it keeps."""

    id: int
    employer_id: int
    employer_name: str
    start: dt.datetime
    minutes: int
    status: str
    purpose: str
    face_to_face: bool
    reason: str | None

    @property
    def end(self) -> dt.datetime:
        """When the visit ends."""
        return self.start + dt.timedelta(minutes=self.minutes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "id": self.id,
            "employer_id": self.employer_id,
            "employer": self.employer_name,
            "start": self.start,
            "end": self.end,
            "status": self.status,
            "purpose": self.purpose,
            "face_to_face": self.face_to_face,
            "reason": self.reason,
        }


@attrs.frozen
class PlanDay:
    """One working day: the proposed visits in route order, and what was there already.

    ``routing`` says what ordered the day: ``"or-tools"`` (a visit there has a window and
    the routing extra is installed) or ``"heuristic"``; ``None`` without proposed visits.
    """

    date: dt.date
    visits: list[ProposedVisit]
    existing: list[ExistingVisit]
    area: str = ""
    miles: float = 0.0
    travel_minutes: int = 0
    back_at_office: dt.datetime | None = None
    routing: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "date": self.date,
            "area": self.area,
            "miles": round(self.miles, 1),
            "travel_minutes": self.travel_minutes,
            "back_at_office": self.back_at_office,
            "visits": [v.to_dict() for v in self.visits],
            "existing": [v.to_dict() for v in self.existing],
            "routing": self.routing,
        }


@attrs.frozen
class Unplanned:
    """Something the planner considered and did not place, and why."""

    kind: str
    reason: str
    why: str
    employer_id: int | None = None
    employer_name: str | None = None
    seekers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "kind": self.kind,
            "employer_id": self.employer_id,
            "employer": self.employer_name,
            "seekers": list(self.seekers),
            "reason": self.reason,
            "why": self.why,
        }


@attrs.frozen
class WeekPlan:
    """A specialist's proposed week of employer visits (see :func:`plan_week`).

    ``counted_existing`` is the face-to-face visits already planned or made that week;
    with the proposed ones they make ``face_to_face_total``, measured against ``target``.
    """

    specialist: str
    specialist_name: str
    specialist_id: int
    week: str
    start: dt.date
    end: dt.date
    today: dt.date
    timezone: str
    policy: str
    target: int
    counted_existing: int
    days: list[PlanDay]
    unplanned: list[Unplanned]
    warnings: list[str]
    travel_times: str = "straight-line"
    """The source of the plan's miles and travel minutes (a plugin's name, or the
    built-in ``straight-line`` estimate)."""

    @property
    def visits(self) -> list[ProposedVisit]:
        """Every proposed visit, day by day in route order."""
        return [visit for day in self.days for visit in day.visits]

    @property
    def face_to_face_total(self) -> int:
        """Face-to-face visits the week will hold if the plan is kept."""
        return self.counted_existing + len(self.visits)

    @property
    def target_met(self) -> bool:
        """Whether the plan reaches the weekly face-to-face target."""
        return self.face_to_face_total >= self.target

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev plan week --json`` (docs/reference/cli.md)."""
        return {
            "specialist": self.specialist,
            "week": self.week,
            "start": self.start,
            "end": self.end,
            "timezone": self.timezone,
            "policy": self.policy,
            "target": self.target,
            "already_planned_or_made": self.counted_existing,
            "proposed": len(self.visits),
            "face_to_face_total": self.face_to_face_total,
            "target_met": self.target_met,
            "days": [day.to_dict() for day in self.days],
            "unplanned": [item.to_dict() for item in self.unplanned],
            "warnings": list(self.warnings),
            "travel_times": self.travel_times,
        }
