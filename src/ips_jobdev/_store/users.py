"""Accounts of the shared web app in the store (the ``users`` table).

Written with plain SQL statements, not through the mapped records: an account's password
hash must never reach the change history, which records every mapped record's values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._store import tables

__all__ = ["UserRecord", "UserRepository"]


@attrs.frozen(slots=True)
class UserRecord:
    """One account as stored (with its program's and specialist's codes)."""

    id: int
    email: str
    program_id: int
    program: str
    role: str
    specialist_id: int | None
    specialist: str | None
    password_hash: str = attrs.field(repr=False)
    disabled: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    created_at: dt.datetime
    last_sign_in_at: dt.datetime | None
    password_changed_at: dt.datetime


_u = tables.users.c


def _select() -> sa.Select[Any]:
    return (
        sa.select(
            _u.id,
            _u.email,
            _u.program_id,
            tables.programs.c.code.label("program"),
            _u.role,
            _u.specialist_id,
            tables.specialists.c.code.label("specialist"),
            _u.password_hash,
            _u.disabled,
            _u.failed_attempts,
            _u.locked_until,
            _u.created_at,
            _u.last_sign_in_at,
            _u.password_changed_at,
        )
        .join(tables.programs, tables.programs.c.id == _u.program_id)
        .outerjoin(tables.specialists, tables.specialists.c.id == _u.specialist_id)
    )


class UserRepository:
    """The accounts, looked up by email (stored in lower case)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_by_email(self, email: str) -> UserRecord | None:
        """The account with this email, or ``None``."""
        row = self.session.execute(_select().where(_u.email == email.strip().lower())).first()
        return UserRecord(**row._asdict()) if row is not None else None

    def list(self, *, program_id: int | None = None) -> Sequence[UserRecord]:
        """Every account (of one program), by email."""
        statement = _select().order_by(_u.email)
        if program_id is not None:
            statement = statement.where(_u.program_id == program_id)
        return [UserRecord(**row._asdict()) for row in self.session.execute(statement)]

    def add(
        self,
        *,
        email: str,
        program_id: int,
        role: str,
        specialist_id: int | None,
        password_hash: str,
        now: dt.datetime,
    ) -> int:
        """Insert an account; its id."""
        result = self.session.execute(
            sa.insert(tables.users)
            .values(
                email=email,
                program_id=program_id,
                role=role,
                specialist_id=specialist_id,
                password_hash=password_hash,
                disabled=False,
                failed_attempts=0,
                locked_until=None,
                created_at=now,
                last_sign_in_at=None,
                password_changed_at=now,
            )
            .returning(_u.id)
        )
        return int(result.scalar_one())

    def update(self, user_id: int, **values: object) -> None:
        """Set columns of one account."""
        self.session.execute(sa.update(tables.users).where(_u.id == user_id).values(**values))

    def count_failure(self, user_id: int) -> int:
        """Add one failed sign-in (in the database, so concurrent failures all count);
        the new count."""
        result = self.session.execute(
            sa.update(tables.users)
            .where(_u.id == user_id)
            .values(failed_attempts=_u.failed_attempts + 1)
            .returning(_u.failed_attempts)
        )
        return int(result.scalar_one())
