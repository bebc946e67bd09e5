"""Benchmark: import a generated 100,000-row employers CSV file (2 phones a row) into a fresh
SQLite file and a fresh PostgreSQL schema, against a floor measured in the same process.

For each database, one child process times:

- **project**: :func:`ips_jobdev.import_employers` on the file (schema made before timing),
  then reads the importing process's own peak RSS (``VmHWM``);
- **floor**, the least any importer pays, on the same file: reading it with ``csv.reader``
  and writing the raw cells with stdlib ``sqlite3`` ``executemany`` (SQLite) or psycopg
  ``COPY`` (PostgreSQL), plus ``phonenumbers`` parse + validate + format of both phones of
  every row (no caching).

A second child process, not timed, imports the same file into another empty database
while a thread samples, every 50 ms, the memory of the import's whole process tree: the
importing process and its worker processes, their proportional set sizes (PSS) summed, so
pages the forked workers share with it count once. Its peak is the import's **peak
memory**. (``ru_maxrss`` would not do: Linux keeps it across ``exec``, so a child started
by a big process reports its parent's size, and a forked worker starts at its parent's.)

It prints rows/s, floor, ratio (project time / floor time), peak memory and the goal
(>= 20,000 rows/s; peak memory < 200 MB), and writes ``benchmarks/results/import.json``.
Peak memory is also measured for a file a quarter of the size, to show it does not grow
with the file.

The data are fictional and deterministic (a fixed seed): made-up businesses in real Dane
County, Wisconsin ZIP codes, phone numbers in the reserved 555-01xx range (made unique by
an extension, as a switchboard's lines are).

Run::

    python benchmarks/bench_import.py                 # 100,000 rows, SQLite and PostgreSQL
    python benchmarks/bench_import.py --rows 5000 --databases sqlite

PostgreSQL is used when ``IPS_JOBDEV_TEST_PG_URL`` (or ``--pg-url``) names a server; each
run makes its own schema and drops it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import phonenumbers
import sqlalchemy as sa

import ips_jobdev
from ips_jobdev._importing import EMPLOYER_COLUMNS

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peak_memory import TreeMemory, own_peak_rss_mb

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
    "Visiting Windows", "Contact Visiting Windows",
]  # fmt: skip
WINDOWS = ["", "", "", "Tue-Thu 14:00-16:00", "weekdays 9-11am; not 11:30-13:30"]
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
            has_contact = True  # 2 phones a row: the employer's and the contact's
            contact = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
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
                    rng.choice(WINDOWS),
                    "",
                ]
            )


GOAL_ROWS_PER_SECOND = 20_000
GOAL_RSS_MB = 200


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _main_cpu_seconds() -> float:
    """CPU time of this process alone (the importing process: match and write)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def run_project(
    csv_path: Path, url: str
) -> tuple[float, float, ips_jobdev.ImportReport, dict[str, float]]:
    """Time ``import_employers`` into an empty database (schema made before timing): wall
    clock and CPU seconds (the CPU figure holds on a busy machine; the database server's
    own CPU time is not in it), and that CPU time split between the importing process and
    its worker processes (which check the cells)."""
    database = ips_jobdev.Database(url)
    try:
        with database.unit_of_work() as uow:
            uow.employers.count()  # the schema is made here, outside the timing
        with database.unit_of_work() as uow:
            started, cpu, main = time.perf_counter(), _cpu_seconds(), _main_cpu_seconds()
            report = ips_jobdev.import_employers(uow, csv_path)
            elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
            main = _main_cpu_seconds() - main
    finally:
        database.dispose()
    split = {"main": main, "workers": cpu - main}
    return elapsed, cpu, report, split


def floor_sqlite(csv_path: Path, db_path: Path) -> float:
    """csv.reader + stdlib sqlite3 executemany of the raw cells, one transaction."""
    connection = sqlite3.connect(db_path)
    columns = ", ".join(f"c{i} TEXT" for i in range(len(HEADER)))
    connection.execute(f"CREATE TABLE floor (id INTEGER PRIMARY KEY, {columns})")
    marks = ", ".join("?" * len(HEADER))
    names = ", ".join(f"c{i}" for i in range(len(HEADER)))
    try:
        started = time.perf_counter()
        with csv_path.open(encoding="utf-8", newline="") as handle, connection:
            reader = csv.reader(handle)
            next(reader)
            connection.executemany(f"INSERT INTO floor ({names}) VALUES ({marks})", reader)
        return time.perf_counter() - started
    finally:
        connection.close()


def floor_postgres(csv_path: Path, url: str) -> float:
    """csv.reader + psycopg COPY of the raw cells, one transaction."""
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection:
        columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        connection.execute(f"CREATE TABLE floor (id serial PRIMARY KEY, {columns})")
        connection.commit()
        names = ", ".join(f"c{i}" for i in range(len(HEADER)))
        started = time.perf_counter()
        with csv_path.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY floor ({names}) FROM STDIN") as copy,
            ):
                for row in reader:
                    copy.write_row(row)
        connection.commit()
        return time.perf_counter() - started


def floor_phones(csv_path: Path) -> float:
    """phonenumbers parse + validate + format (E.164) of both phones of every row."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        at = [header.index("Phone"), header.index("Contact Phone")]
        phones = [row[i] for row in reader for i in at if row[i]]
    started = time.perf_counter()
    for text in phones:
        number = phonenumbers.parse(text, "US")
        if phonenumbers.is_valid_number(number):
            phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return time.perf_counter() - started


def child(database: str, csv_path: Path, url: str, folder: Path) -> dict[str, Any]:
    """One database's timings, in this (fresh) process: the project first, so the peak RSS
    read after it is the import's own; then the floors."""
    seconds, cpu, report, split = run_project(csv_path, url)
    rss = own_peak_rss_mb()
    if report.created != report.counts["rows"] or not report.ok:
        raise SystemExit(f"the import did not create every row: {report.summary()}")
    cpu_before = _cpu_seconds()
    if database == "sqlite":
        write_floor = floor_sqlite(csv_path, folder / "floor.sqlite3")
    else:
        write_floor = floor_postgres(csv_path, url)
    phones = floor_phones(csv_path)
    floor_cpu = _cpu_seconds() - cpu_before
    return {
        "rows": report.counts["rows"],
        "project_seconds": round(seconds, 3),
        "project_cpu_seconds": round(cpu, 3),
        "project_main_cpu_seconds": round(split["main"], 3),
        "project_workers_cpu_seconds": round(split["workers"], 3),
        "importing_process_peak_rss_mb": round(rss, 1),
        "floor_write_seconds": round(write_floor, 3),
        "floor_phones_seconds": round(phones, 3),
        "floor_cpu_seconds": round(floor_cpu, 3),
    }


def memory_child(csv_path: Path, url: str) -> dict[str, Any]:
    """The import's peak memory, in this (fresh) process: the whole process tree's summed
    PSS, sampled while it imports (not timed: the sampling costs CPU)."""
    with TreeMemory() as memory:
        _, _, report, _ = run_project(csv_path, url)
    if report.created != report.counts["rows"] or not report.ok:
        raise SystemExit(f"the import did not create every row: {report.summary()}")
    if memory.peak_mb is None:  # no /proc (not Linux): this process's own peak only
        return {"peak_memory_mb": round(own_peak_rss_mb(), 1), "processes": 1}
    return {"peak_memory_mb": round(memory.peak_mb, 1), "processes": memory.processes}


def _postgres_schema(pg_url: str) -> tuple[str, Any]:
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    schema = f"bench_import_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in pg_url else "?"
    return f"{pg_url}{separator}options=-csearch_path%3D{schema}", (admin, schema)


def _drop_schema(handle: Any) -> None:
    admin, schema = handle
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _in_child(
    mode: str, database: str, csv_path: Path, work: Path, pg_url: str | None
) -> dict[str, Any]:
    """Run ``bench_import.py`` in ``mode`` (``--child`` or ``--memory``) in a fresh process
    on a new, empty database; the figures it prints."""
    folder = Path(tempfile.mkdtemp(dir=work))
    handle = None
    if database == "sqlite":
        url = f"sqlite:///{folder / 'ips-jobdev.sqlite3'}"
    else:
        assert pg_url is not None
        url, handle = _postgres_schema(pg_url)
    try:
        output = subprocess.run(
            [sys.executable, __file__, mode, database, str(csv_path), url, str(folder)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        if handle is not None:
            _drop_schema(handle)
    figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return figures


def measure(database: str, csv_path: Path, work: Path, pg_url: str | None) -> dict[str, Any]:
    """Run :func:`child` for ``database`` in a fresh process, then :func:`memory_child` in
    another; their figures."""
    figures = _in_child("--child", database, csv_path, work, pg_url)
    memory = _in_child("--memory", database, csv_path, work, pg_url)
    figures["peak_memory_mb"] = memory["peak_memory_mb"]
    figures["peak_memory_processes"] = memory["processes"]
    rows = figures["rows"]
    floor = figures["floor_write_seconds"] + figures["floor_phones_seconds"]
    figures["project_rows_per_second"] = round(rows / figures["project_seconds"])
    figures["floor_seconds"] = round(floor, 3)
    figures["floor_rows_per_second"] = round(rows / floor)
    figures["ratio"] = round(figures["project_seconds"] / floor, 2)
    figures["cpu_ratio"] = round(figures["project_cpu_seconds"] / figures["floor_cpu_seconds"], 2)
    figures["project_rows_per_cpu_second"] = round(rows / figures["project_cpu_seconds"])
    figures["goal_met"] = (
        figures["project_rows_per_second"] >= GOAL_ROWS_PER_SECOND
        and figures["peak_memory_mb"] < GOAL_RSS_MB
    )
    return figures


_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def table_rows(settings: Any) -> Iterator[Any]:
    """Rows/s and peak memory of the import on each database, for ``benchmarks/run``
    (100,000 rows; 400 with ``small``). One run each: a run takes tens of seconds, and the
    CPU figure beside it holds on a busy machine."""
    from table import Row

    rows = 400 if settings.small else 100_000
    pg_url = settings.pg_url
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "employers.csv"
        generate(csv_path, rows)
        for database in settings.databases():
            f = measure(database, csv_path, work, pg_url)
            label = _LABELS[database]
            notes = {k: f[k] for k in ("rows", "project_seconds", "cpu_ratio")}
            yield Row(
                what=f"CSV import, {rows:,} employers, 2 phones each",
                database=label,
                project=f["project_rows_per_second"],
                unit="rows/s",
                goal=GOAL_ROWS_PER_SECOND,
                at_least=True,
                floor=f["floor_rows_per_second"],
                floor_what="csv + executemany/COPY of raw cells + phonenumbers",
                source="bench_import",
                notes={
                    **notes,
                    "cpu_seconds": f["project_cpu_seconds"],
                    "main_cpu_seconds": f["project_main_cpu_seconds"],
                    "workers_cpu_seconds": f["project_workers_cpu_seconds"],
                },
            )
            yield Row(
                what=f"peak memory, {rows:,}-row import (its processes' PSS summed)",
                database=label,
                project=f["peak_memory_mb"],
                unit="MB",
                goal=GOAL_RSS_MB,
                source="bench_import",
                notes={
                    "processes": f["peak_memory_processes"],
                    "importing_process_peak_rss_mb": f["importing_process_peak_rss_mb"],
                },
            )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Generate, measure, print and save the figures."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("--child", "--memory"):
        database, csv_name, url, folder = argv[1:5]
        if argv[0] == "--memory":
            figures = memory_child(Path(csv_name), url)
        else:
            figures = child(database, Path(csv_name), url, Path(folder))
        print(json.dumps(figures))
        return figures
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("IPS_JOBDEV_TEST_PG_URL"))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    assert len(HEADER) == len(EMPLOYER_COLUMNS)
    databases = [d for d in args.databases.split(",") if d]
    if "postgresql" in databases and not args.pg_url:
        print("no PostgreSQL URL (IPS_JOBDEV_TEST_PG_URL or --pg-url): SQLite only")
        databases.remove("postgresql")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        csv_path = work / "employers.csv"
        generate(csv_path, args.rows)
        small = work / "employers-quarter.csv"
        generate(small, max(1, args.rows // 4))
        size = csv_path.stat().st_size
        for database in databases:
            figures = measure(database, csv_path, work, args.pg_url)
            quarter = measure(database, small, work, args.pg_url)
            figures["peak_memory_mb_quarter_file"] = quarter["peak_memory_mb"]
            results[database] = figures
    print(
        f"{args.rows:,} employers, 2 phones each ({size / 1e6:.1f} MB)\n"
        "| database | project rows/s | floor rows/s (write + phones) | ratio | rows per CPU s "
        "(CPU ratio) | peak memory (quarter file) | goal met |\n|---|---|---|---|---|---|---|"
    )
    for database, f in results.items():
        print(
            f"| {database} | {f['project_rows_per_second']:,} ({f['project_seconds']} s) "
            f"| {f['floor_rows_per_second']:,} ({f['floor_write_seconds']} + "
            f"{f['floor_phones_seconds']} s) | {f['ratio']} | "
            f"{f['project_rows_per_cpu_second']:,} ({f['cpu_ratio']}) | {f['peak_memory_mb']} MB "
            f"({f['peak_memory_mb_quarter_file']} MB) | {'yes' if f['goal_met'] else 'no'} |"
        )
    for database, f in results.items():
        print(
            f"{database}: CPU {f['project_cpu_seconds']} s = {f['project_main_cpu_seconds']} s "
            f"importing process (read, match, write) + {f['project_workers_cpu_seconds']} s "
            "worker processes (check cells, prepare rows)"
        )
    document: dict[str, Any] = {
        "benchmark": "import employers CSV (2 phones a row) into SQLite and PostgreSQL",
        "rows": args.rows,
        "csv_bytes": size,
        "goal": f">= {GOAL_ROWS_PER_SECOND:,} rows/s, peak memory < {GOAL_RSS_MB} MB",
        "floor": "csv.reader + sqlite3 executemany / psycopg COPY of raw cells, plus "
        "phonenumbers parse+validate+format of every phone",
        "results": results,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": sa.__version__,
        "ips_jobdev": ips_jobdev.__version__,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"written to {args.output}")
    return document


if __name__ == "__main__":
    main()
