"""Calendar feed tokens: the stored half of a secret subscription URL.

Only the SHA-256 of a token is stored, so a copy of the database does not hand out working
feed URLs. Functions take the unit of work and plain values (:mod:`ips_jobdev._feeds` is
the use case); nothing here commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.unit_of_work import UnitOfWork

__all__ = ["add_token", "find_specialist", "revoke_tokens"]

_t = tables.feed_tokens.c


def add_token(uow: UnitOfWork, specialist_id: int, token_hash: str, *, at: dt.datetime) -> None:
    """Store a new active token (its hash) for a specialist's feed."""
    uow.session.execute(
        sa.insert(tables.feed_tokens).values(
            specialist_id=specialist_id, token_hash=token_hash, created_at=at, revoked_at=None
        )
    )


def find_specialist(uow: UnitOfWork, token_hash: str) -> int | None:
    """The specialist whose active (not revoked) token has this hash, or ``None``."""
    statement = sa.select(_t.specialist_id).where(
        _t.token_hash == token_hash, _t.revoked_at.is_(None)
    )
    found = uow.session.scalar(statement)
    return int(found) if found is not None else None


def revoke_tokens(
    uow: UnitOfWork,
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
    result = uow.session.execute(
        sa.update(tables.feed_tokens).where(*conditions).values(revoked_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)
