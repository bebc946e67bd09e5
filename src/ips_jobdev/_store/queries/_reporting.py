"""What the report queries share: the conditions every report counts with (a scope of
specialists, a face-to-face employer contact made)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._vocab import ContactMode, VisitStatus

__all__ = ["face_to_face", "in_scope"]

_v = tables.visits.c
_js = tables.job_seekers.c


def in_scope(
    column: sa.ColumnElement[Any], specialist_ids: Collection[int] | None
) -> list[sa.ColumnElement[bool]]:
    """The condition limiting ``column`` (a specialist id) to ``specialist_ids``; none for
    ``None`` (every specialist)."""
    if specialist_ids is None:
        return []
    return [column.in_(tuple(specialist_ids))]


def face_to_face(start_at: dt.datetime, end_at: dt.datetime) -> list[sa.ColumnElement[bool]]:
    """Visits made in person from ``start_at`` up to (not including) ``end_at``."""
    return [
        _v.status == VisitStatus.DONE,
        _v.mode == ContactMode.IN_PERSON,
        _v.at >= start_at,
        _v.at < end_at,
    ]
