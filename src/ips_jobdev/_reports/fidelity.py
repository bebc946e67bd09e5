"""Fidelity figures from the record: SQL aggregations, rated on the fidelity scale.

:func:`fidelity_report` computes, for a period and a specialist, a team or the whole
database, the figures of the IPS-25 items the record can show (frequent employer contact,
rapid job search, diversity of job types and of employers, competitive jobs, caseload
size) with their scale points, and the evidence for the quality of employer contact
(relationships with two or more face-to-face visits). Every count is a GROUP BY in the store
(``ips_jobdev._store.queries.fidelity``); this module rates them on the scale and combines
the per-specialist rows. The definitions are in
:data:`ips_jobdev._reports.common.DEFINITIONS` and docs/explanation/how-the-figures-are-computed.md.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev._model import Specialist
from ips_jobdev._reports.common import (
    Figure,
    Period,
    Scope,
    make_period,
    resolve_scope,
    share,
)
from ips_jobdev._reports.scale import FidelityScale, ScaleItem, default_scale
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import fidelity as queries
from ips_jobdev._vocab import VisitPurpose

__all__ = ["FidelityReport", "SpecialistFigures", "fidelity_report"]

RAPID_DAYS = 30
"""Days from IPS start by which the first face-to-face employer contact should come."""
REPEAT_VISITS = 2
"""Face-to-face visits to one employer that make a relationship (multi-visit evidence)."""


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


# -- frequent employer contact and caseload size, per specialist ---------------------------


@attrs.frozen
class _ContactRating:
    """How a specialist's face-to-face contacts are rated: the scale item (if the scale has
    it), its new-caseload rule, and the weeks in the period."""

    item: ScaleItem | None
    rule: Mapping[str, Any] | None
    weeks: float

    @classmethod
    def from_scale(cls, scale: FidelityScale, weeks: float) -> _ContactRating:
        item = _item(scale, "frequent_employer_contact")
        rule = item.options.get("new_caseload") if item else None
        return cls(item=item, rule=rule, weeks=weeks)

    @property
    def excluded_purposes(self) -> list[VisitPurpose]:
        """The purposes whose visits do not count as employer contacts."""
        purposes = self.item.options.get("excluded_purposes", []) if self.item else []
        return [VisitPurpose(p) for p in purposes]

    def by_new_caseload_rule(self, weekly: float, looking: int) -> bool:
        """Whether a specialist with ``looking`` job seekers looking for work makes enough
        contacts a week for the new-caseload rule."""
        rule = self.rule
        return bool(
            rule
            and 1 <= looking < rule["fewer_than"]
            and weekly >= rule["contacts_per_seeker"] * looking
        )

    def point(self, weekly: float, looking: int) -> tuple[int | None, bool]:
        """The point ``weekly`` contacts earn, and whether the new-caseload rule gave it."""
        point, _ = _rate(self.item, weekly)
        by_rule = self.by_new_caseload_rule(weekly, looking)
        if by_rule and self.rule is not None:
            point = max(point or 0, int(self.rule["point"]))
        return point, by_rule


def _specialists_in_scope(uow: UnitOfWork, scope: Scope) -> list[Specialist]:
    """The specialists in scope, by code."""
    ids = scope.specialist_ids
    return [person for person in uow.specialists.list() if ids is None or person.id in ids]


def _each_specialist(
    uow: UnitOfWork,
    period: Period,
    scope: Scope,
    *,
    rating: _ContactRating,
    caseload_item: ScaleItem | None,
) -> list[SpecialistFigures]:
    """One row per specialist in scope who is active, or made contacts, or has a
    caseload."""
    contacts = queries.face_to_face_contacts(
        uow,
        start_at=period.start_at,
        end_at=period.end_at,
        specialist_ids=scope.specialist_ids,
        excluded_purposes=rating.excluded_purposes,
    )
    caseloads = queries.caseload_counts(uow, end=period.end, specialist_ids=scope.specialist_ids)
    none = queries.CaseloadCount(on_caseload=0, searching=0)
    rows: list[SpecialistFigures] = []
    for person in _specialists_in_scope(uow, scope):
        made = contacts.get(person.id, 0) if person.id is not None else 0
        caseload = caseloads.get(person.id, none) if person.id is not None else none
        if not (person.active or made or caseload.on_caseload):
            continue
        weekly = made / rating.weeks
        point, by_rule = rating.point(weekly, caseload.searching)
        rows.append(
            SpecialistFigures(
                code=person.code,
                name=person.name,
                contacts=made,
                weekly_contacts=weekly,
                contact_point=point,
                new_caseload_rule=by_rule,
                caseload=caseload.on_caseload,
                looking_for_work=caseload.searching,
                caseload_point=_rate(caseload_item, caseload.on_caseload)[0],
            )
        )
    return rows


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _contact_figure(
    rows: Sequence[SpecialistFigures], item: ScaleItem | None, period: Period
) -> Figure:
    """The program's contact figure: each specialist rated, the points averaged, the
    closest point taken; the value is the average of the weekly figures."""
    mean_point = _mean([r.contact_point for r in rows if r.contact_point is not None])
    anchor = item.closest(mean_point) if item is not None and mean_point is not None else None
    average_weekly = _mean([r.weekly_contacts for r in rows])
    return Figure(
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


def _caseload_figure(rows: Sequence[SpecialistFigures], item: ScaleItem | None) -> Figure:
    """The program's caseload: the job seekers over the specialists rated, rated once."""
    total = sum(r.caseload for r in rows)
    per_specialist = total / len(rows) if rows else None
    point, text = _rate(item, per_specialist)
    return Figure(
        key="caseload_size",
        label="Caseload size per specialist",
        value=round(per_specialist, 1) if per_specialist is not None else None,
        unit="job seekers",
        point=point,
        anchor=text,
        detail={"job_seekers": total, "specialists": len(rows)},
    )


def _specialist_rows(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> tuple[list[SpecialistFigures], Figure, Figure]:
    """Each specialist's row, and the program's contact and caseload figures."""
    rating = _ContactRating.from_scale(scale, period.weeks)
    caseload_item = _item(scale, "caseload_size")
    rows = _each_specialist(uow, period, scope, rating=rating, caseload_item=caseload_item)
    return rows, _contact_figure(rows, rating.item, period), _caseload_figure(rows, caseload_item)


# -- rapid job search ----------------------------------------------------------------------


def _rapid_job_search(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> tuple[Figure, Figure]:
    counts = queries.first_contact_counts(
        uow,
        start=period.start,
        end=period.end,
        end_at=period.end_at,
        offset_seconds=period.offset_seconds,
        specialist_ids=scope.specialist_ids,
        within_days=RAPID_DAYS,
    )
    average = counts.average_days
    point, text = _rate(_item(scale, "rapid_job_search"), average)
    detail = {
        "entered_ips": counts.entered,
        "with_first_contact": counts.with_contact,
        "within_30_days": counts.within,
        "judged": counts.judged,
        "waiting_past_day_30": counts.waiting,
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
        value=share(counts.within, counts.judged),
        unit="%",
        detail=detail,
    )
    return average_figure, share_figure


# -- job starts ----------------------------------------------------------------------------


def _share_figure(
    scale: FidelityScale, key: str, label: str, part: int, whole: int, detail: dict[str, Any]
) -> Figure:
    """A percentage figure rated on the raw share (the scale item rounds it)."""
    raw = 100.0 * part / whole if whole else None
    point, text = _rate(_item(scale, key), raw)
    return Figure(
        key=key,
        label=label,
        value=share(part, whole),
        unit="%",
        point=point,
        anchor=text,
        detail=detail,
    )


def _job_starts(
    uow: UnitOfWork, period: Period, scope: Scope, scale: FidelityScale
) -> list[Figure]:
    counts = queries.job_start_counts(
        uow, start=period.start, end=period.end, specialist_ids=scope.specialist_ids
    )
    return [
        _share_figure(
            scale,
            key="diversity_of_job_types",
            label="Different job types among job starts",
            part=counts.types,
            whole=counts.typed,
            detail={"job_starts_with_type": counts.typed, "different_job_types": counts.types},
        ),
        _share_figure(
            scale,
            key="diversity_of_employers",
            label="Different employers among job starts",
            part=counts.employers,
            whole=counts.starts,
            detail={"job_starts": counts.starts, "different_employers": counts.employers},
        ),
        _share_figure(
            scale,
            key="competitive_jobs",
            label="Competitive jobs among job starts",
            part=counts.competitive,
            whole=counts.starts,
            detail={"job_starts": counts.starts, "competitive": counts.competitive},
        ),
    ]


# -- relationships with employers ----------------------------------------------------------


def _multi_visit(uow: UnitOfWork, period: Period, scope: Scope) -> Figure:
    counts = queries.employer_visit_counts(
        uow,
        start_at=period.start_at,
        end_at=period.end_at,
        specialist_ids=scope.specialist_ids,
        repeated_from=REPEAT_VISITS,
    )
    employers, visits = counts.employers, counts.visits
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
            "visits_by_purpose": {p.value: n for p, n in counts.by_purpose.items()},
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
