"""Submissions from browsers, by the id each browser made for one submission.

A visit queued offline may be sent twice (the connection dropped after the server saved
it but before the phone heard back); the id makes the second send find the first visit
instead of adding another. :mod:`ips_jobdev._submissions` is the use case.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ips_jobdev._store import tables
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev.errors import IpsJobdevError

__all__ = ["SubmissionTaken", "claim", "visit_for"]

_s = tables.client_submissions.c


class SubmissionTaken(IpsJobdevError):
    """Another transaction stored a submission with this id first."""


def visit_for(uow: UnitOfWork, client_id: str) -> int | None:
    """The visit a submission with this id stored, or ``None`` if none did."""
    found = uow.session.scalar(sa.select(_s.visit_id).where(_s.client_id == client_id))
    return int(found) if found is not None else None


def claim(uow: UnitOfWork, client_id: str, visit_id: int, *, at: dt.datetime) -> None:
    """Record that this submission stored ``visit_id``.

    Raises:
        SubmissionTaken: a concurrent transaction claimed the id first (the caller rolls
            back and reads :func:`visit_for` again).
    """
    try:
        uow.session.execute(
            sa.insert(tables.client_submissions).values(
                client_id=client_id, visit_id=visit_id, received_at=at
            )
        )
    except IntegrityError as exc:
        raise SubmissionTaken(f"submission {client_id!r} is already stored") from exc
