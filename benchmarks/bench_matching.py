"""Benchmark: ranking the statewide employers for one job seeker, and caseload targets.

For each job seeker measured it times, in the same process and interleaved:

- the *baseline*: the SELECT ranking runs for a job seeker with every preference recorded
  (every column the factors can use, same driver-cursor path) over every employer,
  without any filter, fetched to the last row: the floor any implementation pays to look
  at every employer (for a job seeker with fewer preferences, ranking reads fewer
  columns);
- ``rank_employers(uow, seeker, limit=50)``: hard filters, scoring, visit history for the
  candidates, the top 50 with their reasons.

It reports the best of several runs of each and their ratio (goal: ratio <= 3 and ranking
under 0.5 s), then ``targets_for_seekers`` for the 20 job seekers of one specialist (goal:
under 3 s). Results go to benchmarks/results/matching.json.

    python benchmarks/bench_matching.py [--seed 2026] [--scale 1.0] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from statewide import END, cached_statewide, cached_statewide_postgres
from table import Row, Settings

from ips_jobdev import Database
from ips_jobdev._store.queries.matching import all_employer_rows
from ips_jobdev._version import __version__
from ips_jobdev.matching import caseload_targets, rank_employers, targets_for_seekers

RESULTS = Path(__file__).resolve().parent / "results" / "matching.json"


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    seconds, _, result = _timed_cpu(function)
    return seconds, result


def _timed_cpu(function: Callable[[], Any]) -> tuple[float, float, Any]:
    """Wall-clock and CPU seconds of the calling process (CPU time varies much less on a
    shared machine; the database server's share of a query is not in it), and the result."""
    began, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - began, time.process_time() - cpu, result


def _pick_seekers(db: Database) -> dict[str, str]:
    """Stable choices: the first job seeker of each kind, by code."""
    picks: dict[str, str] = {}
    with db.unit_of_work() as uow:
        for seeker in uow.seekers.list(limit=1000):
            prefs = seeker.preferences
            if prefs.is_empty:
                picks.setdefault("no preferences", seeker.code)
            elif prefs.max_miles is None:
                picks.setdefault("no distance limit (every employer scored)", seeker.code)
                full = bool(prefs.job_types and prefs.industries and prefs.shifts)
                rider = prefs.transport is not None and prefs.transport.value == "bus"
                if full and rider and prefs.wage_min is not None and prefs.home_zip:
                    # reads every column the baseline reads
                    picks.setdefault("no limit, every preference recorded", seeker.code)
            else:
                picks.setdefault(f"{prefs.max_miles:g}-mile limit", seeker.code)
    return dict(sorted(picks.items()))


def bench_seeker(db: Database, code: str, runs: int) -> dict[str, Any]:
    """Best-of-``runs`` baseline and ranking times for one job seeker, interleaved."""
    baseline_times: list[float] = []
    ranking_times: list[float] = []
    baseline_cpu: list[float] = []
    ranking_cpu: list[float] = []
    result = None
    with db.unit_of_work() as uow:
        rank_employers(uow, code, as_of=END)  # warm the page cache and the ZIP table
        for _ in range(runs):
            seconds, cpu, rows = _timed_cpu(lambda: all_employer_rows(uow))
            baseline_times.append(seconds)
            baseline_cpu.append(cpu)
            seconds, cpu, result = _timed_cpu(
                lambda: rank_employers(uow, code, limit=50, as_of=END)
            )
            ranking_times.append(seconds)
            ranking_cpu.append(cpu)
    assert result is not None
    base, rank = min(baseline_times), min(ranking_times)
    return {
        "seeker": code,
        "employers_read_by_baseline": len(rows),
        "employers_scored": result.considered,
        "filtered": result.filtered,
        "baseline_seconds": round(base, 4),
        "ranking_seconds": round(rank, 4),
        "ratio": round(rank / base, 2),
        "ranking_median_seconds": round(statistics.median(ranking_times), 4),
        "ranking_cpu_seconds": round(min(ranking_cpu), 4),
        "baseline_cpu_seconds": round(min(baseline_cpu), 4),
        "baseline_median_seconds": round(statistics.median(baseline_times), 4),
        "top": [(m.employer_name, m.score) for m in result.matches[:3]],
    }


def bench_targets(db: Database, specialist: str, runs: int) -> dict[str, Any]:
    """Caseload targets for all 20 job seekers of ``specialist`` (any status)."""
    with db.unit_of_work() as uow:
        spec = uow.specialists.by_code(specialist)
        assert spec.id is not None
        seekers = [s.code for s in uow.seekers.list() if s.specialist_id == spec.id][:20]
        times = []
        cpu_times = []
        targets: list[Any] = []
        for _ in range(runs):
            seconds, cpu, targets = _timed_cpu(
                lambda: targets_for_seekers(uow, seekers, limit=50, as_of=END)
            )
            times.append(seconds)
            cpu_times.append(cpu)
        caseload_seconds, caseload = _timed(lambda: caseload_targets(uow, spec, as_of=END))
    return {
        "specialist": specialist,
        "seekers": len(seekers),
        "seconds": round(min(times), 3),
        "median_seconds": round(statistics.median(times), 3),
        "cpu_seconds": round(min(cpu_times), 3),
        "targets": len(targets),
        "best": (targets[0].employer_name, targets[0].seekers) if targets else None,
        "caseload_targets_seconds": round(caseload_seconds, 3),
        "caseload_active_seekers": len({c for t in caseload for c in t.seekers}),
    }


TABLE_KINDS = (
    "no distance limit (every employer scored)",
    "no limit, every preference recorded",
    "no preferences",
)
"""The job seekers whose ranking the benchmark table shows (the hardest: every employer
may be among the best)."""

_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def table_rows(settings: Settings) -> Iterator[Row]:
    """Ranking with no distance limit and caseload targets for 20 job seekers, on each
    database, for ``benchmarks/run``."""
    for database in settings.databases():
        if database == "postgresql":
            assert settings.pg_url is not None
            info = cached_statewide_postgres(settings.pg_url, settings.seed, settings.scale)
        else:
            info = cached_statewide(settings.seed, settings.scale)
        db = Database(info.url)
        try:
            seekers = _pick_seekers(db)
            for kind in TABLE_KINDS:
                if kind not in seekers:
                    continue
                figures = bench_seeker(db, seekers[kind], settings.runs)
                yield Row(
                    what=f"ranking, {kind}",
                    database=_LABELS[database],
                    project=figures["ranking_seconds"],
                    unit="s",
                    goal=0.5,
                    floor=figures["baseline_seconds"],
                    floor_what="reading the same columns of every employer",
                    source="bench_matching",
                    notes={
                        "seeker": seekers[kind],
                        "employers": figures["employers_scored"],
                        "cpu_seconds": figures["ranking_cpu_seconds"],
                        "floor_cpu_seconds": figures["baseline_cpu_seconds"],
                    },
                )
            targets = bench_targets(db, info.specialist_codes[0], max(1, settings.runs // 2))
            yield Row(
                what=f"caseload targets for {targets['seekers']} job seekers",
                database=_LABELS[database],
                project=targets["seconds"],
                unit="s",
                goal=1.0,
                source="bench_matching",
                notes={
                    "caseload_targets_seconds": targets["caseload_targets_seconds"],
                    "cpu_seconds": targets["cpu_seconds"],
                },
            )
        finally:
            db.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and write benchmarks/results/matching.json."""
    parser = argparse.ArgumentParser(description="Matching benchmark on the statewide data set")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    info = cached_statewide(args.seed, args.scale)
    db = Database(info.url)
    seekers = _pick_seekers(db)
    report: dict[str, Any] = {
        "benchmark": "matching",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "ips_jobdev": __version__,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "data_set": {"seed": args.seed, "scale": args.scale, "counts": info.counts},
        "goals": {"ratio_at_most": 3.0, "ranking_seconds_under": 0.5, "targets_seconds_under": 3.0},
        "ranking": {},
    }
    for kind, code in seekers.items():
        figures = bench_seeker(db, code, args.runs)
        report["ranking"][kind] = figures
        print(
            f"{kind:45s} {code}: rank {figures['ranking_seconds']:.3f} s "
            f"(CPU {figures['ranking_cpu_seconds']:.3f}), baseline "
            f"{figures['baseline_seconds']:.3f} s (CPU {figures['baseline_cpu_seconds']:.3f}), "
            f"ratio {figures['ratio']:.2f} "
            f"({figures['employers_scored']:,} scored)"
        )
    report["caseload_targets"] = bench_targets(db, info.specialist_codes[0], max(1, args.runs // 2))
    t = report["caseload_targets"]
    print(
        f"caseload targets for {t['seekers']} job seekers: {t['seconds']:.3f} s "
        f"(CPU {t['cpu_seconds']:.3f})"
    )
    db.dispose()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
