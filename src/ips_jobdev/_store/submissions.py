"""Submissions from browsers (``uow.submissions``), by the id each browser made for one
submission.

A visit queued offline may be sent twice (the connection dropped after the server saved
it but before the phone heard back); the id makes the second send find the first visit
instead of adding another. :mod:`ips_jobdev._submissions` is the use case.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ips_jobdev._store import tables

__all__ = ["SubmissionRepository"]

_s = tables.client_submissions.c


class SubmissionRepository:
    """Which visit each browser submission stored."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def visit_for(self, client_id: str) -> int | None:
        """The visit a submission with this id stored, or ``None`` if none did."""
        found = self.session.scalar(sa.select(_s.visit_id).where(_s.client_id == client_id))
        return int(found) if found is not None else None

    def claim(self, client_id: str, visit_id: int, *, at: dt.datetime) -> bool:
        """Record that this submission stored ``visit_id``; ``False`` when a concurrent
        transaction claimed the id first (the transaction is then unusable: roll back and
        ask :meth:`visit_for` again)."""
        try:
            self.session.execute(
                sa.insert(tables.client_submissions).values(
                    client_id=client_id, visit_id=visit_id, received_at=at
                )
            )
        except IntegrityError:
            return False
        return True
