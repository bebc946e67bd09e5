"""Benchmark: build the demo county (``build_demo``) in a fresh database.

Reports the time of :func:`ips_jobdev.demo.build_demo` (generation, ORM and bulk inserts, the
summary, the commit) and its ratio to a baseline measured in the same process: copying the
very rows the demo wrote into another fresh database with bare SQLAlchemy Core
``executemany`` INSERTs, table by table (the floor any way of writing them pays). Also the
wall time of the whole ``ips-jobdev demo`` command in a new process (imports and every
section later features append included), the figure a new user feels.

Run::

    python benchmarks/bench_demo.py                 # SQLite
    python benchmarks/bench_demo.py --pg URL        # and a PostgreSQL URL (an empty schema)

Figures are printed and written to ``benchmarks/results/demo.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import ips_jobdev
from ips_jobdev._store import tables
from ips_jobdev.demo import build_demo

TODAY = dt.date(2026, 11, 24)


def _clear(url: str) -> None:
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            tables.metadata.drop_all(connection)
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        engine.dispose()


def _build(url: str) -> float:
    _clear(url)
    database = ips_jobdev.Database(url)
    started = time.perf_counter()
    with database.unit_of_work() as uow:
        build_demo(uow, seed=2026, today=TODAY)
        uow.commit()
    elapsed = time.perf_counter() - started
    database.dispose()
    return elapsed


def _baseline(source_url: str, target_url: str) -> tuple[float, int]:
    """Copy every row the demo wrote with Core executemany into a fresh schema."""
    source = sa.create_engine(source_url)
    with source.connect() as connection:
        rows = {
            t.name: [dict(r) for r in connection.execute(sa.select(t)).mappings()]
            for t in tables.metadata.sorted_tables
        }
    source.dispose()
    _clear(target_url)
    target = sa.create_engine(target_url)
    tables.metadata.create_all(target)
    started = time.perf_counter()
    with target.begin() as connection:
        for table in tables.metadata.sorted_tables:
            if rows[table.name]:
                connection.execute(sa.insert(table), rows[table.name])
    elapsed = time.perf_counter() - started
    target.dispose()
    return elapsed, sum(len(r) for r in rows.values())


def _command(url: str) -> float:
    _clear(url)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from ips_jobdev.cli import main; main()", "--db", url, "demo",
         "--today", TODAY.isoformat()],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - started


def _measure(name: str, urls: list[tuple[str, str, str]]) -> dict[str, Any]:
    """Best of the runs: (database to build in, to copy into, for the command) per run."""
    builds, baselines, commands, row_count = [], [], [], 0
    for built, copy, command in urls:
        builds.append(_build(built))
        elapsed, row_count = _baseline(built, copy)
        baselines.append(elapsed)
        commands.append(_command(command))
    return {
        "database": name,
        "rows_written": row_count,
        "build_demo_s": round(min(builds), 3),
        "baseline_core_insert_s": round(min(baselines), 3),
        "ratio": round(min(builds) / min(baselines), 2),
        "demo_command_s": round(min(commands), 3),
    }


def _pg_schemas(base: str, names: list[str], create: bool) -> list[str]:
    admin = sa.create_engine(base)
    with admin.begin() as connection:
        for name in names:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            if create:
                connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
    admin.dispose()
    separator = "&" if "?" in base else "?"
    return [f"{base}{separator}options=-csearch_path%3D{name}" for name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="also measure on this PostgreSQL database")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        runs = [
            tuple(f"sqlite:///{folder}/{kind}-{i}.sqlite3" for kind in ("built", "copy", "cmd"))
            for i in range(args.repeat)
        ]
        results.append(_measure("sqlite", runs))  # type: ignore[arg-type]
    if args.pg:
        names = ["bench_demo_built", "bench_demo_copy", "bench_demo_cmd"]
        built, copy, command = _pg_schemas(args.pg, names, create=True)
        try:
            results.append(_measure("postgresql", [(built, copy, command)] * args.repeat))
        finally:
            _pg_schemas(args.pg, names, create=False)
    for result in results:
        print(json.dumps(result))
    out = Path(__file__).parent / "results" / "demo.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
