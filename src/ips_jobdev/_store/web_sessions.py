"""Sessions of the shared web app in the store (the ``web_sessions`` table).

Rows are keyed by the SHA-256 of the session id: the id itself lives only in the browser's
cookie. Plain SQL statements, like :mod:`ips_jobdev._store.users`: a session is not a
record of the practice and never reaches the change history.
"""

from __future__ import annotations

import datetime as dt

import attrs
import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._store import tables

__all__ = ["WebSessionRecord", "WebSessionRepository"]


@attrs.frozen(slots=True)
class WebSessionRecord:
    """One stored session with what the app needs of its account (one query)."""

    id_hash: str
    user_id: int
    specialist: str | None
    csrf: str = attrs.field(repr=False)
    created_at: dt.datetime
    last_seen_at: dt.datetime
    expires_at: dt.datetime
    email: str
    role: str
    program: str
    own_specialist: str | None
    disabled: bool
    locked_until: dt.datetime | None


_w = tables.web_sessions.c
_u = tables.users.c


class WebSessionRepository:
    """The signed-in browsers of the shared web app."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self,
        *,
        id_hash: str,
        user_id: int,
        specialist: str | None,
        csrf: str,
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> None:
        """Insert a session."""
        self.session.execute(
            sa.insert(tables.web_sessions).values(
                id_hash=id_hash,
                user_id=user_id,
                specialist=specialist,
                csrf=csrf,
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
            )
        )

    def find(self, id_hash: str) -> WebSessionRecord | None:
        """The session with this hash and its account, or ``None``."""
        statement = (
            sa.select(
                _w.id_hash,
                _w.user_id,
                _w.specialist,
                _w.csrf,
                _w.created_at,
                _w.last_seen_at,
                _w.expires_at,
                _u.email,
                _u.role,
                tables.programs.c.code.label("program"),
                tables.specialists.c.code.label("own_specialist"),
                _u.disabled,
                _u.locked_until,
            )
            .join(tables.users, _u.id == _w.user_id)
            .join(tables.programs, tables.programs.c.id == _u.program_id)
            .outerjoin(tables.specialists, tables.specialists.c.id == _u.specialist_id)
            .where(_w.id_hash == id_hash)
        )
        row = self.session.execute(statement).first()
        return WebSessionRecord(**row._asdict()) if row is not None else None

    def update(self, id_hash: str, **values: object) -> None:
        """Set columns of one session (``last_seen_at``, ``specialist``)."""
        self.session.execute(
            sa.update(tables.web_sessions).where(_w.id_hash == id_hash).values(**values)
        )

    def delete(self, id_hash: str) -> None:
        """End one session."""
        self.session.execute(sa.delete(tables.web_sessions).where(_w.id_hash == id_hash))

    def delete_of_user(self, user_id: int) -> int:
        """End every session of one account; how many."""
        result = self.session.execute(sa.delete(tables.web_sessions).where(_w.user_id == user_id))
        return int(getattr(result, "rowcount", 0) or 0)

    def delete_stale(self, *, now: dt.datetime, seen_before: dt.datetime) -> int:
        """End every session past its end or unused since ``seen_before``; how many."""
        result = self.session.execute(
            sa.delete(tables.web_sessions).where(
                sa.or_(_w.expires_at <= now, _w.last_seen_at < seen_before)
            )
        )
        return int(getattr(result, "rowcount", 0) or 0)
