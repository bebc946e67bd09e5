"""The change history, on SQLite and PostgreSQL: every write of the library is recorded in
one place (a use case, an import, the planner, a reassignment, a plain change through the
Python API), with who, when, the record, the values before and after, the operation and
the reason; nothing is recorded for a change rolled back; rows are only ever appended; the
history never reaches an adapter."""

from __future__ import annotations

import datetime as dt
import getpass
import io
import json
import re
from pathlib import Path

import attrs

import ips_jobdev as jobdev
from ips_jobdev import Database
from ips_jobdev._store.history import HistoryRepository

SRC = Path(__file__).resolve().parents[2] / "src" / "ips_jobdev"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)


def _county(db: Database) -> None:
    with db.unit_of_work(actor="setup") as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example", office_zip="53703")
        jobdev.add_specialist(uow, "bx", "Blair Example", office_zip="53704")
        uow.employers.add(jobdev.Employer(name="Example Bakery", zip="53703", job_types=["baker"]))
        uow.seekers.add(
            jobdev.JobSeeker(
                code="J-1001",
                name="Robin Example",
                ips_start=dt.date(2026, 11, 2),
                preferences=jobdev.Preferences(job_types=["baker"], home_zip="53703"),
            )
        )
        uow.flush()
        uow.seekers.by_code("J-1001").specialist_id = uow.specialists.by_code("ae").id
        uow.commit()


def _rows(db: Database) -> list[jobdev.HistoryEntry]:
    with db.unit_of_work() as uow:
        return uow.history.latest(limit=10_000)


def test_a_plain_change_through_the_python_api_is_recorded_with_who_and_what(
    db: Database,
) -> None:
    _county(db)
    with db.unit_of_work(actor="county-intake-script") as uow:
        bakery = uow.employers.lookup("Example Bakery")
        bakery.phone = "608-555-0101"
        bakery.notes = "Ask for Pat"
        uow.commit()
    # the shared employer's row, and the program's row for its own notes (one batch)
    [entry, notes] = [r for r in _rows(db) if r.actor == "county-intake-script"]
    assert (entry.kind, entry.record_id, entry.action, entry.record_version) == (
        "employer",
        bakery.id,
        "updated",
        2,
    )
    assert entry.before == {"phone": None}
    assert entry.after == {"phone": "+16085550101"}
    assert (notes.kind, notes.record_id, notes.action, notes.batch) == (
        "employer",
        bakery.id,
        "updated",
        entry.batch,
    )
    assert (notes.before, notes.after) == ({"notes": None}, {"notes": "Ask for Pat"})
    assert entry.operation is None
    assert entry.reason is None
    assert NOW.year <= entry.changed_at.year
    assert entry.changed_at.tzinfo is not None


def test_created_rows_hold_every_field_and_the_default_actor_is_the_login(db: Database) -> None:
    with db.unit_of_work() as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example")
        uow.commit()
    [entry] = _rows(db)
    assert entry.actor == f"user:{getpass.getuser()}"
    assert entry.action == "created"
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["code"] == "ae"
    assert entry.after["work_start"] == "08:30:00"
    assert "version" not in entry.after, "bookkeeping columns are left out"


def test_a_job_seekers_preferences_are_recorded_field_by_field(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="specialist:ae") as uow:
        seeker = uow.seekers.by_code("J-1001")
        seeker.preferences = attrs.evolve(
            seeker.preferences, home_zip="53704", job_types=["baker", "cashier"]
        )
        uow.commit()
    entry = _rows(db)[-1]
    assert entry.kind == "job-seeker"
    assert entry.changes() == [
        ("preferences.home_zip", "53703", "53704"),
        ("preferences.job_types", ["baker"], ["baker", "cashier"]),
    ]


def test_a_rollback_records_nothing(db: Database) -> None:
    _county(db)
    before = len(_rows(db))
    with db.unit_of_work() as uow:
        uow.employers.lookup("Example Bakery").notes = "never saved"
        uow.flush()
        uow.rollback()
        uow.commit()
    with db.unit_of_work() as uow:
        uow.employers.lookup("Example Bakery").notes = "never committed"
        uow.flush()
    assert len(_rows(db)) == before


def test_one_commit_is_one_batch(db: Database) -> None:
    _county(db)
    with db.unit_of_work() as uow:
        bakery = uow.employers.lookup("Example Bakery")
        bakery.notes = "first"
        uow.flush()
        bakery.size = 12
        uow.commit()
        bakery.notes = "second"
        uow.commit()
    first, second, third = _rows(db)[-3:]
    assert first.batch == second.batch
    assert third.batch != first.batch


def test_an_import_records_each_created_and_updated_record(db: Database) -> None:
    with db.unit_of_work(actor="user:importer") as uow:
        report = jobdev.import_employers(uow, EXAMPLES / "employers.csv")
    assert report.ok
    employers = [r for r in _rows(db) if r.kind == "employer"]
    created = [r for r in employers if r.action == "created"]
    assert sorted(r.record_id for r in created) == sorted(r.record_id for r in report.rows)
    assert {(r.operation, r.actor) for r in employers} == {("import employers", "user:importer")}
    bakery = next(r for r in created if r.after and r.after["name"] == "Example Bakery")
    assert bakery.after is not None
    assert bakery.after["phone"].startswith("+1608555")
    assert "notes" not in bakery.after, "the notes are the program's, in a row of their own"
    [noted] = [r for r in employers if r.action == "updated" and r.record_id == bakery.record_id]
    assert (noted.before, noted.after) == (
        {"notes": None},
        {"notes": "Busy before 10 am; visit after 2 pm"},
    )
    people = [r for r in _rows(db) if r.kind == "person"]
    assert people
    assert {r.action for r in people} == {"created"}

    text = (EXAMPLES / "employers.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("Busy before 10 am; visit after 2 pm", "Pat moved to Monona")
    with db.unit_of_work(actor="user:importer") as uow:
        again = jobdev.import_employers(
            uow, io.BytesIO("\n".join(text).encode()), on_duplicate="update"
        )
    assert again.ok
    update = _rows(db)[-1]
    assert (update.kind, update.record_id, update.action, update.operation) == (
        "employer",
        bakery.record_id,
        "updated",
        "import employers",
    )
    assert update.before == {"notes": "Busy before 10 am; visit after 2 pm"}
    assert update.after == {"notes": "Pat moved to Monona"}


def test_bulk_visits_record_their_job_seekers_by_code(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.specialists.add(jobdev.Specialist(code="ab", name="Alex Example"))
        uow.commit()
    for function, name in [
        (jobdev.import_employers, "employers.csv"),
        (jobdev.import_seekers, "seekers.csv"),
        (jobdev.import_visits, "visits.csv"),
    ]:
        with db.unit_of_work() as uow:
            assert function(uow, EXAMPLES / name).ok
    visits = [r for r in _rows(db) if r.kind == "visit"]
    with db.unit_of_work() as uow:
        stored = {v.id: sorted(s.code for s in v.seekers) for v in uow.visits.list()}
    assert {r.record_id: (r.after or {})["seekers"] for r in visits} == stored
    assert any(stored.values()), "the example has visits for job seekers"


def test_the_planners_saves_and_a_reassignment_are_recorded(db: Database) -> None:
    _county(db)
    with db.unit_of_work(actor="specialist:ae") as uow:
        plan = jobdev.plan_week(uow, "ae", "2026-W49", today=dt.date(2026, 11, 27))
        saved = jobdev.save_plan(uow, plan)
        uow.commit()
    assert saved
    entries = {r.record_id: r for r in _rows(db) if r.kind == "visit"}
    assert {(entries[v.id].action, entries[v.id].operation) for v in saved} == {  # type: ignore[index]
        ("created", "save plan")
    }
    with db.unit_of_work(actor="supervisor") as uow:
        jobdev.reassign_caseload(uow, "ae", "bx", now=NOW, reason="ae moved to the east office")
        uow.commit()
    moved = [r for r in _rows(db) if r.actor == "supervisor"]
    with db.unit_of_work() as uow:
        ae, bx = uow.specialists.by_code("ae").id, uow.specialists.by_code("bx").id
    assert {(r.kind, r.operation, r.reason) for r in moved} == {
        ("job-seeker", "reassign caseload", "ae moved to the east office"),
        ("visit", "reassign caseload", "ae moved to the east office"),
    }
    assert all(
        r.before == {"specialist_id": ae} and r.after == {"specialist_id": bx} for r in moved
    )


def test_a_deleted_record_keeps_its_history(db: Database) -> None:
    _county(db)
    with db.unit_of_work() as uow:
        cafe = uow.employers.add(jobdev.Employer(name="Example Cafe"))
        uow.commit()
        uow.employers.delete(cafe)
        uow.commit()
    with db.unit_of_work() as uow:
        found = jobdev.record_history(uow, "employer", f"#{cafe.id}")
    assert not found.exists
    assert found.label == "Example Cafe"
    assert [e.action for e in found.entries] == ["created", "deleted"]
    assert found.entries[-1].before is not None
    assert found.entries[-1].before["name"] == "Example Cafe"


def test_no_statement_of_the_library_updates_or_deletes_history_rows() -> None:
    """The history is append-only: the repository only reads, and no module of the library
    writes to the table except by INSERT (in the store's history module)."""
    writers = [
        n for n in vars(HistoryRepository) if re.match(r"(add|update|delete|remove|save)", n)
    ]
    assert writers == []
    mentions = {
        path.relative_to(SRC).as_posix()
        for path in SRC.rglob("*.py")
        # the table by its name or as ``tables.change_history`` (not a revision id)
        if re.search(r"[\"']change_history[\"']|\.change_history\b", path.read_text("utf-8"))
    }
    assert mentions == {
        "_store/tables.py",
        "_store/history.py",
        "_store/migrations/versions/0004_change_history.py",
        # adds the program column, and files the rows written before it under the
        # default program (job seekers' history must not be readable by other programs)
        "_store/migrations/versions/0008_programs.py",
        # row-level security on it, and a trigger refusing UPDATE and DELETE
        "_store/migrations/versions/0009_program_boundaries.py",
        "_store/migrations/versions/0010_audit.py",
        # the same policy, asking who is asking once per statement
        "_store/migrations/versions/0016_page_speed.py",
        # grants to program roles (INSERT and SELECT only); the audit trail reads it
        "_store/programs.py",
        "_store/audit.py",
    }
    source = (SRC / "_store" / "history.py").read_text(encoding="utf-8")
    assert "sa.insert(tables.change_history)" in source
    assert not re.search(r"sa\.(update|delete)\(tables\.change_history", source)
    assert "ondelete" not in re.search(
        r"change_history = sa\.Table\((.*?)\n\)", (SRC / "_store" / "tables.py").read_text(), re.S
    ).group(1)  # type: ignore[union-attr]


def test_the_history_never_reaches_an_adapter(db: Database, tmp_path: Path) -> None:
    _county(db)
    with db.unit_of_work() as uow:
        bakery = uow.employers.lookup("Example Bakery")
        bakery.notes = "OLD-NOTE-IN-HISTORY-ONLY"
        uow.commit()
        bakery.notes = "Current note"
        seeker = uow.seekers.by_code("J-1001")
        seeker.preferences = attrs.evolve(seeker.preferences, home_zip="53711")
        uow.commit()
    out = tmp_path / "team.json"
    with db.unit_of_work() as uow:
        report = jobdev.export(uow, "json", options={"out": str(out)}, environ={})
    assert report.ok
    written = out.read_text(encoding="utf-8")
    assert "Current note" in written
    assert "OLD-NOTE-IN-HISTORY-ONLY" not in written
    assert "53711" not in written, "job seekers are not exported at all"
    assert "OLD-NOTE" not in json.dumps(report.to_dict())


def test_a_history_row_carries_notes_a_use_case_adds(db: Database) -> None:
    _county(db)
    with db.unit_of_work() as uow:
        bakery = uow.employers.lookup("Example Bakery")
        with uow.explain("test operation", "because"):
            bakery.size = 3
            uow.annotate(bakery, checked_by="a test")
            uow.flush()
        uow.commit()
    entry = _rows(db)[-1]
    assert (entry.operation, entry.reason) == ("test operation", "because")
    assert entry.after == {"size": 3, "checked_by": "a test"}


def test_every_new_session_maker_gets_the_history_listener() -> None:
    """Each Database makes its own session maker. A registry check (``event.contains``)
    keyed by the id of a collected session maker's class once made most new ones skip the
    listener, and their changes went unrecorded."""
    from sqlalchemy.orm import sessionmaker

    from ips_jobdev._store import history

    without = 0
    for _ in range(300):
        sessions = sessionmaker()
        history.install(sessions)
        session = sessions()
        without += not session.dispatch.after_flush
        session.close()
        del sessions, session
    assert without == 0
