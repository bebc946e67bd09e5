"""Repositories: the collections a unit of work offers (``uow.employers``, ``uow.seekers``...).

Each wraps the unit of work's session; lookups by code or name raise
:class:`~ips_jobdev.errors.NotFoundError` with the key, ``find_*`` variants return ``None``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ips_jobdev import _model as model
from ips_jobdev._store import tables
from ips_jobdev._store.batching import chunks
from ips_jobdev._vocab import JobSeekerStatus, VisitStatus
from ips_jobdev.errors import NotFoundError, ValidationError

__all__ = [
    "EmployerRepository",
    "FitNoteRepository",
    "GoalRepository",
    "JobSeekerRepository",
    "JobStartRepository",
    "OpeningRepository",
    "PersonRepository",
    "Repository",
    "SpecialistRepository",
    "VisitRepository",
]

T = TypeVar("T")


class Repository(Generic[T]):
    """The common part: add, get by id, list, count, delete."""

    model_class: type[T]
    record_name: str = "record"

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: T) -> T:
        """Stage ``record`` for saving at the next commit (and return it)."""
        self.session.add(record)
        return record

    def add_all(self, records: Iterable[T]) -> None:
        """Stage many records at once."""
        self.session.add_all(records)

    def get(self, record_id: int) -> T:
        """The record with this id, or :class:`NotFoundError`."""
        found = self.session.get(self.model_class, record_id)
        if found is None:
            raise NotFoundError(self.record_name, record_id)
        return found

    def find(self, record_id: int) -> T | None:
        """The record with this id, or ``None``."""
        return self.session.get(self.model_class, record_id)

    def list(self, *, limit: int | None = None, offset: int = 0) -> Sequence[T]:
        """All records in id order (``limit``/``offset`` page through them)."""
        statement = sa.select(self.model_class).order_by(self._id_column()).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement).all()

    def by_ids(self, ids: Iterable[int]) -> dict[int, T]:
        """The records with these ids, by id (a query per 500 ids; unknown ids left out)."""
        found: dict[int, T] = {}
        id_column = self._id_column()
        for chunk in chunks(ids):
            for record in self.session.scalars(
                sa.select(self.model_class).where(id_column.in_(chunk))
            ):
                found[record.id] = record  # type: ignore[attr-defined]
        return found

    def existing_ids(self, ids: Iterable[int]) -> set[int]:
        """Which of ``ids`` are still stored (to tell a deleted record from a filtered one)."""
        found: set[int] = set()
        id_column = self._id_column()
        for chunk in chunks(ids):
            found.update(self.session.scalars(sa.select(id_column).where(id_column.in_(chunk))))
        return found

    def count(self) -> int:
        """How many records there are."""
        return self.session.scalar(sa.select(sa.func.count()).select_from(self.model_class)) or 0

    def delete(self, record: T) -> None:
        """Remove ``record`` at the next commit."""
        self.session.delete(record)

    def _id_column(self) -> Any:
        return self.model_class.id  # type: ignore[attr-defined]


def _one_by_code(found: Sequence[T], record: str, code: str) -> T | None:
    """The one record a code names in the current program; codes are unique per program,
    so an unscoped unit of work on several programs may find one in each."""
    if len(found) > 1:
        raise ValidationError(
            record,
            "code",
            f"{code!r} is a code in several programs; say which program "
            "(--program CODE, or Database(url, program=CODE))",
        )
    return found[0] if found else None


class SpecialistRepository(Repository[model.Specialist]):
    """Employment specialists, looked up by their code."""

    model_class = model.Specialist
    record_name = "specialist"

    def find_by_code(self, code: str, *, program_id: int | None = None) -> model.Specialist | None:
        """The specialist with this code (case-insensitive) in the program ``program_id``,
        else the current program, or ``None``.

        Raises:
            ValidationError: no program is current and several hold the code."""
        c = tables.specialists.c
        program = (
            tables.in_current_program(c.program_id)
            if program_id is None
            else c.program_id == program_id
        )
        statement = sa.select(model.Specialist).where(
            sa.func.lower(c.code) == code.strip().lower(), program
        )
        return _one_by_code(self.session.scalars(statement.limit(2)).all(), "specialist", code)

    def by_code(self, code: str, *, program_id: int | None = None) -> model.Specialist:
        """The specialist with this code (see :meth:`find_by_code`), or
        :class:`NotFoundError`."""
        found = self.find_by_code(code, program_id=program_id)
        if found is None:
            raise NotFoundError(self.record_name, code)
        return found

    def list(self, *, limit: int | None = None, offset: int = 0) -> Sequence[model.Specialist]:
        """All specialists, by code."""
        statement = sa.select(model.Specialist).order_by(tables.specialists.c.code).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement).all()


class PersonRepository(Repository[model.EmployerPerson]):
    """The people at employers (hiring managers, owners...)."""

    model_class = model.EmployerPerson
    record_name = "person"


class EmployerRepository(Repository[model.Employer]):
    """Employers, with the people who work there."""

    model_class = model.Employer
    record_name = "employer"

    def move_other_programs_notes(self, away: model.Employer, kept: model.Employer) -> int:
        """Before ``away`` is merged into ``kept``: give ``kept`` the notes every *other*
        program wrote about ``away`` (joined to its own about ``kept``), which deleting
        ``away`` would lose; the current program's are the caller's (``kept.notes``). On
        PostgreSQL a function run as the owner of the tables does it, so a scoped unit of
        work keeps the notes of programs it cannot see (SQLite holds one program). How many
        programs' notes moved."""
        connection = self.session.connection()
        if connection.dialect.name != "postgresql":
            return 0  # SQLite holds one program: there are no other programs' notes
        current = connection.execute(sa.select(tables.current_program())).scalar()
        statement = sa.select(sa.func.ips_jobdev_move_employer_notes(away.id, kept.id, current))
        return int(connection.execute(statement).scalar_one() or 0)

    def find_by_external_id(self, external_id: str) -> model.Employer | None:
        """The employer with this external id, or ``None``."""
        statement = sa.select(model.Employer).where(
            tables.employers.c.external_id == external_id.strip()
        )
        return self.session.scalars(statement).first()

    def find_by_name(self, name: str, zip_code: str | None = None) -> list[model.Employer]:
        """Employers whose normalized name matches (and ZIP, when given)."""
        statement = sa.select(model.Employer).where(
            tables.employers.c.name_key == model.normalize_employer_name(name)
        )
        if zip_code:
            statement = statement.where(tables.employers.c.zip == zip_code)
        return list(self.session.scalars(statement.order_by(tables.employers.c.id)))

    def lookup(self, reference: str) -> model.Employer:
        """Find one employer by id (``#12``), external id, or name.

        Raises:
            NotFoundError: nothing matches.
            ValidationError: the name matches several employers (use the external id).
        """
        text = reference.strip()
        if text.startswith("#") and text[1:].isdigit():
            return self.get(int(text[1:]))
        by_external = self.find_by_external_id(text)
        if by_external is not None:
            return by_external
        by_name = self.find_by_name(text)
        if len(by_name) == 1:
            return by_name[0]
        if not by_name:
            raise NotFoundError(self.record_name, reference)
        ids = ", ".join(f"#{e.id}" for e in by_name[:5])
        raise ValidationError(
            "employer", "name", f"{reference!r} matches {len(by_name)} employers ({ids}); use an id"
        )

    def search(
        self,
        *,
        text: str | None = None,
        zip_code: str | None = None,
        industry: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> Sequence[model.Employer]:
        """Employers whose name contains ``text``, in a ZIP or an industry, by name."""
        statement = sa.select(model.Employer)
        if text:
            statement = statement.where(tables.employers.c.name.ilike(f"%{text.strip()}%"))
        if zip_code:
            statement = statement.where(tables.employers.c.zip.startswith(zip_code))
        if industry:
            statement = statement.where(tables.employers.c.industry == industry.lower())
        statement = statement.order_by(tables.employers.c.name_key, tables.employers.c.id)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement.offset(offset)).all()


class JobSeekerRepository(Repository[model.JobSeeker]):
    """Job seekers, looked up by their program code."""

    model_class = model.JobSeeker
    record_name = "job seeker"

    def find_by_code(self, code: str, *, program_id: int | None = None) -> model.JobSeeker | None:
        """The job seeker with this code (case-insensitive) in the program ``program_id``,
        else the current program, or ``None``.

        Raises:
            ValidationError: no program is current and several hold the code."""
        c = tables.job_seekers.c
        program = (
            tables.in_current_program(c.program_id)
            if program_id is None
            else c.program_id == program_id
        )
        statement = sa.select(model.JobSeeker).where(
            sa.func.lower(c.code) == code.strip().lower(), program
        )
        return _one_by_code(self.session.scalars(statement.limit(2)).all(), "job seeker", code)

    def by_code(self, code: str, *, program_id: int | None = None) -> model.JobSeeker:
        """The job seeker with this code (see :meth:`find_by_code`), or
        :class:`NotFoundError`."""
        found = self.find_by_code(code, program_id=program_id)
        if found is None:
            raise NotFoundError(self.record_name, code)
        return found

    def on_caseload(self, specialist_id: int | None = None) -> Sequence[model.JobSeeker]:
        """Job seekers not closed (of one specialist, when given), by code."""
        statement = sa.select(model.JobSeeker).where(
            tables.job_seekers.c.status != JobSeekerStatus.CLOSED
        )
        if specialist_id is not None:
            statement = statement.where(tables.job_seekers.c.specialist_id == specialist_id)
        return self.session.scalars(statement.order_by(tables.job_seekers.c.code)).all()

    def list(self, *, limit: int | None = None, offset: int = 0) -> Sequence[model.JobSeeker]:
        """All job seekers, by code."""
        statement = sa.select(model.JobSeeker).order_by(tables.job_seekers.c.code).offset(offset)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement).all()


class VisitRepository(Repository[model.Visit]):
    """Employer contacts, planned and made."""

    model_class = model.Visit
    record_name = "visit"

    def between(
        self,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        *,
        specialist_id: int | None = None,
        employer_id: int | None = None,
        status: VisitStatus | None = None,
        limit: int | None = None,
        exclude_status: VisitStatus | None = None,
    ) -> Sequence[model.Visit]:
        """Visits with ``start <= at < end`` (either bound optional), oldest first
        (of one ``status``, or without those of ``exclude_status``, when given)."""
        c = tables.visits.c
        statement = sa.select(model.Visit)
        if start is not None:
            statement = statement.where(c.at >= start)
        if end is not None:
            statement = statement.where(c.at < end)
        if specialist_id is not None:
            statement = statement.where(c.specialist_id == specialist_id)
        if employer_id is not None:
            statement = statement.where(c.employer_id == employer_id)
        if status is not None:
            statement = statement.where(c.status == status)
        if exclude_status is not None:
            statement = statement.where(c.status != exclude_status)
        statement = statement.order_by(c.at, c.id)
        if limit is not None:
            statement = statement.limit(limit)
        return self.session.scalars(statement).all()

    def last_contact(self, employer_id: int) -> model.Visit | None:
        """The most recent visit made (not planned, not cancelled) to an employer."""
        c = tables.visits.c
        statement = (
            sa.select(model.Visit)
            .where(c.employer_id == employer_id, c.status == VisitStatus.DONE)
            .order_by(c.at.desc(), c.id.desc())
            .limit(1)
        )
        return self.session.scalars(statement).first()

    def for_seeker(self, seeker_id: int) -> Sequence[model.Visit]:
        """Visits made or planned on behalf of one job seeker, oldest first."""
        c = tables.visits.c
        statement = (
            sa.select(model.Visit)
            .join(tables.visit_seekers, tables.visit_seekers.c.visit_id == c.id)
            .where(tables.visit_seekers.c.seeker_id == seeker_id)
            .order_by(c.at, c.id)
        )
        return self.session.scalars(statement).all()

    def latest_for_seeker(self, seeker_id: int, limit: int) -> Sequence[model.Visit]:
        """The ``limit`` latest visits made or planned on behalf of one job seeker, newest
        first (a job seeker's page lists a few of a history of hundreds)."""
        c = tables.visits.c
        statement = (
            sa.select(model.Visit)
            .join(tables.visit_seekers, tables.visit_seekers.c.visit_id == c.id)
            .where(tables.visit_seekers.c.seeker_id == seeker_id)
            .order_by(c.at.desc(), c.id.desc())
            .limit(limit)
        )
        return self.session.scalars(statement).all()


class OpeningRepository(Repository[model.JobOpening]):
    """Job openings at employers."""

    model_class = model.JobOpening
    record_name = "job opening"

    def at_employer(self, employer_id: int) -> Sequence[model.JobOpening]:
        """Openings at one employer, newest first."""
        c = tables.job_openings.c
        statement = (
            sa.select(model.JobOpening).where(c.employer_id == employer_id).order_by(c.id.desc())
        )
        return self.session.scalars(statement).all()


class FitNoteRepository(Repository[model.JobFitNote]):
    """Job-fit notes: internal records that never leave the team."""

    model_class = model.JobFitNote
    record_name = "job-fit note"

    def for_seeker(
        self, seeker_id: int, employer_id: int | None = None
    ) -> Sequence[model.JobFitNote]:
        """Notes about one job seeker (at one employer, when given), oldest first."""
        c = tables.job_fit_notes.c
        statement = sa.select(model.JobFitNote).where(c.seeker_id == seeker_id)
        if employer_id is not None:
            statement = statement.where(c.employer_id == employer_id)
        return self.session.scalars(statement.order_by(c.written_at, c.id)).all()

    def matching(
        self,
        *,
        seeker_id: int | None = None,
        employer_id: int | None = None,
        before: dt.datetime | None = None,
    ) -> Sequence[model.JobFitNote]:
        """Notes of one job seeker and/or at one employer (written before ``before``),
        oldest first."""
        c = tables.job_fit_notes.c
        statement = sa.select(model.JobFitNote)
        if seeker_id is not None:
            statement = statement.where(c.seeker_id == seeker_id)
        if employer_id is not None:
            statement = statement.where(c.employer_id == employer_id)
        if before is not None:
            statement = statement.where(c.written_at < before)
        return self.session.scalars(statement.order_by(c.written_at, c.id)).all()

    def written(
        self, *, author_id: int | None = None, since: dt.datetime | None = None
    ) -> Sequence[model.JobFitNote]:
        """Notes (by one author, written at or after ``since``, when given), in id order."""
        c = tables.job_fit_notes.c
        statement = sa.select(model.JobFitNote).order_by(c.id)
        if author_id is not None:
            statement = statement.where(c.author_id == author_id)
        if since is not None:
            statement = statement.where(c.written_at >= since)
        return self.session.scalars(statement).all()


class JobStartRepository(Repository[model.JobStart]):
    """Jobs job seekers got, and how they ended."""

    model_class = model.JobStart
    record_name = "job start"

    def for_seeker(self, seeker_id: int) -> Sequence[model.JobStart]:
        """One job seeker's jobs, oldest first."""
        c = tables.job_starts.c
        statement = (
            sa.select(model.JobStart).where(c.seeker_id == seeker_id).order_by(c.start_date, c.id)
        )
        return self.session.scalars(statement).all()

    def at_employer(self, employer_id: int) -> Sequence[model.JobStart]:
        """Jobs at one employer, by start date."""
        c = tables.job_starts.c
        statement = (
            sa.select(model.JobStart)
            .where(c.employer_id == employer_id)
            .order_by(c.start_date, c.id)
        )
        return self.session.scalars(statement).all()

    def in_start_order(self) -> Sequence[model.JobStart]:
        """Every job start, by start date."""
        c = tables.job_starts.c
        return self.session.scalars(sa.select(model.JobStart).order_by(c.start_date, c.id)).all()


class GoalRepository(Repository[model.ProgramGoal]):
    """The program's own outcome goals."""

    model_class = model.ProgramGoal
    record_name = "program goal"
