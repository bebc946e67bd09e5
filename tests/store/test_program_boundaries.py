"""The program boundary the database enforces, on real PostgreSQL: a unit of work scoped to
program A, and a database role granted to program A (``db grant-program``), read none of
program B's job seekers, visits, fit notes or jobs, through the Python API and in plain SQL
(psycopg), whatever setting they try; neither can write a row into program B. SQLite says
it has no such boundary."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import make_url

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev._overview import employer_overview
from ips_jobdev._planning import plan_week
from ips_jobdev._planning.coordination import other_programs_at
from ips_jobdev.cli import main
from ips_jobdev.errors import IpsJobdevError, ValidationError

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
OWNED = ("job_seekers", "visits", "visit_seekers", "job_fit_notes", "job_starts", "specialists")


def _program_records(db: Database, program: str, specialist: str, seeker: str) -> None:
    with db.unit_of_work(program=program) as uow:
        jobdev.add_specialist(uow, specialist, f"Specialist {specialist}")
        uow.seekers.add(jobdev.JobSeeker(code=seeker, name=f"Person {seeker}"))
        uow.flush()
        uow.seekers.by_code(seeker).specialist_id = uow.specialists.by_code(specialist).id
        found = uow.employers.find_by_name("Example Bakery", "53703")
        bakery = found[0] if found else jobdev.Employer(name="Example Bakery", zip="53703")
        if not found:
            uow.employers.add(bakery)
            uow.flush()
        jobdev.log_visit(uow, bakery, specialist, at=NOW, seekers=[seeker], now=NOW)
        jobdev.add_fit_note(uow, seeker, bakery, author=specialist, overall="good")
        jobdev.record_job_start(
            uow, seeker, bakery, title="Baker", start_date=dt.date(2026, 11, 20)
        )
        uow.commit()


@pytest.fixture
def record(pg_url: str) -> Iterator[dict[str, Any]]:
    """Programs dane (A) and rock (B), each with a specialist, a job seeker, a visit to the
    shared employer, a fit note and a job."""
    db = Database(pg_url)
    with db.unit_of_work() as uow:
        dane = jobdev.add_program(uow, "dane", "Dane County IPS")
        rock = jobdev.add_program(uow, "rock", "Rock County IPS")
        uow.commit()
    _program_records(db, "dane", "ae", "P-2001")
    _program_records(db, "rock", "bx", "P-3001")
    yield {"db": db, "url": pg_url, "dane": dane.id, "rock": rock.id}
    db.dispose()


def _counts_by_program(connection: Any, table: str) -> dict[int, int]:
    if table == "visit_seekers":
        statement = (
            "SELECT v.program_id, count(*) FROM visit_seekers vs "
            "JOIN visits v ON v.id = vs.visit_id GROUP BY v.program_id"
        )
    else:
        statement = f"SELECT program_id, count(*) FROM {table} GROUP BY program_id"
    return dict(connection.execute(statement).fetchall())


def test_the_owner_unscoped_sees_both_programs(record: dict[str, Any]) -> None:
    with record["db"].unit_of_work() as uow:
        assert sorted(s.code for s in uow.seekers.list()) == ["P-2001", "P-3001"]
        assert {v.program_id for v in uow.visits.list()} == {record["dane"], record["rock"]}


def test_a_unit_of_work_scoped_to_a_program_reads_none_of_the_other(
    record: dict[str, Any],
) -> None:
    scoped = Database(record["url"], program="dane")
    try:
        with scoped.unit_of_work() as uow:
            assert [s.code for s in uow.seekers.list()] == ["P-2001"]
            assert uow.seekers.find_by_code("P-3001") is None
            assert {v.program_id for v in uow.visits.list()} == {record["dane"]}
            assert {n.program_id for n in uow.fit_notes.list()} == {record["dane"]}
            assert {j.program_id for j in uow.job_starts.list()} == {record["dane"]}
            assert [s.code for s in uow.specialists.list()] == ["ae"]
            # the employer is shared; its visits are each program's own
            [bakery] = uow.employers.list()
            assert [v.program_id for v in uow.visits.list() if v.employer_id == bakery.id] == [
                record["dane"]
            ]
            raw = uow.session.connection().exec_driver_sql  # plain SQL, same transaction
            for table in OWNED:
                seen = dict(_counts_by_program(_Exec(raw), table))
                assert set(seen) == {record["dane"]}, table
            uow.commit()
            # a new transaction in the same unit of work is scoped again
            assert [s.code for s in uow.seekers.list()] == ["P-2001"]
    finally:
        scoped.dispose()


class _Exec:
    """Run plain SQL on a SQLAlchemy connection like a psycopg one (``execute().fetchall()``)."""

    def __init__(self, run: Any) -> None:
        self.run = run

    def execute(self, statement: str) -> Any:
        return self.run(statement)


def test_a_scoped_unit_of_work_cannot_write_into_another_program(
    record: dict[str, Any],
) -> None:
    with record["db"].unit_of_work(program="dane") as uow:
        uow.specialists.add(
            jobdev.Specialist(code="cz", name="Casey Example", program_id=record["rock"])
        )
        with pytest.raises(ValidationError, match="row-level security"):
            uow.commit()
    with record["db"].unit_of_work() as uow:
        assert uow.specialists.find_by_code("cz") is None


@pytest.fixture
def role(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A login role granted to program dane with ``ips-jobdev db grant-program``."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    password = uuid.uuid4().hex
    result = CliRunner().invoke(
        main,
        ["--db", record["url"], "db", "grant-program", "dane", "--role", name, "--password-stdin"],
        input=password + "\n",
    )
    assert result.exit_code == 0, result.output
    assert f"Made role {name}: read access to program dane" in result.output
    url = make_url(record["url"]).set(username=name, password=password)
    yield {**record, "role": name, "password": password, "role_url": url}
    with record["db"].unit_of_work() as uow:
        assert jobdev.revoke_program(uow, name, drop_role=True)
        uow.commit()


def _psycopg(role: dict[str, Any]) -> psycopg.Connection[Any]:
    url = role["role_url"]
    return psycopg.connect(
        host=url.host,
        port=url.port,
        dbname=url.database,
        user=role["role"],
        password=role["password"],
        options=url.query["options"],
    )


def test_a_role_granted_to_a_program_reads_none_of_the_other_in_plain_sql(
    role: dict[str, Any],
) -> None:
    with _psycopg(role) as connection:
        for table in OWNED:
            assert set(_counts_by_program(connection, table)) == {role["dane"]}, table
        codes = [r[0] for r in connection.execute("SELECT code FROM job_seekers").fetchall()]
        assert codes == ["P-2001"]
        # the scope setting is the library's, not the role's: setting it changes nothing
        for sql in (
            f"SET ips_jobdev.program = '{role['rock']}'",
            f"SELECT set_config('ips_jobdev.program', '{role['rock']}', false)",
            "SET ips_jobdev.program = ''",
        ):
            connection.execute(sql)
            for table in OWNED:
                assert role["rock"] not in _counts_by_program(connection, table), (sql, table)
        # employers are shared
        assert connection.execute("SELECT count(*) FROM employers").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute(
                "UPDATE job_seekers SET name = 'x' WHERE program_id = %s", (role["rock"],)
            )


def test_a_writing_role_changes_its_program_only(role: dict[str, Any]) -> None:
    with role["db"].unit_of_work() as uow:
        jobdev.grant_program(uow, "dane", role["role"], write=True)
        uow.commit()
    with _psycopg(role) as connection:
        changed = connection.execute("UPDATE job_seekers SET name = 'Renamed'").rowcount
        assert changed == 1, "only program dane's job seeker"
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            connection.execute(
                "INSERT INTO specialists (code, name, timezone, weekly_contact_target, "
                "work_days, work_start, work_end, active, version, program_id) VALUES "
                "('zz', 'Z', 'America/Chicago', 6, 'mon', '08:00', '17:00', true, 1, %s)",
                (role["rock"],),
            )
    with role["db"].unit_of_work() as uow:
        assert uow.seekers.by_code("P-3001").name == "Person P-3001"


def test_the_library_connected_as_a_granted_role_sees_its_program(role: dict[str, Any]) -> None:
    as_role = Database(role["role_url"].render_as_string(hide_password=False))
    try:
        with as_role.unit_of_work() as uow:
            assert [s.code for s in uow.seekers.list()] == ["P-2001"]
            assert {v.program_id for v in uow.visits.list()} == {role["dane"]}
            assert [j.program_id for j in uow.job_starts.list()] == [role["dane"]]
            # a read-only role's views are audited, in its own program
            seeker = uow.seekers.by_code("P-2001")
            jobdev.record_access(uow, action="view", kind="job-seeker", record_id=seeker.id)
            uow.commit()
            [event] = [e for e in jobdev.audit_trail(uow).events if e.action == "view"]
            assert (event.program, event.record_id) == ("dane", seeker.id)
    finally:
        as_role.dispose()


def test_the_owner_and_a_program_already_granted_are_refused(role: dict[str, Any]) -> None:
    owner = make_url(role["url"]).username
    with role["db"].unit_of_work() as uow:
        with pytest.raises(ValidationError, match="owning the tables"):
            jobdev.grant_program(uow, "dane", str(owner))
        with pytest.raises(ValidationError, match="granted to another program"):
            jobdev.grant_program(uow, "rock", role["role"])
        with pytest.raises(ValidationError, match="not a role name"):
            jobdev.grant_program(uow, "dane", "Robert'); DROP TABLE x;--")


def test_sqlite_says_it_has_no_database_roles(sqlite_url: str) -> None:
    with Database(sqlite_url) as db, db.unit_of_work() as uow:
        jobdev.add_program(uow, "dane", "Dane County IPS")
        uow.commit()
        with pytest.raises(IpsJobdevError, match="needs PostgreSQL"):
            jobdev.grant_program(uow, "dane", "dane_reports")


def test_every_program_owned_table_has_forced_row_level_security(pg_url: str) -> None:
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity "
                    "FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace "
                    "AND c.relkind = 'r'"
                )
            ).all()
    finally:
        engine.dispose()
    protected = {name for name, enabled, forced in rows if enabled and forced}
    assert protected >= {
        "specialists",
        "job_seekers",
        "visits",
        "visit_seekers",
        "job_fit_notes",
        "job_starts",
        "program_goals",
        "feed_tokens",
        "client_submissions",
        "change_history",
        "employer_program_notes",
        "sync_state",
    }
    assert "employers" not in protected, "employers are shared"


# -- coordination: the shared employer -----------------------------------------------------


def test_each_program_is_warned_of_the_others_visit_without_its_job_seekers(
    record: dict[str, Any],
) -> None:
    for program, other, contact, hidden in (
        ("dane", "rock", "Specialist bx", "P-3001"),
        ("rock", "dane", "Specialist ae", "P-2001"),
    ):
        with record["db"].unit_of_work(program=program) as uow:
            [bakery] = uow.employers.list()
            assert bakery.id is not None
            notes = other_programs_at(uow, [bakery.id], around=NOW)[bakery.id]
            assert [(n.program_code, n.contact_name, n.planned) for n in notes] == [
                (other, contact, False)
            ]
            assert notes[0].text.startswith(f"{notes[0].program_name} ({other}) visited on 18 Nov")
            page = employer_overview(uow, bakery.id, now=NOW + dt.timedelta(days=1))
            assert [n.program_code for n in page.other_programs] == [other]
            shown = repr(page.other_programs) + " ".join(n.text for n in page.other_programs)
            assert hidden not in shown
            assert all(hidden not in line.seekers for line in page.history)
            # outside 30 days, no warning
            later = NOW + dt.timedelta(days=45)
            assert other_programs_at(uow, [bakery.id], around=later) == {}


def test_the_planner_warns_of_another_programs_visit(record: dict[str, Any]) -> None:
    with record["db"].unit_of_work(program="dane") as uow:
        plan = plan_week(uow, "ae", "2026-W49", today=dt.date(2026, 11, 30))
    [bakery] = [v for v in plan.visits if v.employer_name == "Example Bakery"]
    assert bakery.warnings == (
        "another program, Rock County IPS (rock) visited on 18 Nov; contact Specialist bx",
    )
    assert not any("P-3001" in w for w in plan.warnings)
