"""Coordination between programs: which other programs visited, or plan to visit, an
employer, and who their contact person is. Never their job seekers.

On PostgreSQL each program sees only its own visits (row-level security), so the other
programs' contacts come from the database function ``ips_jobdev_program_contacts``: it
runs as the schema's owner and returns, for the employers asked about, each live visit's
program, time, status and specialist (name and email), and nothing else. SQLite holds one
program, so there is nobody else to coordinate with; the same question is answered by a
plain query there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import attrs
import sqlalchemy as sa

from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import LIVE_VISIT_STATUSES, VisitStatus

__all__ = ["CONTACTS_FUNCTION", "ProgramContact", "other_program_contacts"]

CONTACTS_FUNCTION = "ips_jobdev_program_contacts"


@attrs.frozen
class ProgramContact:
    """Another program's visit, made or planned, at an employer: when, which program, and
    who to call about it (the specialist). It names no job seeker."""

    employer_id: int
    program_id: int
    program_code: str
    program_name: str
    specialist_name: str
    specialist_email: str | None
    at: dt.datetime
    status: VisitStatus


def _rows_postgresql(
    uow: UnitOfWork, employer_ids: list[int], since: dt.datetime, until: dt.datetime
) -> list[sa.Row[Any]]:
    statement = sa.text(
        "SELECT employer_id, program_id, at, status, specialist_name, specialist_email "
        f"FROM {CONTACTS_FUNCTION}(CAST(:ids AS integer[]), :since, :until)"
    )
    result = uow.session.execute(statement, {"ids": employer_ids, "since": since, "until": until})
    return list(result)


def _rows_plain(
    uow: UnitOfWork, employer_ids: list[int], since: dt.datetime, until: dt.datetime
) -> list[sa.Row[Any]]:
    v = tables.visits.c
    s = tables.specialists.c
    statement = (
        sa.select(
            v.employer_id,
            v.program_id,
            v.at,
            v.status,
            s.name.label("specialist_name"),
            s.email.label("specialist_email"),
        )
        .join(tables.specialists, s.id == v.specialist_id)
        .where(
            v.employer_id.in_(employer_ids),
            v.status.in_(LIVE_VISIT_STATUSES),
            v.at >= since,
            v.at < until,
        )
    )
    return list(uow.session.execute(statement))


def other_program_contacts(
    uow: UnitOfWork,
    employer_ids: Collection[int],
    *,
    program_id: int | None,
    since: dt.datetime,
    until: dt.datetime,
) -> list[ProgramContact]:
    """Live visits (made or planned) at these employers between ``since`` and ``until`` by
    programs other than ``program_id`` (``None``: by every program), by time."""
    if not employer_ids:
        return []
    postgresql = uow.session.get_bind().dialect.name == "postgresql"
    programs = {
        row.id: (row.code, row.name)
        for row in uow.session.execute(
            sa.select(tables.programs.c.id, tables.programs.c.code, tables.programs.c.name)
        )
    }
    found: list[ProgramContact] = []
    for chunk in chunks(sorted(employer_ids)):
        rows = (_rows_postgresql if postgresql else _rows_plain)(uow, chunk, since, until)
        for row in rows:
            if row.program_id == program_id:
                continue
            code, name = programs.get(row.program_id, ("?", "another program"))
            at = row.at if row.at.tzinfo is not None else row.at.replace(tzinfo=dt.UTC)
            found.append(
                ProgramContact(
                    employer_id=row.employer_id,
                    program_id=row.program_id,
                    program_code=code,
                    program_name=name,
                    specialist_name=row.specialist_name,
                    specialist_email=row.specialist_email,
                    at=at,
                    status=VisitStatus(row.status),
                )
            )
    return sorted(found, key=lambda c: (c.at, c.employer_id, c.program_code))
