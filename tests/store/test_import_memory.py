"""An import's memory does not grow with its file: row results wait in a temporary file,
the file's keys move to a temporary SQLite file, a bulk import's events are arrays of ids.
Spilling to disk changes nothing in the report nor in what is written."""

from __future__ import annotations

import datetime as dt
import gc
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import ips_jobdev as jobdev
from ips_jobdev import Database, import_employers, import_visits
from ips_jobdev._events import ChangeAction, EventLog, RecordChanged, VisitPlanned
from ips_jobdev._importing import ImportReport, report, values
from ips_jobdev._importing import run as run_module
from ips_jobdev._importing.run import CHUNK_ROWS
from ips_jobdev._store import spill

HEADER = (
    "name,external_id,industry,city,state,zip,phone,shifts,wage_min,wage_max,"
    "contact_name,contact_title,contact_phone,contact_email,visiting_windows"
)


def employer_row(i: int, *, flaws: bool = False) -> str:
    """One fictional employer (two phones); with ``flaws``, some rows are rejected and
    some repeat an earlier row's name and ZIP or phone."""
    name = f"Example Shop {i}"
    phone = f"608-555-01{i % 100:02d} x{i // 100 + 1}"
    wage_max = "20.50"
    if flaws and i % 97 == 5:
        wage_max = "9.00"  # below wage_min: rejected
    if flaws and i % 89 == 7:
        name = f"Example Shop {i - 1}"  # the name and ZIP of the row before
    if flaws and i % 83 == 3 and i > 500:
        phone = "608-555-0101 x1"  # the phone of line 3
    zip_code = 53703 if not flaws else 53703 + (i - 1 if flaws and i % 89 == 7 else i) % 5
    windows = "Tue-Thu 14:00-16:00" if i % 3 == 0 else ""
    return (
        f"{name},EX-{i:06d},retail,Madison,WI,{zip_code},{phone},day;evening,15.00,"
        f"{wage_max},Pat Example,Hiring manager,608-555-01{i % 100:02d},"
        f"hiring{i}@example.org,{windows}"
    )


def write_employers(path: Path, rows: int, *, flaws: bool = False, first: int = 0) -> Path:
    lines = [HEADER, *(employer_row(i, flaws=flaws) for i in range(first, first + rows))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(db: Database, source: Path, **options: Any) -> ImportReport:
    with db.unit_of_work() as uow:
        return import_employers(uow, source, workers=0, **options)


def test_memory_does_not_grow_with_the_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the bounds made small, so that files a test can afford pass them many times over
    monkeypatch.setattr(report, "ROWS_IN_MEMORY", 500)
    monkeypatch.setattr(spill, "FIRST_SEEN_IN_MEMORY", 1500)
    monkeypatch.setattr(values, "CACHED_TEXTS", 200)
    monkeypatch.setattr(run_module, "_parsers_by_class", {})  # parsers with those caches
    assert CHUNK_ROWS == 2000
    peaks: dict[int, int] = {}
    held: dict[int, int] = {}  # memory in use after each chunk is written, by rows done
    held_by_file: dict[int, dict[int, int]] = {}

    def sample(done: int, total: int) -> None:
        if done % (2 * CHUNK_ROWS) == 0:  # checked, then written: twice a chunk's rows
            held[done // 2] = tracemalloc.get_traced_memory()[0]

    first = 0
    # the first file loads what any import loads once (plugins, parsers' caches); the
    # larger file before the smaller one, so that the store it finds is no help to it;
    # both files fill whole chunks (the rows worked on together take the same memory)
    for rows in (300, 12_000, 2000):
        source = write_employers(tmp_path / f"employers-{rows}.csv", rows, first=first)
        first += rows
        held.clear()
        gc.collect()
        tracemalloc.start()
        try:
            with db.unit_of_work() as uow:
                found = import_employers(uow, source, workers=0, progress=sample)
            peaks[rows] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert found.created == rows, found.summary()
        assert len(list(found.iter_rows())) == rows
        held_by_file[rows] = dict(held)
    # before: about 500 bytes a row kept to the end (5 MB more after 10,000 more rows);
    # now 16 bytes an event id, two a row, and what the chunk at work holds, which varies
    held = held_by_file[12_000]
    assert sorted(held) == [2000, 4000, 6000, 8000, 10_000, 12_000]
    spread = max(held.values()) - min(held.values())
    assert spread < 1_500_000, f"{spread / 1e6:.1f} MB more held in the course of the file"
    growth = peaks[12_000] - peaks[2000]
    assert growth < 2_000_000, f"peak {growth / 1e6:.1f} MB higher for 10,000 more rows"


def test_spilling_to_disk_changes_nothing_in_the_report_nor_the_records(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_employers(tmp_path / "employers.csv", 3000, flaws=True)
    kept = run(db, source, dry_run=True, on_duplicate="skip")
    kept_rows = [row.to_dict() for row in kept.rows]
    monkeypatch.setattr(report, "ROWS_IN_MEMORY", 128)
    monkeypatch.setattr(spill, "FIRST_SEEN_IN_MEMORY", 300)
    spilled = run(db, source, dry_run=True, on_duplicate="skip")
    assert spilled.to_dict() == kept.to_dict()
    assert [row.to_dict() for row in spilled.rows] == kept_rows
    counts = kept.counts
    assert counts["rejected"] > 20
    assert counts["skipped"] > 40  # duplicates of lines long before (read back from disk)
    assert any(row["duplicate_of"] == "line 3" for row in kept_rows[1000:])
    written = run(db, source, partial=True, on_duplicate="skip")
    assert written.counts == counts
    created = [r.record_id for r in written.iter_rows() if r.action.value == "created"]
    assert len(created) == len(set(created)) == counts["created"]
    with db.unit_of_work() as uow:
        assert sorted(e.id for e in uow.employers.list()) == sorted(created)


def test_a_rolled_back_import_names_no_record_in_pages_read_back(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "ROWS_IN_MEMORY", 100)
    source = write_employers(tmp_path / "employers.csv", 700, flaws=True)
    found = run(db, source)  # rows rejected, not partial: nothing written
    assert not found.written
    assert found.rejected
    assert all(r.record_id is None for r in found.rows if r.action.value == "created")
    with db.unit_of_work() as uow:
        assert uow.employers.count() == 0


def test_first_seen_finds_keys_moved_to_disk_by_equality() -> None:
    seen = spill.FirstSeen(limit=3)
    at = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    seen.add({"n:example bakery\x1f53703": 2, (4, 7, at): 3, "p:+16085550101": 4})
    seen.add({("code", "j-3001"): 9})  # past the limit: all on disk now
    same_instant = at.astimezone(dt.UTC)
    assert seen.find([(4, 7, same_instant), "p:+16085550101", "p:+16085550102"]) == {
        (4, 7, same_instant): 3,
        "p:+16085550101": 4,
    }
    assert seen.find([("code", "j-3001"), ("code", "J-3001")]) == {("code", "j-3001"): 9}
    seen.add({"i:EX-1": 12})  # in memory again, below the limit
    assert seen.find(["i:EX-1", "n:example bakery\x1f53703"]) == {
        "i:EX-1": 12,
        "n:example bakery\x1f53703": 2,
    }
    assert len(seen) == 5
    seen.close()
    assert seen.find(["i:EX-1"]) == {}


def test_an_event_log_gives_back_every_event_in_order() -> None:
    recorded = [
        RecordChanged("employer", 1, ChangeAction.CREATED),
        RecordChanged("employer", 2, ChangeAction.CREATED),
        RecordChanged("person", 1, ChangeAction.CREATED),
        VisitPlanned(5),
        RecordChanged("employer", 3, ChangeAction.CREATED),
        RecordChanged("employer", 1, ChangeAction.UPDATED),
        RecordChanged("employer", 4, ChangeAction.CREATED),
    ]
    log = EventLog()
    for event in recorded:
        log.append(event)
    assert list(log) == recorded
    assert len(log) == 7
    assert log[3] == VisitPlanned(5)
    assert log[-1] == recorded[-1]
    assert list(log[1:3]) == recorded[1:3]
    log.clear()
    assert list(log) == []
    assert len(log) == 0


def test_a_visits_import_past_the_bounds_reports_the_same(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Visit keys (employer, specialist, time) hold times with offsets: the same instant
    written two ways is still one key once on disk."""
    with db.unit_of_work() as uow:
        uow.specialists.add(jobdev.Specialist(code="ab", name="Alex Example"))
        employer = jobdev.Employer(name="Example Print Shop", external_id="EX-1")
        uow.employers.add(employer)
        uow.commit()
    lines = ["employer,specialist,at,status"]
    start = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    for i in range(600):
        at = start + dt.timedelta(hours=i)
        lines.append(f"EX-1,ab,{at.isoformat()},done")
    for i in range(0, 600, 50):  # the same instants in UTC: duplicates of earlier lines
        lines.append(
            f"EX-1,ab,{(start + dt.timedelta(hours=i)).astimezone(dt.UTC).isoformat()},done"
        )
    source = tmp_path / "visits.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def visits(**options: Any) -> dict[str, Any]:
        with db.unit_of_work() as uow:
            found = import_visits(uow, source, dry_run=True, on_duplicate="skip", **options)
            return {"report": found.to_dict(), "rows": [r.to_dict() for r in found.rows]}

    kept = visits()
    monkeypatch.setattr(report, "ROWS_IN_MEMORY", 64)
    monkeypatch.setattr(spill, "FIRST_SEEN_IN_MEMORY", 100)
    assert visits() == kept
    assert kept["report"]["counts"]["skipped"] == 12
