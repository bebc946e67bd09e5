"""A day's order from OR-Tools' routing solver with time windows (``ips-jobdev[routing]``).

The day becomes one vehicle leaving the office and coming back within working hours; each
visit is a node whose start must fall in one of its allowed stretches (the visiting
windows that day, less the busy times it would overlap) and which takes its length in
minutes; arcs cost their trip minutes. The answer is an order: the caller times it exactly
(:func:`ips_jobdev._planning.sequence.time_route`) and falls back to the built-in heuristic
when OR-Tools finds nothing or its order does not hold once start times are rounded.

OR-Tools is optional: :func:`available` says whether it can be imported.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
from typing import Any

from ips_jobdev._planning.day_problem import DayProblem

__all__ = ["SEARCH_ALONE_MILLISECONDS", "SEARCH_MILLISECONDS", "available", "solve"]

SEARCH_MILLISECONDS = 50
"""How long the guided local search may improve a first solution (the built-in
heuristic's order): days of up to a dozen visits come out optimal or within a fraction of
a percent (benchmarks/bench_routing.py)."""

SEARCH_ALONE_MILLISECONDS = 150
"""How long the search may take when the heuristic found no order that keeps every
window (it must find one itself first)."""


@functools.cache
def available() -> bool:
    """True when OR-Tools is installed (the ``routing`` extra)."""
    return importlib.util.find_spec("ortools") is not None


def _up(value: int, slot: int) -> int:
    return -(-value // slot)


def _start_stretches(p: DayProblem, node: int) -> list[tuple[int, int]]:
    """The start times, in slots (inclusive ranges), that keep ``node`` inside one of its
    allowed stretches and off every busy time."""
    length, slot = p.durations[node], p.slot
    ranges = [
        (_up(begin, slot), (end - length) // slot)
        for begin, end in p.allowed[node]
        if _up(begin, slot) <= (end - length) // slot
    ]
    for busy_start, busy_end in p.busy:
        # a visit starting in (busy_start - length, busy_end) would overlap the busy time
        hole = ((busy_start - length) // slot + 1, _up(busy_end, slot) - 1)
        kept = []
        for low, high in ranges:
            if hole[1] < low or high < hole[0]:
                kept.append((low, high))
                continue
            if low < hole[0]:
                kept.append((low, hole[0] - 1))
            if hole[1] < high:
                kept.append((hole[1] + 1, high))
        ranges = kept
    return ranges


def solve(
    p: DayProblem,
    *,
    milliseconds: int = SEARCH_MILLISECONDS,
    initial: list[int] | None = None,
) -> list[int] | None:
    """The order OR-Tools finds for ``p`` (node numbers 1..n), or ``None`` when it finds
    no order that keeps every window. ``initial``, an order that keeps them (the built-in
    heuristic's), is where the search starts; without it the search first has to find one.

    Time runs in slots (5 minutes): a visit starts on a slot, so the next one starts
    ``ceil((length + trip) / slot)`` slots later at the earliest, which is exactly the
    planner's own rounding; only a trip's overlap with a busy time is left to the exact
    timing afterwards.
    """
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    size, slot = len(p.durations), max(1, p.slot)
    manager = pywrapcp.RoutingIndexManager(size, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    trips = [list(row) for row in p.trips]
    steps = [[_up(p.durations[a] + trips[a][b], slot) for b in range(size)] for a in range(size)]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(trips))
    horizon = _up(max(p.day_end, 24 * 60), slot)
    routing.AddDimension(routing.RegisterTransitMatrix(steps), horizon, horizon, False, "time")
    time = routing.GetDimensionOrDie("time")
    first, last = _up(p.day_start, slot), p.day_end // slot
    time.CumulVar(routing.Start(0)).SetRange(first, last)
    time.CumulVar(routing.End(0)).SetRange(first, last)
    for node in range(1, size):
        ranges = _start_stretches(p, node)
        if not ranges:
            return None
        cumul = time.CumulVar(manager.NodeToIndex(node))
        cumul.SetRange(ranges[0][0], ranges[-1][1])
        for (_, high), (low, _) in itertools.pairwise(ranges):
            if high + 1 <= low - 1:
                cumul.RemoveInterval(high + 1, low - 1)
    parameters: Any = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    parameters.time_limit.FromMilliseconds(milliseconds)
    if initial is not None:
        routing.CloseModelWithParameters(parameters)
        start = routing.ReadAssignmentFromRoutes([list(initial)], True)
        solution = (
            routing.SolveFromAssignmentWithParameters(start, parameters)
            if start is not None
            else routing.SolveWithParameters(parameters)
        )
    else:
        solution = routing.SolveWithParameters(parameters)
    if solution is None:
        return None
    order = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return order
