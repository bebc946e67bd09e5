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

__all__ = [
    "DEFINITIONS",
    "SOURCES",
    "Figure",
    "Period",
    "Scope",
    "make_period",
    "resolve_scope",
    "share",
]

_SERVED = (
    "Served during the period: IPS start on or before its last day (or none recorded) and "
    "not closed on at least one day of it, by the job seeker's dated status history "
    "(never today's status, so a past period re-run later gives the same answer)."
)
_JOB_DEVELOPMENT = (
    "A job-development contact is a visit made (status done) in person with an employer, "
    "by a specialist, for any purpose but follow-along support; a contact the job seeker "
    "made alone is theirs, not the specialist's."
)

DEFINITIONS: dict[str, str] = {
    "frequent_employer_contact": (
        "Face-to-face employer contacts per specialist per week. " + _JOB_DEVELOPMENT + " "
        "Client-specific and generic contacts both count, a second visit to the same "
        "employer in the same week counts again, and the job seeker may or may not have "
        "been present. Each specialist's contacts are divided by the weeks they worked in "
        "the period: calendar days inside their employment periods / 7, less their leave "
        "in working weeks (leave days on their work days / their work days a week); a "
        "part-timer's weeks are weighted by their full-time share (rated per full-time "
        "week; the scale file's part_time option). The weekly figure, rounded to one "
        "decimal, is placed on the anchors (2, 4, 5, 6 or more) as the scale file's "
        "between_anchors says: 'reach' (a point needs its anchor's value) or 'nearest' "
        "(the closest named value). New-caseload rule: a specialist whose employment "
        "started in the period or up to 90 days before it, with fewer than 3 job seekers "
        "looking for work (searching on a day of the period), earns a 5 when making 2 "
        "contacts a week per such job seeker. The program's point is the average of the "
        "specialists' points, taken to the closest point (halves up). The value shown is "
        "the average of the specialists' weekly figures. The record cannot show how often "
        "the supervisor reviews the contact log: the point assumes weekly review."
    ),
    "rapid_job_search": (
        "Job seekers in scope whose IPS start falls in the period. For each, the calendar "
        "days from IPS start (day 0) to the first face-to-face employer contact about a "
        "job for them, made by the specialist (a visit in person naming them, with or "
        "without them present, for any purpose but follow-along support) or by the job "
        "seeker alone, up to the end of the period. The value is the average over those "
        "who had a first contact, rated rounded to whole days. Beside it, so the average "
        "hides no one: those still waiting at the end of the period (with their days so "
        "far), those of them past day 30, and the average counting the waiting at their "
        "days so far (a floor)."
    ),
    "rapid_job_search_share": (
        "Of the same job seekers, those whose first face-to-face employer contact came "
        "within 30 days of IPS start, as a percentage of those who had a contact or whose "
        "30 days ran out by the end of the period (the rest are still within their 30 "
        "days)."
    ),
    "individualized_job_search": (
        "Each job seeker named on a specialist's face-to-face job-development contact in "
        "the period (one per contact and person): the employer fits the person's stated "
        "preferences when its industry is one they want or it has a job type they want, "
        "and nothing about it is on their avoid list. Contacts for a person with no job "
        "types or industries recorded, or at an employer with neither recorded, cannot be "
        "judged and are counted apart. The value is the fitting contacts over those "
        "judged, as a percentage, rounded to a whole percent before rating. Preferences "
        "and employers are read as recorded now (the record keeps no history of them)."
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
        "a percentage, rounded to a whole percent before rating. A job through a temp "
        "agency is competitive; an agency-run transitional job is not."
    ),
    "multi_visit_relationships": (
        "Employers the specialists in scope visited face-to-face for job development in "
        "the period (follow-along support visits and the job seekers' own contacts left "
        "out): the share with two or more such visits in the period, the visits per "
        "employer, and the visits by purpose (evidence for the quality of employer contact "
        "item: relationships built through several planned visits). No scale point: the "
        "item is rated by a reviewer."
    ),
    "caseload_size": (
        "Job seekers served during the period on each specialist's caseload, per full-time "
        "specialist. " + _SERVED + " Each specialist's caseload is divided by their "
        "full-time share over the days they were employed (a half-timer with 10 is 20 per "
        "full-time specialist) and rated. The program's figure is all those job seekers "
        "over the full-time equivalents of the specialists rated (each one's full-time "
        "share of each day employed, over the days of the period: one post held by two "
        "people in turn counts once), rounded to a whole number and rated once. With no "
        "job seeker served there is nothing to rate (n/a)."
    ),
    "follow_along": (
        "Competitive jobs of job seekers in scope: the follow-along contacts due in the "
        "period (a face-to-face support visit naming the worker within 3 days after the "
        "job start; one in each of the first four weeks; then one in every 30 days up to "
        "a year after the start, while the job lasts), counted when the check's last day "
        "falls in the period; the value is the share of those checks met. Evidence for "
        "the time-unlimited follow-along supports item; no scale point."
    ),
    "face_to_face_share": (
        "Of the employer contacts the specialists made in the period (any mode, follow-along "
        "support and the job seekers' own contacts left out), the share made in person."
    ),
    "seeker_present_share": (
        "Of the specialists' face-to-face job-development contacts for named job seekers "
        "in the period, the share where a job seeker came along."
    ),
    "contacts_per_seeker_looking": (
        "The specialists' face-to-face job-development contacts in the period over the job "
        "seekers in scope looking for work during it (searching on at least one day of "
        "the period); per week as well."
    ),
    "cold_relationships": (
        "Employers the specialists in scope visited face-to-face for job development in "
        "the year up to the end of the period whose last such visit was 180 or more days "
        "before its end (gone cold, the default cycle policy's line), as a share of them."
    ),
    "caseload": "Job seekers served during the period. " + _SERVED,
    "worked_competitive": (
        "Job seekers served during the period who held a competitive job on at least one "
        "day of it (a competitive job start on or before its last day, not ended before "
        "its first)."
    ),
    "employment_rate": (
        "The IPS employment rate: job seekers who worked in a competitive job during the "
        "period over the job seekers served during it, as a percentage. Across US programs "
        "it averages about 41-47%; 31% is minimal and 50% excellent. Usually reported per "
        "quarter."
    ),
    "job_starts": (
        "Competitive job starts with a start date in the period, job seekers in scope (a "
        "temp-agency job is competitive; non-competitive ones are counted apart)."
    ),
    "non_competitive_job_starts": (
        "Job starts in the period not marked competitive (an agency-run transitional job, "
        "a set-aside job), shown apart: IPS outcomes count competitive jobs."
    ),
    "first_job_starts": (
        "Job seekers in scope whose first competitive job start ever falls in the period."
    ),
    "days_to_first_job": (
        "For the first competitive job starts in the period of job seekers with an IPS "
        "start recorded: the average calendar days from IPS start to the job start."
    ),
    "average_hours_per_week": (
        "Average hours per week of the competitive job starts in the period that record "
        "them (each job counts once)."
    ),
    "average_hourly_wage": (
        "Average hourly wage of the competitive job starts in the period that record it "
        "(each job counts once, not weighted by hours)."
    ),
    "held_90_days": (
        "The 90-day retention cohort: competitive job starts whose 90th day falls in the "
        "period (started from 90 days before its first day to 90 days before its last). "
        "The share still held 90 days after the start (no end date, or an end date 90 or "
        "more days after the start). The report states the cohort's start dates."
    ),
    "job_tenure": (
        "Competitive jobs that ended in the period: the average weeks from start to end; "
        "beside it, competitive jobs still held at the end of the period with their weeks "
        "so far."
    ),
    "second_jobs": (
        "Competitive job starts in the period by job seekers who had an earlier "
        "competitive job that ended on or before the new start: a next job after an "
        "ending."
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

_MANUAL = (
    "IPS Supported Employment Fidelity Scale and Fidelity Review Manual, 4th edition, "
    "December 2019 (Becker, Swanson, Reese, Bond, McLeman)"
)
_OUTCOMES = "IPS outcome reporting (IPS Employment Center quarterly outcome definitions)"
SOURCES: dict[str, str] = {
    "frequent_employer_contact": (
        f"{_MANUAL}, item 'Job development: frequent employer contact' (its counting rules "
        "and new-caseload rule); weeks worked, part-time proration and between_anchors are "
        "ips-jobdev's stated readings"
    ),
    "rapid_job_search": f"{_MANUAL}, item 'Rapid job search for competitive job'",
    "rapid_job_search_share": "ips-jobdev: the 30-day rule of IPS rapid job search, counted",
    "individualized_job_search": (
        f"{_MANUAL}, item 'Individualized job search'; judged from recorded preferences "
        "(ips-jobdev's reading)"
    ),
    "diversity_of_job_types": f"{_MANUAL}, item 'Diversity of job types'",
    "diversity_of_employers": f"{_MANUAL}, item 'Diversity of employers'",
    "competitive_jobs": f"{_MANUAL}, item 'Competitive jobs'",
    "multi_visit_relationships": (
        f"{_MANUAL}, item 'Job development: quality of employer contact' (evidence only)"
    ),
    "caseload_size": f"{_MANUAL}, item 'Caseload size' (per full-time specialist)",
    "follow_along": (
        f"{_MANUAL}, item 'Time-unlimited and individualized follow-along supports' (evidence only)"
    ),
    "face_to_face_share": "ips-jobdev manager figure (IPS: face-to-face contacts count)",
    "seeker_present_share": "ips-jobdev manager figure",
    "contacts_per_seeker_looking": "ips-jobdev manager figure",
    "cold_relationships": (
        "ips-jobdev default cycle policy (no IPS source sets revisit intervals: program policy)"
    ),
    "caseload": f"{_OUTCOMES}: everyone served during the period",
    "worked_competitive": f"{_OUTCOMES}: worked in a competitive job during the period",
    "employment_rate": f"{_OUTCOMES}: the IPS employment rate",
    "job_starts": f"{_OUTCOMES}: competitive job starts",
    "non_competitive_job_starts": "ips-jobdev: shown apart from the competitive starts",
    "first_job_starts": f"{_OUTCOMES}: first competitive job starts",
    "days_to_first_job": "ips-jobdev manager figure (time to first competitive job)",
    "average_hours_per_week": f"{_OUTCOMES}: hours per week",
    "average_hourly_wage": f"{_OUTCOMES}: hourly wages",
    "held_90_days": f"{_OUTCOMES}: 90-day retention",
    "job_tenure": f"{_OUTCOMES}: job tenure",
    "second_jobs": "ips-jobdev manager figure (every ending a chance for the next job)",
    "job_endings": f"{_OUTCOMES}: job endings by reason",
    "goals": "Wisconsin IPS program goals reviewed with a state trainer",
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

    ``detail`` holds the counts the value comes from (numerator, denominator...);
    ``evidence`` the rows behind it, by program code (never a job seeker's name).
    """

    key: str
    label: str
    value: float | int | None
    unit: str = ""
    point: int | None = None
    anchor: str | None = None
    detail: dict[str, Any] = attrs.field(factory=dict)
    evidence: list[dict[str, Any]] = attrs.field(factory=list)

    @property
    def definition(self) -> str:
        """How the figure is computed (``--explain``)."""
        return DEFINITIONS.get(self.key, "")

    @property
    def source(self) -> str:
        """Where the figure's rule comes from."""
        return SOURCES.get(self.key, "")

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """JSON-ready values; the ``evidence`` rows (program codes) only when asked: what
        goes to a state or a funder names no job seeker."""
        document: dict[str, Any] = {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "unit": self.unit,
            "point": self.point,
            "anchor": self.anchor,
            "detail": self.detail,
            "definition": self.definition,
            "source": self.source,
        }
        if evidence:
            document["evidence"] = self.evidence
        return document


def share(part: float, whole: float) -> float | None:
    """``part / whole`` as a percentage rounded to one decimal (``None`` for an empty
    whole)."""
    if not whole:
        return None
    return round(100.0 * part / whole, 1)
