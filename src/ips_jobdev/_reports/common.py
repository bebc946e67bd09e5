"""What the fidelity and outcome reports share: the scope, the period, a figure, and the
definition of every figure (shown by ``--explain`` and in the docs)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from typing import Any

import attrs

from ips_jobdev import _lookup
from ips_jobdev._model import Specialist
from ips_jobdev._store import UnitOfWork
from ips_jobdev.cycles._due import DEFAULT_ZONE
from ips_jobdev.errors import ValidationError

__all__ = ["DEFINITIONS", "Figure", "Period", "Scope", "make_period", "resolve_scope", "share"]

DEFINITIONS: dict[str, str] = {
    "frequent_employer_contact": (
        "Face-to-face employer contacts per specialist per week. Counted: visits made "
        "(status done) in person, for any purpose but follow-along support, in the period; "
        "client-specific and generic contacts both count, a second visit to the same "
        "employer in the same week counts again, and the job seeker may or may not have "
        "been present. Each specialist's contacts are divided by the weeks in the period "
        "(days / 7) and rated on the scale's anchors (rounded to one decimal; a point needs "
        "its anchor's count: 2, 4, 5, 6 or more). New-caseload rule: a specialist with "
        "fewer than 3 job seekers looking for work (status searching) earns a 5 when making "
        "2 contacts a week per such job seeker. The program's point is the average of the "
        "specialists' points, taken to the closest point (halves up). The value shown is "
        "the average of the specialists' weekly figures. The record cannot show how often "
        "the supervisor reviews the contact log: the point assumes weekly review."
    ),
    "rapid_job_search": (
        "Job seekers in scope whose IPS start falls in the period. For each, the days from "
        "IPS start to the first face-to-face employer contact made for them (a visit made "
        "in person naming them, with or without them present) up to the end of the period, "
        "in calendar days. The value is the average over those who had a first contact; "
        "the scale point comes from it, rounded to whole days. Those past day 30 with no "
        "contact yet are counted apart (waiting)."
    ),
    "rapid_job_search_share": (
        "Of the same job seekers, those whose first face-to-face employer contact came "
        "within 30 days of IPS start, as a percentage of those who had a contact or whose "
        "30 days ran out by the end of the period (the rest are still within their 30 "
        "days)."
    ),
    "diversity_of_job_types": (
        "Job starts in the period (start date in the period, job seekers in scope) with a "
        "job type recorded: the number of different job types over the number of job "
        "starts, as a percentage, rounded to a whole percent before rating."
    ),
    "diversity_of_employers": (
        "Job starts in the period: the number of different employers over the number of "
        "job starts, as a percentage, rounded to a whole percent before rating."
    ),
    "competitive_jobs": (
        "Job starts in the period marked competitive over all job starts in the period, as "
        "a percentage, rounded to a whole percent before rating."
    ),
    "multi_visit_relationships": (
        "Employers visited face-to-face by the specialists in scope in the period: the "
        "share with two or more face-to-face visits in the period, the visits per employer, "
        "and the visits by purpose (evidence for the quality of employer contact item: "
        "relationships built through several planned visits). No scale point: the item is "
        "rated by a reviewer."
    ),
    "caseload_size": (
        "Job seekers on the caseload (every status but closed, with an IPS start on or "
        "before the end of the period or none recorded) per specialist. The program's "
        "figure is the job seekers over the specialists rated (active, or with a caseload "
        "or contacts in the period), rounded to a whole number and rated once; each "
        "specialist's own caseload is rated too. The record keeps no status history, so "
        "today's status is used."
    ),
    "caseload": (
        "Job seekers on the caseload of the specialists in scope: every status but closed, "
        "with an IPS start on or before the end of the period or none recorded."
    ),
    "worked_competitive": (
        "Job seekers on the caseload who held a competitive job on at least one day of the "
        "period (a competitive job start on or before the end of the period, not ended "
        "before its start)."
    ),
    "employment_rate": (
        "The IPS employment rate: job seekers who worked in a competitive job during the "
        "period over the caseload, as a percentage. Across US programs it averages about "
        "41-47%; 31% is minimal and 50% excellent. Usually reported per quarter."
    ),
    "job_starts": (
        "Job starts with a start date in the period, job seekers in scope, competitive or not."
    ),
    "first_job_starts": ("Job seekers in scope whose first job start ever falls in the period."),
    "average_hours_per_week": (
        "Average hours per week of the competitive job starts in the period that record "
        "them (each job counts once)."
    ),
    "average_hourly_wage": (
        "Average hourly wage of the competitive job starts in the period that record it "
        "(each job counts once, not weighted by hours)."
    ),
    "held_90_days": (
        "Competitive job starts that began in the period at least 90 days before its end: "
        "the share still held 90 days after the start (no end date, or an end date 90 or "
        "more days after the start)."
    ),
    "job_endings": (
        "Jobs whose end date falls in the period, by end reason. A quit without plans or a "
        "firing is an unsatisfactory ending in the IPS literature; every ending is a chance "
        "to help with the next job."
    ),
    "goals": (
        "Each program goal whose period overlaps the report's: the figure over the goal's "
        "own period and scope (program: every job seeker; a specialist code: that "
        "specialist's caseload), against its target. Met when the figure reaches the "
        "target."
    ),
}


@attrs.frozen
class Scope:
    """Whose record a report covers: one specialist, a team, or the whole database.

    ``specialist_ids`` is ``None`` for the whole database.
    """

    label: str
    codes: tuple[str, ...] = ()
    specialist_ids: tuple[int, ...] | None = None
    zone: str = DEFAULT_ZONE

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {"label": self.label, "specialists": list(self.codes)}


def _codes(specialist: str | None, team: Sequence[str] | str | None) -> list[str]:
    """The codes asked for, blanks dropped."""
    if specialist and team:
        raise ValidationError("report", "team", "give a specialist or a team, not both")
    if isinstance(team, str):
        team = team.split(",")
    asked = [specialist] if specialist else list(team or [])
    codes = [code.strip() for code in asked if code.strip()]
    if team is not None and not specialist and not codes:
        raise ValidationError("report", "team", "name at least one specialist code")
    return codes


def _specialists(uow: UnitOfWork, codes: Sequence[str]) -> list[Specialist]:
    """The specialists named by ``codes``, each once, in the order first named."""
    chosen: list[Specialist] = []
    for code in codes:
        found = _lookup.specialist(uow, code)
        if all(found.id != other.id for other in chosen):
            chosen.append(found)
    return chosen


def _zone(uow: UnitOfWork, timezone: str | None, chosen: Sequence[Specialist]) -> str:
    """The zone asked for, else the first chosen specialist's, else the first
    specialist's by code, else the default."""
    if timezone:
        return timezone
    first = chosen[:1] or uow.specialists.list(limit=1)
    return (first[0].timezone if first else None) or DEFAULT_ZONE


def resolve_scope(
    uow: UnitOfWork,
    *,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    timezone: str | None = None,
) -> Scope:
    """A :class:`Scope` from a specialist code, a team (codes, or ``"a,b"``), or neither.

    Raises:
        ValidationError: both a specialist and a team were given, or the team is empty.
        NotFoundError: a code is not a specialist.
    """
    chosen = _specialists(uow, _codes(specialist, team))
    zone = _zone(uow, timezone, chosen)
    if not chosen:
        return Scope("whole database", zone=zone)
    kind = "specialist " if len(chosen) == 1 and specialist else "team "
    codes = tuple(person.code for person in chosen)
    ids = tuple(person.id for person in chosen if person.id is not None)
    return Scope(kind + ", ".join(codes), codes, ids, zone)


@attrs.frozen
class Period:
    """The days a report covers (both included), and their bounds in UTC."""

    start: dt.date
    end: dt.date
    zone: str
    start_at: dt.datetime
    end_at: dt.datetime
    offset_seconds: int

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> float:
        """Weeks in the period (days / 7)."""
        return self.days / 7

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {"from": self.start, "to": self.end, "days": self.days, "timezone": self.zone}


def make_period(start: dt.date, end: dt.date, zone: str) -> Period:
    """The period from ``start`` to ``end`` (both included) in ``zone``.

    Visit times are turned into dates with the zone's UTC offset at noon on the middle day
    of the period (one offset for the whole query, so SQLite and PostgreSQL agree).

    Raises:
        ValidationError: ``end`` is before ``start``.
    """
    if end < start:
        raise ValidationError("report", "to", f"{end} is before the start {start}")
    tz = zoneinfo.ZoneInfo(zone)
    middle = start + (end - start) / 2
    noon = dt.datetime.combine(middle, dt.time(12), tzinfo=tz)
    offset = noon.utcoffset() or dt.timedelta()
    return Period(
        start=start,
        end=end,
        zone=zone,
        start_at=dt.datetime.combine(start, dt.time(), tzinfo=tz),
        end_at=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
        offset_seconds=int(offset.total_seconds()),
    )


@attrs.frozen
class Figure:
    """One figure of a report: its value, and on the fidelity scale its point and anchor.

    ``detail`` holds the counts the value comes from (numerator, denominator...).
    """

    key: str
    label: str
    value: float | int | None
    unit: str = ""
    point: int | None = None
    anchor: str | None = None
    detail: dict[str, Any] = attrs.field(factory=dict)

    @property
    def definition(self) -> str:
        """How the figure is computed (``--explain``)."""
        return DEFINITIONS.get(self.key, "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "point": self.point,
            "anchor": self.anchor,
            "detail": self.detail,
            "definition": self.definition,
        }


def share(part: float, whole: float) -> float | None:
    """``part / whole`` as a percentage rounded to one decimal (``None`` for an empty
    whole)."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)
