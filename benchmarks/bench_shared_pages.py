"""Per-page server cost in shared mode (``serve --shared``) on a kept load-test data set.

Signs in as one specialist of a data set kept by ``bench_shared_load.py --keep`` (the app
in this process, Starlette's test client: no network) and asks for each page and API call
of the load test's mix ``--requests`` times, reporting per request the median and best
CPU time of this process, the wall time, the number of SQL statements sent and the time
spent waiting for their answers (the database server's share: on a machine shared with
other work, CPU time is the figure to compare; the sign-in form is the floor, a request
that reads one session).

    python benchmarks/bench_shared_pages.py --schema bench_load_612b08cf2f [--requests 20]
        [--user s-001] [--only today,week] [--profile week]   # cProfile of one page
        [--server 5]    # also the database's own time, steadier on a busy machine

``--server N`` replays the statements of one request of each kind N times in a transaction
that is rolled back, each under ``EXPLAIN (ANALYZE, TIMING OFF)``, and reports the sum over
its statements of each one's best planning plus execution time (``server_ms_best``): what
PostgreSQL spends on the request when nothing else competes for the cores.

Results: benchmarks/results/shared_pages.json (or ``--output``).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import re
import statistics
import sys
import time
import uuid
import warnings
import zoneinfo
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_shared_load import DEFAULT_PG, PASSWORD, _known, _schema_url
from statewide import END

from ips_jobdev import Database

RESULTS = Path(__file__).resolve().parent / "results" / "shared_pages.json"
ZONE = zoneinfo.ZoneInfo("America/Chicago")


def _client(database: Database) -> Any:
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

    from ips_jobdev.web import create_app
    from ips_jobdev.web.accounts import AccountAuth

    def clock() -> dt.datetime:
        return dt.datetime.combine(END, dt.datetime.now(ZONE).timetz())

    auth = AccountAuth(database, secure_cookies=False)
    app = create_app(database, auth=auth, clock=clock, allowed_hosts=["*"])
    client = TestClient(app, base_url="http://127.0.0.1")
    client.__enter__()
    return client


def _sign_in(client: Any, email: str) -> str:
    form = client.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    answer = client.post(
        "/sign-in",
        data={"email": email, "password": PASSWORD, "csrf_token": token[1] if token else ""},
        follow_redirects=False,
    )
    if answer.status_code != 303:
        raise SystemExit(f"sign-in as {email}: {answer.status_code}")
    today = client.get("/today")
    return re.search(r'data-csrf="([0-9a-f]+)"', today.text)[1]  # type: ignore[index]


class Counter:
    """SQL statements sent to PostgreSQL: counted at the driver (``psycopg.Cursor``), so
    the statements a query sends on a raw cursor, past SQLAlchemy, count too."""

    def __init__(self, engine: sa.Engine) -> None:
        import psycopg

        self.n = 0
        self.sql_ms = 0.0
        self.timing = False
        self.explain = 0.0
        self.plans: dict[str, str] = {}
        self.spent: dict[str, list[float]] = {}
        self.recording: list[tuple[str, Any]] | None = None
        self._own = False  # the counter's own EXPLAIN is not counted
        counter, execute, executemany = self, psycopg.Cursor.execute, psycopg.Cursor.executemany

        def counted_execute(cursor: Any, query: Any, params: Any = None, **kw: Any) -> Any:
            if counter._own:
                return execute(cursor, query, params, **kw)
            counter.n += 1
            if counter.recording is not None:
                counter.recording.append((query, params))
            began = time.perf_counter()
            try:
                return execute(cursor, query, params, **kw)
            finally:
                counter._spent(cursor, query, params, (time.perf_counter() - began) * 1000)

        def counted_executemany(cursor: Any, query: Any, params_seq: Any, **kw: Any) -> Any:
            counter.n += 1
            began = time.perf_counter()
            try:
                return executemany(cursor, query, params_seq, **kw)
            finally:
                counter.sql_ms += (time.perf_counter() - began) * 1000

        psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
        psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign]
        sa.event.listen(engine, "begin", self._begin)

    def _begin(self, conn: Any) -> None:
        if self.recording is not None:
            self.recording.append(("BEGIN", None))

    def _spent(self, cursor: Any, statement: Any, parameters: Any, elapsed: float) -> None:
        self.sql_ms += elapsed
        if not self.timing or not isinstance(statement, str):
            return
        key = " ".join(statement.split())[:300]
        self.spent.setdefault(key, []).append(elapsed)
        explainable = _EXPLAINABLE.match(statement) is not None
        if self.explain and elapsed > self.explain and explainable and key not in self.plans:
            # a cursor of its own: the page's cursor still holds its rows
            self._own = True
            try:
                with cursor.connection.cursor() as own:
                    own.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    self.plans[key] = "\n".join(row[0] for row in own.fetchall())
            finally:
                self._own = False


def _requests(
    client: Any, csrf: str, seeker: str, word: str, employer: int
) -> dict[str, Callable[[], Any]]:
    def visit() -> Any:
        return client.post(
            "/visits",
            headers={"accept": "application/json"},
            data={
                "csrf_token": csrf, "submission_id": str(uuid.uuid4()),
                "employer": f"#{employer}", "date": (END - dt.timedelta(days=2)).isoformat(),
                "time": "10:00", "mode": "in-person", "purpose": "follow-up",
                "outcome": f"bench {uuid.uuid4().hex[:8]}",
            },
        )  # fmt: skip

    return {
        "sign-in form": lambda: client.get("/sign-in", cookies={}, follow_redirects=False),
        "today": lambda: client.get("/today"),
        "week": lambda: client.get("/week"),
        "seekers": lambda: client.get("/seekers"),
        "seeker": lambda: client.get(f"/seekers/{seeker}"),
        "employers": lambda: client.get(f"/employers?q={word}"),
        "reports": lambda: client.get("/reports"),
        "suggest": lambda: client.get(f"/employers/suggest?q={word}"),
        "log visit": visit,
    }


_EXPLAINABLE = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", re.IGNORECASE)


def _server_ms(engine: sa.Engine, statements: list[tuple[str, Any]], rounds: int) -> float:
    """The database's time for ``statements`` (one request's): per statement the best of
    ``rounds`` replays' planning plus execution time, summed. Replayed in order in one
    transaction, rolled back (a write fails harmlessly in a savepoint of its own); each
    transaction of the request starts unscoped, as the app's do."""
    best = [float("inf")] * len(statements)
    with engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cursor:
            for _ in range(rounds):
                for i, (statement, parameters) in enumerate(statements):
                    if statement == "BEGIN":
                        cursor.execute("SELECT set_config('ips_jobdev.program', '', true)")
                        continue
                    if not _EXPLAINABLE.match(statement):
                        continue
                    cursor.execute("SAVEPOINT replay")
                    try:
                        cursor.execute(
                            "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + statement, parameters
                        )
                    except Exception:  # a replayed write may clash (a key already taken): not timed
                        cursor.execute("ROLLBACK TO SAVEPOINT replay")
                        best[i] = 0.0
                        continue
                    plan = cursor.fetchone()[0][0]  # type: ignore[index]
                    spent = float(plan["Planning Time"]) + float(plan["Execution Time"])
                    best[i] = min(best[i], spent)
                    cursor.execute("RELEASE SAVEPOINT replay")
        raw.rollback()
    return sum(b for b in best if b != float("inf"))


def _profile_threads(profiler: cProfile.Profile) -> None:
    """Profile the work the pages run in worker threads (cProfile sees one thread)."""
    from starlette import concurrency

    from ips_jobdev.web import accounts, security
    from ips_jobdev.web.pages import _common

    original = concurrency.run_in_threadpool

    async def profiled(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            profiler.enable()
            try:
                return func(*args, **kwargs)
            finally:
                profiler.disable()

        return await original(run)

    for module in (_common, accounts, security):
        module.run_in_threadpool = profiled  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schema", required=True)
    parser.add_argument("--db", default=DEFAULT_PG)
    parser.add_argument("--user", default="S-001")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    parser.add_argument("--explain", type=float, default=0.0,
                        help="with --profile: EXPLAIN ANALYZE statements slower (ms)")  # fmt: skip
    parser.add_argument("--server", type=int, default=0,
                        help="replays of each request's statements (database time)")  # fmt: skip
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    database = Database(_schema_url(args.db, args.schema))
    known = _known(database)
    counter = Counter(database.engine)
    counter.explain = args.explain
    client = _client(database)
    csrf = _sign_in(client, f"{args.user.lower()}@example.org")
    seeker = (known.seekers_of_specialist.get(args.user) or ["J-0001"])[0]
    word = "Market" if "Market" in known.employer_words else known.employer_words[0]
    calls = _requests(client, csrf, seeker, word, known.employer_ids[0])
    only = set(filter(None, args.only.split(",")))
    results: dict[str, Any] = {}
    for name, call in calls.items():
        if only and name not in only:
            continue
        for _ in range(2):
            answer = call()
            if answer.status_code not in (200, 303):
                raise SystemExit(f"{name}: {answer.status_code} {answer.text[:300]}")
        cpu, wall, queries, sql = [], [], [], []
        profiler = cProfile.Profile() if name == args.profile else None
        if profiler:
            _profile_threads(profiler)
        counter.timing, counter.spent = name == args.profile, {}
        for _ in range(args.requests):
            before, in_sql = counter.n, counter.sql_ms
            used, began = time.process_time(), time.perf_counter()
            call()
            wall.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            queries.append(counter.n - before)
            sql.append(counter.sql_ms - in_sql)
        server: dict[str, float] = {}
        if args.server:
            counter.recording = []
            call()
            recorded, counter.recording = counter.recording, None
            counter._own = True
            server["server_ms_best"] = round(_server_ms(database.engine, recorded, args.server), 1)
            counter._own = False
        results[name] = {
            "queries": max(queries),
            "cpu_ms_median": round(statistics.median(cpu), 1),
            "cpu_ms_best": round(min(cpu), 1),
            "wall_ms_median": round(statistics.median(wall), 1),
            # time from sending each statement to its answer (PostgreSQL's work, on loopback)
            "sql_ms_median": round(statistics.median(sql), 1),
            **server,
        }
        print(f"{name:14} {results[name]}", flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            ranked = sorted(counter.spent.items(), key=lambda kv: -sum(kv[1]))
            for statement, times in ranked[:15]:
                each = sum(times) / args.requests
                print(f"{each:7.1f} ms/request x{len(times) // args.requests} {statement}")
            for statement, plan in counter.plans.items():
                print(f"\n{statement}\n{plan}")
    client.__exit__(None, None, None)
    database.dispose()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
