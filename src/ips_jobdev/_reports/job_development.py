"""The fidelity report's figures about how job development is done: individualized job
search, follow-along supports, how contacts are made, contacts per person looking for
work, and relationships gone cold. Each takes the report's
:class:`~ips_jobdev._reports.context.ReportContext` and returns its figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from ips_jobdev._model import Preferences
from ips_jobdev._reports.common import Figure, share
from ips_jobdev._reports.context import ReportContext
from ips_jobdev._store.queries import fidelity as queries
from ips_jobdev._store.queries.people import JobRow, job_rows
from ips_jobdev.cycles import resolve_policy

__all__ = [
    "cold_relationships",
    "contact_mix",
    "fits_preferences",
    "follow_along",
    "individualized",
]

FIRST_CONTACT_DAYS = 3
"""Days after a job start by which the first follow-along contact should come."""
WEEKLY_CHECKS = 4
"""Weeks of weekly follow-along contact after a job start."""
MONTH_DAYS = 30
"""Days in each monthly follow-along check after the first month."""
FOLLOW_ALONG_DAYS = 365
"""Follow-along checks run up to this many days after a job start."""
COLD_LOOKBACK_DAYS = 365
"""Relationships gone cold are looked for among employers visited in this many days."""


# -- individualized job search -------------------------------------------------------------

_FITS = {True: "yes", False: "no", None: "not judged"}
_FITS_ORDER = ["no", "not judged", "yes"]


@attrs.frozen
class _Wanted:
    """What a job seeker's preferences ask for, as sets (read once per person)."""

    types: frozenset[str]
    industries: frozenset[str]
    avoid: frozenset[str]

    @classmethod
    def of(cls, preferences: Preferences) -> _Wanted:
        return cls(
            frozenset(preferences.job_types),
            frozenset(preferences.industries),
            frozenset(preferences.avoid),
        )


@attrs.frozen
class _Offered:
    """What an employer is (read once per employer): its job types (lower case), its
    name and industry in lower case (with the types, what an avoid list can name), and
    its industry as recorded."""

    types: frozenset[str]
    name_key: str
    industry_key: str | None
    industry: str | None

    @classmethod
    def of(
        cls,
        employer_name: str,
        industry: str | None,
        job_types: Sequence[str],
        types: frozenset[str] | None = None,
    ) -> _Offered:
        offered = types if types is not None else frozenset(t.lower() for t in job_types)
        return cls(offered, employer_name.lower(), industry.lower() if industry else None, industry)

    def named_in(self, avoid: frozenset[str]) -> bool:
        """Whether anything about the employer (a job type, its name, its industry) is
        on ``avoid``."""
        return bool(
            not self.types.isdisjoint(avoid)
            or self.name_key in avoid
            or (self.industry_key is not None and self.industry_key in avoid)
        )


def _fits(wanted: _Wanted, offered: _Offered) -> bool | None:
    if not (wanted.types or wanted.industries) or not (offered.types or offered.industry):
        return None
    if offered.named_in(wanted.avoid):
        return False
    return bool(wanted.types & offered.types) or (
        offered.industry is not None and offered.industry in wanted.industries
    )


def fits_preferences(
    preferences: Preferences, *, employer_name: str, industry: str | None, job_types: Sequence[str]
) -> bool | None:
    """Whether an employer fits a job seeker's stated preferences: one of its job types
    or its industry is one they want, and nothing about it is on their avoid list.
    ``None`` when it cannot be judged (no job types or industries recorded for the person,
    or neither for the employer)."""
    return _fits(_Wanted.of(preferences), _Offered.of(employer_name, industry, job_types))


def individualized(context: ReportContext) -> Figure:
    """Individualized job search: the share of client-specific contacts that fit the
    person's stated preferences."""
    contacts = context.contacts
    people = {
        seeker_id: (code, _Wanted.of(preferences))
        for seeker_id, (code, preferences) in queries.seeker_preferences(
            context.uow, {c.seeker_id for c in contacts}
        ).items()
    }
    employers: dict[int, _Offered] = {}
    types: dict[tuple[str, ...], frozenset[str]] = {}  # a few hundred different lists
    days: dict[dt.datetime, dt.date] = {}  # many contacts share a time slot
    zone = context.zone
    fitting = judged = 0
    # the evidence in the order a reviewer asks for: the contacts that do not fit, then
    # those not judged, then the rest (each kept in time order)
    by_fit: dict[str, list[dict[str, Any]]] = {fits: [] for fits in _FITS_ORDER}
    for visit_id, seeker_id, employer_id, name, industry, job_types, at, _ in contacts:
        person = people.get(seeker_id)
        if person is None:
            continue
        offered = employers.get(employer_id)
        if offered is None:
            offered_types = types.get(job_types)
            if offered_types is None:
                offered_types = types[job_types] = frozenset(t.lower() for t in job_types)
            offered = employers[employer_id] = _Offered.of(name, industry, job_types, offered_types)
        fits = _fits(person[1], offered)
        judged += fits is not None
        fitting += bool(fits)
        day = None
        if at:
            day = days.get(at)
            if day is None:
                day = days[at] = at.astimezone(zone).date()
        verdict = _FITS[fits]
        by_fit[verdict].append(
            {"visit": visit_id, "date": day, "seeker": person[0], "employer": name, "fits": verdict}
        )
    evidence = [row for fits in _FITS_ORDER for row in by_fit[fits]]
    raw = 100.0 * fitting / judged if judged else None
    point, text = context.rate("individualized_job_search", raw)
    return Figure(
        key="individualized_job_search",
        label="Contacts that fit the job seeker's preferences",
        value=share(fitting, judged),
        unit="%",
        point=point,
        anchor=text,
        detail={
            "contacts_for_job_seekers": len(evidence),
            "judged": judged,
            "fit": fitting,
            "not_judged": len(evidence) - judged,
        },
        evidence=evidence,
    )


# -- follow-along supports -----------------------------------------------------------------


def _checks(job: JobRow) -> Iterator[tuple[str, dt.date, dt.date]]:
    """The follow-along checks of a job: a label and the first and last day of each."""
    start = job.start_date
    yield (
        f"within {FIRST_CONTACT_DAYS} days",
        start,
        start + dt.timedelta(days=FIRST_CONTACT_DAYS),
    )
    for week in range(WEEKLY_CHECKS):
        first = start + dt.timedelta(days=7 * week)
        yield f"week {week + 1}", first, first + dt.timedelta(days=6)
    month = 0
    while True:
        first = start + dt.timedelta(days=7 * WEEKLY_CHECKS + MONTH_DAYS * month)
        if (first - start).days > FOLLOW_ALONG_DAYS:
            return
        month += 1
        yield f"month {month + 1}", first, first + dt.timedelta(days=MONTH_DAYS - 1)


def _due_checks(job: JobRow, start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The checks of ``job`` due in the period (last day in it, job lasting through it)."""
    due: list[tuple[str, dt.date, dt.date]] = []
    for label, first, last in _checks(job):
        if last > end:
            break
        if last < start or (job.end_date is not None and job.end_date < last):
            continue
        due.append((label, first, last))
    return due


def _missed(
    checks: Sequence[tuple[str, dt.date, dt.date]], contacts: Sequence[dt.date]
) -> list[str]:
    """The labels of the ``checks`` without a contact on one of their days."""
    return [
        label for label, first, last in checks if not any(first <= day <= last for day in contacts)
    ]


def follow_along(context: ReportContext) -> Figure:
    """Follow-along supports: the share of the follow-along checks due in the period that
    had a face-to-face support visit naming the worker."""
    period = context.period
    jobs = [
        (job, checks)
        for job in job_rows(
            context.uow, specialist_ids=context.scope.specialist_ids, started_by=period.end
        )
        if job.competitive and (job.end_date is None or job.end_date >= period.start)
        for checks in [_due_checks(job, period.start, period.end)]
        if checks
    ]
    # only the support visits that can meet a check due: of the workers with one, from the
    # first day of the earliest (a day early, whatever the zone's midnight)
    earliest = min((first for _, checks in jobs for _, first, _ in checks), default=period.start)
    contacts = queries.support_contacts(
        context.uow,
        {job.seeker_id for job, _ in jobs},
        before=period.end_at,
        since=dt.datetime.combine(earliest - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
    )
    zone = context.zone
    due_total = met_total = 0
    evidence: list[dict[str, Any]] = []
    for job, checks in jobs:
        days = [at.astimezone(zone).date() for at in contacts.get(job.seeker_id, [])]
        missed = _missed(checks, days)
        due = len(checks)
        due_total += due
        met_total += due - len(missed)
        evidence.append(
            {
                "seeker": job.seeker_code,
                "employer": job.employer_name,
                "job_start": job.start_date,
                "checks_due": due,
                "checks_met": due - len(missed),
                "missed": missed,
            }
        )
    return Figure(
        key="follow_along",
        label="Follow-along contacts on schedule",
        value=share(met_total, due_total),
        unit="%",
        detail={"jobs": len(evidence), "checks_due": due_total, "checks_met": met_total},
        evidence=evidence,
    )


# -- how contacts are made, and for whom --------------------------------------------------


def contact_mix(context: ReportContext) -> list[Figure]:
    """The share of contacts made face to face, the share with a job seeker present, and
    the face-to-face contacts per job seeker looking for work."""
    period = context.period
    mix = queries.contact_mix(context.tally, context.contacts)
    looking = [s.code for s in context.seekers if s.served and s.looking_for_work]
    per_person = mix.in_person / len(looking) if looking else None
    return [
        Figure(
            key="face_to_face_share",
            label="Employer contacts made face to face",
            value=share(mix.in_person, mix.made),
            unit="%",
            detail={"contacts": mix.made, "face_to_face": mix.in_person},
        ),
        Figure(
            key="seeker_present_share",
            label="Face-to-face contacts for job seekers with one present",
            value=share(mix.seeker_present, mix.in_person_for_seekers),
            unit="%",
            detail={
                "face_to_face_for_job_seekers": mix.in_person_for_seekers,
                "job_seeker_present": mix.seeker_present,
            },
        ),
        Figure(
            key="contacts_per_seeker_looking",
            label="Face-to-face contacts per job seeker looking for work",
            value=round(per_person, 2) if per_person is not None else None,
            unit="contacts",
            detail={
                "face_to_face": mix.in_person,
                "looking_for_work": len(looking),
                "per_week": round(per_person / period.weeks, 2) if per_person is not None else None,
            },
            evidence=[{"seeker": code} for code in looking],
        ),
    ]


# -- relationships gone cold ---------------------------------------------------------------


def cold_relationships(context: ReportContext) -> Figure:
    """Employers visited for job development in the year up to the end of the period whose
    last such visit is old enough to have gone cold."""
    period = context.period
    cold_after = resolve_policy(None).cold_after_days
    visited = queries.last_visits_by_employer(context.employers)
    cold = []
    for _, name, last in visited:
        day = last.astimezone(context.zone).date()
        if (period.end - day).days >= cold_after:
            cold.append({"employer": name, "last_visit": day, "days": (period.end - day).days})
    return Figure(
        key="cold_relationships",
        label=f"Relationships gone cold ({cold_after} days without a visit)",
        value=share(len(cold), len(visited)),
        unit="%",
        detail={"employers_visited_in_the_year": len(visited), "gone_cold": len(cold)},
        evidence=cold,
    )
