"""The audit trail, on SQLite and PostgreSQL: a view of a job seeker's record (through the
Python API and ``seekers show``), every export and every change are in it; it answers "who
looked at this person's record"; the database refuses to update or delete its rows (and the
change history's); state reviewers get counts without names. On PostgreSQL each program's
trail is its own."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev._store.audit import AuditRepository
from ips_jobdev._sync.export import export
from ips_jobdev.cli import main

SRC = Path(__file__).resolve().parents[2] / "src" / "ips_jobdev"
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
TODAY = dt.datetime.now(dt.UTC).date()


def _county(db: Database) -> int:
    with db.unit_of_work(actor="user:setup") as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example")
        uow.seekers.add(jobdev.JobSeeker(code="P-2001", name="Robin Example"))
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.flush()
        jobdev.log_visit(uow, bakery, "ae", at=NOW, seekers=["P-2001"], now=NOW)
        uow.commit()
        seeker_id = uow.seekers.by_code("P-2001").id
    assert seeker_id is not None
    return seeker_id


def test_who_looked_at_a_persons_record(db: Database, db_url: str) -> None:
    seeker_id = _county(db)
    with db.unit_of_work(actor="user:pat") as uow:
        jobdev.record_access(
            uow, action="view", kind="job-seeker", record_id=seeker_id, origin="web 192.0.2.7"
        )
        uow.commit()
    result = CliRunner().invoke(
        main, ["--db", db_url, "--as", "user:kim", "seekers", "show", "P-2001"]
    )
    assert result.exit_code == 0, result.output
    with db.unit_of_work() as uow:
        trail = jobdev.audit_trail(uow, since=TODAY, until=TODAY, seeker="P-2001")
    views = [(e.actor, e.origin) for e in trail.events if e.action == "view"]
    assert views == [("user:pat", "web 192.0.2.7"), ("user:kim", "cli")]
    assert ("user:setup", "change:created") in {(e.actor, e.action) for e in trail.events}
    assert all(e.kind in ("job-seeker", "fit-note", "job-start") for e in trail.events)
    [program] = {e.program for e in trail.events}
    assert program == "default"

    document = json.loads(
        CliRunner()
        .invoke(
            main, ["--db", db_url, "audit", "--seeker", "P-2001", "--from", str(TODAY), "--json"]
        )
        .stdout
    )
    assert list(document) == ["program", "from", "to", "seeker", "events"]
    assert list(document["events"][0]) == [
        "at", "actor", "action", "kind", "record_id", "program", "origin", "detail",
    ]  # fmt: skip
    assert [e["actor"] for e in document["events"] if e["action"] == "view"] == [
        "user:pat",
        "user:kim",
    ]


def test_every_export_is_in_the_trail(db: Database, tmp_path: Path) -> None:
    _county(db)
    with db.unit_of_work(actor="user:pat") as uow:
        report = export(uow, "ics", options={"out": tmp_path / "visits.ics"})
        assert report.sent >= 1
        trail = jobdev.audit_trail(uow, since=TODAY)
    [event] = [e for e in trail.events if e.action == "export"]
    assert event.actor == "user:pat"
    assert event.detail is not None
    assert (event.detail["adapter"], event.detail["sent"]) == ("ics", report.sent)


def test_the_database_refuses_to_change_or_delete_audit_or_history_rows(
    db: Database,
) -> None:
    seeker_id = _county(db)
    with db.unit_of_work() as uow:
        jobdev.record_access(uow, action="view", kind="job-seeker", record_id=seeker_id)
        uow.commit()
    for table in ("audit_events", "change_history"):
        for statement in (f"UPDATE {table} SET actor = 'someone else'", f"DELETE FROM {table}"):
            with db.engine.connect() as connection, pytest.raises(sa.exc.DBAPIError) as caught:
                connection.execute(sa.text(statement))
            assert "append-only" in str(caught.value), statement
    with db.unit_of_work() as uow:
        assert any(e.action == "view" for e in jobdev.audit_trail(uow, since=TODAY).events)


def test_the_library_has_no_statement_that_changes_audit_rows() -> None:
    writers = [n for n in vars(AuditRepository) if re.match(r"(update|delete|remove|save)", n)]
    assert writers == []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"sa\.(update|delete)\(tables\.audit_events", text), path


def test_state_reviewers_get_counts_without_names(db: Database) -> None:
    seeker_id = _county(db)
    with db.unit_of_work(actor="user:pat") as uow:
        for _ in range(3):
            jobdev.record_access(uow, action="view", kind="job-seeker", record_id=seeker_id)
        uow.commit()
        counts = jobdev.audit_summary(uow, since=TODAY)
    assert jobdev.AuditCount("default", "view", "job-seeker", 3) in counts
    text = repr(counts)
    for secret in ("user:pat", "Robin", "P-2001"):
        assert secret not in text


def test_each_programs_trail_is_its_own_on_postgresql(pg_url: str) -> None:
    db = Database(pg_url)
    try:
        with db.unit_of_work() as uow:
            jobdev.add_program(uow, "dane", "Dane County IPS")
            jobdev.add_program(uow, "rock", "Rock County IPS")
            uow.commit()
        ids: dict[str, Any] = {}
        for program, seeker in (("dane", "P-2001"), ("rock", "P-3001")):
            with db.unit_of_work(program=program, actor=f"user:{program}") as uow:
                uow.seekers.add(jobdev.JobSeeker(code=seeker))
                uow.flush()
                ids[program] = uow.seekers.by_code(seeker).id
                jobdev.record_access(uow, action="view", kind="job-seeker", record_id=ids[program])
                uow.commit()
        with db.unit_of_work(program="dane") as uow:
            trail = jobdev.audit_trail(uow, since=TODAY)
            about_people = [e for e in trail.events if e.kind == "job-seeker"]
            assert {(e.program, e.record_id) for e in about_people} == {("dane", ids["dane"])}
            assert {e.actor for e in about_people} == {"user:dane"}
            assert {e.action for e in about_people} == {"view", "change:created"}
    finally:
        db.dispose()
