"""Benchmark: how good and how fast the planner's day routes are, against the exact optimum.

On generated days of 6 to 12 visits within about 6 miles of an office in Madison (visits
of 15-25 minutes, working hours 8:30-17:00, road-like travel minutes: straight-line miles
x a random road factor per pair between 1.15 and 1.6, at 30 miles an hour, plus 5 minutes
to park), it compares the travel minutes of the day each method plans with the exact
optimum:

- **without windows**: the built-in heuristic (nearest neighbour and cheapest insertion,
  2-opt, Or-opt, a few perturbations), the only method the planner uses on such days;
- **with windows** (a third of the visits, rounded, see visitors only in a 2-hour slot
  between 9:00 and 17:00): OR-Tools' routing solver with time windows (the planner's choice
  when the ``routing`` extra is installed), and the built-in heuristic with windows (its
  choice without the extra).

The exact optimum is a dynamic programme over (visits made, last visit), exact for the
planner's own timing rule (earliest start after the trip, rounded up to 5 minutes, inside a
window; waiting allowed): without windows it keeps the least travel per state
(Held-Karp); with windows every travel/finish-time pair no other pair beats. Both prune
with the heuristic's answer as an upper bound. A small check against brute force over
every order (6 and 7 visits) runs first.

Goals (issue 15): mean gap to the optimum at most 1% without and with windows; no window
missed when a feasible order exists; the planner's time per week under 1 s with the extra
and under 0.2 s without. "Per week" is measured twice: routing five generated days of 6-12
visits (with windows), and ``schedule_week`` placing 30 wanted visits (a third with
windows) on a five-day week, both the way the planner runs them.

Results go to benchmarks/results/routing.json.

    python benchmarks/bench_routing.py [--days 200] [--weeks 20] [--seed 15]
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import platform
import random
import statistics
import sys
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ips_jobdev._geo import miles_between
from ips_jobdev._planning import ortools_routing
from ips_jobdev._planning.schedule import ScheduleSettings, Stop, WorkWindow, schedule_week
from ips_jobdev._planning.sequence import (
    DayProblem,
    DayRoute,
    _earliest,
    _return,
    route_cost,
    solve_day,
    time_route,
)
from ips_jobdev._travel import TravelMatrix
from ips_jobdev._version import __version__
from ips_jobdev._windows import VisitingWindows, WeeklySpan

RESULTS = Path(__file__).resolve().parent / "results" / "routing.json"
OFFICE = (43.0747, -89.3841)
DAY_START, DAY_END = 8 * 60 + 30, 17 * 60
SIZES = range(6, 13)
ZONE = zoneinfo.ZoneInfo("America/Chicago")


# -- generated days -------------------------------------------------------------------------


def _places(rng: random.Random, n: int) -> list[tuple[float, float]]:
    return [
        (OFFICE[0] + rng.uniform(-0.09, 0.09), OFFICE[1] + rng.uniform(-0.12, 0.12))
        for _ in range(n)
    ]


def _road(rng: random.Random, points: list[tuple[float, float]]) -> TravelMatrix:
    size = len(points)
    factor = [[1.0] * size for _ in range(size)]
    for a, b in itertools.combinations(range(size), 2):
        factor[a][b] = factor[b][a] = rng.uniform(1.15, 1.6)
    miles = [
        [miles_between(points[a], points[b]) * factor[a][b] for b in range(size)]
        for a in range(size)
    ]
    return TravelMatrix(
        miles=tuple(tuple(row) for row in miles),
        minutes=tuple(tuple(m / 30.0 * 60.0 for m in row) for row in miles),
    )


def _slot(rng: random.Random) -> tuple[int, int]:
    start = rng.randrange(9 * 60, 15 * 60 + 1, 30)
    return (start, start + 120)


def generate_day(rng: random.Random, n: int, *, windows: bool) -> DayProblem:
    """A day of ``n`` visits; with ``windows``, a third of them in a 2-hour slot."""
    matrix = _road(rng, [OFFICE, *_places(rng, n)])
    trips = tuple(
        tuple(
            0 if a == b else math.ceil(matrix.minutes[a][b]) + (5 if b else 0) for b in range(n + 1)
        )
        for a in range(n + 1)
    )
    whole = ((DAY_START, DAY_END),)
    allowed: list[tuple[tuple[int, int], ...]] = [(), *([whole] * n)]
    if windows:
        for node in rng.sample(range(1, n + 1), round(n / 3)):
            allowed[node] = (_slot(rng),)
    return DayProblem(
        trips=trips,
        miles=matrix.miles,
        durations=(0, *(rng.choice((15, 20, 20, 25)) for _ in range(n))),
        allowed=tuple(allowed),
        busy=(),
        day_start=DAY_START,
        day_end=DAY_END,
    )


# -- the exact optimum ----------------------------------------------------------------------


def exact_plain(p: DayProblem, bound: int) -> int:
    """Least travel of a closed tour (Held-Karp), pruned by ``bound`` (a known tour)."""
    n, trips = p.stops, p.trips
    best: dict[tuple[int, int], int] = {(1 << (j - 1), j): trips[0][j] for j in range(1, n + 1)}
    for mask in range(1, 1 << n):
        for last in range(1, n + 1):
            cost = best.get((mask, last))
            if cost is None or cost >= bound:
                continue
            for nxt in range(1, n + 1):
                bit = 1 << (nxt - 1)
                if mask & bit:
                    continue
                key = (mask | bit, nxt)
                value = cost + trips[last][nxt]
                if value < best.get(key, bound):
                    best[key] = value
    full = (1 << n) - 1
    return min(
        [bound] + [best[(full, j)] + trips[j][0] for j in range(1, n + 1) if (full, j) in best]
    )


def _add(labels: list[tuple[int, int]], label: tuple[int, int]) -> None:
    cost, clock = label
    if any(c <= cost and t <= clock for c, t in labels):
        return
    labels[:] = [(c, t) for c, t in labels if not (cost <= c and clock <= t)]
    labels.append(label)


def exact_windowed(p: DayProblem, bound: int | None) -> int | None:
    """Least travel of an order that keeps every window (``None``: none does), by labels
    (travel, finish time) per (visits made, last visit); pruned by ``bound``."""
    n, trips, durations = p.stops, p.trips, p.durations
    limit = bound + 1 if bound is not None else 10**9
    labels: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for j in range(1, n + 1):
        start = _earliest(p, j, p.day_start, trips[0][j])
        if start is not None:
            labels[(1 << (j - 1), j)] = [(trips[0][j], start + durations[j])]
    for mask in range(1, 1 << n):
        for last in range(1, n + 1):
            here = labels.get((mask, last))
            if not here:
                continue
            for nxt in range(1, n + 1):
                bit = 1 << (nxt - 1)
                if mask & bit:
                    continue
                trip = trips[last][nxt]
                target = labels.setdefault((mask | bit, nxt), [])
                for cost, clock in here:
                    if cost + trip + trips[nxt][0] >= limit:
                        continue
                    start = _earliest(p, nxt, clock, trip)
                    if start is not None:
                        _add(target, (cost + trip, start + durations[nxt]))
    full = (1 << n) - 1
    answers = [
        cost + trips[j][0]
        for j in range(1, n + 1)
        for cost, clock in labels.get((full, j), [])
        if _return(p, clock, trips[j][0]) <= p.day_end
    ]
    if answers:
        return min(answers)
    return bound  # nothing beats the bound (None: nothing fits)


def brute_force(p: DayProblem) -> int | None:
    """Least travel over every order that fits (small days only)."""
    found = [
        route_cost(p, order)
        for order in itertools.permutations(range(1, p.stops + 1))
        if time_route(p, order) is not None
    ]
    return min(found) if found else None


def violations(p: DayProblem, route: DayRoute) -> int:
    """Visits of ``route`` outside their allowed stretches, or overlapping the next trip,
    plus 1 if the day ends late (checked independently of the planner's timing)."""
    bad = 0
    clock = p.day_start
    here = 0
    for node, start in zip(route.order, route.starts, strict=True):
        end = start + p.durations[node]
        if not any(a <= start and end <= b for a, b in p.allowed[node]):
            bad += 1
        if start < clock + p.trips[here][node]:
            bad += 1
        clock, here = end, node
    return bad + (1 if route.back > p.day_end or route.back < clock + p.trips[here][0] else 0)


# -- measuring ------------------------------------------------------------------------------


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    begin = time.perf_counter()
    result = function()
    return result, time.perf_counter() - begin


def measure_days(days: int, seed: int, *, windows: bool, solver: str) -> dict[str, Any]:
    """Gap to the optimum, missed windows and time per day, for each size."""
    rows = []
    for n in SIZES:
        rng = random.Random(f"{seed}-{n}-{windows}")
        gaps: list[float] = []
        seconds: list[float] = []
        missed = infeasible = bad = 0
        for _ in range(days):
            p = generate_day(rng, n, windows=windows)
            route, took = _timed(lambda p=p: solve_day(p, solver=solver))
            seconds.append(took)
            reference = route.travel if route is not None else None
            if windows:
                optimum = exact_windowed(p, reference)
            else:
                optimum = exact_plain(p, reference if reference is not None else 10**9)
            if optimum is None:
                infeasible += 1
                continue
            if route is None:
                missed += 1
                continue
            bad += violations(p, route)
            gaps.append(route.travel / optimum - 1)
        rows.append(
            {
                "stops": n,
                "days": days,
                "no_feasible_order": infeasible,
                "feasible_but_not_found": missed,
                "window_violations": bad,
                "mean_gap_percent": round(100 * statistics.fmean(gaps), 3) if gaps else None,
                "worst_gap_percent": round(100 * max(gaps), 2) if gaps else None,
                "optimal_share_percent": round(100 * sum(g < 1e-9 for g in gaps) / len(gaps), 1)
                if gaps
                else None,
                "mean_ms_per_day": round(1000 * statistics.fmean(seconds), 2),
                "max_ms_per_day": round(1000 * max(seconds), 2),
            }
        )
    return {"windows": windows, "solver": solver, "sizes": rows}


def check_exact(seed: int) -> int:
    """The dynamic programmes agree with brute force on small days; returns days checked."""
    rng = random.Random(f"{seed}-check")
    checked = 0
    for n in (6, 7):
        for windows in (False, True):
            for _ in range(15):
                p = generate_day(rng, n, windows=windows)
                truth = brute_force(p)
                got = exact_windowed(p, None) if windows else exact_plain(p, 10**9)
                if windows or truth is not None:
                    assert got == truth, (n, windows, got, truth)
                checked += 1
    return checked


def week_of_days(weeks: int, seed: int, solver: str) -> dict[str, float]:
    """Routing five windowed days of 6-12 visits, as the planner orders a week."""
    rng = random.Random(f"{seed}-weeks")
    totals = []
    for _ in range(weeks):
        problems = [generate_day(rng, rng.randint(6, 12), windows=True) for _ in range(5)]
        _, took = _timed(lambda ps=problems: [solve_day(p, solver=solver) for p in ps])
        totals.append(took)
    return {"mean_s": round(statistics.fmean(totals), 3), "max_s": round(max(totals), 3)}


class _GivenTravel:
    name = "bench"

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def matrix(self, points: list[tuple[float, float]]) -> TravelMatrix:
        return _road(self.rng, list(points))


def placed_week(weeks: int, seed: int, solver: str) -> dict[str, Any]:
    """``schedule_week`` placing 30 wanted visits (a third with a 2-hour slot on some
    weekdays) on five working days, at most 8 a day."""
    rng = random.Random(f"{seed}-placed")
    monday = dt.date(2026, 12, 7)
    windows = [
        WorkWindow(
            monday + dt.timedelta(days=d),
            dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(8, 30), tzinfo=ZONE),
            dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(17), tzinfo=ZONE),
        )
        for d in range(5)
    ]
    totals, placed = [], []
    for _ in range(weeks):
        stops = []
        for key, point in enumerate(_places(rng, 30)):
            visiting = None
            if key % 3 == 0:
                start, end = _slot(rng)
                days = frozenset(rng.sample(range(5), rng.randint(1, 3)))
                visiting = VisitingWindows(slots=(WeeklySpan(days, start, end),))
            stops.append(Stop(key, point, rng.choice((15, 20, 30)), priority=key, windows=visiting))
        settings = ScheduleSettings(max_visits_per_day=8, travel=_GivenTravel(rng), solver=solver)
        (days, _), took = _timed(
            lambda s=stops, st=settings: schedule_week(s, windows, [], OFFICE, st)
        )
        totals.append(took)
        placed.append(sum(len(d.stops) for d in days))
    return {
        "mean_s": round(statistics.fmean(totals), 3),
        "max_s": round(max(totals), 3),
        "mean_placed": round(statistics.fmean(placed), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=200, help="days per size and mode")
    parser.add_argument("--weeks", type=int, default=20, help="weeks timed per mode")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"exact optimum checked against brute force on {check_exact(args.seed)} days")
    extra = ortools_routing.available()
    if extra:
        ortools_routing.solve(generate_day(random.Random(0), 6, windows=True))  # import once
    modes = [("no windows", False, "heuristic")]
    if extra:
        modes.append(("windows, OR-Tools", True, "auto"))
    modes.append(("windows, heuristic", True, "heuristic"))
    results: dict[str, Any] = {
        "version": __version__,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "ortools": extra,
        "days_per_size": args.days,
        "modes": {},
        "weeks": {},
    }
    for label, windows, solver in modes:
        found = measure_days(args.days, args.seed, windows=windows, solver=solver)
        results["modes"][label] = found
        print(f"\n{label}")
        print("stops  mean gap %  worst %  optimal %  missed  violations  ms/day (max)")
        for row in found["sizes"]:
            print(
                f"{row['stops']:>5}  {row['mean_gap_percent']:>10}  {row['worst_gap_percent']:>7}"
                f"  {row['optimal_share_percent']:>9}  {row['feasible_but_not_found']:>6}"
                f"  {row['window_violations']:>10}  {row['mean_ms_per_day']:>6} "
                f"({row['max_ms_per_day']})"
            )
    for label, solver in (("with the extra", "auto"), ("without the extra", "heuristic")):
        if solver == "auto" and not extra:
            continue
        results["weeks"][label] = {
            "five_days_of_6_to_12_visits": week_of_days(args.weeks, args.seed, solver),
            "schedule_week_30_visits": placed_week(args.weeks, args.seed, solver),
        }
        print(f"\nper week {label}: {results['weeks'][label]}")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
