"""Reading many rows by id without one query per row and without an ``IN`` list too long
for the database: ids go in chunks of :data:`CHUNK`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["CHUNK", "chunks"]

CHUNK = 500
"""Ids per ``IN (...)`` list: well under SQLite's and PostgreSQL's parameter limits."""

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The distinct values, sorted, in lists of at most ``size``.

    >>> list(chunks([3, 1, 3, 2], size=2))
    [[1, 2], [3]]
    """
    wanted = sorted(set(values))  # type: ignore[type-var]
    for start in range(0, len(wanted), size):
        yield wanted[start : start + size]
