"""Load test: ``ips-jobdev serve --shared`` with many specialists of many programs at once.

N simulated specialists (default 200) across M programs (default 20) on the statewide data
set, in one PostgreSQL (a schema of its own, dropped afterwards), against the real server
(``ips-jobdev serve --shared`` in its own process, on 127.0.0.1 only) for a given duration
(default 5 minutes). Each simulated specialist has an account, signs in through the form,
then, with a think time between clicks, opens pages (Today, Week, Job seekers, one of its
own job seekers, Employers, Reports) and calls the JSON API (employer suggestions, and
logging a visit the way the offline queue does).

It reports page and API p50/p95 (client-side, over the loopback network), errors (any
answer other than the one expected, or a failed connection), lost updates (each user
logs visits with its own marker and, at the end, checks every one it was told was saved
is in the record, in its program) and rows read across a program boundary (each user
checks that every job seeker code and specialist code in every page it receives belongs
to its own program).

    python benchmarks/bench_shared_load.py [--users 200] [--programs 20] [--duration 300]
        [--scale 1.0] [--think 10] [--db postgresql+psycopg://...]
    python benchmarks/bench_shared_load.py --small     # CI: a few seconds, small data set

Results: benchmarks/results/shared_load.json. Goals (issue 13): page and API p95 under
400 ms, 0 errors, 0 lost updates, 0 rows across a program boundary.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from statewide import END, generate

from ips_jobdev import Database
from ips_jobdev._casework.accounts import add_user
from ips_jobdev._store import tables
from ips_jobdev._version import __version__

RESULTS = Path(__file__).resolve().parent / "results" / "shared_load.json"
DEFAULT_PG = os.environ.get(
    "IPS_JOBDEV_TEST_PG_URL",
    "postgresql+psycopg://ips_jobdev:ips_jobdev@127.0.0.1:5432/ips_jobdev_test",
)
PASSWORD = "load test passphrase 2026"
GOAL_P95_MS = 400.0
SEEKER_CODE = re.compile(r"\bJ-\d{4,}\b")
SPECIALIST_OPTION = re.compile(r'<option value="(S-\d{3,})"')
CSRF = re.compile(r'data-csrf="([0-9a-f]+)"')
PAGES = ("today", "week", "seekers", "seeker", "employers", "reports")


@dataclass
class Known:
    """What the record holds, to check what users receive against."""

    program_of_seeker: dict[str, int]
    program_of_specialist: dict[str, int]
    seekers_of_specialist: dict[str, list[str]]
    employer_ids: list[int]
    employer_words: list[str]


@dataclass
class Tally:
    """Everything the simulated users measured."""

    page_ms: list[float] = field(default_factory=list)
    api_ms: list[float] = field(default_factory=list)
    by_page: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    crossings: list[str] = field(default_factory=list)
    rows_checked: int = 0
    saved: dict[str, list[str]] = field(default_factory=dict)


def _schema_url(base: str, schema: str) -> str:
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}"


def _prepare(base_url: str, scale: float, programs: int, users: int) -> tuple[str, str, Known]:
    schema = f"bench_load_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(base_url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    url = _schema_url(base_url, schema)
    began = time.perf_counter()
    info = generate(url, scale=scale, programs=programs)
    print(f"statewide data set at scale {scale:g} in {programs} programs: {info.counts} "
          f"({time.perf_counter() - began:.0f} s)", flush=True)  # fmt: skip
    database = Database(url)
    known = _known(database)
    codes = sorted(known.program_of_specialist, key=lambda c: int(c[2:]))[:users]
    began = time.perf_counter()
    with database.unit_of_work() as uow:
        program_code = {p.id: p.code for p in uow.programs.list()}
        for code in codes:
            program = program_code[known.program_of_specialist[code]]
            add_user(uow, f"{code.lower()}@example.org", program, "specialist", PASSWORD,
                     specialist=code)  # fmt: skip
        uow.commit()
    print(f"{len(codes)} accounts in {time.perf_counter() - began:.0f} s", flush=True)
    database.dispose()
    return url, schema, known


def _known(database: Database) -> Known:
    s, js, e = tables.specialists.c, tables.job_seekers.c, tables.employers.c
    with database.engine.connect() as connection:
        specialists = {r.code: (r.id, r.program_id) for r in connection.execute(
            sa.select(s.code, s.id, s.program_id))}  # fmt: skip
        code_of = {sid: code for code, (sid, _) in specialists.items()}
        seekers: dict[str, list[str]] = {}
        program_of_seeker = {}
        for r in connection.execute(sa.select(js.code, js.program_id, js.specialist_id)):
            program_of_seeker[r.code] = r.program_id
            if r.specialist_id in code_of:
                seekers.setdefault(code_of[r.specialist_id], []).append(r.code)
        employers = connection.execute(
            sa.select(e.id, e.name).where(e.do_not_contact.is_(False)).limit(5000)
        ).all()
    words = sorted({w for _, name in employers for w in name.split() if len(w) > 3})[:400]
    return Known(
        program_of_seeker=program_of_seeker,
        program_of_specialist={code: pid for code, (_, pid) in specialists.items()},
        seekers_of_specialist=seekers,
        employer_ids=[r.id for r in employers],
        employer_words=words or ["Example"],
    )


def _serve(url: str) -> tuple[subprocess.Popen[str], str]:
    command = [
        sys.executable, "-m", "ips_jobdev", "--db", url, "serve", "--shared",
        "--insecure-cookies", "--host", "127.0.0.1", "--port", "0", "--no-browser",
        "--today", END.isoformat(),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if found:
            return process, found[1]
    raise SystemExit(f"the server did not start (exit {process.wait()})")


class User:
    """One simulated specialist."""

    def __init__(self, code: str, base: str, known: Known, tally: Tally, seed: int) -> None:
        self.code = code
        self.email = f"{code.lower()}@example.org"
        self.program = known.program_of_specialist[code]
        self.known = known
        self.tally = tally
        self.rng = random.Random(seed)
        # each user comes through "the proxy" from its own address (198.18.0.0/15, the
        # benchmarking range): the server trusts X-Forwarded-For from 127.0.0.1, as behind
        # a reverse proxy on the same machine, so per-address sign-in limits apply per user
        address = f"198.18.{seed // 250}.{seed % 250 + 1}"
        self.client = httpx.AsyncClient(
            base_url=base, timeout=60.0, headers={"x-forwarded-for": address}
        )
        self.csrf = ""
        self.markers: list[str] = []

    async def _timed(self, kind: str, name: str, method: str, path: str, **kw: Any) -> Any:
        began = time.perf_counter()
        try:
            answer = await self.client.request(method, path, **kw)
        except httpx.HTTPError as exc:
            self.tally.errors.append(f"{self.code} {method} {path}: {exc!r}")
            return None
        elapsed = (time.perf_counter() - began) * 1000
        if kind == "page":
            self.tally.page_ms.append(elapsed)
        elif kind == "api":
            self.tally.api_ms.append(elapsed)
        self.tally.by_page.setdefault(name, []).append(elapsed)
        return answer

    def _check_rows(self, path: str, html: str) -> None:
        for code in SEEKER_CODE.findall(html):
            self.tally.rows_checked += 1
            if self.known.program_of_seeker.get(code) != self.program:
                self.tally.crossings.append(f"{self.code} got job seeker {code} at {path}")
        for code in SPECIALIST_OPTION.findall(html):
            self.tally.rows_checked += 1
            if self.known.program_of_specialist.get(code) != self.program:
                self.tally.crossings.append(f"{self.code} got specialist {code} at {path}")

    async def sign_in(self) -> bool:
        form = await self._timed("sign-in", "sign-in form", "GET", "/sign-in")
        if form is None or form.status_code != 200:
            self.tally.errors.append(
                f"{self.code} sign-in form: {getattr(form, 'status_code', '')}"
            )
            return False
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        data = {"email": self.email, "password": PASSWORD, "csrf_token": token[1] if token else ""}
        answer = await self._timed("sign-in", "sign-in", "POST", "/sign-in", data=data)
        if answer is None or answer.status_code != 303:
            status = getattr(answer, "status_code", "")
            self.tally.errors.append(f"{self.code} sign-in: {status}")
            return False
        return True

    async def page(self, name: str) -> None:
        own = self.known.seekers_of_specialist.get(self.code) or ["J-0001"]
        path = {
            "today": "/today",
            "week": "/week",
            "seekers": "/seekers",
            "seeker": f"/seekers/{self.rng.choice(own)}",
            "employers": f"/employers?q={self.rng.choice(self.known.employer_words)}",
            "reports": "/reports",
        }[name]
        answer = await self._timed("page", name, "GET", path)
        if answer is None:
            return
        if answer.status_code != 200:
            self.tally.errors.append(f"{self.code} GET {path}: {answer.status_code}")
            return
        found = CSRF.search(answer.text)
        if found:
            self.csrf = found[1]
        self._check_rows(path, answer.text)

    async def suggest(self) -> None:
        word = self.rng.choice(self.known.employer_words)
        answer = await self._timed("api", "suggest", "GET", f"/employers/suggest?q={word}")
        if answer is not None and answer.status_code != 200:
            self.tally.errors.append(f"{self.code} suggest: {answer.status_code}")

    async def log_visit(self) -> None:
        if not self.csrf:
            await self.page("today")
        marker = f"load {self.code} {len(self.markers) + 1} {uuid.uuid4().hex[:8]}"
        day = END - dt.timedelta(days=self.rng.randrange(1, 6))  # the past: made, not planned
        answer = await self._timed(
            "api", "log visit", "POST", "/visits",
            headers={"accept": "application/json"},
            data={
                "csrf_token": self.csrf, "submission_id": str(uuid.uuid4()),
                "employer": f"#{self.rng.choice(self.known.employer_ids)}",
                "date": day.isoformat(), "time": f"{self.rng.randrange(8, 17):02d}:00",
                "mode": "in-person", "purpose": "follow-up", "outcome": marker,
            },
        )  # fmt: skip
        if answer is None:
            return
        if answer.status_code != 200 or answer.json().get("status") != "saved":
            self.tally.errors.append(
                f"{self.code} log visit: {answer.status_code} {answer.text[:200]}"
            )
            return
        self.markers.append(marker)

    async def run(self, until: float, think: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, min(think, max(until - time.monotonic(), 0))))
        actions = [*PAGES, "suggest", "log visit"]
        weights = [20, 8, 10, 14, 10, 6, 16, 16]
        while time.monotonic() < until:
            action = self.rng.choices(actions, weights)[0]
            if action == "suggest":
                await self.suggest()
            elif action == "log visit":
                await self.log_visit()
            else:
                await self.page(action)
            await asyncio.sleep(self.rng.uniform(0.5 * think, 1.5 * think))
        self.tally.saved[self.code] = self.markers
        await self.client.aclose()


def _lost_updates(url: str, known: Known, saved: dict[str, list[str]]) -> tuple[int, int]:
    """(visits the users were told were saved, how many of them are missing or in another
    program): each user's visits, read back in a unit of work scoped to its program."""
    database = Database(url)
    v, s, p = tables.visits.c, tables.specialists.c, tables.programs.c
    missing = 0
    total = 0
    try:
        with database.engine.connect() as connection:
            codes = dict(connection.execute(sa.select(p.id, p.code)).all())
        for code, markers in saved.items():
            total += len(markers)
            if not markers:
                continue
            program = codes[known.program_of_specialist[code]]
            with database.unit_of_work(program=program) as uow:
                found = {
                    row.outcome
                    for row in uow.session.execute(
                        sa.select(v.outcome)
                        .join(tables.specialists, s.id == v.specialist_id)
                        .where(s.code == code, v.outcome.in_(markers))
                    )
                }
            missing += len(set(markers) - found)
    finally:
        database.dispose()
    return total, missing


def _percentiles(values: Sequence[float]) -> dict[str, float | int | None]:
    if not values:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "max_ms": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


async def _drive(users: list[User], duration: float, think: float) -> float:
    """Sign everyone in (argon2 is slow on purpose: not part of the page figures), then
    run the timed phase; its length in seconds."""
    signed = await asyncio.gather(*(user.sign_in() for user in users))
    active = [user for user, ok in zip(users, signed, strict=True) if ok]
    began = time.monotonic()
    await asyncio.gather(*(user.run(began + duration, think) for user in active))
    return time.monotonic() - began


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Prepare, serve, drive, check; the results document."""
    url, schema, known = _prepare(args.db, args.scale, args.programs, args.users)
    process, base = _serve(url)
    tally = Tally()
    try:
        codes = sorted(known.program_of_specialist, key=lambda c: int(c[2:]))[: args.users]
        users = [User(code, base, known, tally, seed=i) for i, code in enumerate(codes)]
        elapsed = asyncio.run(_drive(users, args.duration, args.think))
    finally:
        process.terminate()
        process.wait(timeout=30)
    saved, lost = _lost_updates(url, known, tally.saved)
    if not args.keep:
        engine = sa.create_engine(args.db)
        with engine.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        engine.dispose()
    pages = _percentiles(tally.page_ms)
    api = _percentiles(tally.api_ms)
    return {
        "version": __version__,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "users": len(codes),
        "programs": args.programs,
        "scale": args.scale,
        "duration_s": round(elapsed, 1),
        "think_s": args.think,
        "requests": len(tally.page_ms) + len(tally.api_ms),
        "requests_per_s": round((len(tally.page_ms) + len(tally.api_ms)) / elapsed, 1),
        "pages": pages,
        "api": api,
        "by_page": {name: _percentiles(v) for name, v in sorted(tally.by_page.items())},
        "sign_in_note": "sign-in (argon2) is timed apart, before the timed phase",
        "errors": len(tally.errors),
        "error_examples": tally.errors[:10],
        "visits_saved": saved,
        "lost_updates": lost,
        "rows_checked": tally.rows_checked,
        "rows_across_boundary": len(tally.crossings),
        "crossing_examples": tally.crossings[:10],
        "goals_met": bool(
            pages["p95_ms"] is not None
            and float(pages["p95_ms"] or 0) < GOAL_P95_MS
            and float(api["p95_ms"] or 0) < GOAL_P95_MS
            and not tally.errors
            and lost == 0
            and not tally.crossings
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds")
    parser.add_argument("--scale", type=float, default=1.0, help="statewide data set scale")
    parser.add_argument("--think", type=float, default=10.0,
                        help="mean seconds between a user's clicks")  # fmt: skip
    parser.add_argument("--db", default=DEFAULT_PG, help="PostgreSQL URL (a schema is made)")
    parser.add_argument("--small", action="store_true", help="CI: 10 users, 2 programs, 8 s")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.small:
        args.users, args.programs, args.duration, args.scale, args.think = 10, 2, 8.0, 0.05, 0.5
    result = run(args)
    print(json.dumps(result, indent=2))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    failed = result["errors"] or result["lost_updates"] or result["rows_across_boundary"]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
