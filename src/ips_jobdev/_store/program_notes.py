"""Each program's notes about an employer: ``Employer.notes`` is the current program's.

Employers are one registry shared by every program; what a program notes about its
relationship with one (who to ask for, what went wrong last time) is its own. The notes are
rows of ``employer_program_notes`` (one per employer and program, program-owned: row-level
security keeps them apart on PostgreSQL). The mapper reads ``Employer.notes`` as the
current program's row (:func:`ips_jobdev._store.tables.employer_notes`); this module
writes it back when a flush finds it changed, for the program a new record would go to
(the scope's, the granted role's, or the only one: several programs and no scope is
refused rather than guessed), and records the change in the change history as that
program's (the shared employer's own history rows never hold a program's notes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes, sessionmaker

from ips_jobdev import _model as model
from ips_jobdev._store import history, programs, tables

__all__ = ["bulk_rows", "install"]

_PENDING = "ips_jobdev.program_notes.pending"
_NOTES = tables.employer_program_notes


def _changed_notes(session: Session) -> list[tuple[model.Employer, str | None, str | None]]:
    """(employer, notes before, notes after) of the employers whose notes this flush
    changes."""
    found = []
    for record in [*session.new, *session.dirty]:
        if not isinstance(record, model.Employer) or record in session.deleted:
            continue
        changed = attributes.get_history(record, "notes")
        if not changed.added:
            continue
        after = changed.added[0]
        before = changed.deleted[0] if changed.deleted else None
        if before != after:
            found.append((record, before, after))
    return found


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    changed = _changed_notes(session)
    if changed:
        # decided before anything is written: several programs and no scope is refused
        program_id = programs.program_for_new(session, "employer")
        session.info[_PENDING] = [(record, program_id, b, a) for record, b, a in changed]


def _write(connection: sa.Connection, employer_id: int, program_id: int, notes: str | None) -> None:
    c = _NOTES.c
    mine = sa.and_(c.employer_id == employer_id, c.program_id == program_id)
    if notes is None:
        connection.execute(sa.delete(_NOTES).where(mine))
        return
    updated = connection.execute(
        sa.update(_NOTES).where(mine).values(notes=notes, version=c.version + 1)
    ).rowcount
    if not updated:
        connection.execute(
            sa.insert(_NOTES).values(
                employer_id=employer_id, program_id=program_id, notes=notes, version=1
            )
        )


def _after_flush(session: Session, flush_context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    rows = []
    # the session's dirty records are an identity set: without an order the history's ids
    # would change from one run to the next
    for record, program_id, before, after in sorted(pending, key=lambda p: p[0].id):
        _write(connection, record.id, program_id, after)
        rows.append(
            history.note_row(
                session,
                history.KINDS[model.Employer],
                record.id,
                program_id=program_id,
                version=record.version,
                before={"notes": before},
                after={"notes": after},
            )
        )
    connection.execute(sa.insert(history.TABLE), rows)


def _forget(session: Session, *args: Any) -> None:
    session.info.pop(_PENDING, None)


def install(sessions: sessionmaker[Session]) -> None:
    """Write the current program's employer notes in every session ``sessions`` makes
    (call once per session maker)."""
    event.listen(sessions, "before_flush", _before_flush)
    event.listen(sessions, "after_flush", _after_flush)
    event.listen(sessions, "after_rollback", _forget)


def bulk_rows(
    session: Session, ids: Sequence[int], notes: Sequence[str | None]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """For employers a bulk insert wrote (``notes[i]`` of employer ``ids[i]``): the rows
    of ``employer_program_notes`` and the change-history rows to append (the notes are
    the current program's)."""
    written = [(i, n) for i, n in zip(ids, notes, strict=True) if n is not None]
    if not written:
        return [], []
    program_id = programs.program_for_new(session, "employer")
    kind = history.KINDS[model.Employer]
    rows = [
        {"employer_id": i, "program_id": program_id, "notes": n, "version": 1} for i, n in written
    ]
    entries = [
        history.note_row(
            session,
            kind,
            i,
            program_id=program_id,
            version=1,
            before={"notes": None},
            after={"notes": n},
        )
        for i, n in written
    ]
    return rows, entries
