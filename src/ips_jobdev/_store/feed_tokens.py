"""Calendar feed tokens (``uow.feed_tokens``): the stored half of a secret subscription URL.

Only the SHA-256 of a token is stored, so a copy of the database does not hand out working
feed URLs. :mod:`ips_jobdev._feeds` is the use case; nothing here commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev._store import tables

__all__ = ["FeedTokenRepository"]

_t = tables.feed_tokens.c


class FeedTokenRepository:
    """The feed tokens' hashes, whose feed each opens, and when they were revoked."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, specialist_id: int, token_hash: str, *, at: dt.datetime) -> None:
        """Store a new active token (its hash) for a specialist's feed."""
        self.session.execute(
            sa.insert(tables.feed_tokens).values(
                specialist_id=specialist_id, token_hash=token_hash, created_at=at, revoked_at=None
            )
        )

    def specialist_for(self, token_hash: str) -> int | None:
        """The specialist whose active (not revoked) token has this hash, or ``None``."""
        statement = sa.select(_t.specialist_id).where(
            _t.token_hash == token_hash, _t.revoked_at.is_(None)
        )
        found = self.session.scalar(statement)
        return int(found) if found is not None else None

    def revoke(
        self,
        *,
        at: dt.datetime,
        specialist_id: int | None = None,
        token_hash: str | None = None,
    ) -> int:
        """Revoke the active tokens of a specialist, or the one with this hash; how many."""
        conditions: list[sa.ColumnElement[bool]] = [_t.revoked_at.is_(None)]
        if specialist_id is not None:
            conditions.append(_t.specialist_id == specialist_id)
        if token_hash is not None:
            conditions.append(_t.token_hash == token_hash)
        result = self.session.execute(
            sa.update(tables.feed_tokens).where(*conditions).values(revoked_at=at)
        )
        return int(getattr(result, "rowcount", 0) or 0)
