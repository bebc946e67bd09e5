"""Benchmark: sync 500 visits to a local Radicale CalDAV server with the caldav adapter.

Starts Radicale on 127.0.0.1 on a free port (storage in a temporary folder, no
authentication), fills a SQLite database with 500 planned visits of one specialist, and
measures in the same process:

- ``first sync``: ``ips-jobdev export caldav`` the first time (500 events created);
- ``second sync``: again with nothing changed (nothing is sent, no connection is made);
- ``50 edits``: after moving 50 visits (50 updates); ``50 cancellations`` (50 deletes);
- ``baseline``: PUT of the same 500 calendar objects, already serialised, with a bare
  caldav ``DAVClient`` to another calendar on the same server: the floor any CalDAV sync
  pays (the server's work and the HTTP round trips).

After a warm-up calendar (not counted), ``--rounds`` rounds (default 2) alternate which
of the two goes first, each into new calendars; the fastest of each counts.

Run (in the plugin's environment)::

    python benchmarks/bench_sync.py              # 500 visits
    python benchmarks/bench_sync.py --visits 100

Figures are printed and written to ``benchmarks/results/sync.json`` (in this folder).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import caldav
from ips_jobdev_caldav import CalDavAdapter

import ips_jobdev
from ips_jobdev._sync.export import export
from ips_jobdev._sync.gather import visit_records
from ips_jobdev.adapters import Change, ChangeKind

RESULTS = Path(__file__).parent / "results" / "sync.json"


def start_radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable, "-m", "radicale", "--config", "",
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"),
        "--auth-type", "none", "--auth-delay", "0", "--logging-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, f"http://127.0.0.1:{port}/"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("Radicale did not start")


def build_database(path: Path, visits: int) -> ips_jobdev.Database:
    database = ips_jobdev.Database(f"sqlite:///{path}")
    with database.unit_of_work() as uow:
        specialist = uow.specialists.add(ips_jobdev.Specialist(code="ab", name="Alex Example"))
        employers = [
            uow.employers.add(
                ips_jobdev.Employer(
                    name=f"Example Business {i}",
                    street=f"{i} Example St",
                    city="Madison",
                    state="WI",
                    zip="53703",
                    phone=f"608-555-01{i:02d}",
                )
            )
            for i in range(50)
        ]
        uow.flush()
        start = dt.datetime(2026, 12, 7, 15, tzinfo=dt.UTC)
        for n in range(visits):
            uow.visits.add(
                ips_jobdev.Visit(
                    employer_id=employers[n % 50].id,
                    specialist_id=specialist.id,
                    status="planned",
                    purpose="follow-up",
                    at=start + dt.timedelta(hours=2 * n),
                    reason=f"Follow-up number {n}",
                )
            )
        uow.commit()
    return database


def timed(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, help="rounds; the fastest counts")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        process, url = start_radicale(root)
        try:
            database = build_database(root / "bench.sqlite3", args.visits)
            options = {"url": url, "username": "ab", "password": "x", "create_calendar": "yes"}
            with database.unit_of_work() as uow:
                records = visit_records(uow, list(uow.visits.list()))
            stamp = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
            client = caldav.DAVClient(url=url, username="ab", password="x")
            client.principal()
            headers = {"Content-Type": "text/calendar; charset=utf-8"}

            def baseline_round(name: str) -> float:
                adapter = CalDavAdapter()
                adapter.open({**options, "calendar": name}, name)
                bodies = [
                    (adapter.object_url(c), adapter.calendar_data(c, stamp))
                    for c in (Change(ChangeKind.CREATE, r) for r in records)
                ]
                adapter.close()
                took, _ = timed(lambda: [client.put(u, b, headers) for u, b in bodies])
                return took

            def sync(calendar: str) -> Any:
                with database.unit_of_work() as uow:
                    return export(
                        uow, CalDavAdapter(), options={**options, "calendar": calendar}, environ={}
                    )

            baseline_round("warm-up")  # the server's first writes are slower: not counted
            firsts, baselines = [], []
            for round_ in range(args.rounds):
                if round_ % 2:
                    baselines.append(baseline_round(f"baseline-{round_}"))
                first, report = timed(lambda: sync(f"visits-{round_}"))  # noqa: B023
                assert report.counts == {"created": args.visits}, report.counts
                firsts.append(first)
                if not round_ % 2:
                    baselines.append(baseline_round(f"baseline-{round_}"))
            first, baseline = min(firsts), min(baselines)
            last = f"visits-{args.rounds - 1}"
            second, report = timed(lambda: sync(last))
            assert report.sent == 0
            with database.unit_of_work() as uow:
                for visit in uow.visits.list(limit=50):
                    visit.at = visit.at + dt.timedelta(minutes=30)
                uow.commit()
            edits, report = timed(lambda: sync(last))
            assert report.counts == {"updated": 50}, report.counts
            with database.unit_of_work() as uow:
                for visit in uow.visits.list(limit=50, offset=50):
                    visit.cancel()
                uow.commit()
            cancels, report = timed(lambda: sync(last))
            assert report.counts == {"deleted": 50}, report.counts
            database.dispose()
        finally:
            process.terminate()
            process.wait(timeout=10)
    figures = {
        "visits": args.visits,
        "rounds": args.rounds,
        "first_sync_s": round(first, 3),
        "second_sync_s": round(second, 3),
        "edits_50_s": round(edits, 3),
        "cancellations_50_s": round(cancels, 3),
        "baseline_bare_put_s": round(baseline, 3),
        "ratio_first_sync_to_baseline": round(first / baseline, 2),
        "visits_per_second": round(args.visits / first, 1),
        "caldav": caldav.__version__,
        "python": platform.python_version(),
    }
    for name, value in figures.items():
        print(f"{name:32} {value}")
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
