"""One home for finding a record from what a person or a script gives: the record itself,
its id, or a reference (a specialist's or job seeker's code; an employer's ``#id``,
external id or name; a visit's ``#id``).

Every use case resolves its arguments here, so ``"ab"``, a :class:`~ips_jobdev.Specialist`
and the same specialist loaded elsewhere all mean one thing, and an unknown reference is
always a :class:`~ips_jobdev.NotFoundError` naming the kind of record and the reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ips_jobdev._model import Employer, JobSeeker, Specialist, Visit
from ips_jobdev.errors import NotFoundError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["employer", "seeker", "specialist", "visit"]


def specialist(uow: UnitOfWork, reference: Specialist | str) -> Specialist:
    """A specialist given as a record or a code (case-insensitive)."""
    if isinstance(reference, Specialist):
        return reference
    return uow.specialists.by_code(reference)


def seeker(uow: UnitOfWork, reference: JobSeeker | str) -> JobSeeker:
    """A job seeker given as a record or a program code (case-insensitive)."""
    if isinstance(reference, JobSeeker):
        return reference
    return uow.seekers.by_code(reference)


def employer(uow: UnitOfWork, reference: Employer | int | str) -> Employer:
    """An employer given as a record, an id, or a reference (``#12``, external id, name).

    Raises:
        NotFoundError: nothing matches.
        ValidationError: a name matches several employers (use the id or external id).
    """
    if isinstance(reference, Employer):
        return reference
    if isinstance(reference, int):
        return uow.employers.get(reference)
    return uow.employers.lookup(reference)


def visit(uow: UnitOfWork, reference: Visit | int | str) -> Visit:
    """A visit given as a record, an id, or ``#id``."""
    if isinstance(reference, Visit):
        return reference
    text = str(reference).strip().lstrip("#")
    if not text.isdigit():
        raise NotFoundError("visit", reference)
    return uow.visits.get(int(text))
