"""Coordination across programs: warn a specialist when another program visited, or plans
to visit, the same employer within 30 days, naming that program and its contact person
(the specialist), never its job seekers.

Employers are one registry shared by every program; each program's visits are its own
(on PostgreSQL the database keeps them apart). Two programs walking into the same business
unknowingly is a known harm of uncoordinated job development, so the planner and the
employer page say who else is there and whom to call.

>>> import ips_jobdev as jobdev
>>> from ips_jobdev._planning.coordination import other_programs_at
>>> with jobdev.Database(url, program="dane").unit_of_work() as uow:   # doctest: +SKIP
...     for note in other_programs_at(uow, [bakery.id])[bakery.id]:
...         print(note.text)
Rock County IPS (rock) visited on Tue 3 Nov; contact Blair Example, blair@example.org
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

import attrs

from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries.coordination import ProgramContact, other_program_contacts
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.cycles import local_date, short_date

__all__ = ["COORDINATION_DAYS", "ProgramNote", "other_programs_at"]

COORDINATION_DAYS = 30
"""Another program's visit this many days back, or planned this many days ahead, earns a
warning."""


@attrs.frozen(slots=True)
class ProgramNote:
    """Another program's visit at an employer, as a warning: which program, when, whether
    made or planned, and its contact person. No job seeker is ever named."""

    employer_id: int
    program_code: str
    program_name: str
    contact_name: str
    contact_email: str | None
    date: dt.date
    planned: bool

    @property
    def text(self) -> str:
        """One line for a plan or a page."""
        did = "plans to visit on" if self.planned else "visited on"
        contact = self.contact_name + (f", {self.contact_email}" if self.contact_email else "")
        return (
            f"{self.program_name} ({self.program_code}) {did} {short_date(self.date)}; "
            f"contact {contact}"
        )


def _note(contact: ProgramContact, zone: str) -> ProgramNote:
    return ProgramNote(
        employer_id=contact.employer_id,
        program_code=contact.program_code,
        program_name=contact.program_name,
        contact_name=contact.specialist_name,
        contact_email=contact.specialist_email,
        date=local_date(contact.at, zone),
        planned=contact.status is VisitStatus.PLANNED,
    )


def other_programs_at(
    uow: UnitOfWork,
    employer_ids: Collection[int],
    *,
    program_id: int | None = None,
    around: dt.datetime | None = None,
    zone: str = "America/Chicago",
    days: int = COORDINATION_DAYS,
) -> dict[int, list[ProgramNote]]:
    """Per employer, the other programs' visits made in the ``days`` before ``around``
    (default now) or planned in the ``days`` after, oldest first.

    ``program_id`` is the asking program (default: the unit of work's program: its scope,
    its role's program, or the record's only one); with none, every program's visits are
    listed.
    """
    moment = around or dt.datetime.now(dt.UTC)
    own = program_id if program_id is not None else uow.programs.current_id()
    contacts = other_program_contacts(
        uow,
        employer_ids,
        program_id=own,
        since=moment - dt.timedelta(days=days),
        until=moment + dt.timedelta(days=days),
    )
    found: dict[int, list[ProgramNote]] = {}
    for contact in contacts:
        found.setdefault(contact.employer_id, []).append(_note(contact, zone))
    return found
