"""Programs as records, on SQLite and PostgreSQL: a one-program record needs no program
named (new records go to its program, ``default`` when none was added); SQLite refuses a
second program; on PostgreSQL several programs share the record, new records go to the
program the unit of work is scoped to, to their specialist's or job seeker's, and a record
with several programs and no scope refuses to guess."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev.errors import NotFoundError, ValidationError

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


def _one_of_everything(uow: jobdev.UnitOfWork, specialist: str, seeker: str) -> None:
    """A specialist, a job seeker, a visit, a fit note, a job and a goal."""
    jobdev.add_specialist(uow, specialist, f"Specialist {specialist}")
    uow.seekers.add(jobdev.JobSeeker(code=seeker, ips_start=dt.date(2026, 11, 2)))
    uow.flush()
    uow.seekers.by_code(seeker).specialist_id = uow.specialists.by_code(specialist).id
    found = uow.employers.find_by_name("Example Bakery", "53703")
    employer = found[0] if found else jobdev.Employer(name="Example Bakery", zip="53703")
    if not found:
        uow.employers.add(employer)
        uow.flush()
    jobdev.log_visit(uow, employer, specialist, at=NOW, seekers=[seeker], now=NOW)
    jobdev.add_fit_note(uow, seeker, employer, author=specialist, overall="good")
    jobdev.record_job_start(uow, seeker, employer, title="Baker", start_date=dt.date(2026, 11, 20))
    uow.goals.add(
        jobdev.ProgramGoal(
            metric="job_starts",
            target=4,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 12, 31),
        )
    )
    uow.commit()


def _programs_of(uow: jobdev.UnitOfWork) -> dict[str, set[int | None]]:
    return {
        "specialists": {s.program_id for s in uow.specialists.list()},
        "job_seekers": {s.program_id for s in uow.seekers.list()},
        "visits": {v.program_id for v in uow.visits.list()},
        "fit_notes": {n.program_id for n in uow.fit_notes.list()},
        "job_starts": {j.program_id for j in uow.job_starts.list()},
        "goals": {g.program_id for g in uow.goals.list()},
    }


def test_a_one_program_record_needs_no_program_named(db: Database) -> None:
    with db.unit_of_work() as uow:
        _one_of_everything(uow, "ae", "P-2001")
    with db.unit_of_work() as uow:
        [default] = jobdev.list_programs(uow)
        assert (default.code, default.name) == ("default", "Default program")
        assert (default.specialists, default.job_seekers) == (1, 1)
        assert all(found == {default.id} for found in _programs_of(uow).values())


def test_new_records_go_to_the_one_program_added_first(db: Database) -> None:
    with db.unit_of_work() as uow:
        dane = jobdev.add_program(uow, "dane", "Dane County IPS")
        uow.commit()
    with db.unit_of_work() as uow:
        _one_of_everything(uow, "ae", "P-2001")
        assert all(found == {dane.id} for found in _programs_of(uow).values())
        assert [p.code for p in uow.programs.list()] == ["dane"]


def test_bulk_imports_go_to_the_one_program(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ab", "Alex Example")
        uow.commit()
    for function, name in [
        (jobdev.import_employers, "employers.csv"),
        (jobdev.import_seekers, "seekers.csv"),
        (jobdev.import_visits, "visits.csv"),
    ]:
        with db.unit_of_work() as uow:
            assert function(uow, EXAMPLES / name).ok
    with db.unit_of_work() as uow:
        [program] = uow.programs.list()
        found = _programs_of(uow)
        assert found["job_seekers"] == {program.id}
        assert found["visits"] == {program.id}


def test_a_program_is_renamed_and_a_scope_names_it(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example")
        uow.commit()
    with db.unit_of_work() as uow:
        renamed = jobdev.edit_program(uow, "default", new_code="dane", name="Dane County IPS")
        uow.commit()
    assert (renamed.code, renamed.name) == ("dane", "Dane County IPS")
    with db.unit_of_work(program="dane") as uow:
        assert uow.program is not None
        assert uow.program.code == "dane"
        assert uow.program_id == renamed.id
        assert [s.code for s in uow.specialists.list()] == ["ae"]
        entries = uow.history.latest()
        assert any(e.kind == "program" and e.action == "updated" for e in entries)
    with pytest.raises(NotFoundError):
        db.unit_of_work(program="default")


def test_a_program_code_is_checked_and_unique(db: Database) -> None:
    with db.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="code"):
            jobdev.add_program(uow, "not a code!", "Bad")
        with pytest.raises(ValidationError, match="name"):
            jobdev.add_program(uow, "dane", " ")
        jobdev.add_program(uow, "dane", "Dane County IPS")
        uow.commit()
        with pytest.raises(ValidationError, match="already exists"):
            jobdev.add_program(uow, "DANE", "Dane again")


def test_sqlite_keeps_one_program_and_postgresql_several(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        uow.commit()
    with db.unit_of_work() as uow:
        if db.engine.dialect.name == "sqlite":
            with pytest.raises(ValidationError, match="SQLite record holds one program"):
                jobdev.add_program(uow, "rock", "Rock County IPS")
            assert [p.code for p in uow.programs.list()] == ["dane"]
        else:
            jobdev.add_program(uow, "rock", "Rock County IPS")
            uow.commit()
            assert [p.code for p in uow.programs.list()] == ["dane", "rock"]


# -- several programs: PostgreSQL only ---------------------------------------------------------


@pytest.fixture
def two_programs(pg_url: str) -> Database:
    db = Database(pg_url)
    with db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        jobdev.add_program(uow, "rock", "Rock County IPS")
        uow.commit()
    return db


def test_with_several_programs_a_new_record_needs_its_program(two_programs: Database) -> None:
    db = two_programs
    with (
        db.unit_of_work() as uow,
        pytest.raises(ValidationError, match=r"several programs \(dane, rock\)"),
    ):
        jobdev.add_specialist(uow, "ae", "Alex Example")
    with db.unit_of_work() as uow:
        ae = jobdev.add_specialist(uow, "ae", "Alex Example", program="rock")
        uow.commit()
        assert ae.program_id == uow.programs.by_code("rock").id


def test_a_scoped_unit_of_work_puts_new_records_into_its_program(two_programs: Database) -> None:
    db = two_programs
    with db.unit_of_work(program="dane") as uow:
        _one_of_everything(uow, "ae", "P-2001")
        dane_id = uow.program_id
    with db.unit_of_work(program="rock") as uow:
        _one_of_everything(uow, "bx", "P-3001")
        rock_id = uow.program_id
    with db.unit_of_work() as uow:  # unscoped: the owner sees every program's rows
        by_program = {s.code: s.program_id for s in uow.specialists.list()}
        assert by_program == {"ae": dane_id, "bx": rock_id}
        assert {v.program_id for v in uow.visits.list()} == {dane_id, rock_id}
        summaries = {p.code: (p.specialists, p.job_seekers) for p in jobdev.list_programs(uow)}
        assert summaries == {"dane": (1, 1), "rock": (1, 1)}


def test_unscoped_records_take_their_specialists_program(two_programs: Database) -> None:
    db = two_programs
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example", program="rock")
        uow.commit()
    with db.unit_of_work() as uow:
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.flush()
        visit = jobdev.log_visit(uow, bakery, "ae", at=NOW, now=NOW)
        uow.commit()
        assert visit.program_id == uow.programs.by_code("rock").id


def test_a_database_scoped_to_a_program_scopes_each_unit_of_work(two_programs: Database) -> None:
    scoped = Database(two_programs.url, program="rock")
    try:
        with scoped.unit_of_work() as uow:
            ae = jobdev.add_specialist(uow, "ae", "Alex Example")
            uow.commit()
            assert uow.program is not None
            assert uow.program.code == "rock"
            assert ae.program_id == uow.program_id
        with scoped.unit_of_work(program="dane") as uow:
            assert uow.program is not None
            assert uow.program.code == "dane"
    finally:
        scoped.dispose()
