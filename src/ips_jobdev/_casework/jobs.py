"""Job starts and job ends: the jobs job seekers get, and why they end.

:func:`record_job_start` records a competitive job (or not) and hands back the job-fit
notes the team wrote about that employer for that person beforehand: what was judged
before, to compare with how the job goes. :func:`end_job` records the end and its reason
(the reasons IPS programs report); every ending is a chance to help with the next job.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev._casework.fitnotes import fit_notes_for
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._model import Employer, JobFitNote, JobSeeker, JobStart, parse_money
from ips_jobdev._vocab import JobEndReason, JobSeekerStatus, OpeningStatus
from ips_jobdev.errors import ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["JobStartResult", "end_job", "job_starts_for", "record_job_start"]


@attrs.frozen(slots=True)
class JobStartResult:
    """A recorded job start, with the fit notes written before it for that employer."""

    job_start: JobStart
    fit_notes: list[JobFitNote]
    seeker_code: str
    employer_name: str


def record_job_start(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    employer: Employer | int | str,
    *,
    title: str,
    start_date: dt.date,
    hours_per_week: float | None = None,
    wage: Decimal | str | float | None = None,
    competitive: bool = True,
    job_type: str | None = None,
    opening_id: int | None = None,
) -> JobStartResult:
    """Record that a job seeker started a job (staged in ``uow``; commit to save).

    A searching job seeker's status becomes ``working`` from the start date when the job
    is competitive (a non-competitive job does not end the search for a competitive one);
    a named opening at the employer is marked filled. The result carries the job-fit
    notes written for this employer and job seeker up to the start date.

    Raises:
        ValidationError: a bad title, wage or hours, or an opening at another employer.
        NotFoundError: no such job seeker, employer or opening.
    """
    person = lookup.seeker(uow, seeker)
    place = lookup.employer(uow, employer)
    assert person.id is not None
    assert place.id is not None
    if opening_id is not None:
        opening = uow.openings.get(opening_id)
        if opening.employer_id != place.id:
            raise ValidationError(
                "JobStart", "opening_id", f"opening #{opening_id} is not at {place.name}"
            )
        opening.status = OpeningStatus.FILLED
        job_type = job_type or opening.job_type
        uow.record_event(RecordChanged("opening", opening_id, ChangeAction.UPDATED))
    amount = parse_money(wage, record="JobStart", field="wage") if wage is not None else None
    job = JobStart(
        seeker_id=person.id,
        employer_id=place.id,
        title=title,
        start_date=start_date,
        job_type=job_type,
        opening_id=opening_id,
        hours_per_week=hours_per_week,
        wage=amount,
        competitive=competitive,
    )
    uow.job_starts.add(job)
    if competitive and person.status is JobSeekerStatus.SEARCHING:
        person.change_status(JobSeekerStatus.WORKING, max(start_date, _last_change(person)))
        uow.record_event(RecordChanged("job-seeker", person.id, ChangeAction.UPDATED))
    uow.flush()
    assert job.id is not None
    uow.record_event(RecordChanged("job-start", job.id, ChangeAction.CREATED))
    before = dt.datetime.combine(start_date + dt.timedelta(days=1), dt.time(), dt.UTC)
    notes = fit_notes_for(uow, person, employer=place, before=before)
    return JobStartResult(job, notes, person.code, place.name)


def end_job(
    uow: UnitOfWork, job_start_id: int, *, on: dt.date, reason: JobEndReason | str
) -> JobStart:
    """Record when and why a job ended (staged in ``uow``; commit to save).

    When the job seeker has no other competitive job the next day and was ``working``,
    their status goes back to ``searching`` from that day: the next job search starts
    (zero exclusion).

    Raises:
        ValidationError: an unknown reason, an end before the start, or a job already ended.
        NotFoundError: no job start with this id.
    """
    job = uow.job_starts.get(job_start_id)
    if job.end_date is not None:
        raise ValidationError(
            "JobStart", "end_date", f"job #{job_start_id} already ended on {job.end_date}"
        )
    job.end(on, reason)
    person = uow.seekers.get(job.seeker_id)
    others = [j for j in uow.job_starts.for_seeker(job.seeker_id) if j is not job]
    next_day = on + dt.timedelta(days=1)
    if person.status is JobSeekerStatus.WORKING and not any(
        j.competitive and j.active_on(next_day) for j in others
    ):
        person.change_status(JobSeekerStatus.SEARCHING, max(next_day, _last_change(person)))
        uow.record_event(RecordChanged("job-seeker", job.seeker_id, ChangeAction.UPDATED))
    uow.flush()
    uow.record_event(RecordChanged("job-start", job_start_id, ChangeAction.UPDATED))
    return job


def _last_change(person: JobSeeker) -> dt.date:
    """The day of the job seeker's last status change (a change is never dated before it)."""
    history = person.history()
    return history[-1].since if history else dt.date.min


def job_starts_for(uow: UnitOfWork, seeker: JobSeeker | str | None = None) -> list[JobStart]:
    """Job starts, by start date: of one job seeker, or of everyone."""
    if seeker is not None:
        person = lookup.seeker(uow, seeker)
        assert person.id is not None
        return list(uow.job_starts.for_seeker(person.id))
    return list(uow.job_starts.in_start_order())
