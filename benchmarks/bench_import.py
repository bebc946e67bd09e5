"""Benchmark: import a generated 100,000-row employers CSV file into a fresh SQLite file.

Reports rows per second through :func:`ips_jobdev.import_employers` and the ratio against a
baseline measured in the same process on the same file: parsing it with
``csv.DictReader`` and a bare SQLAlchemy Core ``executemany`` INSERT of the same rows into
a fresh SQLite file (no checks, no duplicate detection, no phone parsing: the floor any
importer pays).

The data are fictional and deterministic (a fixed seed): made-up businesses in real Dane
County, Wisconsin ZIP codes, phone numbers in the reserved 555-01xx range (made unique by
an extension, as a switchboard's lines are).

Run::

    python benchmarks/bench_import.py            # 100,000 rows
    python benchmarks/bench_import.py --rows 5000

Figures are printed and written to ``benchmarks/results/import.json``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import ips_jobdev
from ips_jobdev._importing import EMPLOYER_COLUMNS

RESULTS = Path(__file__).parent / "results" / "import.json"
SEED = 20261123

ZIPS = [
    "53703", "53704", "53705", "53711", "53713", "53714", "53715", "53716", "53717",
    "53718", "53719", "53726", "53590", "53562", "53593", "53597", "53575", "53532",
    "53589", "53558", "53572", "53528", "53527", "53523", "53515", "53529", "53531",
]  # fmt: skip
CITIES = {"535": "Sun Prairie", "537": "Madison"}
AREA_CODES = ["608", "414", "920", "715"]
ADJECTIVES = [
    "Maple", "Cedar", "Prairie", "Lakeside", "Badger", "Harbor", "Willow", "Granite",
    "Sunrise", "Northern", "Riverside", "Oak", "Juniper", "Meadow", "Summit", "Cardinal",
    "Copper", "Bluebird", "Orchard", "Fox", "Heron", "Isthmus", "Yahara", "Mendota",
]  # fmt: skip
NOUNS = [
    "Lane", "Street", "Valley", "Ridge", "Point", "Grove", "Creek", "Hill", "Park",
    "Square", "Bridge", "Field", "Commons", "Corner", "Junction", "Trail",
]  # fmt: skip
KINDS = [
    ("Bakery", "food service", "baker;cashier"),
    ("Grocery", "retail", "cashier;stock;deli"),
    ("Hardware", "retail", "stock;cashier"),
    ("Auto Repair", "automotive", "mechanic;detailer"),
    ("Print Shop", "manufacturing", "press operator;packer"),
    ("Cafe", "food service", "barista;dishwasher"),
    ("Cleaners", "services", "presser;counter"),
    ("Landscaping", "landscaping", "groundskeeper"),
    ("Veterinary Clinic", "health care", "kennel assistant;receptionist"),
    ("Warehouse", "logistics", "warehouse;forklift"),
    ("Hotel", "hospitality", "housekeeping;front desk"),
    ("Bookstore", "retail", "cashier;stock"),
]
SHIFTS = ["day", "day;evening", "evening;night", "day;weekend", "flexible"]
HEADER = [
    "Name", "External ID", "Industry", "Job Types", "Street", "City", "State", "ZIP",
    "Phone", "Website", "Shifts", "Wage Min", "Wage Max", "Bus Access", "Do Not Contact",
    "Contact Name", "Contact Title", "Contact Phone", "Contact Email", "Notes",
]  # fmt: skip
FIRST = ["Alex", "Sam", "Jordan", "Taylor", "Casey", "Morgan", "Riley", "Jamie", "Robin"]
LAST = ["Example", "Sample", "Placeholder", "Testwell", "Demo", "Fictional"]


def generate(path: Path, rows: int, seed: int = SEED) -> None:
    """Write ``rows`` fictional employers to ``path`` (deterministic for a seed)."""
    rng = random.Random(seed)
    used: set[tuple[str, str]] = set()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for index in range(rows):
            kind, industry, job_types = rng.choice(KINDS)
            zip_code = rng.choice(ZIPS)
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {kind}"
            branch = 1
            while (name if branch == 1 else f"{name} #{branch}", zip_code) in used:
                branch += 1
            if branch > 1:
                name = f"{name} #{branch}"
            used.add((name, zip_code))
            area = AREA_CODES[index // 100_000 % len(AREA_CODES)]
            phone = f"{area}-555-01{index % 100:02d} x{index // 100 % 1000 + 1}"
            low = rng.randint(14, 19)
            has_contact = rng.random() < 0.6
            contact = f"{rng.choice(FIRST)} {rng.choice(LAST)}" if has_contact else ""
            writer.writerow(
                [
                    name,
                    f"BENCH-{index:06d}",
                    industry,
                    job_types,
                    f"{rng.randint(100, 9999)} Example {rng.choice(NOUNS)}",
                    CITIES[zip_code[:3]],
                    "WI",
                    zip_code,
                    phone,
                    f"https://www.example.org/{index}",
                    rng.choice(SHIFTS),
                    f"{low}.00",
                    f"{low + rng.randint(0, 6)}.50",
                    rng.choice(["yes", "no", ""]),
                    "no" if rng.random() < 0.98 else "yes",
                    contact,
                    "Hiring manager" if has_contact else "",
                    f"608-555-01{rng.randint(0, 99):02d}" if has_contact else "",
                    f"hiring{index}@example.org" if has_contact else "",
                    "",
                ]
            )


def run_library(csv_path: Path, db_path: Path) -> tuple[float, ips_jobdev.ImportReport]:
    """Time ``import_employers`` into a fresh SQLite file (schema made before timing)."""
    database = ips_jobdev.Database(f"sqlite:///{db_path}")
    try:
        with database.unit_of_work() as uow:
            started = time.perf_counter()
            report = ips_jobdev.import_employers(uow, csv_path)
            elapsed = time.perf_counter() - started
    finally:
        database.dispose()
    return elapsed, report


def run_baseline(csv_path: Path, db_path: Path) -> float:
    """Time csv.DictReader plus one Core executemany INSERT into a fresh SQLite file."""
    engine = sa.create_engine(f"sqlite:///{db_path}")
    metadata = sa.MetaData()
    table = sa.Table(
        "employers",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        *(sa.Column(name, sa.String) for name in HEADER),
    )
    metadata.create_all(engine)
    try:
        started = time.perf_counter()
        with csv_path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        with engine.begin() as connection:
            connection.execute(sa.insert(table), rows)
        elapsed = time.perf_counter() - started
    finally:
        engine.dispose()
    return elapsed


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Generate, measure, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    assert len(HEADER) == len(EMPLOYER_COLUMNS)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "employers.csv"
        generate(csv_path, args.rows)
        baseline = run_baseline(csv_path, work / "baseline.sqlite3")
        library, report = run_library(csv_path, work / "ips-jobdev.sqlite3")
        size = csv_path.stat().st_size
    if report.created != args.rows:
        raise SystemExit(f"the import did not create every row: {report.summary()}")
    figures: dict[str, Any] = {
        "benchmark": "import employers CSV into SQLite",
        "rows": args.rows,
        "csv_bytes": size,
        "import_seconds": round(library, 3),
        "import_rows_per_second": round(args.rows / library),
        "baseline_seconds": round(baseline, 3),
        "baseline_rows_per_second": round(args.rows / baseline),
        "ratio_to_baseline": round(library / baseline, 2),
        "baseline": "csv.DictReader + SQLAlchemy Core executemany INSERT, no checks",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sa.__version__,
        "ips_jobdev": ips_jobdev.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    print(
        f"{args.rows:,} rows: import {library:.2f} s ({figures['import_rows_per_second']:,} "
        f"rows/s); baseline {baseline:.2f} s ({figures['baseline_rows_per_second']:,} rows/s); "
        f"ratio {figures['ratio_to_baseline']}x"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
