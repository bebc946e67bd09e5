"""A job seeker's status over time: close a job seeker, reopen them, each from a day.

The status history is what every report reads for a past period, so each change carries
the day it took effect (``seekers close CODE --on DATE``), not the day it was typed.
"""

from __future__ import annotations

import datetime as dt

from ips_jobdev import _lookup as lookup
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._model import JobSeeker
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import JobSeekerStatus, parse_choice
from ips_jobdev.errors import ValidationError

__all__ = ["close_seeker", "reopen_seeker"]


def _changed(uow: UnitOfWork, seeker: JobSeeker) -> JobSeeker:
    uow.flush()
    assert seeker.id is not None
    uow.record_event(RecordChanged("job-seeker", seeker.id, ChangeAction.UPDATED))
    return seeker


def close_seeker(uow: UnitOfWork, seeker: JobSeeker | str, *, on: dt.date) -> JobSeeker:
    """Close a job seeker from day ``on`` (staged: call ``uow.commit()``).

    They count as served in every period up to the day before. A job seeker already
    closed with no day recorded for it (closed before the status history was kept) gets
    that day now.

    Raises:
        NotFoundError: no such job seeker.
        ValidationError: already closed on a recorded day, or ``on`` is before their last
            status change.
    """
    person = lookup.seeker(uow, seeker)
    person.record_closing(on)
    return _changed(uow, person)


def reopen_seeker(
    uow: UnitOfWork,
    seeker: JobSeeker | str,
    *,
    on: dt.date,
    status: JobSeekerStatus | str = JobSeekerStatus.SEARCHING,
) -> JobSeeker:
    """Reopen a closed job seeker from day ``on``, looking for work unless ``status`` says
    otherwise (staged: call ``uow.commit()``).

    Raises:
        NotFoundError: no such job seeker.
        ValidationError: the job seeker is not closed, ``status`` is ``closed``, or ``on``
            is before their last status change.
    """
    person = lookup.seeker(uow, seeker)
    if person.status is not JobSeekerStatus.CLOSED:
        raise ValidationError("JobSeeker", "status", f"{person.code} is not closed")
    new = parse_choice(JobSeekerStatus, status, record="JobSeeker", field="status")
    if new is JobSeekerStatus.CLOSED:
        raise ValidationError("JobSeeker", "status", "reopen with a status other than closed")
    person.change_status(new, on)
    return _changed(uow, person)
