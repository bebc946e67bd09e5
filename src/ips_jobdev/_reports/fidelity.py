"""Fidelity figures from the record, rated on the fidelity scale.

:func:`fidelity_report` computes, for a period and a specialist, a team or the whole
database, the figures of the IPS-25 items the record can show (frequent employer contact,
rapid job search, individualized job search, diversity of job types and of employers,
competitive jobs, caseload size) with their scale points and the evidence behind them, the
evidence for the items a reviewer rates (quality of employer contact, follow-along
supports) and the figures a manager asks for. Counting is done in the store
(``ips_jobdev._store.queries``); the rules about periods and people (who was served, who
worked which weeks) are in :mod:`ips_jobdev._reports.people`. The definitions are in
:data:`ips_jobdev._reports.common.DEFINITIONS` and
docs/explanation/how-the-figures-are-computed.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev._model import Specialist
from ips_jobdev._reports import job_development
from ips_jobdev._reports.common import (
    Figure,
    Period,
    Scope,
    make_period,
    resolve_scope,
    share,
)
from ips_jobdev._reports.context import ReportContext
from ips_jobdev._reports.people import (
    SeekerInPeriod,
    WorkedTime,
    seekers_in_period,
    worked_time,
)
from ips_jobdev._reports.scale import BETWEEN_ANCHORS, FidelityScale, ScaleItem, default_scale
from ips_jobdev._store import UnitOfWork, reads_unaudited
from ips_jobdev._store.queries import fidelity as queries
from ips_jobdev._store.queries.people import seeker_rows
from ips_jobdev._vocab import VisitPurpose
from ips_jobdev.errors import ValidationError

__all__ = ["FidelityReport", "SpecialistFigures", "fidelity_report"]

RAPID_DAYS = 30
"""Days from IPS start by which the first face-to-face employer contact should come."""
REPEAT_VISITS = 2
"""Face-to-face visits to one employer that make a relationship (multi-visit evidence)."""
NOT_JOB_DEVELOPMENT = (VisitPurpose.SUPPORT,)
"""Purposes that are never job development: follow-along support at a worker's job."""


@attrs.frozen
class SpecialistFigures:
    """One specialist's row: the weeks they worked, their contacts, the weekly figure and
    its point, their caseload and its point."""

    code: str
    name: str
    contacts: int
    weekly_contacts: float | None
    contact_point: int | None
    new_caseload_rule: bool
    caseload: int
    looking_for_work: int
    caseload_point: int | None
    weeks_worked: float = 0.0
    full_time_weeks: float = 0.0
    fte: float = 1.0
    started: dt.date | None = None
    caseload_per_fte: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "specialist": self.code,
            "name": self.name,
            "face_to_face_contacts": self.contacts,
            "weekly_contacts": (
                round(self.weekly_contacts, 2) if self.weekly_contacts is not None else None
            ),
            "contact_point": self.contact_point,
            "new_caseload_rule": self.new_caseload_rule,
            "caseload": self.caseload,
            "looking_for_work": self.looking_for_work,
            "caseload_point": self.caseload_point,
            "weeks_worked": round(self.weeks_worked, 2),
            "full_time_weeks": round(self.full_time_weeks, 2),
            "fte": round(self.fte, 3),
            "started": self.started,
            "caseload_per_fte": (
                round(self.caseload_per_fte, 1) if self.caseload_per_fte is not None else None
            ),
        }


@attrs.frozen
class FidelityReport:
    """The fidelity figures of one period and scope (see :func:`fidelity_report`)."""

    scale_name: str
    scale_version: str
    scale_source: str
    period: Period
    scope: Scope
    figures: list[Figure]
    specialists: list[SpecialistFigures]
    between_anchors: str = "reach"

    def figure(self, key: str) -> Figure:
        """The figure named ``key`` (``KeyError`` if the report has none)."""
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def to_dict(self, *, evidence: bool = False) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev report fidelity --json`` (each figure's
        evidence rows, by program code, only with ``evidence``)."""
        return {
            "report": "fidelity",
            "scale": {
                "name": self.scale_name,
                "version": self.scale_version,
                "source": self.scale_source,
                "between_anchors": self.between_anchors,
            },
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "figures": [f.to_dict(evidence=evidence) for f in self.figures],
            "specialists": [s.to_dict() for s in self.specialists],
        }


def _item(scale: FidelityScale, key: str) -> ScaleItem | None:
    return scale.item(key) if scale.has(key) else None


# -- frequent employer contact and caseload size, per specialist ---------------------------


@attrs.frozen
class _ContactRating:
    """How a specialist's face-to-face contacts are rated: the scale item (if the scale has
    it), its new-caseload rule, and whether part-timers are rated per full-time week."""

    item: ScaleItem | None
    rule: Mapping[str, Any] | None
    prorate: bool

    @classmethod
    def from_scale(cls, scale: FidelityScale) -> _ContactRating:
        item = _item(scale, "frequent_employer_contact")
        rule = item.options.get("new_caseload") if item else None
        part_time = item.options.get("part_time", "prorate") if item else "prorate"
        return cls(item=item, rule=rule, prorate=part_time == "prorate")

    @property
    def excluded_purposes(self) -> list[VisitPurpose]:
        """The purposes whose visits do not count as employer contacts (follow-along
        support never does)."""
        purposes = self.item.options.get("excluded_purposes", []) if self.item else []
        return sorted({*NOT_JOB_DEVELOPMENT, *(VisitPurpose(p) for p in purposes)})

    def weekly(self, contacts: int, worked: WorkedTime) -> float | None:
        """The contacts a week the specialist is rated on (``None``: no week worked)."""
        weeks = worked.full_time_weeks if self.prorate else worked.weeks_worked
        return contacts / weeks if weeks > 0 else None

    def new_caseload(self, worked: WorkedTime, period: Period) -> bool:
        """Whether the specialist's caseload is new: their employment started in the
        period or ``started_within_days`` before it."""
        if self.rule is None or worked.started is None:
            return False
        within = dt.timedelta(days=int(self.rule.get("started_within_days", 90)))
        return period.start - within <= worked.started <= period.end

    def by_new_caseload_rule(self, weekly: float, looking: int) -> bool:
        """Whether ``weekly`` contacts with ``looking`` job seekers looking for work meet
        the new-caseload rule (the caseload's newness checked apart)."""
        rule = self.rule
        return bool(
            rule
            and 1 <= looking < rule["fewer_than"]
            and weekly >= rule["contacts_per_seeker"] * looking
        )


def _specialists_in_scope(uow: UnitOfWork, scope: Scope) -> list[Specialist]:
    """The specialists in scope, by code."""
    ids = scope.specialist_ids
    return [person for person in uow.specialists.list() if ids is None or person.id in ids]


def _caseloads(seekers: Sequence[SeekerInPeriod]) -> dict[int, tuple[int, int]]:
    """Per specialist id: the job seekers served during the period, and those of them
    looking for work."""
    found: dict[int, tuple[int, int]] = {}
    for seeker in seekers:
        if seeker.specialist_id is None or not seeker.served:
            continue
        served, looking = found.get(seeker.specialist_id, (0, 0))
        found[seeker.specialist_id] = (served + 1, looking + int(seeker.looking_for_work))
    return found


def _specialist_row(
    context: ReportContext,
    person: Specialist,
    *,
    made: int,
    caseload: tuple[int, int],
    rating: _ContactRating,
) -> tuple[SpecialistFigures, WorkedTime] | None:
    worked = worked_time(person, context.period)
    served, looking = caseload
    if worked.days_employed == 0 or not (person.active or made or served):
        return None
    weekly = rating.weekly(made, worked)
    point: int | None = None
    by_rule = False
    if weekly is not None:
        point, _ = context.rate("frequent_employer_contact", weekly)
        by_rule = rating.new_caseload(worked, context.period) and rating.by_new_caseload_rule(
            weekly, looking
        )
        if by_rule and rating.rule is not None:
            point = max(point or 0, int(rating.rule["point"]))
    per_fte = served / worked.average_fte if worked.average_fte else None
    return (
        SpecialistFigures(
            code=person.code,
            name=person.name,
            contacts=made,
            weekly_contacts=weekly,
            contact_point=point,
            new_caseload_rule=by_rule,
            caseload=served,
            looking_for_work=looking,
            caseload_point=context.rate("caseload_size", per_fte)[0],
            weeks_worked=worked.weeks_worked,
            full_time_weeks=worked.full_time_weeks,
            fte=worked.average_fte or 0.0,
            started=worked.started,
            caseload_per_fte=per_fte,
        ),
        worked,
    )


def _each_specialist(
    context: ReportContext, rating: _ContactRating
) -> list[tuple[SpecialistFigures, WorkedTime]]:
    """One row per specialist in scope who worked in the period and is active, made
    contacts, or has a caseload served in it."""
    contacts = queries.face_to_face_contacts(
        context.tally, excluded_purposes=rating.excluded_purposes
    )
    caseloads = _caseloads(context.seekers)
    rows = []
    for person in _specialists_in_scope(context.uow, context.scope):
        key = person.id if person.id is not None else -1
        row = _specialist_row(
            context,
            person,
            made=contacts.get(key, 0),
            caseload=caseloads.get(key, (0, 0)),
            rating=rating,
        )
        if row is not None:
            rows.append(row)
    return rows


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _contact_figure(
    rows: Sequence[SpecialistFigures], item: ScaleItem | None, context: ReportContext
) -> Figure:
    """The program's contact figure: each specialist rated, the points averaged, the
    closest point taken; the value is the average of the weekly figures."""
    mean_point = _mean([r.contact_point for r in rows if r.contact_point is not None])
    anchor = item.closest(mean_point) if item is not None and mean_point is not None else None
    average_weekly = _mean([r.weekly_contacts for r in rows if r.weekly_contacts is not None])
    return Figure(
        key="frequent_employer_contact",
        label="Face-to-face employer contacts per specialist per week",
        value=round(average_weekly, 2) if average_weekly is not None else None,
        unit="contacts a week",
        point=anchor.point if anchor else None,
        anchor=anchor.text if anchor else None,
        detail={
            "specialists_rated": len([r for r in rows if r.contact_point is not None]),
            "face_to_face_contacts": sum(r.contacts for r in rows),
            "weeks": round(context.period.weeks, 4),
            "mean_of_specialist_points": round(mean_point, 3) if mean_point else None,
            "new_caseload_rule_applied": [r.code for r in rows if r.new_caseload_rule],
            "between_anchors": context.between,
        },
        evidence=[
            {
                "specialist": r.code,
                "contacts": r.contacts,
                "weeks_worked": round(r.weeks_worked, 2),
                "full_time_weeks": round(r.full_time_weeks, 2),
                "weekly": round(r.weekly_contacts, 2) if r.weekly_contacts is not None else None,
                "point": r.contact_point,
                "new_caseload_rule": r.new_caseload_rule,
            }
            for r in rows
        ],
    )


def _caseload_figure(
    pairs: Sequence[tuple[SpecialistFigures, WorkedTime]], context: ReportContext
) -> Figure:
    """The program's caseload: job seekers served over the full-time equivalents, rated
    once."""
    total = sum(r.caseload for r, _ in pairs)
    fte = sum(w.fte for _, w in pairs)
    # no job seeker served: nothing to count (an empty program is not a small caseload)
    per_fte = total / fte if fte and total else None
    point, text = context.rate("caseload_size", per_fte)
    return Figure(
        key="caseload_size",
        label="Caseload size per full-time specialist",
        value=round(per_fte, 1) if per_fte is not None else None,
        unit="job seekers",
        point=point,
        anchor=text,
        detail={
            "job_seekers": total,
            "specialists": len(pairs),
            "full_time_equivalents": round(fte, 3),
        },
        evidence=[
            {
                "specialist": r.code,
                "served": r.caseload,
                "fte_over_period": round(w.fte, 3),
                "fte_while_employed": round(w.average_fte or 0.0, 3),
                "per_full_time": round(r.caseload_per_fte, 1)
                if r.caseload_per_fte is not None
                else None,
                "point": r.caseload_point,
            }
            for r, w in pairs
        ],
    )


# -- rapid job search ----------------------------------------------------------------------


def _rapid_job_search(context: ReportContext) -> tuple[Figure, Figure]:
    period = context.period
    cohort = [
        row
        for row in context.rows
        if row.ips_start is not None and period.start <= row.ips_start <= period.end
    ]
    firsts = queries.first_contacts(
        context.uow,
        [row.id for row in cohort],
        before=period.end_at,
        excluded_purposes=NOT_JOB_DEVELOPMENT,
    )
    evidence: list[dict[str, Any]] = []
    days_to_first: list[int] = []
    floor: list[int] = []
    waiting: list[str] = []
    past_30: list[str] = []
    for row in cohort:
        assert row.ips_start is not None
        first = firsts.get(row.id)
        if first is not None:
            day = first[0].astimezone(context.zone).date()
            days = max(0, (day - row.ips_start).days)
            days_to_first.append(days)
            floor.append(days)
            evidence.append(
                {
                    "seeker": row.code,
                    "ips_start": row.ips_start,
                    "first_contact": day,
                    "days": days,
                    "by": "job seeker" if first[1] else "specialist",
                }
            )
            continue
        so_far = (period.end - row.ips_start).days
        floor.append(so_far)
        waiting.append(row.code)
        if so_far >= RAPID_DAYS:
            past_30.append(row.code)
        evidence.append(
            {
                "seeker": row.code,
                "ips_start": row.ips_start,
                "first_contact": None,
                "days": so_far,
                "by": "still waiting"
                + (f", past day {RAPID_DAYS}" if so_far >= RAPID_DAYS else ""),
            }
        )
    average = _mean(days_to_first)
    within = sum(1 for d in days_to_first if d <= RAPID_DAYS)
    judged = len(days_to_first) + len(past_30)
    point, text = context.rate("rapid_job_search", average)
    floor_average = _mean(floor)
    detail = {
        "entered_ips": len(cohort),
        "with_first_contact": len(days_to_first),
        "within_30_days": within,
        "judged": judged,
        "waiting": len(waiting),
        "waiting_past_day_30": len(past_30),
        "average_counting_waiting": round(floor_average, 1) if floor_average is not None else None,
    }
    return (
        Figure(
            key="rapid_job_search",
            label="Days from IPS start to first face-to-face employer contact (average)",
            value=round(average, 1) if average is not None else None,
            unit="days",
            point=point,
            anchor=text,
            detail=detail,
            evidence=evidence,
        ),
        Figure(
            key="rapid_job_search_share",
            label="First face-to-face employer contact within 30 days",
            value=share(within, judged),
            unit="%",
            detail=detail,
        ),
    )


# -- job starts ----------------------------------------------------------------------------


def _share_figure(
    context: ReportContext, key: str, label: str, part: int, whole: int, detail: dict[str, Any]
) -> Figure:
    """A percentage figure rated on the raw share (the scale item rounds it)."""
    raw = 100.0 * part / whole if whole else None
    point, text = context.rate(key, raw)
    return Figure(
        key=key,
        label=label,
        value=share(part, whole),
        unit="%",
        point=point,
        anchor=text,
        detail=detail,
    )


def _job_starts(context: ReportContext) -> list[Figure]:
    period = context.period
    counts = queries.job_start_counts(
        context.uow,
        start=period.start,
        end=period.end,
        specialist_ids=context.scope.specialist_ids,
    )
    return [
        _share_figure(
            context,
            key="diversity_of_job_types",
            label="Different job types among job starts",
            part=counts.types,
            whole=counts.typed,
            detail={"job_starts_with_type": counts.typed, "different_job_types": counts.types},
        ),
        _share_figure(
            context,
            key="diversity_of_employers",
            label="Different employers among job starts",
            part=counts.employers,
            whole=counts.starts,
            detail={"job_starts": counts.starts, "different_employers": counts.employers},
        ),
        _share_figure(
            context,
            key="competitive_jobs",
            label="Competitive jobs among job starts",
            part=counts.competitive,
            whole=counts.starts,
            detail={"job_starts": counts.starts, "competitive": counts.competitive},
        ),
    ]


# -- relationships with employers ----------------------------------------------------------


def _multi_visit(context: ReportContext) -> Figure:
    counts = queries.employer_visit_counts(context.employers, repeated_from=REPEAT_VISITS)
    employers, visits = counts.employers, counts.visits
    by_purpose = queries.face_to_face_by_purpose(context.tally)
    return Figure(
        key="multi_visit_relationships",
        label="Employers with two or more face-to-face visits",
        value=share(counts.repeated, employers),
        unit="%",
        detail={
            "employers_visited": employers,
            "with_two_or_more": counts.repeated,
            "face_to_face_visits": visits,
            "visits_per_employer": round(visits / employers, 2) if employers else None,
            "visits_by_purpose": {p.value: n for p, n in by_purpose.items()},
        },
        evidence=[
            {"employer": name, "visits": visits} for name, visits in counts.repeated_employers
        ],
    )


def _chosen_scale(scale: FidelityScale | str | os.PathLike[str] | None) -> FidelityScale:
    if isinstance(scale, FidelityScale):
        return scale
    return FidelityScale.load(scale) if scale is not None else default_scale()


def _context(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale, between: str
) -> ReportContext:
    rows = tuple(seeker_rows(uow, specialist_ids=scope.specialist_ids, entered_by=period.end))
    tally = queries.visit_tally(
        uow,
        start_at=period.start_at,
        end_at=period.end_at,
        specialist_ids=scope.specialist_ids,
        excluded_purposes=NOT_JOB_DEVELOPMENT,
    )
    contacts = queries.client_contacts(
        uow,
        start_at=period.start_at,
        end_at=period.end_at,
        specialist_ids=scope.specialist_ids,
        excluded_purposes=NOT_JOB_DEVELOPMENT,
    )
    employers = queries.employer_visits(
        uow,
        start_at=period.start_at,
        end_at=period.end_at,
        since=period.end_at - dt.timedelta(days=job_development.COLD_LOOKBACK_DAYS),
        specialist_ids=scope.specialist_ids,
        excluded_purposes=NOT_JOB_DEVELOPMENT,
    )
    return ReportContext(
        uow=uow,
        period=period,
        scope=scope,
        scale=scale,
        between=between,
        rows=rows,
        seekers=tuple(seekers_in_period(rows, period)),
        tally=tuple(tally),
        contacts=tuple(contacts),
        employers=tuple(employers),
    )


@reads_unaudited
def fidelity_report(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    scale: FidelityScale | str | os.PathLike[str] | None = None,
    timezone: str | None = None,
    between_anchors: str | None = None,
) -> FidelityReport:
    """The fidelity figures for the days ``start`` to ``end`` (both included).

    Args:
        uow: the unit of work to read from.
        start: the first day of the period.
        end: the last day of the period.
        specialist: one specialist's code; or
        team: several codes (a list, or ``"a,b"``); neither for the whole database.
        scale: the fidelity scale (default: the US IPS-25), or the path of a scale file.
        timezone: whose calendar days count (default: the first specialist's in scope).
        between_anchors: ``"reach"`` or ``"nearest"``: how a value between two named
            anchors is placed (default: the scale file's choice; see
            :data:`ips_jobdev._reports.scale.BETWEEN_ANCHORS`).

    Raises:
        ValidationError: the period runs backwards, both specialist and team are given,
            or ``between_anchors`` is not a known reading.
        NotFoundError: a specialist code is unknown.
    """
    chosen = _chosen_scale(scale)
    between = between_anchors or chosen.between_anchors
    if between not in BETWEEN_ANCHORS:
        raise ValidationError(
            "report", "between_anchors", f"{between!r} is not 'reach' or 'nearest'"
        )
    scope = resolve_scope(uow, specialist=specialist, team=team, timezone=timezone)
    period = make_period(start, end, scope.zone)
    rating = _ContactRating.from_scale(chosen)
    with queries.report_settings(uow):
        context = _context(uow, period, scope, chosen, between)
        pairs = _each_specialist(context, rating)
        rapid, rapid_share = _rapid_job_search(context)
        starts = _job_starts(context)
        individualized = job_development.individualized(context)
        follow_along = job_development.follow_along(context)
    rows = [row for row, _ in pairs]
    figures = [
        _contact_figure(rows, rating.item, context),
        rapid,
        rapid_share,
        *starts,
        _multi_visit(context),
        _caseload_figure(pairs, context),
        # figures added later go after the first ones (JSON consumers may index them)
        individualized,
        follow_along,
        *job_development.contact_mix(context),
        job_development.cold_relationships(context),
    ]
    return FidelityReport(
        scale_name=chosen.name,
        scale_version=chosen.version,
        scale_source=chosen.source,
        period=period,
        scope=scope,
        figures=figures,
        specialists=rows,
        between_anchors=between,
    )
