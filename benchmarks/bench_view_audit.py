"""What recording every job seeker a unit of work loads as a view costs (issue 13).

Times, on a SQLite file and (with ``--pg`` or ``$IPS_JOBDEV_TEST_PG_URL``) PostgreSQL, a
whole read-only unit of work (open, read, close; the close writes the views) doing:

- ``specialist_caseload`` of one specialist with 20 job seekers;
- ``uow.seekers.list()`` of 4,000 job seekers;

once recording the views (the default) and once inside ``uow.views_unaudited()``, and
reports the medians and the difference.

    python benchmarks/bench_view_audit.py [--seekers 4000] [--runs 15] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa

import ips_jobdev as jobdev
from ips_jobdev import Database

RESULTS = Path(__file__).resolve().parent / "results" / "view_audit.json"


def _fill(db: Database, seekers: int) -> None:
    with db.unit_of_work(actor="user:setup") as uow:
        jobdev.add_specialist(uow, "ae", "Alex Example", office_zip="53703")
        jobdev.add_specialist(uow, "bx", "Blair Example", office_zip="53704")
        ae = uow.specialists.by_code("ae")
        bx = uow.specialists.by_code("bx")
        uow.seekers.add_all(
            jobdev.JobSeeker(
                code=f"P-{n:05d}",
                name=f"Person {n}",
                specialist_id=(ae.id if n < 20 else bx.id),
                status="searching",
            )
            for n in range(seekers)
        )
        uow.commit()


def _timed(db: Database, read: Callable[[Any], int], audited: bool, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with db.unit_of_work(actor="user:bench") as uow:
            if audited:
                count = read(uow)
            else:
                with uow.views_unaudited():
                    count = read(uow)
        times.append(time.perf_counter() - start)
        assert count > 0
    return statistics.median(times) * 1000


def _measure(db: Database, runs: int) -> dict[str, dict[str, float]]:
    cases: dict[str, Callable[[Any], int]] = {
        "specialist_caseload (20 seekers)": lambda uow: len(
            jobdev.specialist_caseload(uow, "ae").seekers
        ),
        "seekers.list()": lambda uow: len(uow.seekers.list()),
    }
    out = {}
    for name, read in cases.items():
        _timed(db, read, True, 2)  # warm up
        plain = _timed(db, read, False, runs)
        audited = _timed(db, read, True, runs)
        out[name] = {
            "unaudited_ms": round(plain, 2),
            "audited_ms": round(audited, 2),
            "overhead_ms": round(audited - plain, 2),
            "overhead_pct": round(100 * (audited - plain) / plain, 1),
        }
    return out


def _pg_schema(url: str) -> tuple[str, Callable[[], None]]:
    schema = f"bench_views_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in url else "?"

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()

    return f"{url}{sep}options=-csearch_path%3D{schema}", drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--pg", default=os.environ.get("IPS_JOBDEV_TEST_PG_URL"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"seekers": args.seekers, "runs": args.runs}
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{folder}/bench.sqlite3")
        _fill(db, args.seekers)
        results["sqlite"] = _measure(db, args.runs)
        db.dispose()
    if args.pg:
        url, drop = _pg_schema(args.pg)
        try:
            db = Database(url)
            _fill(db, args.seekers)
            results["postgresql"] = _measure(db, args.runs)
            db.dispose()
        finally:
            drop()
    print(json.dumps(results, indent=2))
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
