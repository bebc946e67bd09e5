"""Checking cells in worker processes gives exactly what the importing process gives: the
same report (every row's action, label, rejections, duplicates) and the same records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ips_jobdev import Database, import_employers
from ips_jobdev._importing import ImportReport
from ips_jobdev._store import tables

HEADER = "name,external_id,city,zip,phone,contact_name,contact_phone,wage_min,wage_max,shifts"


def row(i: int) -> str:
    phone = f"608-555-01{i % 100:02d}" if i % 3 else ""
    wage = "15" if i % 7 else "9" * 30  # every seventh row rejected
    name = f"Example Shop {i % 4500}"  # the last 500 rows duplicate earlier ones
    return f"{name},,Madison,{53700 + i % 10},{phone},Pat Example,{phone},{wage},20,day;night"


def run(db: Database, source: Path, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_employers(uow, source, **options)


def test_worker_processes_give_the_serial_report_and_records(db: Database, tmp_path: Path) -> None:
    source = tmp_path / "employers.csv"
    source.write_text("\n".join([HEADER, *(row(i) for i in range(5000))]) + "\n")
    serial = run(db, source, dry_run=True, workers=0, on_duplicate="skip").to_dict()
    parallel = run(db, source, dry_run=True, workers=2, on_duplicate="skip").to_dict()
    assert parallel == serial
    assert serial["counts"]["rejected"] > 0
    assert serial["counts"]["skipped"] > 0
    written = run(db, source, partial=True, workers=2, on_duplicate="skip")
    assert written.counts == serial["counts"]
    with db.unit_of_work() as uow:
        assert uow.employers.count() == serial["counts"]["created"]


def test_updates_that_add_contacts_and_creations_share_ids_across_chunks(
    db: Database, tmp_path: Path
) -> None:
    """Updates go through the mapper (new contacts take the next ids) while new records
    are written in bulk, chunk after chunk, in one transaction: no id is given twice, and
    every record has its one ``created`` history row."""
    stored = tmp_path / "stored.csv"
    stored.write_text("name,zip\n" + "".join(f"Example Stored {i},53703\n" for i in range(2500)))
    assert run(db, stored).created == 2500
    rows = []
    for i in range(2500):  # chunk 1 and part of chunk 2: updates adding a contact
        rows.append(f"Example Stored {i},53703,Pat Example {i},608-555-01{i % 100:02d}")
        rows.append(f"Example New {i},53704,Sam Example {i},")
    source = tmp_path / "mixed.csv"
    source.write_text("name,zip,contact_name,contact_phone\n" + "\n".join(rows) + "\n")
    report = run(db, source, on_duplicate="update")
    assert (report.updated, report.created, report.rejected) == (2500, 2500, 0)
    with db.unit_of_work() as uow:
        assert uow.employers.count() == 5000
        people = [p for e in uow.employers.list() for p in e.people]
        assert len(people) == 5000
        created = [r for r in uow.history.latest(limit=100_000) if r.action == "created"]
    by_kind = {
        kind: sorted(r.record_id for r in created if r.kind == kind)
        for kind in ("employer", "person")
    }
    assert len(by_kind["employer"]) == len(set(by_kind["employer"])) == 5000
    assert len(by_kind["person"]) == len(set(by_kind["person"])) == 5000


def _written(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row an import writes, but the times it was written at and its batch id."""
    made_now = {"created_at", "updated_at", "changed_at", "batch"}
    found: dict[str, list[tuple[Any, ...]]] = {}
    with Database(url) as database, database.unit_of_work() as uow:
        for table in (
            tables.employers,
            tables.employer_people,
            tables.employer_program_notes,
            tables.change_history,
        ):
            columns = [c for c in table.c if c.name not in made_now]
            statement = sa.select(*columns).order_by(table.c.id)
            found[table.name] = [tuple(r) for r in uow.session.execute(statement)]
    return found


def _second_database(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of the same kind as ``db_url``, for the other import to write."""
    if db_url.startswith("postgresql"):
        schemas = request.getfixturevalue("pg_schemas")
        schema = schemas.take()
        request.addfinalizer(lambda: schemas.give_back(schema))
        return str(schemas.url(schema))
    return f"sqlite:///{tmp_path / 'other.sqlite3'}"


def test_worker_processes_write_what_the_importing_process_writes(
    db_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    # rows made ready to write in worker processes (encoded values, history) are the rows
    # the importing process makes: the same records, contacts, notes and history, row for
    # row, ids included (both databases start empty)
    other_url = _second_database(db_url, request, tmp_path)
    header = f"{HEADER},visiting_windows,notes,contact_title,job_types"
    lines = [
        f"{row(i)},{'Tue-Thu 14:00-16:00' if i % 2 else ''},{'Ask for Pat' if i % 5 else ''},"
        f"{'Owner' if i % 4 else ''},cook;server"
        for i in range(5000)
    ]
    source = tmp_path / "employers.csv"
    source.write_text("\n".join([header, *lines]) + "\n")
    reports = []
    for url, workers in ((db_url, 0), (other_url, 2)):
        with Database(url) as database:
            reports.append(
                run(database, source, partial=True, workers=workers, on_duplicate="skip")
            )
    serial, parallel = reports
    assert parallel.to_dict() == serial.to_dict()
    assert serial.created > 1000
    assert serial.rejected > 0
    assert serial.skipped > 0
    written = _written(db_url)
    assert len(written["employer_program_notes"]) > 0
    assert len(written["change_history"]) > 2 * serial.created
    assert _written(other_url) == written


def _stored_then_matching(tmp_path: Path) -> tuple[Path, Path]:
    """A file of stored employers, and a file whose rows match them (by external id, name
    and ZIP, or phone) with equal or changed values, among new rows."""
    stored = tmp_path / "stored.csv"
    stored.write_text(
        "name,external_id,zip,phone,contact_name,contact_phone,wage_min,wage_max,notes\n"
        + "".join(
            f"Example Stored {i},EXT-{i},53703,608-555-01{i % 100:02d} x{i},Pat Example {i},"
            f"608-555-01{i % 100:02d},15,20,Ask for Pat\n"
            for i in range(600)
        )
    )
    lines = []
    for i in range(5000):
        if i % 5 == 0 and i // 5 < 600:
            j = i // 5
            if j % 3 == 0:  # the same external id, other values
                lines.append(
                    f"Example Renamed {j},EXT-{j},53704,,Sam Example {j},,16,21,Call first"
                )
            elif j % 3 == 1:  # the same name and ZIP: unchanged
                lines.append(
                    f"Example Stored {j},EXT-{j},53703,608-555-01{j % 100:02d} x{j},"
                    f"Pat Example {j},608-555-01{j % 100:02d},15,20,Ask for Pat"
                )
            else:  # the same phone, a new contact
                lines.append(
                    f"Example Other {j},,53705,608-555-01{j % 100:02d} x{j},Lee Example {j},,,,"
                )
        else:
            lines.append(f"Example New {i},NEW-{i},53711,608-555-01{i % 100:02d} x{1000 + i},,,,,")
    source = tmp_path / "matching.csv"
    source.write_text(
        "name,external_id,zip,phone,contact_name,contact_phone,wage_min,wage_max,notes\n"
        + "\n".join(lines)
        + "\n"
    )
    return stored, source


@pytest.mark.parametrize("policy", ["update", "skip", "reject"])
def test_rows_matching_stored_records_give_the_serial_report_and_records(
    db_url: str, request: pytest.FixtureRequest, tmp_path: Path, policy: str
) -> None:
    # worker processes send back only the values matching reads; a row that matches a
    # stored record reads its other values again from its cells: the same changes,
    # duplicates, rejections and records as the importing process alone
    other_url = _second_database(db_url, request, tmp_path)
    stored, source = _stored_then_matching(tmp_path)
    reports = []
    for url, workers in ((db_url, 0), (other_url, 2)):
        with Database(url) as database:
            assert run(database, stored).created == 600
            reports.append(
                run(database, source, partial=True, workers=workers, on_duplicate=policy)
            )
    serial, parallel = reports
    assert parallel.to_dict() == serial.to_dict()
    counts = serial.counts
    assert counts["created"] == 4400
    assert counts["unchanged"] == 200
    if policy == "update":
        assert counts["updated"] == 400
    else:
        assert counts["skipped" if policy == "skip" else "rejected"] == 400
    serial_rows, parallel_rows = _written(db_url), _written(other_url)
    # the history rows of changed notes are written in the session's order of changed
    # records (not the file's), in serial imports too: compared without their ids
    history = [
        sorted(json.dumps(r[1:], default=str) for r in rows["change_history"])
        for rows in (serial_rows, parallel_rows)
    ]
    assert history[0] == history[1]
    del serial_rows["change_history"], parallel_rows["change_history"]
    assert parallel_rows == serial_rows


@pytest.mark.parametrize(("cores", "expected"), [(1, 0), (2, 2), (3, 3), (8, 3)])
def test_large_files_get_a_worker_per_core_the_process_may_use(
    monkeypatch: pytest.MonkeyPatch, cores: int, expected: int
) -> None:
    from ips_jobdev._importing import run as engine

    monkeypatch.setattr(
        engine.os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False
    )
    monkeypatch.setattr(engine.os, "cpu_count", lambda: 64)
    if "fork" not in engine.multiprocessing.get_all_start_methods():
        expected = 0
    assert engine._worker_count(None, engine.PARALLEL_FROM_LINES) == expected
    assert engine._worker_count(None, engine.PARALLEL_FROM_LINES - 1) == 0
    assert engine._worker_count(1, 10) == 1


def test_workers_check_one_chunk_each_ahead_of_the_write(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory stays bounded: when a chunk is written, the file has been read at most one
    chunk a worker beyond it (the checked rows of each chunk read wait in memory)."""
    from ips_jobdev._importing import csvfile, employers
    from ips_jobdev._importing import run as engine

    monkeypatch.setattr(employers.EmployerImporter, "chunk_size", 100)
    read = 0
    reading = csvfile.CsvReader.chunks

    def counted(self: csvfile.CsvReader, size: int) -> Any:
        nonlocal read
        for rows in reading(self, size):
            read += 1
            yield rows

    ahead: list[int] = []
    writing = engine._Engine.chunk

    def written(self: Any, *args: Any) -> None:
        ahead.append(read - len(ahead))  # chunks read, counting the one written now
        writing(self, *args)

    monkeypatch.setattr(csvfile.CsvReader, "chunks", counted)
    monkeypatch.setattr(engine._Engine, "chunk", written)
    source = tmp_path / "employers.csv"
    source.write_text("\n".join([HEADER, *(row(i) for i in range(1200))]) + "\n")
    report = run(db, source, dry_run=True, workers=2, on_duplicate="skip")
    assert report.counts["rows"] == 1200
    assert len(ahead) == 12
    assert max(ahead) == 3  # the chunk written and one for each of the 2 workers
