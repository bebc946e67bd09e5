"""Read-side queries of the program's goals."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from ips_jobdev._model import ProgramGoal
from ips_jobdev._store import tables
from ips_jobdev._store.unit_of_work import UnitOfWork

__all__ = ["find_goal", "goals_newest_first"]

_pg = tables.program_goals.c


def find_goal(
    uow: UnitOfWork, *, metric: str, start: dt.date, end: dt.date, scope: str
) -> ProgramGoal | None:
    """The goal of ``metric`` for exactly the period ``start`` to ``end`` and ``scope``
    (``program`` or a specialist's code as stored), or ``None``."""
    statement = sa.select(ProgramGoal).where(
        _pg.metric == metric, _pg.period_start == start, _pg.period_end == end, _pg.scope == scope
    )
    return uow.session.scalars(statement).first()


def goals_newest_first(uow: UnitOfWork) -> list[ProgramGoal]:
    """Every goal: the latest period start first, then by metric, scope and id."""
    statement = sa.select(ProgramGoal).order_by(
        _pg.period_start.desc(), _pg.metric, _pg.scope, _pg.id
    )
    return list(uow.session.scalars(statement))
