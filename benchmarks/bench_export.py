"""Benchmark: ics exports against bare icalendar, and exports of the statewide data set.

Part 1, 10,000 visits (a SQLite database of made-up employers, each with a contact
person, 5 specialists, 60 job seekers), measured in the same process:

- ``export``: ``ips_jobdev._sync.export.export(uow, "ics", ...)`` the first time (every
  visit is read, redacted, fingerprinted, rendered, written, and its sync state saved);
- ``re-export``: the same again with nothing changed (no record is read or rendered; the
  file is rewritten from the events kept with the sync state);
- ``update``: after editing 100 visits;
- ``floor``: the same events built with bare icalendar from rows already in memory (UID,
  SEQUENCE, DTSTAMP, times in the specialist's zone, SUMMARY, LOCATION, DESCRIPTION,
  CATEGORIES, STATUS), with the VTIMEZONE added and the file written: what any ics exporter
  pays. ``floor+read`` adds reading the same rows with one SQL join.

Each is run ``--repeat`` times (default 3), interleaved, and the fastest counts.

Part 2, the statewide data set (``statewide.py``; ``--scale``, default 1.0: 1,000,000
visits), each export in its own process so its peak memory (RSS) is its own:

- one specialist's visits (about 5,000), then again with nothing changed;
- the whole state's visits, then again with nothing changed.

Goals (issue 14): export within 1.2x of the floor; re-export with nothing changed under
0.5 s; the whole state's export under 300 MB of peak RSS. Run::

    python benchmarks/bench_export.py                       # both parts
    python benchmarks/bench_export.py --visits 2000 --scale 0.1
    python benchmarks/bench_export.py --no-statewide

The table is printed and the figures written to ``benchmarks/results/export.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import icalendar
import sqlalchemy as sa

import ips_jobdev
from ips_jobdev._sync.export import export

sys.path.insert(0, str(Path(__file__).resolve().parent))

from peak_memory import own_peak_rss_mb

RESULTS = Path(__file__).parent / "results" / "export.json"
SOURCE = "bench_export"
SEED = 20261207
ZIPS = ["53703", "53704", "53705", "53711", "53713", "53714", "53590", "53593", "53589"]
PURPOSES = ["introduce", "learn-business", "follow-up", "present-job-seeker", "support"]


def build_database(path: Path, visits: int) -> ips_jobdev.Database:
    """A database with ``visits`` visits over 200 employers, 5 specialists, 60 job seekers."""
    rng = random.Random(SEED)
    database = ips_jobdev.Database(f"sqlite:///{path}")
    with database.unit_of_work() as uow:
        specialists = [
            uow.specialists.add(ips_jobdev.Specialist(code=f"s{i}", name=f"Specialist {i}"))
            for i in range(5)
        ]
        employers = []
        for i in range(200):
            employer = ips_jobdev.Employer(
                name=f"Example Business {i}",
                street=f"{100 + i} Example St",
                city="Madison",
                state="WI",
                zip=rng.choice(ZIPS),
                phone=f"608-555-01{i % 100:02d}",
            )
            employer.add_person(
                ips_jobdev.EmployerPerson(
                    name=f"Manager {i}",
                    title="Hiring manager",
                    phone=f"608-555-01{(i + 7) % 100:02d}",
                )
            )
            employers.append(uow.employers.add(employer))
        seekers = [
            uow.seekers.add(ips_jobdev.JobSeeker(code=f"JS-{i:03d}", name=f"Seeker {i}"))
            for i in range(60)
        ]
        uow.flush()
        start = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC)
        for n in range(visits):
            employer = rng.choice(employers)
            uow.visits.add(
                ips_jobdev.Visit(
                    employer_id=employer.id,
                    specialist_id=rng.choice(specialists).id,
                    person_id=employer.people[0].id,
                    status="planned",
                    purpose=rng.choice(PURPOSES),
                    at=start + dt.timedelta(hours=3 * n),
                    seekers=rng.sample(seekers, rng.randint(0, 2)),
                    reason=f"Visit number {n}: ask about the spring schedule",
                )
            )
        uow.commit()
    return database


def read_rows(database: ips_jobdev.Database) -> list[Any]:
    """The rows an ics exporter needs, with one SQL join (for the baseline)."""
    from ips_jobdev._store import tables as t

    statement = (
        sa.select(
            t.visits.c.id,
            t.visits.c.at,
            t.visits.c.duration_minutes,
            t.visits.c.purpose,
            t.visits.c.status,
            t.visits.c.reason,
            t.employers.c.name,
            t.employers.c.street,
            t.employers.c.city,
            t.employers.c.zip,
            t.employers.c.phone,
            t.employer_people.c.name,
            t.employer_people.c.phone,
            t.specialists.c.timezone,
        )
        .join(t.employers, t.employers.c.id == t.visits.c.employer_id)
        .join(t.specialists, t.specialists.c.id == t.visits.c.specialist_id)
        .outerjoin(t.employer_people, t.employer_people.c.id == t.visits.c.person_id)
        .order_by(t.visits.c.id)
    )
    with database.engine.connect() as connection:
        return list(connection.execute(statement))


def bare_icalendar(rows: list[Any], out: Path) -> None:
    """The same events with bare icalendar: the floor."""
    stamp = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//bench//bench//EN")
    calendar.add("version", "2.0")
    for row in rows:
        zone = zoneinfo.ZoneInfo(row[13])
        event = icalendar.Event()
        event.add("uid", f"visit-{row[0]}@bench")
        event.add("sequence", 0)
        event.add("dtstamp", stamp)
        event.add("dtstart", row[1].astimezone(zone))
        event.add("dtend", (row[1] + dt.timedelta(minutes=row[2])).astimezone(zone))
        event.add("summary", f"{row[3]}: {row[6]}")
        event.add("location", f"{row[6]}, {row[7]}, {row[8]}, WI {row[9]}")
        event.add(
            "description",
            f"Purpose: {row[3]}\nReason: {row[5]}\nMeeting: {row[11]}, "
            f"{row[12]}\nEmployer phone: {row[10]}",
        )
        event.add("categories", ["IPS job development", str(row[3])])
        event.add("status", "CANCELLED" if row[4] == "cancelled" else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones(first_date=dt.date(2025, 1, 1), last_date=dt.date(2030, 1, 1))
    out.write_bytes(calendar.to_ical())


#: CPU seconds of this process, by what :func:`timed` measured last (a shared machine's
#: wall-clock times vary with the other processes; CPU time much less).
CPU: dict[str, float] = {}


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    """Wall-clock seconds of one call and its result (its CPU seconds go to ``CPU["last"]``)."""
    cpu = time.process_time()
    started = time.perf_counter()
    result = function(*args, **kwargs)
    CPU["last"] = time.process_time() - cpu
    return time.perf_counter() - started, result


def _child(argv: list[str]) -> None:
    """In a child process: one ics export; print its time, counts and peak RSS as JSON."""
    url, out, specialist = argv[0], argv[1], argv[2] or None
    database = ips_jobdev.Database(url)
    cpu = time.process_time()
    began = time.perf_counter()
    with database.unit_of_work() as uow:
        report = export(uow, "ics", specialist=specialist, options={"out": out}, environ={})
    seconds = time.perf_counter() - began
    cpu_seconds = time.process_time() - cpu
    figures = {
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "counts": report.counts,
        "rss_mb": int(own_peak_rss_mb()),
    }
    print(json.dumps(figures))


def _in_child(url: str, out: Path, specialist: str | None) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, str(out), specialist or ""],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "IPS_JOBDEV_LOAD_PLUGINS": ""},
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def ten_thousand(visits: int, repeat: int) -> dict[str, Any]:
    """Part 1: ``visits`` visits against bare icalendar, best of ``repeat``."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made, database = timed(build_database, root / "bench.sqlite3", visits)
        out = root / "visits.ics"

        def run() -> Any:
            with database.unit_of_work() as uow:
                return export(uow, "ics", options={"out": str(out)}, environ={})

        from ips_jobdev._store import tables

        firsts, agains, updates, baselines, reads = [], [], [], [], []
        cpu_firsts, cpu_agains, cpu_baselines = [], [], []
        for attempt in range(repeat):
            with database.unit_of_work() as uow:  # start again from nothing sent
                uow.session.execute(sa.delete(tables.sync_state))
                uow.commit()
            out.unlink(missing_ok=True)
            first, report = timed(run)
            cpu_firsts.append(CPU["last"])
            assert report.counts == {"created": visits}, report.counts
            again, report = timed(run)
            cpu_agains.append(CPU["last"])
            assert report.sent == 0
            with database.unit_of_work() as uow:
                for visit in uow.visits.list(limit=100):
                    visit.reason = f"Moved ({attempt}): ask about the summer schedule"
                uow.commit()
            update, report = timed(run)
            assert report.counts.get("updated") == 100, report.counts
            read, rows = timed(read_rows, database)
            baseline, _ = timed(bare_icalendar, rows, root / "bare.ics")
            cpu_baselines.append(CPU["last"])
            firsts.append(first)
            agains.append(again)
            updates.append(update)
            baselines.append(baseline)
            reads.append(read)
        size = out.stat().st_size
        database.dispose()
        # peak memory of a first export and of a re-export, each in its own process
        fresh = root / "fresh.sqlite3"
        build_database(fresh, visits).dispose()
        first_child = _in_child(f"sqlite:///{fresh}", root / "child.ics", None)
        again_child = _in_child(f"sqlite:///{fresh}", root / "child.ics", None)
    return {
        "visits": visits,
        "repeat": repeat,
        "build_database_s": round(made, 2),
        "export_s": round(min(firsts), 3),
        "re_export_s": round(min(agains), 3),
        "update_100_s": round(min(updates), 3),
        "floor_bare_icalendar_s": round(min(baselines), 3),
        "floor_plus_read_s": round(min(baselines) + min(reads), 3),
        "ratio_export_to_floor": round(min(firsts) / min(baselines), 2),
        "ratio_export_to_floor_plus_read": round(min(firsts) / (min(baselines) + min(reads)), 2),
        "export_cpu_s": round(min(cpu_firsts), 3),
        "re_export_cpu_s": round(min(cpu_agains), 3),
        "floor_cpu_s": round(min(cpu_baselines), 3),
        "ratio_cpu_export_to_floor": round(min(cpu_firsts) / min(cpu_baselines), 2),
        "export_rss_mb": first_child["rss_mb"],
        "re_export_rss_mb": again_child["rss_mb"],
        "file_bytes": size,
    }


def statewide_exports(scale: float) -> dict[str, Any]:
    """Part 2: one specialist's and the whole state's visits, each export in a child."""
    from statewide import copy_statewide

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        info = copy_statewide(root / "statewide.sqlite3", scale=scale)
        ips_jobdev.Database(info.url).dispose()
        code = info.specialist_codes[0]
        one = _in_child(info.url, root / "one.ics", code)
        one_again = _in_child(info.url, root / "one.ics", code)
        whole = _in_child(info.url, root / "whole.ics", None)
        whole_again = _in_child(info.url, root / "whole.ics", None)
        whole_bytes = (root / "whole.ics").stat().st_size
    return {
        "scale": scale,
        "specialist": code,
        "one_specialist": one,
        "one_specialist_again": one_again,
        "whole_state": whole,
        "whole_state_again": whole_again,
        "whole_state_file_bytes": whole_bytes,
    }


def _table(figures: dict[str, Any]) -> list[tuple[str, str, str, str, str, str, str]]:
    """The rows: what, project, floor, ratio, goal, met, peak RSS."""
    rows = []
    part = figures.get("ten_thousand")
    if part:
        n = f"{part['visits']:,}"
        ratio = part["ratio_export_to_floor"]
        rows.append(
            (
                f"ics export, {n} visits",
                f"{part['export_s']:.2f} s",
                f"bare icalendar {part['floor_bare_icalendar_s']:.2f} s",
                f"{ratio:.2f}",
                "<= 1.2",
                "yes" if ratio <= 1.2 else "no",
                f"{part['export_rss_mb']} MB",
            )
        )
        cpu_ratio = part["ratio_cpu_export_to_floor"]
        rows.append(
            (
                "the same, CPU time of the process",
                f"{part['export_cpu_s']:.2f} s",
                f"{part['floor_cpu_s']:.2f} s",
                f"{cpu_ratio:.2f}",
                "<= 1.2",
                "yes" if cpu_ratio <= 1.2 else "no",
                "-",
            )
        )
        again = part["re_export_s"]
        rows.append(
            (
                f"ics re-export, nothing changed, {n} visits",
                f"{again:.2f} s (CPU {part.get('re_export_cpu_s', 0):.2f} s)",
                "-",
                "-",
                "< 0.5 s",
                "yes" if again < 0.5 else "no",
                f"{part['re_export_rss_mb']} MB",
            )
        )
        update = f"{part['update_100_s']:.2f} s"
        rows.append((f"ics export after editing 100 of {n}", update, "-", "-", "-", "-", "-"))
    state = figures.get("statewide")
    if state:
        for key, what, goal, met in (
            ("one_specialist", "one specialist", "-", None),
            ("one_specialist_again", "one specialist again, nothing changed", "< 0.5 s", 0.5),
        ):
            child = state[key]
            total = sum(child["counts"].values())
            ok = "-" if met is None else ("yes" if child["seconds"] < met else "no")
            rows.append(
                (
                    f"statewide x{state['scale']:g}: ics, {what} ({total:,} visits)",
                    f"{child['seconds']:.2f} s (CPU {child.get('cpu_seconds', 0):.2f} s)",
                    "-",
                    "-",
                    goal,
                    ok,
                    f"{child['rss_mb']} MB",
                )
            )
        for key, what in (
            ("whole_state", "whole state"),
            ("whole_state_again", "whole state again"),
        ):
            child = state[key]
            total = sum(child["counts"].values())
            rows.append(
                (
                    f"statewide x{state['scale']:g}: ics, {what} ({total:,} visits)",
                    f"{child['seconds']:.1f} s (CPU {child.get('cpu_seconds', 0):.1f} s)",
                    "-",
                    "-",
                    "RSS < 300 MB",
                    "yes" if child["rss_mb"] < 300 else "no",
                    f"{child['rss_mb']} MB",
                )
            )
    return rows


def table_rows(settings: Any) -> Iterator[Any]:
    """The ics rows of the issue's table, for ``benchmarks/run``: a first export of 10,000
    visits against bare icalendar (wall clock and CPU), the re-export with nothing changed,
    and the whole state's export's peak memory (SQLite; the exporter reads through the same
    store on PostgreSQL)."""
    from table import Row

    visits, repeat = (300, 1) if settings.small else (10_000, max(1, min(settings.runs, 3)))
    part = ten_thousand(visits, repeat)
    n = f"{visits:,}"
    floor_what = "bare icalendar, the same events from rows in memory"
    yield Row(
        what=f"ics export, {n} visits",
        database="SQLite",
        project=part["export_s"],
        unit="s",
        floor=part["floor_bare_icalendar_s"],
        floor_what=floor_what,
        max_ratio=1.2,
        source=SOURCE,
        notes={"cpu_s": part["export_cpu_s"], "floor_cpu_s": part["floor_cpu_s"]},
    )
    yield Row(
        what=f"ics export, {n} visits, CPU seconds",
        database="SQLite",
        project=part["export_cpu_s"],
        unit="s",
        floor=part["floor_cpu_s"],
        floor_what=floor_what + " (CPU)",
        max_ratio=1.2,
        source=SOURCE,
    )
    yield Row(
        what=f"ics re-export, nothing changed, {n} visits",
        database="SQLite",
        project=part["re_export_s"],
        unit="s",
        goal=0.5,
        source=SOURCE,
        notes={"cpu_s": part["re_export_cpu_s"], "rss_mb": part["re_export_rss_mb"]},
    )
    state = statewide_exports(settings.scale)
    for key, what in (("whole_state", "whole state"), ("whole_state_again", "again, unchanged")):
        child = state[key]
        total = sum(child["counts"].values())
        yield Row(
            what=f"ics export peak memory, {what} ({total:,} visits, x{settings.scale:g})",
            database="SQLite",
            project=float(child["rss_mb"]),
            unit="MB",
            goal=300.0,
            source=SOURCE,
            notes={"seconds": round(child["seconds"], 2), "cpu_s": child.get("cpu_seconds")},
        )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        _child(argv[1:])
        return {}
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest counts")
    parser.add_argument("--scale", type=float, default=1.0, help="of the statewide data set")
    parser.add_argument("--no-statewide", action="store_true", help="only the first part")
    parser.add_argument("--only-statewide", action="store_true", help="only the second part")
    parser.add_argument("--no-save", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpu",
    }
    if not args.only_statewide:
        figures["ten_thousand"] = ten_thousand(args.visits, args.repeat)
    if not args.no_statewide:
        figures["statewide"] = statewide_exports(args.scale)
    columns = ("what", "project", "floor", "ratio", "goal", "met", "peak RSS")
    rows = [columns, *_table(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    if not args.no_save:
        # a run of one part keeps the other part's figures from an earlier run
        earlier = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps({**earlier, **figures}, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
