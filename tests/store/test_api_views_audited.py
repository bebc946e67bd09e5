"""Views through the Python API are in the audit trail, on SQLite and PostgreSQL: a county's
own script that loads a job seeker (by code, in a list, on a caseload, through their fit
notes or job starts) leaves a ``view`` row naming the actor, the time and the origin, even
from a read-only unit of work that never commits and after a rollback; once per job seeker
per unit of work; plans, exports and reports read without a row per person; the command
line's views say ``cli``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev.adapters import (
    Adapter,
    Audience,
    Capabilities,
    ExportBatch,
    ExportResult,
    RecordKind,
)
from ips_jobdev.cli import main

NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


def _county(db: Database, seekers: int = 3) -> None:
    with db.unit_of_work(actor="user:setup") as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example", office_zip="53703")
        ae = uow.specialists.by_code("ae")
        for n in range(seekers):
            uow.seekers.add(
                jobdev.JobSeeker(
                    code=f"P-{2001 + n}",
                    name=f"Robin Example {n}",
                    specialist_id=ae.id,
                    status="searching",
                    ips_start=dt.date(2026, 10, 1),
                )
            )
        bakery = uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703"))
        uow.flush()
        jobdev.log_visit(uow, bakery, "ae", at=NOW, seekers=["P-2001"], now=NOW)
        uow.commit()


def _views(db: Database, code: str = "P-2001") -> list[jobdev.AuditEvent]:
    with db.unit_of_work(actor="user:auditor") as uow:
        trail = jobdev.audit_trail(uow, seeker=code)
    return [e for e in trail.events if e.action == "view"]


def _all_views(db: Database) -> list[jobdev.AuditEvent]:
    with db.unit_of_work(actor="user:auditor") as uow:
        return [e for e in jobdev.audit_trail(uow).events if e.action == "view"]


def test_a_script_reading_a_seeker_by_code_is_in_the_trail(db: Database, db_url: str) -> None:
    _county(db)
    assert _all_views(db) == [], "adding records and reading them back is no view"
    before = dt.datetime.now(dt.UTC)
    with db.unit_of_work(actor="user:county-report") as uow:
        assert uow.seekers.by_code("P-2001").name == "Robin Example 0"
        # a read-only unit of work: it never commits
    after = dt.datetime.now(dt.UTC)
    [view] = _views(db)
    assert (view.actor, view.origin, view.kind, view.program) == (
        "user:county-report",
        "api",
        "job-seeker",
        "default",
    )
    assert before <= view.at <= after

    result = CliRunner().invoke(main, ["--db", db_url, "audit", "--seeker", "P-2001", "--json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    views = [(e["actor"], e["origin"]) for e in events if e["action"] == "view"]
    assert views == [("user:county-report", "api")]
    assert _views(db, "P-2002") == [], "the audit command itself views no one"


def test_every_way_of_loading_a_seeker_is_one_view_per_unit_of_work(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="user:a", origin="county tool") as uow:
        seeker = uow.seekers.by_code("P-2001")
        uow.seekers.get(seeker.id)
        list(uow.seekers.list())
        list(uow.seekers.on_caseload(seeker.specialist_id))
    with db.unit_of_work(actor="user:b") as uow:
        caseload = jobdev.specialist_caseload(uow, "ae")
        assert len(caseload.seekers) == 3
    by_person = sorted((e.record_id, e.actor, e.origin) for e in _all_views(db))
    ids = sorted({e.record_id for e in _all_views(db)})
    assert len(ids) == 3
    assert by_person == sorted(
        [(i, "user:a", "county tool") for i in ids] + [(i, "user:b", "api") for i in ids]
    )


def test_fit_notes_and_job_starts_are_views_of_their_seeker(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="user:setup") as uow:
        seeker = uow.seekers.by_code("P-2002")
        employer = uow.employers.list()[0]
        assert seeker.id is not None
        assert employer.id is not None
        uow.job_starts.add(
            jobdev.JobStart(
                seeker_id=seeker.id,
                employer_id=employer.id,
                title="Baker",
                start_date=dt.date(2026, 11, 2),
            )
        )
        uow.commit()
    first = len(_views(db, "P-2002"))  # the setup loaded P-2002 by code
    with db.unit_of_work(actor="user:jobs") as uow:
        assert [j.title for j in uow.job_starts.list()] == ["Baker"]
    views = _views(db, "P-2002")
    assert len(views) == first + 1
    assert (views[-1].actor, views[-1].kind) == ("user:jobs", "job-seeker")


def test_views_survive_a_rollback_and_are_written_with_a_commit(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="user:editor") as uow:
        seeker = uow.seekers.by_code("P-2001")
        seeker.name = "Changed My Mind"
        uow.flush()
        uow.rollback()
    assert [e.actor for e in _views(db)] == ["user:editor"]
    with db.unit_of_work() as uow:
        assert uow.seekers.by_code("P-2001").name == "Robin Example 0"

    with db.unit_of_work(actor="user:writer") as uow:
        uow.seekers.by_code("P-2003").notes = "called back"
        uow.commit()
        # committed with the change; loading them again in this unit of work adds nothing
        uow.seekers.by_code("P-2003")
    assert [e.actor for e in _views(db, "P-2003")] == ["user:writer"]


def test_a_failing_block_still_records_what_it_read(db: Database) -> None:
    _county(db)

    def script() -> None:
        with db.unit_of_work(actor="user:crash") as uow:
            uow.seekers.by_code("P-2001")
            raise RuntimeError("the script failed after reading")

    with pytest.raises(RuntimeError, match="failed after reading"):
        script()
    assert [e.actor for e in _views(db)] == ["user:crash"]


def test_bulk_work_reads_without_a_row_per_person(db: Database, tmp_path: Path) -> None:
    _county(db)
    with db.unit_of_work(actor="user:planner") as uow:
        plan = jobdev.plan_week(uow, "ae", "2026-W49", today=dt.date(2026, 11, 27))
        assert plan.visits or plan.unplanned
    assert _all_views(db) == [], "plan_week"
    with db.unit_of_work(actor="user:planner") as uow:
        report = jobdev.fidelity_report(uow, start=dt.date(2026, 10, 1), end=dt.date(2026, 11, 30))
        assert report.specialists
    assert _all_views(db) == [], "fidelity_report"
    with db.unit_of_work(actor="user:planner") as uow:
        sent = jobdev.export(uow, "ics", options={"out": tmp_path / "visits.ics"})
        assert sent.sent >= 1
        with uow.views_unaudited():
            assert len(uow.seekers.list()) == 3
    assert _all_views(db) == [], "export, views_unaudited"
    with db.unit_of_work(actor="user:planner") as uow:
        actions = [e.action for e in jobdev.audit_trail(uow).events if e.actor == "user:planner"]
    assert actions == ["export"], "the export is one row, with the unit of work's actor"


class _ReadsTheStore(Adapter):
    """An adapter that looks job seekers up in the record while it sends (in the thread the
    export hands its batches to)."""

    name = "reads-the-store"
    audience = Audience.TEAM
    record_kinds = frozenset({RecordKind.VISIT})
    capabilities = Capabilities()

    def __init__(self, database: Database) -> None:
        self.database = database
        self.names: list[str] = []

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        with self.database.unit_of_work(actor="user:adapter") as uow:
            self.names.extend(s.display_name for s in uow.seekers.list())
        return [change.created(f"R{change.local_id}") for change in batch.changes]


def test_an_adapter_reading_the_record_during_an_export_is_part_of_the_export(
    db: Database,
) -> None:
    # on SQLite its views would wait for the export's write lock; they are the export's reads
    _county(db)
    adapter = _ReadsTheStore(db)
    with db.unit_of_work(actor="user:planner") as uow:
        report = jobdev.export(uow, adapter, target="memory", environ={})
    assert report.ok, report.failures
    assert report.sent == 1
    assert len(adapter.names) == 3
    assert _all_views(db) == []
    with db.unit_of_work(actor="user:after") as uow:
        assert len(uow.seekers.list()) == 3
    assert [e.actor for e in _all_views(db)] == ["user:after"] * 3, "outside an export: views"


def test_the_command_line_says_cli(db: Database, db_url: str) -> None:
    _county(db)
    runner = CliRunner()
    listed = runner.invoke(main, ["--db", db_url, "--as", "user:kim", "seekers", "list"])
    assert listed.exit_code == 0, listed.output
    shown = runner.invoke(main, ["--db", db_url, "--as", "user:kim", "seekers", "show", "P-2001"])
    assert shown.exit_code == 0, shown.output
    views = _views(db)
    assert [(e.actor, e.origin) for e in views] == [("user:kim", "cli"), ("user:kim", "cli")]
    assert len(_all_views(db)) == 3 + 1, "the list shows three people, the page one"


def test_an_explicit_view_and_the_load_make_one_row(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="user:pat", origin="kiosk") as uow:
        seeker = uow.seekers.by_code("P-2001")
        jobdev.record_access(uow, action="view", kind="job-seeker", record_id=seeker.id)
        uow.seekers.get(seeker.id)
        uow.commit()
    assert [(e.actor, e.origin) for e in _views(db)] == [("user:pat", "kiosk")]


@pytest.mark.postgres
def test_a_scoped_unit_of_work_writes_views_in_its_program(pg_url: str) -> None:
    db = Database(pg_url)
    try:
        with db.unit_of_work() as uow:
            jobdev.add_program(uow, "dane", "Dane County IPS")
            jobdev.add_program(uow, "rock", "Rock County IPS")
            uow.commit()
        for program, code in (("dane", "P-2001"), ("rock", "P-3001")):
            with db.unit_of_work(program=program) as uow:
                uow.seekers.add(jobdev.JobSeeker(code=code))
                uow.commit()
        with db.unit_of_work(program="dane", actor="user:dane") as uow:
            assert [s.code for s in uow.seekers.list()] == ["P-2001"]
        with db.unit_of_work(program="rock", actor="user:rock") as uow:
            assert [s.code for s in uow.seekers.list()] == ["P-3001"]
        with db.unit_of_work() as uow:
            views = [e for e in jobdev.audit_trail(uow).events if e.action == "view"]
        assert sorted((e.program, e.actor) for e in views) == [
            ("dane", "user:dane"),
            ("rock", "user:rock"),
        ]
    finally:
        db.dispose()
