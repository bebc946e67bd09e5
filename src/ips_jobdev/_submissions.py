"""Visits sent from a browser: stored once per submission id, and changes to planned visits
that notice when someone else changed the visit first.

A phone in a parking lot may send the same visit twice: the first send reached the server
but the answer never came back, so the offline queue tries again. Every submission carries
an id the browser made; :func:`submit_visit` and :func:`complete_planned_visit` store the
visit and the id in one transaction, and a second submission with the same id finds the
first visit instead of adding another.

Editing a planned visit (:func:`complete_planned_visit`, :func:`move_visit`) names the
version of the visit the person saw; if the visit changed since, :class:`ChangedElsewhere`
says what they sent and what is stored now, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._casework.visits import (
    FUTURE_SLACK,
    cancel_visit,
    complete_visit,
    log_visit,
    parse_visit_time,
)
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus, parse_choice
from ips_jobdev.errors import ConcurrentUpdateError, NotAllowedError, ValidationError

__all__ = [
    "ChangedElsewhere",
    "Submission",
    "VisitFields",
    "cancel_planned_visit",
    "complete_planned_visit",
    "move_visit",
    "submit_visit",
]

MAX_SUBMISSION_ID = 64


class ChangedElsewhere(ConcurrentUpdateError):
    """The visit changed since it was shown: ``theirs`` is what is stored now, ``yours``
    what was sent (both as field name -> text), ``version`` the stored version to name
    when sending again."""

    def __init__(
        self, visit_id: int, version: int, theirs: Mapping[str, str], yours: Mapping[str, str]
    ) -> None:
        self.visit_id = visit_id
        self.version = version
        self.theirs = dict(theirs)
        self.yours = dict(yours)
        super().__init__(
            f"visit #{visit_id} was changed by someone else since you opened it; nothing was "
            "written"
        )


@attrs.frozen
class Submission:
    """What a submission did: the visit, and whether this submission created or changed
    it (``False``: the same submission had already been stored)."""

    visit: model.Visit
    created: bool


@attrs.frozen
class VisitFields:
    """The values a person gives when logging a visit (strings as typed, or values).

    ``at`` without a UTC offset is read in the specialist's time zone.
    """

    at: dt.datetime | str | None = None
    mode: ContactMode | str = ContactMode.IN_PERSON
    purpose: VisitPurpose | str = VisitPurpose.INTRODUCE
    seekers: Sequence[str] = ()
    seeker_present: bool = False
    outcome: str | None = None
    next_step: str | None = None


def _check_id(submission_id: str) -> str:
    text = submission_id.strip()
    if not text or len(text) > MAX_SUBMISSION_ID or not text.isprintable():
        raise ValidationError("submission", "id", f"{submission_id!r} is not a submission id")
    return text


def _already(uow: UnitOfWork, submission_id: str) -> Submission | None:
    found = uow.submissions.visit_for(submission_id)
    return Submission(uow.visits.get(found), created=False) if found is not None else None


def _claim_and_commit(
    uow: UnitOfWork, submission_id: str, visit: model.Visit, now: dt.datetime
) -> Submission:
    assert visit.id is not None
    if uow.submissions.claim(submission_id, visit.id, at=now):
        uow.commit()
    else:
        # the same submission arrived twice at once and the other one was stored first
        uow.rollback()
        first = _already(uow, submission_id)
        if first is None:
            raise ConcurrentUpdateError(f"submission {submission_id!r} could not be stored")
        return first
    return Submission(visit, created=True)


def submit_visit(
    uow: UnitOfWork,
    submission_id: str,
    employer: model.Employer | int | str,
    specialist: model.Specialist | str,
    fields: VisitFields,
    *,
    planned: bool = False,
    now: dt.datetime | None = None,
) -> Submission:
    """Log a visit sent from a browser, once per ``submission_id``, and commit.

    The same id sent again returns the visit the first one stored (``created`` False) and
    writes nothing.

    Raises:
        NotFoundError: no such employer, specialist or job seeker.
        ValidationError: a value is refused (see :func:`ips_jobdev.log_visit`).
    """
    key = _check_id(submission_id)
    first = _already(uow, key)
    if first is not None:
        return first
    current = now or model.utc_now()
    visit = log_visit(
        uow,
        employer,
        specialist,
        at=fields.at,
        mode=fields.mode,
        purpose=fields.purpose,
        seekers=fields.seekers,
        seeker_present=fields.seeker_present,
        outcome=fields.outcome,
        next_step=fields.next_step,
        planned=planned,
        now=current,
    )
    return _claim_and_commit(uow, key, visit, current)


def _describe(visit: model.Visit, employer_name: str, zone: dt.tzinfo) -> dict[str, str]:
    return _fields_text(
        status=visit.status.value,
        employer=employer_name,
        when=visit.at,
        mode=visit.mode.value,
        purpose=visit.purpose.value,
        seekers=[s.code for s in visit.seekers],
        outcome=visit.outcome,
        next_step=visit.next_step,
        zone=zone,
    )


def _fields_text(
    *,
    status: str,
    employer: str,
    when: dt.datetime,
    mode: str,
    purpose: str,
    seekers: Sequence[str],
    outcome: str | None,
    next_step: str | None,
    zone: dt.tzinfo,
) -> dict[str, str]:
    """A visit's fields as people read them, for a "changed by someone else" comparison."""
    return {
        "status": status,
        "employer": employer,
        "when": when.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
        "mode": mode,
        "purpose": purpose,
        "job seekers": ", ".join(seekers),
        "outcome": outcome or "",
        "next step": next_step or "",
    }


def _check_version(
    uow: UnitOfWork,
    visit: model.Visit,
    expected_version: int | None,
    yours: dict[str, str],
    zone: dt.tzinfo,
) -> None:
    if expected_version is not None and visit.version != expected_version:
        assert visit.id is not None
        name = lookup.employer(uow, visit.employer_id).name
        raise ChangedElsewhere(visit.id, visit.version, _describe(visit, name, zone), yours)


def _check_owner(visit_id: int, who: model.Specialist, acting_for: str | None, does: str) -> None:
    if acting_for is not None and who.code != acting_for:
        raise NotAllowedError(
            f"visit #{visit_id} is {who.name}'s: a specialist {does} only their own visits "
            "(ask them, or a supervisor)"
        )


def complete_planned_visit(
    uow: UnitOfWork,
    submission_id: str,
    visit_id: int,
    fields: VisitFields,
    *,
    employer: model.Employer | int | str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
    acting_for: str | None = None,
) -> Submission:
    """Log a planned visit as made, with what really happened (when, how, for whom, the
    outcome), once per ``submission_id``, and commit.

    ``acting_for`` (a specialist's code): the change is made for that specialist, who may
    complete only their own visits (a specialist's account in the shared web app).

    Raises:
        NotAllowedError: the visit is not ``acting_for``'s.
        ChangedElsewhere: the visit is no longer at ``expected_version`` (someone changed,
            completed or cancelled it since it was shown).
        NotFoundError: no such visit, employer or job seeker.
        ValidationError: a value is refused, the time is in the future, or the visit was
            cancelled.
    """
    key = _check_id(submission_id)
    first = _already(uow, key)
    if first is not None:
        return first
    current = now or model.utc_now()
    visit = lookup.visit(uow, visit_id)
    who = uow.specialists.get(visit.specialist_id)
    _check_owner(visit_id, who, acting_for, "completes")
    place = lookup.employer(uow, employer) if employer is not None else None
    seekers = [uow.seekers.by_code(code) for code in dict.fromkeys(fields.seekers)]
    when = _when(fields.at, who.zone, current)
    yours = _fields_text(
        status=VisitStatus.DONE.value,
        employer=(place or lookup.employer(uow, visit.employer_id)).name,
        when=when,
        mode=str(fields.mode),
        purpose=str(fields.purpose),
        seekers=[s.code for s in seekers],
        outcome=fields.outcome,
        next_step=fields.next_step,
        zone=who.zone,
    )
    _check_version(uow, visit, expected_version, yours, who.zone)
    if visit.status is not VisitStatus.PLANNED:
        name = lookup.employer(uow, visit.employer_id).name
        raise ChangedElsewhere(visit_id, visit.version, _describe(visit, name, who.zone), yours)
    if when > current + FUTURE_SLACK:
        raise ValidationError(
            "Visit",
            "at",
            f"{when.isoformat()} is in the future; a visit not made yet stays planned",
        )
    if place is not None:
        assert place.id is not None
        visit.employer_id = place.id
    visit.at = when
    visit.mode = parse_choice(ContactMode, fields.mode, record="Visit", field="mode")
    visit.purpose = parse_choice(VisitPurpose, fields.purpose, record="Visit", field="purpose")
    if fields.seeker_present and not seekers:
        raise ValidationError("Visit", "seeker_present", "no job seeker is named for the visit")
    visit.seekers = seekers
    visit.seeker_present = fields.seeker_present
    completed = complete_visit(uow, visit_id, outcome=fields.outcome, next_step=fields.next_step)
    return _claim_and_commit(uow, key, completed, current)


def _when(at: dt.datetime | str | None, zone: dt.tzinfo, now: dt.datetime) -> dt.datetime:
    if at is None:
        return now
    if isinstance(at, str):
        return parse_visit_time(at, zone)
    if at.tzinfo is None:
        raise ValidationError("Visit", "at", f"{at.isoformat()} has no time zone")
    return at


def move_visit(
    uow: UnitOfWork,
    visit_id: int,
    at: dt.datetime | str,
    *,
    expected_version: int | None = None,
    acting_for: str | None = None,
) -> model.Visit:
    """Move a planned visit to another time (a string without an offset is read in the
    specialist's time zone), and commit (``acting_for``: as in
    :func:`complete_planned_visit`).

    Raises:
        NotAllowedError: the visit is not ``acting_for``'s.
        ChangedElsewhere: the visit is no longer at ``expected_version``.
        NotFoundError: no such visit.
        ValidationError: the visit is not planned (made or cancelled), or the time is
            not a time.
    """
    visit = lookup.visit(uow, visit_id)
    who = uow.specialists.get(visit.specialist_id)
    _check_owner(visit_id, who, acting_for, "moves")
    when = _when(at, who.zone, model.utc_now())
    yours = _describe(visit, lookup.employer(uow, visit.employer_id).name, who.zone)
    yours["when"] = when.astimezone(who.zone).strftime("%Y-%m-%d %H:%M")
    _check_version(uow, visit, expected_version, yours, who.zone)
    if visit.status is not VisitStatus.PLANNED:
        raise ValidationError(
            "Visit",
            "status",
            f"visit #{visit_id} is {visit.status.value}; only a planned one moves",
        )
    visit.at = when
    uow.flush()
    uow.record_event(RecordChanged("visit", visit_id, ChangeAction.UPDATED))
    uow.commit()
    return visit


def cancel_planned_visit(
    uow: UnitOfWork,
    visit_id: int,
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    acting_for: str | None = None,
) -> model.Visit:
    """Call off a planned visit (the employer cannot see you, the day fell through), with
    an optional reason, and commit (``acting_for``: as in :func:`complete_planned_visit`).

    Raises:
        NotAllowedError: the visit is not ``acting_for``'s.
        ChangedElsewhere: the visit is no longer at ``expected_version``.
        NotFoundError: no such visit.
        ValidationError: the visit is not planned (already made or cancelled).
    """
    visit = lookup.visit(uow, visit_id)
    who = uow.specialists.get(visit.specialist_id)
    _check_owner(visit_id, who, acting_for, "calls off")
    yours = _describe(visit, lookup.employer(uow, visit.employer_id).name, who.zone)
    yours["status"] = VisitStatus.CANCELLED.value
    _check_version(uow, visit, expected_version, yours, who.zone)
    if visit.status is not VisitStatus.PLANNED:
        raise ValidationError(
            "Visit",
            "status",
            f"visit #{visit_id} is {visit.status.value}; only a planned one is called off",
        )
    cancelled = cancel_visit(uow, visit_id, reason=reason.strip() if reason else None)
    uow.commit()
    return cancelled
