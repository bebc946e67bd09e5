"""The statewide data set every benchmark runs on: a fictional Wisconsin IPS program.

At scale 1.0 it holds 150,000 employers spread over Wisconsin's real ZIP codes, 200
employment specialists, 4,000 job seekers (20 per specialist), 1,000,000 employer visits
over the five years that end on :data:`END` (2026-11-20), and the openings, job-fit notes
and job starts that such a program collects. Everything is made up (names from word lists,
``555-01xx`` phones, numbered example streets); only the ZIP codes are real. The same seed
and scale always give the same rows.

Use it from a benchmark::

    from statewide import cached_statewide
    info = cached_statewide(seed=2026, scale=1.0)   # generates once, then reuses the file
    ... Database(info.url) ...

or from the shell: ``python benchmarks/statewide.py --db sqlite:///big.sqlite3``.
See benchmarks/README.md for what each table holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ips_jobdev import Database
from ips_jobdev._geo import miles_between, wisconsin_zips, zip_place
from ips_jobdev._model import (
    Employer,
    EmployerPerson,
    FitFactorRating,
    JobFitNote,
    JobOpening,
    JobSeeker,
    JobStart,
    Preferences,
    Specialist,
    Visit,
)
from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev._store import tables
from ips_jobdev._store.bulk import new_row
from ips_jobdev._store.migrate import head_revision

__all__ = [
    "END",
    "GENERATOR_VERSION",
    "INDUSTRY_JOB_TYPES",
    "StatewideInfo",
    "cached_path",
    "cached_statewide",
    "cached_statewide_postgres",
    "copy_statewide",
    "generate",
]

#: The last day of the five years of history (the data set's "today").
END = dt.date(2026, 11, 20)
#: Bumped whenever the generator's output changes, so stale cached files are rebuilt.
GENERATOR_VERSION = 2
DATA_DIR = Path(__file__).resolve().parent / "data"
CHUNK = 10_000

Progress = Callable[[str, int, int], None]


def _words(text: str) -> list[str]:
    return text.split()


#: Industries and the job types their employers have (lower-case labels, as stored).
INDUSTRY_JOB_TYPES: dict[str, list[str]] = {
    "retail": ["cashier", "stocker", "sales associate", "customer service"],
    "food service": ["dishwasher", "cook", "server", "food prep", "cashier"],
    "warehouse and logistics": ["warehouse", "forklift operator", "order picker", "delivery"],
    "manufacturing": ["assembler", "machine operator", "packaging", "quality inspector"],
    "health care": ["nursing assistant", "home care aide", "housekeeping", "dietary aide"],
    "hospitality": ["housekeeping", "front desk", "laundry", "maintenance"],
    "agriculture": ["farm hand", "greenhouse", "dairy", "landscaping"],
    "construction": ["laborer", "carpenter helper", "painter", "landscaping"],
    "office and administration": ["receptionist", "data entry", "office clerk", "customer service"],
    "education": ["teacher aide", "custodian", "food prep", "bus monitor"],
    "automotive": ["auto detailer", "lube technician", "parts clerk", "car wash"],
    "cleaning and facilities": ["custodian", "janitor", "housekeeping", "maintenance"],
    "animal care": ["kennel assistant", "groomer assistant", "farm hand"],
    "arts and recreation": ["attendant", "usher", "groundskeeper", "concessions"],
}

_FIRST = _words(
    "Avery Blake Casey Dana Emery Finley Gray Harper Indy Jordan Kai Logan Morgan Noel "
    "Oakley Parker Quinn Reese Sage Taylor Val Wren Rowan Skyler Jesse Robin Alex Charlie"
)
_LAST = _words(
    "Ashgrove Brookfield Cedarly Dunmore Elmsworth Fernhill Glenmoor Hollis Ivywood Juniper "
    "Kestrel Larchmont Millbrook Northcott Oakhaven Pinecrest Quillon Redfern Stonebridge "
    "Thistlewood Underhill Vale Westbrook Yarrow Zephyr"
)
_NAME_A = _words(
    "Maple Cedar Prairie River Lakeside Northwoods Badger Harbor Meadow Ridge Bluff Pine "
    "Willow Stone Sunrise Valley Driftless Orchard Timber Hilltop Cranberry Fox Beacon Cardinal"
)
_NAME_B = _words("Street Corner Point Grove Works Square Station Crossing Market Bend Hollow Mill")
_KIND = {
    "retail": _words("Goods Shop Outfitters Market Hardware Supply"),
    "food service": _words("Bakery Diner Cafe Kitchen Grill Creamery"),
    "warehouse and logistics": _words("Logistics Distribution Freight Storage Fulfillment"),
    "manufacturing": _words("Manufacturing Fabrication Plastics Machining Packaging"),
    "health care": _words("Care Center Clinic Senior Living Home Health Rehab"),
    "hospitality": _words("Inn Lodge Hotel Suites Resort"),
    "agriculture": _words("Farms Dairy Greenhouses Orchards Growers"),
    "construction": _words("Builders Construction Contracting Roofing"),
    "office and administration": _words("Services Associates Office Solutions"),
    "education": _words("Academy Learning Center School District Early Learning"),
    "automotive": _words("Auto Motors Car Wash Tire and Lube"),
    "cleaning and facilities": _words("Cleaning Facility Services Janitorial"),
    "animal care": _words("Kennels Pet Care Veterinary Stables"),
    "arts and recreation": _words("Theater Bowl Golf Club Recreation Center"),
}
_STREETS = _words("Oak Elm Main Park Mill Lake Church Spring Hill Forest Center Market")
_BIG_CITIES = {"Milwaukee", "Madison", "Green Bay", "Kenosha", "Racine", "Appleton", "Waukesha"}
_AREA_CODES = ("608", "414", "920", "715", "262", "534")
_SHIFTS = ("day", "evening", "night", "weekend", "flexible")
_TRANSPORT = (("bus", 30), ("car", 30), ("ride", 15), ("walk", 10), ("bike", 5), (None, 10))
_OUTCOMES = (
    "Met the hiring manager; asked for a short appointment",
    "Learned what the business looks for in new hires",
    "Left a thank-you note and a card",
    "Manager interested in meeting a candidate",
    "No hiring decisions maker on site; will return",
    "Discussed an opening that is not advertised",
)
_END_REASONS = (
    ("quit-with-job", 20),
    ("quit-without-plans", 20),
    ("fired", 12),
    ("laid-off", 10),
    ("temporary-ended", 15),
    ("health", 10),
    ("moved", 5),
    ("other", 8),
)


@dataclass
class StatewideInfo:
    """What :func:`generate` made, and where (returned, and stored next to cached files)."""

    url: str
    seed: int
    scale: float
    generator_version: int = GENERATOR_VERSION
    end: str = END.isoformat()
    counts: dict[str, int] = field(default_factory=dict)
    specialist_codes: list[str] = field(default_factory=list)
    seeker_codes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def sample_specialists(self, n: int) -> list[str]:
        """The first ``n`` specialist codes (a stable sample for benchmarks)."""
        return self.specialist_codes[:n]


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _utc(day: dt.date, minutes: int) -> dt.datetime:
    """``minutes`` after midnight (Wisconsin time, fixed -06:00 offset) on ``day``, as UTC."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    return (local + dt.timedelta(minutes=minutes)).astimezone(dt.UTC)


class _Generator:
    """Builds the rows; one instance per call of :func:`generate`."""

    def __init__(self, seed: int, scale: float, progress: Progress | None) -> None:
        self.rng = random.Random(seed)
        self.scale = scale
        self.progress = progress or (lambda stage, done, total: None)
        self.n_employers = max(12, round(150_000 * scale))
        self.n_specialists = max(2, round(200 * scale))
        self.n_seekers = max(4, round(4_000 * scale))
        self.n_visits = max(10, round(1_000_000 * scale))
        self.start = END - dt.timedelta(days=5 * 365)
        self.zips = wisconsin_zips()
        self.centroids = {z: zip_place(z).centroid for z in self.zips}  # type: ignore[union-attr]
        self.phones: dict[str, PhoneNumber] = {}
        self.employer_zip: list[str] = []  # index = employer id - 1
        self.employer_industry: list[str] = []
        self.employers_by_zip: dict[str, list[int]] = {}
        self.near_cache: dict[str, list[str]] = {}

    # -- helpers ---------------------------------------------------------------------------

    def phone(self, rng: random.Random) -> PhoneNumber:
        text = f"{rng.choice(_AREA_CODES)}-555-01{rng.randrange(100):02d}"
        if text not in self.phones:
            self.phones[text] = parse_phone(text, record="Employer", field="phone")
        return self.phones[text]

    def near_zips(self, centre: str, miles: float = 30.0) -> list[str]:
        """ZIPs within ``miles`` of ``centre`` that have employers (sorted, never empty)."""
        key = f"{centre}:{miles}"
        if key not in self.near_cache:
            here = self.centroids[centre]
            near = [
                z
                for z in self.zips
                if z in self.employers_by_zip and miles_between(here, self.centroids[z]) <= miles
            ]
            self.near_cache[key] = near or [centre]
        return self.near_cache[key]

    def employer_near(self, rng: random.Random, centre: str) -> int:
        zips = [z for z in self.near_zips(centre) if z in self.employers_by_zip]
        if not zips:  # tiny scales: no employer within 30 miles, take the nearest ones
            here = self.centroids[centre]
            zips = sorted(
                self.employers_by_zip, key=lambda z: (miles_between(here, self.centroids[z]), z)
            )[:3]
        return rng.choice(self.employers_by_zip[rng.choice(zips)])

    # -- tables ----------------------------------------------------------------------------

    def specialists(self) -> list[dict[str, Any]]:
        rng = self.rng
        weights = self._zip_weights()
        offices = rng.choices(self.zips, weights, k=self.n_specialists)
        rows = []
        for i in range(self.n_specialists):
            code = f"S-{i + 1:03d}"
            rows.append(
                new_row(
                    Specialist,
                    {
                        "id": i + 1,
                        "code": code,
                        "name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                        "email": f"{code.lower()}@example.org",
                        "office_zip": offices[i],
                    },
                )
            )
        return rows

    def _zip_weights(self) -> list[float]:
        rng = random.Random(self.rng.random())
        weights = []
        for z in self.zips:
            place = zip_place(z)
            big = place is not None and place.city in _BIG_CITIES
            weights.append(rng.lognormvariate(0, 1) * (6.0 if big else 1.0))
        return weights

    def employers(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        zips = rng.choices(self.zips, self._zip_weights(), k=self.n_employers)
        industries = list(INDUSTRY_JOB_TYPES)
        stamp = _utc(self.start, 0)
        for i in range(self.n_employers):
            eid = i + 1
            z = zips[i]
            place = zip_place(z)
            assert place is not None
            industry = rng.choice(industries)
            kind = rng.choice(_KIND[industry])
            name = f"{rng.choice(_NAME_A)} {rng.choice(_NAME_B)} {kind} #{eid}"
            types = INDUSTRY_JOB_TYPES[industry]
            job_types = [] if rng.random() < 0.05 else rng.sample(types, rng.randint(1, 3))
            shifts = [] if rng.random() < 0.08 else rng.sample(_SHIFTS[:4], rng.randint(1, 2))
            if shifts and rng.random() < 0.1:
                shifts.append("flexible")
            wage_min = wage_max = None
            if rng.random() < 0.8:
                wage_min = Decimal(rng.randrange(1100, 2200)) / 100
                wage_max = wage_min + Decimal(rng.randrange(0, 600)) / 100
            own = rng.random() < 0.1
            urban = place.city in _BIG_CITIES
            bus = rng.random() < (0.85 if urban else 0.2)
            self.employer_zip.append(z)
            self.employer_industry.append(industry)
            self.employers_by_zip.setdefault(z, []).append(eid)
            yield new_row(
                Employer,
                {
                    "id": eid,
                    "external_id": f"WI-{eid:06d}",
                    "name": name,
                    "industry": industry if rng.random() > 0.03 else None,
                    "job_types": job_types,
                    "street": f"{rng.randrange(100, 9900)} {rng.choice(_STREETS)} Street",
                    "city": place.city,
                    "state": "WI",
                    "zip": z,
                    "latitude": place.latitude + rng.uniform(-0.02, 0.02) if own else None,
                    "longitude": place.longitude + rng.uniform(-0.02, 0.02) if own else None,
                    "phone": self.phone(rng) if rng.random() < 0.7 else None,
                    "size": rng.choice((3, 8, 15, 40, 120, 400)),
                    "shifts": shifts,
                    "wage_min": wage_min,
                    "wage_max": wage_max,
                    "bus_access": None if rng.random() < 0.15 else bus,
                    "do_not_contact": rng.random() < 0.01,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )

    def people(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        pid = 0
        for eid in range(1, self.n_employers + 1):
            if rng.random() < 0.25:
                pid += 1
                name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
                yield new_row(
                    EmployerPerson,
                    {
                        "id": pid,
                        "employer_id": eid,
                        "name": name,
                        "title": rng.choice(
                            ("Hiring Manager", "Owner", "Store Manager", "Supervisor")
                        ),
                        "phone": self.phone(rng),
                        "email": f"person{pid}@example.org",
                        "makes_hiring_decisions": True,
                    },
                )

    def seekers(self, specialists: list[dict[str, Any]]) -> list[dict[str, Any]]:
        rng = self.rng
        all_types = sorted({t for types in INDUSTRY_JOB_TYPES.values() for t in types})
        industries = list(INDUSTRY_JOB_TYPES)
        rows = []
        for i in range(self.n_seekers):
            spec = specialists[i % len(specialists)]
            home = rng.choice(self.near_zips(spec["office_zip"], 15.0))
            prefs: dict[str, Any] = {}
            if rng.random() > 0.03:  # a few have no preferences recorded yet
                industry = rng.choice(industries)
                wanted = rng.sample(INDUSTRY_JOB_TYPES[industry], 1) + rng.sample(all_types, 1)
                avoid: list[str] = []
                if rng.random() < 0.4:
                    avoid.append(rng.choice([x for x in industries if x != industry]))
                if rng.random() < 0.2:
                    avoid.append(rng.choice([t for t in all_types if t not in wanted]))
                transport = _weighted(rng, _TRANSPORT)
                prefs = {
                    "job_types": list(dict.fromkeys(wanted)),
                    "industries": [industry] if rng.random() < 0.7 else [],
                    "avoid": avoid,
                    "hours_min": rng.choice((None, 10, 15, 20)),
                    "hours_max": rng.choice((None, 25, 30, 40)),
                    "shifts": rng.sample(_SHIFTS, rng.randint(0, 2)),
                    "home_zip": home,
                    "max_miles": rng.choice((None, 5.0, 10.0, 15.0, 25.0)),
                    "transport": transport,
                    "wage_min": str(Decimal(rng.randrange(1000, 1800)) / 100)
                    if rng.random() < 0.6
                    else None,
                    "disclosure": rng.choice(("undecided", "disclose", "not-disclose")),
                }
            ips_start = self.start + dt.timedelta(days=rng.randrange(5 * 365))
            status = _weighted(
                rng, (("searching", 50), ("working", 35), ("on-hold", 10), ("closed", 5))
            )
            stamp = _utc(ips_start, 9 * 60)
            rows.append(
                new_row(
                    JobSeeker,
                    {
                        "id": i + 1,
                        "code": f"J-{i + 1:04d}",
                        "specialist_id": spec["id"],
                        "ips_start": ips_start,
                        "status": status,
                        "preferences": Preferences.from_dict(prefs),
                        "created_at": stamp,
                        "updated_at": stamp,
                    },
                )
            )
        return rows

    def visits(
        self, specialists: list[dict[str, Any]], seekers: list[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], list[int]]]:
        """Visits in relationship cycles: introduce, learn the business, follow up..."""
        rng = self.rng
        caseload: dict[int, list[tuple[dt.date, int]]] = {}
        for s in seekers:
            caseload.setdefault(s["specialist_id"], []).append((s["ips_start"], s["id"]))
        per_specialist = self.n_visits // len(specialists)
        extra = self.n_visits - per_specialist * len(specialists)
        days = (END - self.start).days
        vid = 0
        for index, spec in enumerate(specialists):
            quota = per_specialist + (1 if index < extra else 0)
            made = 0
            while made < quota:
                employer = self.employer_near(rng, spec["office_zip"])
                day = self.start + dt.timedelta(days=rng.randrange(days))
                steps = ["introduce", "learn-business", "follow-up", "present-job-seeker"]
                steps += ["follow-up"] * rng.randrange(0, 12)
                for step_no, purpose in enumerate(steps):
                    if made >= quota or day > END:
                        break
                    vid += 1
                    made += 1
                    mode = _weighted(
                        rng, (("in-person", 78), ("phone", 14), ("email", 6), ("video", 2))
                    )
                    status = "cancelled" if rng.random() < 0.02 else "done"
                    for_seekers: list[int] = []
                    if purpose == "present-job-seeker" or (step_no > 1 and rng.random() < 0.3):
                        # only job seekers already in IPS on that day can be named on a contact
                        enrolled = [i for start, i in caseload[spec["id"]] if start <= day]
                        if enrolled:
                            wanted = min(len(enrolled), rng.choice((1, 1, 1, 2)))
                            for_seekers = rng.sample(enrolled, wanted)
                    at = _utc(day, rng.randrange(8 * 60 + 30, 16 * 60, 15))
                    yield (
                        new_row(
                            Visit,
                            {
                                "id": vid,
                                "employer_id": employer,
                                "specialist_id": spec["id"],
                                "at": at,
                                "duration_minutes": 20 if purpose == "learn-business" else 30,
                                "mode": mode,
                                "purpose": purpose,
                                "status": status,
                                "seeker_present": bool(for_seekers) and rng.random() < 0.2,
                                "outcome": rng.choice(_OUTCOMES) if status == "done" else None,
                                "created_at": at,
                                "updated_at": at,
                            },
                        ),
                        for_seekers,
                    )
                    day += dt.timedelta(days=rng.choice((7, 10, 14, 21, 30, 45, 60, 90)))

    def job_starts(
        self, specialists: list[dict[str, Any]], seekers: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """About 1.5 jobs per job seeker who ever worked; some employers hire several."""
        rng = self.rng
        office = {s["id"]: s["office_zip"] for s in specialists}
        popular: dict[int, list[int]] = {}
        rows: list[dict[str, Any]] = []
        for seeker in seekers:
            if seeker["status"] != "working" and rng.random() < 0.55:
                continue
            centre = seeker["preferences"].home_zip or office[seeker["specialist_id"]]
            start = seeker["ips_start"] + dt.timedelta(days=rng.randrange(20, 200))
            for _ in range(rng.choice((1, 1, 2, 3))):
                if start >= END:
                    break
                pool = popular.setdefault(seeker["specialist_id"], [])
                employer = (
                    rng.choice(pool)
                    if pool and rng.random() < 0.3
                    else self.employer_near(rng, centre)
                )
                pool.append(employer)
                industry = self.employer_industry[employer - 1]
                end = start + dt.timedelta(days=rng.randrange(30, 900))
                ended = end < END and rng.random() < 0.7
                rows.append(
                    new_row(
                        JobStart,
                        {
                            "id": len(rows) + 1,
                            "seeker_id": seeker["id"],
                            "employer_id": employer,
                            "title": rng.choice(INDUSTRY_JOB_TYPES[industry]).title(),
                            "job_type": rng.choice(INDUSTRY_JOB_TYPES[industry]),
                            "start_date": start,
                            "hours_per_week": float(rng.choice((12, 16, 20, 24, 30, 38))),
                            "wage": Decimal(rng.randrange(1100, 2100)) / 100,
                            "competitive": rng.random() < 0.95,
                            "end_date": end if ended else None,
                            "end_reason": _weighted(rng, _END_REASONS) if ended else None,
                        },
                    )
                )
                start = (end if ended else END) + dt.timedelta(days=rng.randrange(14, 120))
        return rows

    def openings(self) -> list[dict[str, Any]]:
        rng = self.rng
        rows = []
        for i in range(max(1, self.n_employers // 30)):
            employer = rng.randrange(1, self.n_employers + 1)
            industry = self.employer_industry[employer - 1]
            job_type = rng.choice(INDUSTRY_JOB_TYPES[industry])
            rows.append(
                new_row(
                    JobOpening,
                    {
                        "id": i + 1,
                        "employer_id": employer,
                        "title": job_type.title(),
                        "job_type": job_type,
                        "hours_per_week": float(rng.choice((15, 20, 25, 32, 40))),
                        "shifts": rng.sample(_SHIFTS[:4], 1),
                        "wage": Decimal(rng.randrange(1100, 2200)) / 100,
                        "advertised": rng.random() < 0.6,
                        "status": _weighted(rng, (("open", 60), ("filled", 30), ("closed", 10))),
                        "learned_on": END - dt.timedelta(days=rng.randrange(365)),
                    },
                )
            )
        return rows

    def fit_notes(
        self, seekers: list[dict[str, Any]], job_starts: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        rng = self.rng
        by_id = {s["id"]: s for s in seekers}
        ratings = ("good", "partial", "poor", "unknown")
        rows: list[dict[str, Any]] = []
        for start in job_starts:
            if rng.random() < 0.6:
                seeker = by_id[start["seeker_id"]]
                written = _utc(start["start_date"] - dt.timedelta(days=rng.randrange(3, 40)), 600)
                rows.append(
                    new_row(
                        JobFitNote,
                        {
                            "id": len(rows) + 1,
                            "seeker_id": seeker["id"],
                            "employer_id": start["employer_id"],
                            "author_id": seeker["specialist_id"],
                            "ratings": {
                                f: FitFactorRating(rng.choice(ratings))
                                for f in ("job_type", "distance", "schedule", "wage")
                            },
                            "overall": rng.choice(ratings[:3]),
                            "text": "Talked through the job with the job seeker.",
                            "written_at": written,
                        },
                    )
                )
        return rows


class _Programs:
    """Which program each row belongs to: specialists are dealt round-robin to the
    programs (1 by default), and every other row follows its specialist or job seeker."""

    def __init__(self, count: int) -> None:
        self.count = max(1, count)
        self.of_specialist: dict[int, int] = {}
        self.of_seeker: dict[int, int] = {}

    def rows(self) -> list[dict[str, Any]]:
        made = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
        if self.count == 1:
            return [{"id": 1, "code": "statewide", "name": "Statewide sample", "version": 1,
                     "created_at": made}]  # fmt: skip
        return [
            {"id": i, "code": f"prog-{i:02d}", "name": f"Sample program {i}", "version": 1,
             "created_at": made}
            for i in range(1, self.count + 1)
        ]  # fmt: skip

    def stamp(self, table: sa.Table, row: dict[str, Any]) -> None:
        if table is tables.specialists:
            row["program_id"] = self.of_specialist[row["id"]] = (row["id"] - 1) % self.count + 1
        elif table is tables.job_seekers:
            program = self.of_specialist.get(row.get("specialist_id") or 0, 1)
            row["program_id"] = self.of_seeker[row["id"]] = program
        elif table is tables.visits:
            row["program_id"] = self.of_specialist.get(row["specialist_id"], 1)
        elif table is tables.visit_seekers:
            pass  # a link carries its visit's program, given with the link
        elif "program_id" in table.c and "seeker_id" in table.c:
            row["program_id"] = self.of_seeker.get(row["seeker_id"], 1)


_NO_PROGRAMS = _Programs(1)


def _insert(
    connection: sa.Connection,
    table: sa.Table,
    rows: Iterable[dict[str, Any]],
    *,
    total: int,
    stage: str,
    progress: Progress,
    programs: _Programs = _NO_PROGRAMS,
) -> int:
    done = 0
    for batch in _chunks(rows):
        for row in batch:
            programs.stamp(table, row)
        connection.execute(table.insert(), batch)
        done += len(batch)
        progress(stage, done, total)
    return done


def _reset_sequences(connection: sa.Connection) -> None:
    """PostgreSQL: move each id sequence past the ids inserted explicitly."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def generate(
    url: str,
    *,
    seed: int = 2026,
    scale: float = 1.0,
    progress: Progress | None = None,
    programs: int = 1,
) -> StatewideInfo:
    """Fill the empty database at ``url`` with the statewide data set.

    Args:
        url: a SQLite or PostgreSQL URL; the database must hold no ips-jobdev rows yet
            (its schema is created if missing).
        seed: the random seed; the same seed and scale always give the same rows.
        scale: 1.0 is the full data set; 0.01 gives 1,500 employers, 10,000 visits...
        progress: called as ``progress(stage, done, total)`` while rows are written.
        programs: how many programs share the record (specialists dealt round-robin;
            several need PostgreSQL, as in the library).

    Everything is written in one transaction with bulk inserts (SQLite runs with
    ``synchronous=OFF`` meanwhile), so a failed run leaves the database empty.
    """
    began = time.perf_counter()
    report = progress or (lambda stage, done, total: None)
    gen = _Generator(seed, scale, progress)
    database = Database(url)
    try:
        with database.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA synchronous=OFF")
                connection.exec_driver_sql("PRAGMA cache_size=-200000")
            if connection.scalar(sa.select(sa.func.count()).select_from(tables.employers)):
                raise SystemExit(f"{url} already holds employers; give an empty database")
            connection.rollback()
            counts: dict[str, int] = {}
            owner = _Programs(programs)
            with connection.begin():
                connection.execute(tables.programs.insert(), owner.rows())
                specialists = gen.specialists()
                counts["specialists"] = _insert(
                    connection, tables.specialists, specialists,
                    total=len(specialists), stage="specialists", progress=report,
                    programs=owner,
                )  # fmt: skip
                counts["employers"] = _insert(
                    connection, tables.employers, gen.employers(),
                    total=gen.n_employers, stage="employers", progress=report,
                )  # fmt: skip
                counts["employer_people"] = _insert(
                    connection, tables.employer_people, gen.people(),
                    total=gen.n_employers // 4, stage="employer people", progress=report,
                )  # fmt: skip
                seekers = gen.seekers(specialists)
                counts["job_seekers"] = _insert(
                    connection, tables.job_seekers, seekers,
                    total=len(seekers), stage="job seekers", progress=report,
                    programs=owner,
                )  # fmt: skip
                links: list[dict[str, Any]] = []
                visit_rows: list[dict[str, Any]] = []
                done = 0
                for visit, for_seekers in gen.visits(specialists, seekers):
                    owner.stamp(tables.visits, visit)
                    visit_rows.append(visit)
                    links.extend(
                        {"visit_id": visit["id"], "seeker_id": s, "program_id": visit["program_id"]}
                        for s in for_seekers
                    )
                    if len(visit_rows) >= CHUNK:
                        connection.execute(tables.visits.insert(), visit_rows)
                        done += len(visit_rows)
                        visit_rows = []
                        report("visits", done, gen.n_visits)
                if visit_rows:
                    connection.execute(tables.visits.insert(), visit_rows)
                    done += len(visit_rows)
                    report("visits", done, gen.n_visits)
                counts["visits"] = done
                counts["visit_seekers"] = _insert(
                    connection, tables.visit_seekers, links,
                    total=len(links), stage="visit links", progress=report,
                )  # fmt: skip
                starts = gen.job_starts(specialists, seekers)
                counts["job_starts"] = _insert(
                    connection, tables.job_starts, starts,
                    total=len(starts), stage="job starts", progress=report,
                    programs=owner,
                )  # fmt: skip
                openings = gen.openings()
                counts["job_openings"] = _insert(
                    connection, tables.job_openings, openings,
                    total=len(openings), stage="openings", progress=report,
                )  # fmt: skip
                notes = gen.fit_notes(seekers, starts)
                counts["job_fit_notes"] = _insert(
                    connection, tables.job_fit_notes, notes,
                    total=len(notes), stage="fit notes", progress=report,
                    programs=owner,
                )  # fmt: skip
                _reset_sequences(connection)
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("ANALYZE")
            else:
                # this schema's tables only: a bare ANALYZE visits every schema of the
                # database and can deadlock with another session dropping one
                for table in tables.metadata.sorted_tables:
                    connection.exec_driver_sql(f"ANALYZE {table.name}")
                connection.commit()
    finally:
        database.dispose()
    return StatewideInfo(
        url=url,
        seed=seed,
        scale=scale,
        counts=counts,
        specialist_codes=[s["code"] for s in specialists],
        seeker_codes=[s["code"] for s in seekers],
        seconds=round(time.perf_counter() - began, 1),
    )


def cached_path(seed: int = 2026, scale: float = 1.0) -> Path:
    """Where the cached SQLite file for ``seed`` and ``scale`` lives (benchmarks/data/)."""
    return DATA_DIR / f"statewide-s{seed}-x{scale:g}-v{GENERATOR_VERSION}.sqlite3"


def cached_statewide(
    seed: int = 2026, scale: float = 1.0, progress: Progress | None = None
) -> StatewideInfo:
    """The statewide data set as a SQLite file under benchmarks/data/, made on first use.

    Later calls (and later benchmarks) reuse the file; a file made by another generator
    version is not reused. The schema is upgraded when ips-jobdev has gained migrations.
    Benchmarks must not write to it: copy it with :func:`copy_statewide` first.
    """
    path = cached_path(seed, scale)
    meta = path.with_suffix(".json")
    if not (path.exists() and meta.exists()):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        info = generate(f"sqlite:///{partial}", seed=seed, scale=scale, progress=progress)
        os.replace(partial, path)
        info.url = f"sqlite:///{path}"
        meta.write_text(json.dumps(asdict(info)), encoding="utf-8")
    info = StatewideInfo(**json.loads(meta.read_text(encoding="utf-8")))
    info.url = f"sqlite:///{path}"
    Database(info.url, check_schema=False).upgrade()
    return info


def _schema_url(base_url: str, schema: str) -> str:
    separator = "&" if "?" in base_url else "?"
    return f"{base_url}{separator}options=-csearch_path%3D{schema}"


def cached_statewide_postgres(
    base_url: str, seed: int = 2026, scale: float = 1.0, progress: Progress | None = None
) -> StatewideInfo:
    """The statewide data set in a schema of its own on the PostgreSQL at ``base_url``.

    The schema (``statewide_s2026_x1_v2_0003_web``..., named by the schema version as well)
    is made and filled on first use and reused afterwards; a table ``statewide_info`` in it
    marks a finished generation (a partial one is dropped and made again). The returned
    ``url`` sets the ``search_path`` to it. Benchmarks must not write to it.
    """
    scale_text = f"{scale:g}".replace(".", "_")
    # the schema version is in the name: the server is shared by branches at different
    # migrations, and upgrading a shared schema would lock out every older branch
    head = re.sub(r"[^a-z0-9_]", "_", head_revision().lower())
    schema = f"statewide_s{seed}_x{scale_text}_v{GENERATOR_VERSION}_{head}"[:63]
    url = _schema_url(base_url, schema)
    admin = sa.create_engine(base_url)
    try:
        with admin.begin() as connection:
            done = connection.scalar(
                sa.text("SELECT to_regclass(:t)"), {"t": f"{schema}.statewide_info"}
            )
            if done is None:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        if done is None:
            info = generate(url, seed=seed, scale=scale, progress=progress)
            with admin.begin() as connection:
                connection.execute(sa.text(f'CREATE TABLE "{schema}".statewide_info (info text)'))
                connection.execute(
                    sa.text(f'INSERT INTO "{schema}".statewide_info VALUES (:i)'),
                    {"i": json.dumps(asdict(info))},
                )
        with admin.connect() as connection:
            text = connection.scalar(sa.text(f'SELECT info FROM "{schema}".statewide_info'))
    finally:
        admin.dispose()
    info = StatewideInfo(**json.loads(text))
    info.url = url
    Database(url, check_schema=False).upgrade()
    return info


def copy_statewide(target: Path, seed: int = 2026, scale: float = 1.0) -> StatewideInfo:
    """A private copy of the cached data set at ``target`` (for benchmarks that write)."""
    info = cached_statewide(seed, scale)
    shutil.copyfile(cached_path(seed, scale), target)
    info.url = f"sqlite:///{target}"
    return info


def _print_progress() -> Progress:
    last: dict[str, float] = {}

    def report(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - last.get(stage, 0.0) > 2.0:
            last[stage] = now
            share = 100 * done / total if total else 100.0
            print(f"  {stage}: {done:,} of {total:,} ({share:.0f}%)", file=sys.stderr)

    return report


def main(argv: Sequence[str] | None = None) -> int:
    """``python benchmarks/statewide.py --db URL [--seed N] [--scale F]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL to fill (default: the cached file)")
    parser.add_argument(
        "--postgres", metavar="URL", help="make or reuse the cached schema on this PostgreSQL"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.db:
        info = generate(args.db, seed=args.seed, scale=args.scale, progress=_print_progress())
    elif args.postgres:
        info = cached_statewide_postgres(
            args.postgres, args.seed, args.scale, progress=_print_progress()
        )
    else:
        info = cached_statewide(args.seed, args.scale, progress=_print_progress())
    print(json.dumps({k: v for k, v in asdict(info).items() if not k.endswith("codes")}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
