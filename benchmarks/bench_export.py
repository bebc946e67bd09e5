"""Benchmark: export 10,000 visits to an iCalendar file, against bare icalendar.

Builds a SQLite database of made-up employers (each with a contact person), specialists
and job seekers, and 10,000 visits, then measures in the same process:

- ``export``: ``ips_jobdev._sync.export.export(uow, "ics", ...)`` the first time (every visit is
  created: read, redact, fingerprint, build, write the file, save the sync state);
- ``re-export``: the same again with nothing changed (the file is rewritten whole with the
  same UIDs and SEQUENCEs; nothing is sent);
- ``update``: after editing 100 visits;
- ``baseline``: the same events built with bare icalendar from data already in memory
  (UID, SEQUENCE, DTSTAMP, times in the specialist's zone, SUMMARY, LOCATION, DESCRIPTION,
  CATEGORIES, STATUS), with the VTIMEZONE added and the file written: the floor any ics
  exporter pays. ``baseline+read`` adds reading the same rows with one SQL join.

Each is run ``--repeat`` times (default 3) and the fastest counts; the ratios are export
time / baseline time. Run::

    python benchmarks/bench_export.py                 # 10,000 visits
    python benchmarks/bench_export.py --visits 2000

Figures are printed and written to ``benchmarks/results/export.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sys
import tempfile
import time
import zoneinfo
from pathlib import Path
from typing import Any

import icalendar
import sqlalchemy as sa

import ips_jobdev
from ips_jobdev._sync.export import export

RESULTS = Path(__file__).parent / "results" / "export.json"
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


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the fastest counts")
    parser.add_argument("--no-save", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        made, database = timed(build_database, root / "bench.sqlite3", args.visits)
        out = root / "visits.ics"

        def run() -> Any:
            with database.unit_of_work() as uow:
                return export(uow, "ics", options={"out": str(out)}, environ={})

        from ips_jobdev._store import tables

        firsts, agains, updates, baselines, reads = [], [], [], [], []
        for attempt in range(args.repeat):
            with database.unit_of_work() as uow:  # start again from nothing sent
                uow.session.execute(sa.delete(tables.sync_state))
                uow.commit()
            out.unlink(missing_ok=True)
            first, report = timed(run)
            assert report.counts == {"created": args.visits}, report.counts
            again, report = timed(run)
            assert report.sent == 0
            with database.unit_of_work() as uow:
                for visit in uow.visits.list(limit=100):
                    visit.reason = f"Moved ({attempt}): ask about the summer schedule"
                uow.commit()
            update, report = timed(run)
            assert report.counts.get("updated") == 100, report.counts
            read, rows = timed(read_rows, database)
            baseline, _ = timed(bare_icalendar, rows, root / "bare.ics")
            firsts.append(first)
            agains.append(again)
            updates.append(update)
            baselines.append(baseline)
            reads.append(read)
        first, again, update = min(firsts), min(agains), min(updates)
        baseline, read = min(baselines), min(reads)
        size = out.stat().st_size
        database.dispose()
    figures = {
        "visits": args.visits,
        "repeat": args.repeat,
        "build_database_s": round(made, 2),
        "export_s": round(first, 3),
        "re_export_s": round(again, 3),
        "update_100_s": round(update, 3),
        "baseline_bare_icalendar_s": round(baseline, 3),
        "baseline_plus_read_s": round(baseline + read, 3),
        "ratio_export_to_baseline": round(first / baseline, 2),
        "ratio_export_to_baseline_plus_read": round(first / (baseline + read), 2),
        "ratio_re_export_to_baseline": round(again / baseline, 2),
        "file_bytes": size,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    for name, value in figures.items():
        print(f"{name:36} {value}")
    if not args.no_save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
