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
