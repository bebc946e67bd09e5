"""Recording employer contacts by hand: log a visit, complete a planned one, cancel one.

These functions stage the change in the unit of work and return the visit; the caller
commits (so several changes can share one transaction)::

    with ips_jobdev.open_store() as uow:
        visit = log_visit(uow, "Example Bakery", "ab", purpose="learn-business")
        uow.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._events import VisitCancelled, VisitCompleted, VisitPlanned
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import casework as queries
from ips_jobdev._vocab import ContactBy, ContactMode, VisitPurpose, VisitStatus, parse_choice
from ips_jobdev.errors import ValidationError

__all__ = [
    "cancel_visit",
    "check_do_not_contact",
    "complete_visit",
    "employer_names",
    "last_contacts",
    "log_visit",
    "parse_visit_time",
    "recent_visits",
]

FUTURE_SLACK = dt.timedelta(minutes=5)
"""How far ahead of the clock a visit may be and still count as made (clock drift)."""


def parse_visit_time(text: str, zone: dt.tzinfo) -> dt.datetime:
    """Read an ISO 8601 time; one without a UTC offset is taken in ``zone``.

    >>> import zoneinfo
    >>> parse_visit_time("2026-03-02T10:00", zoneinfo.ZoneInfo("America/Chicago")).isoformat()
    '2026-03-02T10:00:00-06:00'

    Raises:
        ValidationError: not an ISO 8601 date and time.
    """
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            "Visit", "at", f"{text!r} is not an ISO 8601 time such as 2026-03-02T10:00"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=zone)
    return value


def log_visit(
    uow: UnitOfWork,
    employer: model.Employer | int | str,
    specialist: model.Specialist | str,
    *,
    at: dt.datetime | str | None = None,
    mode: ContactMode | str = ContactMode.IN_PERSON,
    purpose: VisitPurpose | str = VisitPurpose.INTRODUCE,
    seekers: Sequence[str] = (),
    seeker_present: bool = False,
    outcome: str | None = None,
    next_step: str | None = None,
    planned: bool = False,
    duration_minutes: int = 30,
    now: dt.datetime | None = None,
    override_do_not_contact: bool = False,
    reason: str | None = None,
    made_by: ContactBy | str = ContactBy.SPECIALIST,
) -> model.Visit:
    """Record one employer contact, made (the default) or ``planned``.

    An employer who asked not to be contacted (``do_not_contact``) is refused unless
    ``override_do_not_contact`` is given with a ``reason``; the override and its reason
    are kept in the change history.

    Args:
        uow: the unit of work; the visit is added and flushed (it gets its id), not committed.
        employer: an Employer, its id, or a reference (``#12``, external id, or name).
        specialist: a Specialist or their code.
        at: when; a string without a UTC offset is read in the specialist's time zone;
            ``None`` means now.
        mode: ``in-person``, ``phone``, ``email`` or ``video``.
        purpose: ``introduce``, ``learn-business``, ``follow-up``, ``present-job-seeker``,
            ``job-analysis``, ``support`` or ``other``.
        seekers: the job seekers' codes the contact was for (none: a generic contact).
        seeker_present: a named job seeker came along.
        outcome: what came of it.
        next_step: what to do next.
        planned: the visit is not made yet.
        duration_minutes: how long it takes.
        now: the current time (for tests); default the clock.
        override_do_not_contact: record the visit although the employer asked not to be
            contacted (give ``reason``).
        reason: why the do-not-contact is overridden (kept in the change history).
        made_by: ``job-seeker`` for a contact the job seeker made alone (it counts for
            their rapid job search, not toward the specialist's weekly contacts);
            ``specialist`` is recording it.

    Raises:
        NotFoundError: no such employer, specialist or job seeker.
        ValidationError: a value is refused, a visit in the future is not ``planned``, or
            the employer asked not to be contacted and no override with a reason is given.
    """
    current = now or model.utc_now()
    found_employer = lookup.employer(uow, employer)
    check_do_not_contact(found_employer, override=override_do_not_contact, reason=reason)
    found_specialist = lookup.specialist(uow, specialist)
    if at is None:
        when = current
    elif isinstance(at, str):
        when = parse_visit_time(at, found_specialist.zone)
    else:
        when = at
    status = VisitStatus.PLANNED if planned else VisitStatus.DONE
    if not planned and when > current + FUTURE_SLACK:
        raise ValidationError(
            "Visit",
            "at",
            f"{when.isoformat()} is in the future; a visit not made yet is planned (--planned)",
        )
    job_seekers = [uow.seekers.by_code(code) for code in dict.fromkeys(seekers)]
    if found_employer.id is None or found_specialist.id is None:
        uow.flush()
    visit = model.Visit(
        employer_id=found_employer.id,  # type: ignore[arg-type]
        specialist_id=found_specialist.id,  # type: ignore[arg-type]
        at=when,
        mode=parse_choice(ContactMode, mode, record="Visit", field="mode"),
        purpose=parse_choice(VisitPurpose, purpose, record="Visit", field="purpose"),
        status=status,
        duration_minutes=duration_minutes,
        seekers=job_seekers,
        seeker_present=seeker_present,
        outcome=outcome,
        next_step=next_step,
        made_by=made_by,
    )
    uow.visits.add(visit)
    overridden = found_employer.do_not_contact and override_do_not_contact
    if overridden:
        uow.annotate(visit, do_not_contact_override=True)
    with uow.explain("plan visit" if planned else "log visit", reason if overridden else None):
        uow.flush()
    assert visit.id is not None
    uow.record_event(VisitPlanned(visit.id) if planned else VisitCompleted(visit.id))
    return visit


def check_do_not_contact(
    employer: model.Employer, *, override: bool = False, reason: str | None = None
) -> None:
    """Refuse a visit to an employer who asked not to be contacted, unless overridden with
    a reason.

    Raises:
        ValidationError: the employer is do-not-contact and there is no override, or the
            override has no reason.
    """
    if not employer.do_not_contact:
        return
    if not override:
        raise ValidationError(
            "Visit",
            "employer",
            f"employer #{employer.id} {employer.name!r} asked not to be contacted "
            "(do-not-contact); override it with a reason to record a visit anyway "
            "(--override --reason)",
        )
    if not (reason and reason.strip()):
        raise ValidationError(
            "Visit",
            "reason",
            "overriding do-not-contact needs a reason (it is kept in the history)",
        )


def complete_visit(
    uow: UnitOfWork,
    visit_id: int | str,
    *,
    outcome: str | None = None,
    next_step: str | None = None,
) -> model.Visit:
    """Mark a planned visit as made, with what came of it (not committed).

    Raises:
        NotFoundError: no visit with this id.
        ValidationError: the visit was cancelled.
    """
    visit = lookup.visit(uow, visit_id)
    visit.complete(outcome=outcome, next_step=next_step)
    with uow.explain("complete visit"):
        uow.flush()
    uow.record_event(VisitCompleted(visit.id))  # type: ignore[arg-type]
    return visit


def cancel_visit(uow: UnitOfWork, visit_id: int | str, *, reason: str | None = None) -> model.Visit:
    """Call off a planned visit, with an optional reason (not committed).

    Raises:
        NotFoundError: no visit with this id.
        ValidationError: the visit was already made, or voided.
    """
    visit = lookup.visit(uow, visit_id)
    visit.cancel()
    if reason:
        visit.reason = reason
    with uow.explain("cancel visit", reason):
        uow.flush()
    uow.record_event(VisitCancelled(visit.id))  # type: ignore[arg-type]
    return visit


def last_contacts(uow: UnitOfWork, employer_ids: Iterable[int]) -> dict[int, dt.datetime]:
    """When each employer was last contacted (visits made; planned or cancelled ones do not
    count), in a query per 500 employers. Employers never contacted are left out."""
    return queries.last_contacts(uow, employer_ids)


def employer_names(uow: UnitOfWork, employer_ids: Iterable[int]) -> dict[int, str]:
    """The names of these employers, by id (to show visits without loading each employer)."""
    return queries.employer_names(uow, employer_ids)


def recent_visits(
    uow: UnitOfWork,
    *,
    employer_id: int | None = None,
    seeker_id: int | None = None,
    limit: int = 10,
) -> list[model.Visit]:
    """The latest visits (made, planned or cancelled; not voided) to an employer or for a
    job seeker, newest first."""
    if seeker_id is not None:
        visits = list(uow.visits.for_seeker(seeker_id))
        if employer_id is not None:
            visits = [v for v in visits if v.employer_id == employer_id]
    else:
        visits = list(uow.visits.between(employer_id=employer_id))
    return [v for v in visits if not v.voided][::-1][:limit]
