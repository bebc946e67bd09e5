"""What stays each program's own on one database: an employer's notes (the registry is
shared, the relationship is not), specialists' and job seekers' codes (unique per program),
and the sync state of exports; and a program's database role never touches the accounts.

On SQLite (one program) the public face is unchanged: ``employer.notes``, ``employers edit
--notes``, the import's ``notes`` column and ``--json`` keep working as before.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import make_url

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev._store import tables
from ips_jobdev._sync.export import export
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    Capabilities,
    ChangeKind,
    ExportBatch,
    ExportResult,
    RecordKind,
)
from ips_jobdev.cli import main
from ips_jobdev.errors import ValidationError

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


def _notes_rows(db: Database) -> list[tuple[int, int, str]]:
    """(employer id, program id, notes) of every row, read by the owner, unscoped."""
    with db.unit_of_work() as uow:
        c = tables.employer_program_notes.c
        statement = sa.select(c.employer_id, c.program_id, c.notes).order_by(c.id)
        return [tuple(row) for row in uow.session.execute(statement)]  # type: ignore[misc]


# -- one program: the public face is unchanged -------------------------------------------------


def test_an_employers_notes_read_write_and_clear_as_before(db: Database) -> None:
    with db.unit_of_work() as uow:
        bakery = jobdev.add_employer(uow, "Example Bakery", {"zip": "53703", "notes": "Ask Pat"})
        uow.commit()
        bakery_id = bakery.id
        assert bakery_id is not None
    with db.unit_of_work() as uow:
        found = uow.employers.get(bakery_id)
        assert found.notes == "Ask Pat"
        jobdev.edit_employer(uow, found, {"notes": "Ask Sam, mornings"})
        uow.commit()
    with db.unit_of_work() as uow:
        [program] = uow.programs.list()
        assert uow.employers.get(bakery_id).notes == "Ask Sam, mornings"
    assert _notes_rows(db) == [(bakery_id, program.id, "Ask Sam, mornings")]
    with db.unit_of_work() as uow:
        jobdev.edit_employer(uow, bakery_id, {"notes": None})
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.employers.get(bakery_id).notes is None
    assert _notes_rows(db) == []


def test_notes_changes_are_history_of_the_program_not_of_the_shared_employer(
    db: Database,
) -> None:
    with db.unit_of_work() as uow:
        bakery = jobdev.add_employer(uow, "Example Bakery", {"notes": "Ask Pat"})
        uow.commit()
        jobdev.edit_employer(uow, bakery, {"notes": "Ask Sam", "website": "bakery.example.org"})
        uow.commit()
        [program] = uow.programs.list()
        c = tables.change_history.c
        rows = uow.session.execute(
            sa.select(c.action, c.program_id, c.before, c.after)
            .where(c.record_kind == "employer")
            .order_by(c.id)
        ).all()
    shared = [r for r in rows if r.program_id is None]
    mine = [r for r in rows if r.program_id == program.id]
    assert [r.action for r in shared] == ["created", "updated"]
    assert all("notes" not in (r.after or {}) for r in shared)
    assert "website" in shared[1].after
    assert [(r.before, r.after) for r in mine] == [
        ({"notes": None}, {"notes": "Ask Pat"}),
        ({"notes": "Ask Pat"}, {"notes": "Ask Sam"}),
    ]
    with db.unit_of_work() as uow:
        entries = uow.history.for_records("employer", [bakery.id])
        assert [e.after.get("notes") for e in entries if e.after and "notes" in e.after] == [
            "Ask Pat",
            "Ask Sam",
        ]


def test_notes_changed_together_are_history_in_the_order_of_their_employers(
    db: Database,
) -> None:
    # one flush changing many employers' notes: the same history, ids and all, every run
    with db.unit_of_work() as uow:
        ids = [jobdev.add_employer(uow, f"Example Shop {n}", {}).id for n in range(40)]
        uow.commit()
        for employer in [uow.employers.get(i) for i in reversed(ids)]:
            employer.notes = f"Ask for the manager of shop {employer.id}"
        uow.commit()
        c = tables.change_history.c
        noted = uow.session.execute(
            sa.select(c.record_id)
            .where(c.record_kind == "employer", c.program_id.is_not(None))
            .order_by(c.id)
        ).scalars()
        assert list(noted) == sorted(ids)


def test_the_cli_and_the_import_keep_their_notes_column_and_json_key(
    db_url: str, tmp_path: Path
) -> None:
    source = tmp_path / "employers.csv"
    source.write_text("name,zip,notes\nExample Bakery,53703,Ask for Pat\nExample Hardware,53704,\n")
    runner = CliRunner()
    base = ["--db", db_url]
    result = runner.invoke(main, [*base, "employers", "import", str(source), "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, [*base, "employers", "show", "Example Bakery", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["employer"]["notes"] == "Ask for Pat"
    result = runner.invoke(
        main, [*base, "employers", "edit", "Example Bakery", "--notes", "Mornings", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["employer"]["notes"] == "Mornings"
    # a second import updates the program's notes of a stored employer
    source.write_text("name,zip,notes\nExample Hardware,53704,Side door\n")
    result = runner.invoke(
        main, [*base, "employers", "import", str(source), "--on-duplicate", "update", "--json"]
    )
    assert result.exit_code == 0, result.output
    with Database(db_url) as db, db.unit_of_work() as uow:
        assert uow.employers.find_by_name("Example Hardware")[0].notes == "Side door"
        assert uow.employers.find_by_name("Example Bakery")[0].notes == "Mornings"


def test_merging_employers_joins_their_notes(db: Database) -> None:
    with db.unit_of_work() as uow:
        kept = jobdev.add_employer(uow, "Example Bakery", {"notes": "Ask Pat"})
        away = jobdev.add_employer(
            uow, "Example Bakery Inc", {"notes": "Side door"}, allow_duplicate=True
        )
        uow.commit()
        jobdev.merge_employers(uow, kept, away)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.employers.get(kept.id).notes == "Ask Pat\n\nSide door"
    assert [(e, n) for e, _, n in _notes_rows(db)] == [(kept.id, "Ask Pat\n\nSide door")]


# -- two programs (PostgreSQL) ----------------------------------------------------------------


@pytest.fixture
def two(pg_url: str) -> Iterator[dict[str, Any]]:
    """Programs dane and rock on one database, with one shared employer."""
    db = Database(pg_url)
    with db.unit_of_work() as uow:
        dane = jobdev.add_program(uow, "dane", "Dane County IPS")
        rock = jobdev.add_program(uow, "rock", "Rock County IPS")
        bakery = jobdev.Employer(name="Example Bakery", zip="53703")
        uow.employers.add(bakery)
        uow.commit()
    yield {"db": db, "url": pg_url, "dane": dane.id, "rock": rock.id, "bakery": bakery.id}
    db.dispose()


def _set_notes(db: Database, program: str | None, employer_id: int, notes: str | None) -> None:
    with db.unit_of_work(program=program) as uow:
        uow.employers.get(employer_id).notes = notes
        uow.commit()


def _notes(db: Database, program: str | None, employer_id: int) -> str | None:
    with db.unit_of_work(program=program) as uow:
        return uow.employers.get(employer_id).notes


def test_each_program_sees_and_writes_its_own_notes_of_a_shared_employer(
    two: dict[str, Any],
) -> None:
    db, bakery = two["db"], two["bakery"]
    _set_notes(db, "dane", bakery, "Dane: ask for Pat")
    assert _notes(db, "rock", bakery) is None, "rock does not see dane's notes"
    _set_notes(db, "rock", bakery, "Rock: side door")
    assert _notes(db, "dane", bakery) == "Dane: ask for Pat"
    assert _notes(db, "rock", bakery) == "Rock: side door"
    # the employer itself stays shared: both see its one row, whose version moved with
    # each program's notes (optimistic locking covers them)
    with db.unit_of_work(program="rock") as uow:
        assert uow.employers.get(bakery).version == 3
        # rock's history of the shared employer holds rock's notes only
        entries = uow.history.for_records("employer", [bakery])
        noted = [e.after["notes"] for e in entries if e.after and "notes" in e.after]
        assert noted == ["Rock: side door"]
    # unscoped, on several programs, nothing says whose notes these are
    assert _notes(db, None, bakery) is None
    with pytest.raises(ValidationError, match="several programs"):
        _set_notes(db, None, bakery, "whose?")
    assert sorted(n for _, _, n in _notes_rows(db)) == ["Dane: ask for Pat", "Rock: side door"]


def test_merging_in_one_program_keeps_every_programs_notes(two: dict[str, Any]) -> None:
    db, bakery = two["db"], two["bakery"]
    with db.unit_of_work() as uow:
        twin = jobdev.Employer(name="Example Bakery Inc", zip="53703")
        uow.employers.add(twin)
        uow.commit()
    _set_notes(db, "dane", twin.id, "Dane about the twin")
    _set_notes(db, "rock", twin.id, "Rock about the twin")
    _set_notes(db, "rock", bakery, "Rock about the bakery")
    with db.unit_of_work(program="dane") as uow:
        jobdev.merge_employers(uow, bakery, twin.id)
        uow.commit()
    assert _notes(db, "dane", bakery) == "Dane about the twin"
    assert _notes(db, "rock", bakery) == "Rock about the bakery\n\nRock about the twin"
    assert {e for e, _, _ in _notes_rows(db)} == {bakery}


def test_codes_are_unique_per_program_and_looked_up_in_the_scope(two: dict[str, Any]) -> None:
    db = two["db"]
    for program in ("dane", "rock"):
        with db.unit_of_work(program=program) as uow:
            jobdev.add_specialist(uow, "ae", f"Alex of {program}")
            uow.seekers.add(jobdev.JobSeeker(code="P-1001", name=f"Person of {program}"))
            uow.commit()  # no uniqueness error tells one program the other holds the code
    for program in ("dane", "rock"):
        with db.unit_of_work(program=program) as uow:
            assert uow.specialists.by_code("ae").name == f"Alex of {program}"
            assert uow.seekers.by_code("p-1001").name == f"Person of {program}"
            with pytest.raises(ValidationError, match="already exists"):
                jobdev.add_specialist(uow, "AE", "Again")
    with db.unit_of_work() as uow:
        with pytest.raises(ValidationError, match="several programs"):
            uow.seekers.by_code("P-1001")
        assert uow.seekers.by_code("P-1001", program_id=two["rock"]).name == "Person of rock"
        uow.seekers.add(
            jobdev.JobSeeker(code="P-1001", name="Twice in dane", program_id=two["dane"])
        )
        with pytest.raises(jobdev.errors.IpsJobdevError):
            uow.commit()


class _Recorder(Adapter):
    """Keeps what arrived, as a remote end would."""

    name = "recorder"
    audience = Audience.EMPLOYER_FACING
    record_kinds = frozenset({RecordKind.EMPLOYER, RecordKind.VISIT})
    capabilities = Capabilities(deletes=True)
    options = ()

    def __init__(self) -> None:
        self.remote: dict[str, Any] = {}

    def open(self, options: Any, target: str) -> None:
        pass

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        results = []
        for change in batch.changes:
            if change.kind in (ChangeKind.CANCEL, ChangeKind.DELETE):
                self.remote.pop(change.key, None)
                results.append(change.deleted())
            else:
                self.remote[change.key] = change.record
                made = change.kind is ChangeKind.CREATE
                remote_id = f"R{change.local_id}"
                results.append(change.created(remote_id) if made else change.updated(remote_id))
        return results


def _visit(db: Database, program: str, specialist: str, employer_id: int) -> None:
    with db.unit_of_work(program=program) as uow:
        jobdev.add_specialist(uow, specialist, f"Specialist {specialist}")
        jobdev.log_visit(uow, employer_id, specialist, at=NOW, now=NOW)
        uow.commit()


def _export(db: Database, program: str | None, adapter: Adapter) -> Any:
    with db.unit_of_work(program=program) as uow:
        return export(uow, adapter, target="crm", options={}, environ={})


def test_each_programs_exports_keep_their_own_sync_state(two: dict[str, Any]) -> None:
    db, bakery = two["db"], two["bakery"]
    _visit(db, "dane", "ae", bakery)
    _visit(db, "rock", "bx", bakery)
    dane_end, rock_end = _Recorder(), _Recorder()
    first = _export(db, "dane", dane_end)
    assert first.counts == {"created": 2}, "the shared employer and dane's visit"
    # rock's first export to the same target sends the shared employer again: dane's
    # state is not rock's
    assert _export(db, "rock", rock_end).counts == {"created": 2}
    assert _export(db, "dane", dane_end).sent == 0
    assert _export(db, "rock", rock_end).sent == 0
    with db.unit_of_work() as uow:
        c = tables.sync_state.c
        rows = uow.session.execute(
            sa.select(c.program_id, c.record_kind).order_by(c.program_id, c.record_kind)
        ).all()
    assert [tuple(r) for r in rows] == [
        (two["dane"], "employer"),
        (two["dane"], "visit"),
        (two["rock"], "employer"),
        (two["rock"], "visit"),
    ]
    with db.unit_of_work(program="rock") as uow:
        assert {r.program_id for r in uow.session.execute(sa.select(tables.sync_state))} == {
            two["rock"]
        }
    with pytest.raises(ValidationError, match="several programs"):
        _export(db, None, _Recorder())


def test_an_export_of_the_only_program_writes_its_rows(db: Database) -> None:
    with db.unit_of_work() as uow:
        bakery = jobdev.add_employer(uow, "Example Bakery")
        uow.commit()
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example")
        jobdev.log_visit(uow, bakery, "ae", at=NOW, now=NOW)
        uow.commit()
        [program] = uow.programs.list()
    end = _Recorder()
    assert _export(db, None, end).counts == {"created": 2}
    assert _export(db, None, end).sent == 0
    with db.unit_of_work() as uow:
        found = uow.session.execute(sa.select(tables.sync_state.c.program_id)).scalars().all()
    assert found == [program.id, program.id]


# -- a program's database role ------------------------------------------------------------------


@pytest.fixture
def granted(two: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """A login role granted to dane (written to with ``write``, see the test)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    password = uuid.uuid4().hex
    with two["db"].unit_of_work() as uow:
        jobdev.grant_program(uow, "dane", name, password=password)
        uow.commit()
    url = make_url(two["url"])
    yield {**two, "role": name, "password": password, "role_url": url}
    with two["db"].unit_of_work() as uow:
        jobdev.revoke_program(uow, name, drop_role=True)
        uow.commit()


def _connect(granted: dict[str, Any]) -> psycopg.Connection[Any]:
    url = granted["role_url"]
    return psycopg.connect(
        host=url.host,
        port=url.port,
        dbname=url.database,
        user=granted["role"],
        password=granted["password"],
        options=url.query["options"],
    )


def test_granting_again_takes_back_what_an_older_grant_gave_on_users(
    granted: dict[str, Any],
) -> None:
    with granted["db"].unit_of_work() as uow:
        uow.session.execute(sa.text(f"GRANT SELECT ON users TO {granted['role']}"))
        uow.commit()
    with granted["db"].unit_of_work() as uow:
        jobdev.grant_program(uow, "dane", granted["role"])
        uow.commit()
    with (
        _connect(granted) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="users"),
    ):
        connection.execute("SELECT count(*) FROM users")


@pytest.mark.parametrize("table", ["users", "web_sessions"])
@pytest.mark.parametrize("write", [False, True], ids=["read-only", "writing"])
def test_a_granted_role_cannot_select_from_accounts_or_sessions(
    granted: dict[str, Any], write: bool, table: str
) -> None:
    if write:
        with granted["db"].unit_of_work() as uow:
            jobdev.grant_program(uow, "dane", granted["role"], write=True)
            uow.commit()
    with (
        _connect(granted) as connection,
        pytest.raises(psycopg.errors.InsufficientPrivilege, match=table),
    ):
        connection.execute(f"SELECT count(*) FROM {table}")
    with _connect(granted) as connection:
        privileges = connection.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = %s AND grantee = current_user",
            (table,),
        ).fetchall()
        assert privileges == []


def test_a_granted_role_reads_its_programs_notes_and_sync_state_only(
    granted: dict[str, Any],
) -> None:
    db, bakery = granted["db"], granted["bakery"]
    _set_notes(db, "dane", bakery, "Dane: ask for Pat")
    _set_notes(db, "rock", bakery, "Rock: side door")
    _visit(db, "dane", "ae", bakery)
    _visit(db, "rock", "bx", bakery)
    _export(db, "dane", _Recorder())
    _export(db, "rock", _Recorder())
    with _connect(granted) as connection:
        notes = connection.execute("SELECT program_id, notes FROM employer_program_notes")
        assert notes.fetchall() == [(granted["dane"], "Dane: ask for Pat")]
        state = connection.execute("SELECT DISTINCT program_id FROM sync_state").fetchall()
        assert state == [(granted["dane"],)]
        # the owner's function that moves every program's notes is not the role's to run
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("SELECT ips_jobdev_move_employer_notes(1, 2, NULL)")
