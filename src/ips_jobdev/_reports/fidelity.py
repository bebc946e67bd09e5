"""Fidelity figures from the record: SQL aggregations, rated on the fidelity scale.

:func:`fidelity_report` computes, for a period and a specialist, a team or the whole
database, the figures of the IPS-25 items the record can show (frequent employer contact,
rapid job search, diversity of job types and of employers, competitive jobs, caseload
size) with their scale points, and the evidence for the quality of employer contact
(relationships with two or more face-to-face visits). Every figure is a GROUP BY over the
tables; only the per-specialist rows are combined in Python. The definitions are in
:data:`ips_jobdev._reports.common.DEFINITIONS` and docs/explanation/how-the-figures-are-computed.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._reports._sql import days_between, local_day
from ips_jobdev._reports.common import (
    Figure,
    Period,
    Scope,
    make_period,
    resolve_scope,
    share,
)
from ips_jobdev._reports.scale import FidelityScale, ScaleItem, default_scale
from ips_jobdev._store import UnitOfWork, tables
from ips_jobdev._vocab import ContactMode, JobSeekerStatus, VisitPurpose, VisitStatus

__all__ = ["FidelityReport", "SpecialistFigures", "fidelity_report"]

_v = tables.visits.c
_vs = tables.visit_seekers.c
_js = tables.job_seekers.c
_jst = tables.job_starts.c
_sp = tables.specialists.c
RAPID_DAYS = 30


@attrs.frozen
class SpecialistFigures:
    """One specialist's row: contacts, the weekly average and its point, the caseload."""

    code: str
    name: str
    contacts: int
    weekly_contacts: float
    contact_point: int | None
    new_caseload_rule: bool
    caseload: int
    looking_for_work: int
    caseload_point: int | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values."""
        return {
            "specialist": self.code,
            "name": self.name,
            "face_to_face_contacts": self.contacts,
            "weekly_contacts": round(self.weekly_contacts, 2),
            "contact_point": self.contact_point,
            "new_caseload_rule": self.new_caseload_rule,
            "caseload": self.caseload,
            "looking_for_work": self.looking_for_work,
            "caseload_point": self.caseload_point,
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

    def figure(self, key: str) -> Figure:
        """The figure named ``key`` (``KeyError`` if the report has none)."""
        for figure in self.figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of ``ips-jobdev report fidelity --json``."""
        return {
            "report": "fidelity",
            "scale": {
                "name": self.scale_name,
                "version": self.scale_version,
                "source": self.scale_source,
            },
            "period": self.period.to_dict(),
            "scope": self.scope.to_dict(),
            "figures": [f.to_dict() for f in self.figures],
            "specialists": [s.to_dict() for s in self.specialists],
        }


def _item(scale: FidelityScale, key: str) -> ScaleItem | None:
    return scale.item(key) if scale.has(key) else None


def _rate(item: ScaleItem | None, value: float | None) -> tuple[int | None, str | None]:
    if item is None or value is None:
        return None, None
    anchor = item.rate(value)
    return anchor.point, anchor.text


def _face_to_face(period: Period) -> list[sa.ColumnElement[bool]]:
    return [
        _v.status == VisitStatus.DONE,
        _v.mode == ContactMode.IN_PERSON,
        _v.at >= period.start_at,
        _v.at < period.end_at,
    ]


def _caseload_conditions(period: Period) -> list[sa.ColumnElement[bool]]:
    return [
        _js.status != JobSeekerStatus.CLOSED,
        sa.or_(_js.ips_start.is_(None), _js.ips_start <= period.end),
    ]


def _specialist_rows(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> tuple[list[SpecialistFigures], Figure, Figure]:
    contact_item = _item(scale, "frequent_employer_contact")
    caseload_item = _item(scale, "caseload_size")
    excluded = [
        VisitPurpose(p)
        for p in (contact_item.options.get("excluded_purposes", []) if contact_item else [])
    ]
    contacts: dict[int, int] = {
        row[0]: int(row[1])
        for row in uow.session.execute(
            sa.select(_v.specialist_id, sa.func.count())
            .where(
                *_face_to_face(period),
                _v.purpose.not_in(excluded),
                *scope.where(_v.specialist_id),
            )
            .group_by(_v.specialist_id)
        )
    }
    searching = sa.case((_js.status == JobSeekerStatus.SEARCHING, 1), else_=0)
    caseloads = {
        row[0]: (row[1], int(row[2] or 0))
        for row in uow.session.execute(
            sa.select(_js.specialist_id, sa.func.count(), sa.func.sum(searching))
            .where(*_caseload_conditions(period), *scope.where(_js.specialist_id))
            .group_by(_js.specialist_id)
        )
    }
    people = uow.session.execute(
        sa.select(_sp.id, _sp.code, _sp.name, _sp.active)
        .where(*scope.where(_sp.id))
        .order_by(_sp.code)
    ).all()
    rule = contact_item.options.get("new_caseload") if contact_item else None
    rows: list[SpecialistFigures] = []
    for person in people:
        made = int(contacts.get(person.id, 0))
        caseload, looking = caseloads.get(person.id, (0, 0))
        if not (person.active or made or caseload):
            continue
        weekly = made / period.weeks
        point, _ = _rate(contact_item, weekly)
        by_rule = bool(
            rule
            and 1 <= looking < rule["fewer_than"]
            and weekly >= rule["contacts_per_seeker"] * looking
        )
        if by_rule and rule is not None:
            point = max(point or 0, int(rule["point"]))
        rows.append(
            SpecialistFigures(
                code=person.code,
                name=person.name,
                contacts=made,
                weekly_contacts=weekly,
                contact_point=point,
                new_caseload_rule=by_rule,
                caseload=caseload,
                looking_for_work=looking,
                caseload_point=_rate(caseload_item, caseload)[0],
            )
        )
    # the program's contact point: each specialist rated, the points averaged, the
    # closest point taken
    points = [r.contact_point for r in rows if r.contact_point is not None]
    mean_point = sum(points) / len(points) if points else None
    anchor = (
        contact_item.closest(mean_point)
        if contact_item is not None and mean_point is not None
        else None
    )
    average_weekly = sum(r.weekly_contacts for r in rows) / len(rows) if rows else None
    contact_figure = Figure(
        key="frequent_employer_contact",
        label="Face-to-face employer contacts per specialist per week",
        value=round(average_weekly, 2) if average_weekly is not None else None,
        unit="contacts a week",
        point=anchor.point if anchor else None,
        anchor=anchor.text if anchor else None,
        detail={
            "specialists_rated": len(rows),
            "face_to_face_contacts": sum(r.contacts for r in rows),
            "weeks": round(period.weeks, 4),
            "mean_of_specialist_points": round(mean_point, 3) if mean_point else None,
            "new_caseload_rule_applied": [r.code for r in rows if r.new_caseload_rule],
        },
    )
    total = sum(r.caseload for r in rows)
    per_specialist = total / len(rows) if rows else None
    point, text = _rate(caseload_item, per_specialist)
    caseload_figure = Figure(
        key="caseload_size",
        label="Caseload size per specialist",
        value=round(per_specialist, 1) if per_specialist is not None else None,
        unit="job seekers",
        point=point,
        anchor=text,
        detail={"job_seekers": total, "specialists": len(rows)},
    )
    return rows, contact_figure, caseload_figure


def _rapid_job_search(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> tuple[Figure, Figure]:
    cohort = [
        _js.ips_start >= period.start,
        _js.ips_start <= period.end,
        *scope.where(_js.specialist_id),
    ]
    firsts = (
        sa.select(_vs.seeker_id.label("seeker_id"), sa.func.min(_v.at).label("first_at"))
        .join(tables.visits, _v.id == _vs.visit_id)
        .where(
            _v.status == VisitStatus.DONE,
            _v.mode == ContactMode.IN_PERSON,
            _v.at < period.end_at,
            _vs.seeker_id.in_(sa.select(_js.id).where(*cohort)),
        )
        .group_by(_vs.seeker_id)
        .subquery()
    )
    raw_days = days_between(local_day(firsts.c.first_at, period.offset_seconds), _js.ips_start)
    days = sa.case((raw_days < 0, 0), else_=raw_days)
    contacted = firsts.c.first_at.is_not(None)
    ran_out = _js.ips_start <= period.end - dt.timedelta(days=RAPID_DAYS)
    one = sa.literal(1)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_js.id),
            sa.func.count(firsts.c.first_at),
            sa.func.sum(sa.case((sa.and_(contacted, days <= RAPID_DAYS), one), else_=0)),
            sa.func.sum(sa.case((sa.or_(contacted, ran_out), one), else_=0)),
            sa.func.sum(sa.case((sa.and_(sa.not_(contacted), ran_out), one), else_=0)),
            sa.func.avg(sa.case((contacted, days), else_=None)),
        )
        .select_from(tables.job_seekers.outerjoin(firsts, firsts.c.seeker_id == _js.id))
        .where(*cohort)
    ).one()
    entered, with_contact, within, judged, waiting, average = (
        int(row[0] or 0),
        int(row[1] or 0),
        int(row[2] or 0),
        int(row[3] or 0),
        int(row[4] or 0),
        float(row[5]) if row[5] is not None else None,
    )
    point, text = _rate(_item(scale, "rapid_job_search"), average)
    detail = {
        "entered_ips": entered,
        "with_first_contact": with_contact,
        "within_30_days": within,
        "judged": judged,
        "waiting_past_day_30": waiting,
    }
    average_figure = Figure(
        key="rapid_job_search",
        label="Days from IPS start to first face-to-face employer contact (average)",
        value=round(average, 1) if average is not None else None,
        unit="days",
        point=point,
        anchor=text,
        detail=detail,
    )
    share_figure = Figure(
        key="rapid_job_search_share",
        label="First face-to-face employer contact within 30 days",
        value=share(within, judged),
        unit="%",
        detail=detail,
    )
    return average_figure, share_figure


def _job_starts(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> list[Figure]:
    competitive = sa.case((_jst.competitive.is_(True), 1), else_=0)
    row = uow.session.execute(
        sa.select(
            sa.func.count(_jst.id),
            sa.func.count(sa.distinct(_jst.employer_id)),
            sa.func.count(_jst.job_type),
            sa.func.count(sa.distinct(_jst.job_type)),
            sa.func.sum(competitive),
        )
        .join(tables.job_seekers, _js.id == _jst.seeker_id)
        .where(
            _jst.start_date >= period.start,
            _jst.start_date <= period.end,
            *scope.where(_js.specialist_id),
        )
    ).one()
    starts, employers, typed, types, competitive_starts = (int(x or 0) for x in row)
    figures = []
    for key, label, part, whole, extra in (
        (
            "diversity_of_job_types",
            "Different job types among job starts",
            types,
            typed,
            {"job_starts_with_type": typed, "different_job_types": types},
        ),
        (
            "diversity_of_employers",
            "Different employers among job starts",
            employers,
            starts,
            {"job_starts": starts, "different_employers": employers},
        ),
        (
            "competitive_jobs",
            "Competitive jobs among job starts",
            competitive_starts,
            starts,
            {"job_starts": starts, "competitive": competitive_starts},
        ),
    ):
        raw = 100.0 * part / whole if whole else None
        point, text = _rate(_item(scale, key), raw)
        figures.append(Figure(key, label, share(part, whole), "%", point, text, detail=extra))
    return figures


def _multi_visit(uow: UnitOfWork, period: Period, scope: Scope) -> Figure:
    per_employer = (
        sa.select(_v.employer_id, sa.func.count().label("visits"))
        .where(*_face_to_face(period), *scope.where(_v.specialist_id))
        .group_by(_v.employer_id)
        .subquery()
    )
    row = uow.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.sum(sa.case((per_employer.c.visits >= 2, 1), else_=0)),
            sa.func.sum(per_employer.c.visits),
        ).select_from(per_employer)
    ).one()
    employers, repeat, visits = (int(x or 0) for x in row)
    purposes = {
        purpose.value: count
        for purpose, count in uow.session.execute(
            sa.select(_v.purpose, sa.func.count())
            .where(*_face_to_face(period), *scope.where(_v.specialist_id))
            .group_by(_v.purpose)
            .order_by(_v.purpose)
        )
    }
    return Figure(
        key="multi_visit_relationships",
        label="Employers with two or more face-to-face visits",
        value=share(repeat, employers),
        unit="%",
        detail={
            "employers_visited": employers,
            "with_two_or_more": repeat,
            "face_to_face_visits": visits,
            "visits_per_employer": round(visits / employers, 2) if employers else None,
            "visits_by_purpose": purposes,
        },
    )


def fidelity_report(
    uow: UnitOfWork,
    *,
    start: dt.date,
    end: dt.date,
    specialist: str | None = None,
    team: Sequence[str] | str | None = None,
    scale: FidelityScale | str | os.PathLike[str] | None = None,
    timezone: str | None = None,
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

    Raises:
        ValidationError: the period runs backwards, or both specialist and team are given.
        NotFoundError: a specialist code is unknown.
    """
    chosen = (
        scale
        if isinstance(scale, FidelityScale)
        else (FidelityScale.load(scale) if scale is not None else default_scale())
    )
    scope = resolve_scope(uow, specialist=specialist, team=team, timezone=timezone)
    period = make_period(start, end, scope.zone)
    rows, contact_figure, caseload_figure = _specialist_rows(uow, period, scope, chosen)
    rapid, rapid_share = _rapid_job_search(uow, period, scope, chosen)
    figures = [
        contact_figure,
        rapid,
        rapid_share,
        *_job_starts(uow, period, scope, chosen),
        _multi_visit(uow, period, scope),
        caseload_figure,
    ]
    return FidelityReport(
        scale_name=chosen.name,
        scale_version=chosen.version,
        scale_source=chosen.source,
        period=period,
        scope=scope,
        figures=figures,
        specialists=rows,
    )
