"""The audit trail: who looked at a person's record, who exported what, who changed what.

Records about job seekers are treatment-related, so a program must be able to answer "who
looked at this person's record, and when". Every job seeker a unit of work loads (through
``uow.seekers``, or their fit notes and job starts) is recorded as a view, by the unit of
work's actor from its origin (``api`` for a script, ``cli`` for the command line), once
per unit of work, even when it never commits; bulk work that shows no one's record
(plans, reports, imports, the demo) and exports (recorded as one export) load inside
:meth:`~ips_jobdev.UnitOfWork.views_unaudited`. The web app records each page it shows
through :func:`record_access` (one view per job seeker's page). Every change is already
in the change history, which the trail reads too. The trail is append-only: the library
has no way to change or delete an event, and the database refuses both.

>>> import ips_jobdev as jobdev
>>> with jobdev.Database(url, program="dane").unit_of_work() as uow:    # doctest: +SKIP
...     trail = jobdev.audit_trail(uow, since=dt.date(2026, 11, 1), seeker="P-2001")
...     for event in trail.events:
...         print(event.at, event.actor, event.action)

State reviewers get :func:`audit_summary`: counts per program, action and kind of record,
never a name or a record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev._store import UnitOfWork
from ips_jobdev.errors import ValidationError

__all__ = [
    "AuditAction",
    "AuditCount",
    "AuditEvent",
    "AuditTrail",
    "audit_summary",
    "audit_trail",
    "record_access",
]


class AuditAction:
    """The actions the trail records besides changes (``change:created`` and so on)."""

    VIEW = "view"
    EXPORT = "export"
    GRANT = "grant"
    SIGN_IN = "sign-in"


def _program_of(uow: UnitOfWork, kind: str, record_id: int | None) -> int | None:
    repositories: dict[str, Any] = {
        "job-seeker": uow.seekers,
        "visit": uow.visits,
        "fit-note": uow.fit_notes,
        "job-start": uow.job_starts,
        "specialist": uow.specialists,
        "goal": uow.goals,
    }
    if record_id is not None and kind in repositories:
        record = repositories[kind].find(record_id)
        if record is not None:
            return getattr(record, "program_id", None)
    return uow.programs.current_id()


def record_access(
    uow: UnitOfWork,
    *,
    action: str,
    kind: str,
    record_id: int | None = None,
    actor: str | None = None,
    origin: str | None = None,
    program_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    """Append one event to the audit trail, in the unit of work's transaction (commit it).

    Args:
        action: what was done (:class:`AuditAction`: ``view``, ``export``...).
        kind: the kind of record (``job-seeker``, ``visit``, ``fit-note``...).
        record_id: which record (``None`` for a list or an export).
        actor: who (default: the unit of work's actor, ``user:<login>``).
        origin: from where (``cli``, ``web 192.0.2.7``, ``api``...; default: the unit of
            work's :attr:`~ips_jobdev.UnitOfWork.origin`).
        program_id: the program it concerns (default: the record's, else the unit of work's).
        detail: a few plain values (never a job seeker's data).
    """
    if not action.strip() or not kind.strip():
        raise ValidationError("audit", "action", "an audit event needs an action and a kind")
    uow.audit.append(
        actor=actor or uow.actor,
        action=action,
        kind=kind,
        record_id=record_id,
        program_id=program_id if program_id is not None else _program_of(uow, kind, record_id),
        origin=origin or uow.origin,
        detail=detail,
    )


@attrs.frozen(slots=True)
class AuditEvent:
    """One line of the trail."""

    at: dt.datetime
    actor: str
    action: str
    kind: str
    record_id: int | None
    program: str | None
    origin: str | None
    detail: Mapping[str, Any] | None


@attrs.frozen(slots=True)
class AuditTrail:
    """The events of a period (of one program, one job seeker when asked), oldest first."""

    program: str | None
    since: dt.datetime
    until: dt.datetime
    seeker: str | None
    events: tuple[AuditEvent, ...]


@attrs.frozen(slots=True)
class AuditCount:
    """How many events of one action on one kind of record a program had: no names."""

    program: str | None
    action: str
    kind: str
    count: int


def _moment(value: dt.date | dt.datetime, *, end: bool = False) -> dt.datetime:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValidationError("audit", "from", f"{value} has no time zone")
        return value
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


def _period(
    since: dt.date | dt.datetime | None, until: dt.date | dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    start = _moment(since) if since is not None else dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    end = _moment(until, end=True) if until is not None else dt.datetime.now(dt.UTC)
    if end <= start:
        raise ValidationError("audit", "to", "the period ends before it starts")
    return start, end + (dt.timedelta(microseconds=1) if until is None else dt.timedelta(0))


def audit_trail(
    uow: UnitOfWork,
    *,
    program: str | None = None,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
    seeker: str | None = None,
) -> AuditTrail:
    """Who viewed, exported or changed what between ``since`` and ``until`` (dates are
    whole UTC days, ``until`` included); of one program (by code; on PostgreSQL a scoped
    unit of work sees its own program only) and one job seeker (by code: their record,
    fit notes and jobs) when given.

    Raises:
        NotFoundError: no such program or job seeker.
    """
    with uow.views_unaudited():  # the trail shows when someone was seen, not their record
        return _trail(uow, program=program, since=since, until=until, seeker=seeker)


def _trail(
    uow: UnitOfWork,
    *,
    program: str | None,
    since: dt.date | dt.datetime | None,
    until: dt.date | dt.datetime | None,
    seeker: str | None,
) -> AuditTrail:
    start, end = _period(since, until)
    program_id = uow.programs.by_code(program).id if program is not None else None
    records: set[tuple[str, int]] | None = None
    if seeker is not None:
        person = uow.seekers.by_code(seeker, program_id=program_id)
        assert person.id is not None
        records = {("job-seeker", person.id)}
        records |= {("fit-note", n.id) for n in uow.fit_notes.matching(seeker_id=person.id) if n.id}
        records |= {("job-start", j.id) for j in uow.job_starts.for_seeker(person.id) if j.id}
    codes = {p.id: p.code for p in uow.programs.list()}
    rows = uow.audit.events(program_id=program_id, since=start, until=end, records=records)
    return AuditTrail(
        program=program,
        since=start,
        until=end,
        seeker=seeker,
        events=tuple(
            AuditEvent(
                at=row.at,
                actor=row.actor,
                action=row.action,
                kind=row.kind,
                record_id=row.record_id,
                program=codes.get(row.program_id) if row.program_id is not None else None,
                origin=row.origin,
                detail=row.detail,
            )
            for row in rows
        ),
    )


def audit_summary(
    uow: UnitOfWork,
    *,
    since: dt.date | dt.datetime | None = None,
    until: dt.date | dt.datetime | None = None,
) -> Sequence[AuditCount]:
    """The trail as counts per program, action and kind of record (for state reviewers:
    no actor, no record, no name)."""
    trail = audit_trail(uow, since=since, until=until)
    counts: dict[tuple[str | None, str, str], int] = {}
    for event in trail.events:
        key = (event.program, event.action.split(":")[0], event.kind)
        counts[key] = counts.get(key, 0) + 1
    return [
        AuditCount(program=p, action=a, kind=k, count=n)
        for (p, a, k), n in sorted(counts.items(), key=lambda item: (item[0][0] or "", item[0][1:]))
    ]
