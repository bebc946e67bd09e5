"""Checking cells in worker processes gives exactly what the importing process gives: the
same report (every row's action, label, rejections, duplicates) and the same records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ips_jobdev import Database, import_employers
from ips_jobdev._importing import ImportReport

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
