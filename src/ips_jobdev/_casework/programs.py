"""Programs: the IPS programs (a county's, a tribe's) that share one record.

Specialists, job seekers, visits, fit notes, jobs and goals belong to one program; employers
and the people there are one registry shared by every program. A record with one program
needs no program named anywhere: new records go to it (to a program ``default`` made on
first use when none was added). With several programs (PostgreSQL only), a unit of work is
scoped to one (``Database(url, program="dane")``, ``--program dane``) and the database's
row-level security keeps the others' rows out of it.

>>> import ips_jobdev as jobdev
>>> db = jobdev.Database("postgresql+psycopg://ips@db.example.org/ips")     # doctest: +SKIP
>>> with db.unit_of_work() as uow:                                          # doctest: +SKIP
...     jobdev.add_program(uow, "dane", "Dane County IPS")
...     uow.commit()
>>> with db.unit_of_work(program="dane") as uow:                           # doctest: +SKIP
...     jobdev.add_specialist(uow, "ae", "Alex Example")
...     uow.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from ips_jobdev._casework.audit import AuditAction, record_access
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._model import Program
from ips_jobdev._store import UnitOfWork
from ips_jobdev.errors import ValidationError

__all__ = [
    "ProgramGrant",
    "ProgramSummary",
    "add_program",
    "edit_program",
    "grant_program",
    "list_programs",
    "revoke_program",
]


@attrs.frozen(slots=True)
class ProgramSummary:
    """One program with how many specialists and job seekers the caller can see in it."""

    id: int
    code: str
    name: str
    created_at: dt.datetime
    specialists: int
    job_seekers: int


def add_program(uow: UnitOfWork, code: str, name: str) -> Program:
    """Add a program (staged: call ``uow.commit()``).

    Raises:
        ValidationError: the code or name is not valid, a program with this code exists,
            or the record is SQLite and already holds a program.
    """
    program = Program(code=code, name=name)
    existing = uow.programs.find_by_code(program.code)
    if existing is not None:
        raise ValidationError(
            "Program", "code", f"{existing.code!r} already exists ({existing.name})"
        )
    uow.programs.add(program)
    uow.flush()
    assert program.id is not None
    uow.record_event(RecordChanged("program", program.id, ChangeAction.CREATED))
    return program


def edit_program(
    uow: UnitOfWork, code: str, *, new_code: str | None = None, name: str | None = None
) -> Program:
    """Rename a program (its code, its name or both; staged: call ``uow.commit()``).

    Raises:
        NotFoundError: no program has ``code``.
        ValidationError: the new code is taken or not valid, or the name is empty.
    """
    program = uow.programs.by_code(code)
    checked = Program(
        code=new_code if new_code is not None else program.code,
        name=name if name is not None else program.name,
    )
    if checked.code.lower() != program.code.lower():
        taken = uow.programs.find_by_code(checked.code)
        if taken is not None:
            raise ValidationError("Program", "code", f"{taken.code!r} already exists")
    with uow.explain("edit program"):
        program.code = checked.code
        program.name = checked.name
        uow.flush()
    assert program.id is not None
    uow.record_event(RecordChanged("program", program.id, ChangeAction.UPDATED))
    return program


def list_programs(uow: UnitOfWork) -> Sequence[ProgramSummary]:
    """Every program, by code, with the specialists and job seekers the caller can see
    in each (a scoped unit of work on PostgreSQL sees only its own program's people)."""
    counts = uow.programs.counts()
    out = []
    for program in uow.programs.list():
        assert program.id is not None
        seen = counts.get(program.id, {})
        out.append(
            ProgramSummary(
                id=program.id,
                code=program.code,
                name=program.name,
                created_at=program.created_at,
                specialists=seen.get("specialists", 0),
                job_seekers=seen.get("seekers", 0),
            )
        )
    return out


@attrs.frozen(slots=True)
class ProgramGrant:
    """A PostgreSQL role made (or reused) for one program's own tools and reports."""

    role: str
    program: str
    created: bool
    can_write: bool
    login: bool


def grant_program(
    uow: UnitOfWork,
    program: str,
    role: str,
    *,
    password: str | None = None,
    write: bool = False,
) -> ProgramGrant:
    """Make the PostgreSQL role ``role`` (or take an existing one) for the program with
    code ``program``: it reads the record's tables, and the database's row-level security
    shows it that program's rows only, even in plain SQL (``psql``, a report tool). With
    ``write`` it may also change that program's rows (never another's); ``password``
    makes it a role that can log in. Staged: call ``uow.commit()``.

    The connected role needs the ``CREATEROLE`` privilege to make a new role.

    Raises:
        NotFoundError: no program has the code ``program``.
        ValidationError: the role name is not valid, is the tables' owner, or is granted
            to another program.
        IpsJobdevError: the record is SQLite (one program, no database roles).
    """
    found = uow.programs.by_code(program)
    granted = uow.programs.grant_role(found, role, password=password, write=write)
    record_access(
        uow,
        action=AuditAction.GRANT,
        kind="program",
        record_id=found.id,
        program_id=found.id,
        detail={"role": granted.role, "write": granted.can_write, "login": granted.login},
    )
    return ProgramGrant(
        role=granted.role,
        program=found.code,
        created=granted.created,
        can_write=granted.can_write,
        login=granted.login,
    )


def revoke_program(uow: UnitOfWork, role: str, *, drop_role: bool = False) -> bool:
    """Take back what :func:`grant_program` gave ``role`` (and with ``drop_role`` drop the
    role itself); whether it had been granted a program. Staged: call ``uow.commit()``.

    Raises:
        IpsJobdevError: the record is SQLite.
    """
    return uow.programs.revoke_role(role, drop=drop_role)
