"""Reports in the browser: the fidelity and outcome figures of a period, the weekly
face-to-face contacts, and for each figure the contacts, people or jobs behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs

from ips_jobdev._overview.common import Team, local_now, team
from ips_jobdev._reports import (
    FidelityReport,
    Figure,
    OutcomesReport,
    Period,
    Scope,
    fidelity_report,
    outcomes_report,
)
from ips_jobdev._reports.counts import RETENTION_DAYS
from ips_jobdev._reports.fidelity import RAPID_DAYS
from ips_jobdev._reports.scale import default_scale
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import drilldown
from ips_jobdev._store.queries import overview as queries
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitPurpose, VisitStatus
from ips_jobdev.errors import NotFoundError, ValidationError

__all__ = [
    "SCOPES",
    "FigureDetail",
    "ReportsPage",
    "WeekCount",
    "default_period",
    "figure_detail",
    "reports_overview",
]

SCOPES = ("mine", "program")
"""``mine``: the chosen specialist's own figures; ``program``: everyone's."""

DEFAULT_DAYS = 91
"""The default period: the last 13 weeks, today included."""


@attrs.frozen
class WeekCount:
    """Face-to-face employer contacts in one week (per specialist, for a program)."""

    monday: dt.date
    contacts: float
    days: int


@attrs.frozen
class ReportsPage:
    """The figures of a period and scope, with the weekly contacts for a chart."""

    team: Team
    scope: str
    start: dt.date
    end: dt.date
    fidelity: FidelityReport
    outcomes: OutcomesReport
    weekly: list[WeekCount]
    target: float


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 13 weeks up to ``today``."""
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def _scope_code(crew: Team, scope: str) -> str | None:
    if scope not in SCOPES:
        raise ValidationError("report", "scope", f"{scope!r} is not one of: {', '.join(SCOPES)}")
    if scope == "program" or crew.chosen is None:
        return None
    return crew.chosen.code


def _contact_filter(
    period: Period, scope: Scope, purposes: Sequence[VisitPurpose]
) -> queries.VisitFilter:
    return queries.VisitFilter(
        start=period.start_at,
        end=period.end_at,
        specialist_ids=scope.specialist_ids,
        statuses=(VisitStatus.DONE,),
        modes=(ContactMode.IN_PERSON,),
        excluded_purposes=tuple(purposes),
    )


def _excluded_purposes() -> list[VisitPurpose]:
    scale = default_scale()
    if not scale.has("frequent_employer_contact"):
        return []
    options = scale.item("frequent_employer_contact").options
    return [VisitPurpose(p) for p in options.get("excluded_purposes", [])]


def _weekly(uow: UnitOfWork, report: FidelityReport, specialists: int) -> list[WeekCount]:
    period = report.period
    times = queries.visit_times(uow, _contact_filter(period, report.scope, _excluded_purposes()))
    monday = period.start - dt.timedelta(days=period.start.weekday())
    weeks: dict[dt.date, int] = {}
    while monday <= period.end:
        weeks[monday] = 0
        monday += dt.timedelta(days=7)
    offset = dt.timedelta(seconds=period.offset_seconds)
    for at in times:
        day = (at.astimezone(dt.UTC) + offset).date()
        weeks[day - dt.timedelta(days=day.weekday())] += 1
    out = []
    for first, count in weeks.items():
        days = (min(first + dt.timedelta(days=6), period.end) - max(first, period.start)).days + 1
        out.append(WeekCount(first, round(count / max(specialists, 1), 2), days))
    return out


def reports_overview(
    uow: UnitOfWork,
    specialist: str | None = None,
    *,
    scope: str = "mine",
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ReportsPage:
    """The fidelity and outcome figures for the days ``start`` to ``end`` (default: the
    last 13 weeks), of the chosen specialist (``scope="mine"``) or of everyone
    (``"program"``), and the face-to-face contacts week by week.

    Raises:
        ValidationError: the period runs backwards, or the scope is unknown.
        NotFoundError: no specialist with this code.
    """
    crew = team(uow, specialist)
    code = _scope_code(crew, scope)
    first, last = default_period(local_now(now, crew.zone).date())
    start, end = start or first, end or last
    fidelity = fidelity_report(uow, start=start, end=end, specialist=code)
    outcomes = outcomes_report(uow, start=start, end=end, specialist=code)
    rated = len(fidelity.specialists) if code is None else 1
    if code is None:
        active = [s for s in crew.everyone if s.active]
        target = sum(s.weekly_target for s in active) / len(active) if active else 0.0
    else:
        target = float(crew.chosen.weekly_target) if crew.chosen else 0.0
    return ReportsPage(
        team=crew,
        scope=scope,
        start=start,
        end=end,
        fidelity=fidelity,
        outcomes=outcomes,
        weekly=_weekly(uow, fidelity, rated),
        target=target,
    )


@attrs.frozen
class FigureDetail:
    """The rows behind one figure: ``kind`` says what they are (``contacts``,
    ``seekers``, ``jobs`` or ``employers``); ``total`` how many there are in all (only
    the first ``limit`` are in ``rows``); ``marks`` flags, per row, what the figure
    counts it as (``"within 30 days"``, ``"held 90 days"``...)."""

    team: Team
    scope: str
    figure: Figure
    period: Period
    scope_label: str
    kind: str
    total: int
    rows: list[Any]
    marks: list[str]


def _rapid_marks(rows: list[drilldown.SeekerRow], period: Period) -> list[str]:
    offset = dt.timedelta(seconds=period.offset_seconds)
    marks = []
    for row in rows:
        assert row.ips_start is not None
        if row.first_contact is not None:
            day = (row.first_contact.astimezone(dt.UTC) + offset).date()
            days = max(0, (day - row.ips_start).days)
            marks.append(
                f"day {days}: within {RAPID_DAYS} days"
                if days <= RAPID_DAYS
                else f"day {days}: after day {RAPID_DAYS}"
            )
        elif row.ips_start <= period.end - dt.timedelta(days=RAPID_DAYS):
            marks.append(f"no contact yet, past day {RAPID_DAYS}")
        else:
            marks.append(f"no contact yet, within its {RAPID_DAYS} days")
    return marks


def _rows(
    uow: UnitOfWork, key: str, period: Period, scope: Scope, limit: int
) -> tuple[str, int, list[Any], list[str]]:
    ids = scope.specialist_ids
    start, end = period.start, period.end
    caseload = drilldown.SeekerFilter(
        specialist_ids=ids, excluded_statuses=(JobSeekerStatus.CLOSED,), started_by=end
    )
    if key == "frequent_employer_contact":
        total, contacts = drilldown.contacts(
            uow, _contact_filter(period, scope, _excluded_purposes()), limit=limit
        )
        return "contacts", total, contacts, []
    if key == "multi_visit_relationships":
        total, employers = drilldown.employers_visited(
            uow, _contact_filter(period, scope, ()), limit=limit
        )
        counted = ["two or more" if e.visits >= 2 else "one" for e in employers]
        return "employers", total, employers, counted
    if key in ("rapid_job_search", "rapid_job_search_share"):
        cohort = drilldown.SeekerFilter(specialist_ids=ids, started_from=start, started_to=end)
        total, seekers = drilldown.seekers(
            uow, cohort, first_contact_before=period.end_at, limit=limit
        )
        return "seekers", total, seekers, _rapid_marks(seekers, period)
    if key in ("caseload_size", "caseload"):
        total, seekers = drilldown.seekers(uow, caseload, limit=limit)
        return "seekers", total, seekers, []
    jobs = _job_filter(key, period, ids, caseload)
    total, rows = drilldown.jobs(uow, jobs, limit=limit)
    marks: list[str] = []
    if key == "held_90_days":
        marks = [
            "held 90 days"
            if r.end_date is None or (r.end_date - r.start_date).days >= RETENTION_DAYS
            else "ended before 90 days"
            for r in rows
        ]
    elif key in ("competitive_jobs", "job_starts"):
        marks = ["competitive" if r.competitive else "not competitive" for r in rows]
    return "jobs", total, rows, marks


def _job_filter(
    key: str, period: Period, ids: tuple[int, ...] | None, caseload: drilldown.SeekerFilter
) -> drilldown.JobFilter:
    start, end = period.start, period.end
    started = {"specialist_ids": ids, "started_from": start, "started_to": end}
    filters: dict[str, drilldown.JobFilter] = {
        "diversity_of_job_types": drilldown.JobFilter(**started),  # type: ignore[arg-type]
        "diversity_of_employers": drilldown.JobFilter(**started),  # type: ignore[arg-type]
        "competitive_jobs": drilldown.JobFilter(**started),  # type: ignore[arg-type]
        "job_starts": drilldown.JobFilter(**started),  # type: ignore[arg-type]
        "first_job_starts": drilldown.JobFilter(**started, first_only=True),  # type: ignore[arg-type]
        "average_hours_per_week": drilldown.JobFilter(**started, competitive_only=True),  # type: ignore[arg-type]
        "average_hourly_wage": drilldown.JobFilter(**started, competitive_only=True),  # type: ignore[arg-type]
        "worked_competitive": drilldown.JobFilter(
            specialist_ids=ids, seekers=caseload, held_between=(start, end), competitive_only=True
        ),
        "held_90_days": drilldown.JobFilter(
            specialist_ids=ids,
            started_from=start,
            started_to=end - dt.timedelta(days=RETENTION_DAYS),
            competitive_only=True,
        ),
        "job_endings": drilldown.JobFilter(specialist_ids=ids, ended_from=start, ended_to=end),
    }
    filters["employment_rate"] = filters["worked_competitive"]
    if key not in filters:
        raise NotFoundError("figure", key)
    return filters[key]


def figure_detail(
    uow: UnitOfWork,
    key: str,
    specialist: str | None = None,
    *,
    scope: str = "mine",
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
    limit: int = 500,
) -> FigureDetail:
    """The figure ``key`` of the same period and scope as :func:`reports_overview`, and
    the rows it counts (the first ``limit``).

    Raises:
        NotFoundError: no figure has this key, or no specialist this code.
        ValidationError: the period runs backwards, or the scope is unknown.
    """
    crew = team(uow, specialist)
    code = _scope_code(crew, scope)
    first, last = default_period(local_now(now, crew.zone).date())
    start, end = start or first, end or last
    fidelity = fidelity_report(uow, start=start, end=end, specialist=code)
    report: FidelityReport | OutcomesReport = fidelity
    try:
        figure = fidelity.figure(key)
    except KeyError:
        report = outcomes_report(uow, start=start, end=end, specialist=code)
        try:
            figure = report.figure(key)
        except KeyError:
            raise NotFoundError("figure", key) from None
    kind, total, rows, marks = _rows(uow, key, report.period, report.scope, limit)
    return FigureDetail(
        team=crew,
        scope=scope,
        figure=figure,
        period=report.period,
        scope_label=report.scope.label,
        kind=kind,
        total=total,
        rows=rows,
        marks=marks,
    )
