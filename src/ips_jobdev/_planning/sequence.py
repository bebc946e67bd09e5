"""One day's visits: the order that drives least, and the time of each visit.

A :class:`DayProblem` is a day in whole minutes after local midnight: the trip minutes
between the office (node 0) and every visit (nodes 1..n), how long each visit lasts, when
each may happen (its visiting windows that day, within working hours), the times already
taken, and when the day starts and ends. :func:`solve_day` answers a :class:`DayRoute`
(order, start times, travel) or ``None`` when the visits cannot all fit.

How the order is found:

- when no visit has a window that day, the built-in heuristic: nearest neighbour and
  cheapest insertion, each improved by 2-opt and Or-opt moves, then a few perturbations
  (an "iterated local search"), keeping the shortest;
- when any visit has a window, OR-Tools' routing solver with time windows
  (:mod:`ips_jobdev._planning.ortools_routing`, the optional ``ips-jobdev[routing]``
  extra), checked against the exact timing below; without the extra (or when its answer
  does not time out), the same heuristic searching for the order that keeps every window
  first and drives least second.

Timing (:func:`time_route`) is exact for a given order: each visit starts as early as it
can after the trip to it, rounded up to the slot (5 minutes), inside one of its allowed
stretches, with the trip and the visit clear of every busy time; the day ends back at the
office before working hours end. Waiting for a window is allowed (the specialist leaves
just in time).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator, Sequence

import attrs

from ips_jobdev._planning.day_problem import DayProblem

__all__ = [
    "DayProblem",
    "DayRoute",
    "heuristic_order",
    "route_cost",
    "solve_day",
    "time_route",
    "windowed_order",
]


@attrs.frozen
class DayRoute:
    """A day's visits in order (node numbers), each visit's start and the trip before it,
    when the specialist is back at the office, the travel minutes and miles in all, and
    which method ordered the day (``"or-tools"`` or ``"heuristic"``)."""

    order: tuple[int, ...]
    starts: tuple[int, ...]
    trips: tuple[int, ...]
    back: int
    travel: int
    miles: float
    solver: str


def _ceil(value: int, slot: int) -> int:
    return -(-value // slot) * slot if slot > 1 else value


def _earliest(p: DayProblem, node: int, clock: int, trip: int) -> int | None:
    """The earliest start of ``node`` reached from a place left at ``clock`` or later,
    inside its allowed stretches, with trip and visit clear of busy times."""
    low = clock + trip
    length = p.durations[node]
    slot = p.slot
    while True:
        start = None
        for begin, end in p.allowed[node]:
            candidate = -(-(low if low > begin else begin) // slot) * slot
            if candidate + length <= end:
                start = candidate
                break
        if start is None:
            return None
        if not p.busy:
            return start
        leave = start - trip
        clash = [e for b, e in p.busy if b < start + length and leave < e]
        if not clash:
            return start
        low = max(clash) + trip


def _return(p: DayProblem, clock: int, trip: int) -> int:
    """When the drive back to the office, started at ``clock`` or later and clear of busy
    times, arrives."""
    leave = clock
    while True:
        clash = [e for b, e in p.busy if b < leave + trip and leave < e]
        if not clash:
            return leave + trip
        leave = max(clash)


def time_route(p: DayProblem, order: Sequence[int]) -> tuple[list[int], int] | None:
    """The start of each visit in ``order`` and the time back at the office, or ``None``
    when some visit or the drive back does not fit."""
    clock, here = p.day_start, 0
    starts = []
    for node in order:
        start = _earliest(p, node, clock, p.trips[here][node])
        if start is None:
            return None
        starts.append(start)
        clock, here = start + p.durations[node], node
    back = _return(p, clock, p.trips[here][0])
    if back > p.day_end:
        return None
    return starts, back


def _lateness(p: DayProblem, order: Sequence[int]) -> int:
    """How far ``order`` misses its windows and the end of the day, in minutes (0 when it
    fits): a visit that fits nowhere is placed as soon as it is reached and counts how far
    past its last stretch it ends."""
    clock, here, late = p.day_start, 0, 0
    for node in order:
        trip = p.trips[here][node]
        start = _earliest(p, node, clock, trip)
        if start is None:
            start = _ceil(clock + trip, p.slot)
            stretches = p.allowed[node]
            last_end = stretches[-1][1] if stretches else p.day_start
            late += max(1, start + p.durations[node] - last_end)
        clock, here = start + p.durations[node], node
    back = _return(p, clock, p.trips[here][0])
    return late + max(0, back - p.day_end)


def route_cost(p: DayProblem, order: Sequence[int]) -> int:
    """Travel minutes of office -> ``order`` -> office."""
    trips = p.trips
    total, here = 0, 0
    for node in order:
        total += trips[here][node]
        here = node
    return total + trips[here][0]


# -- the heuristic without windows ---------------------------------------------------------


def _nearest(trips: tuple[tuple[int, ...], ...], n: int) -> list[int]:
    left = set(range(1, n + 1))
    order: list[int] = []
    here = 0
    while left:
        nxt = min(left, key=lambda i: (trips[here][i], i))
        order.append(nxt)
        left.remove(nxt)
        here = nxt
    return order


def _cheapest_insertion(trips: tuple[tuple[int, ...], ...], n: int) -> list[int]:
    path = [0, 0]
    for node in sorted(range(1, n + 1), key=lambda i: -(trips[0][i] + trips[i][0])):
        best = min(
            range(len(path) - 1),
            key=lambda k: (
                trips[path[k]][node] + trips[node][path[k + 1]] - trips[path[k]][path[k + 1]]
            ),
        )
        path.insert(best + 1, node)
    return path[1:-1]


Accept = Callable[[list[int]], bool] | None
"""Says whether a shorter path (office, visits..., office) may be taken (``None``: any)."""


def _improve(
    trips: tuple[tuple[int, ...], ...], order: list[int], accept: Accept = None
) -> list[int]:
    """2-opt and Or-opt (segments of 1-3 visits, either way round) until neither shortens
    the closed tour office -> order -> office (each delta is O(1)); with ``accept``, only
    moves to paths it accepts are made."""
    path = [0, *order, 0]
    improved = True
    while improved:
        improved = _two_opt_pass(trips, path, accept) | _or_opt_pass(trips, path, accept)
    return path[1:-1]


def _prefixes(trips: tuple[tuple[int, ...], ...], path: list[int]) -> tuple[list[int], list[int]]:
    forward, backward = [0], [0]
    for a, b in itertools.pairwise(path):
        forward.append(forward[-1] + trips[a][b])
        backward.append(backward[-1] + trips[b][a])
    return forward, backward


def _two_opt_pass(trips: tuple[tuple[int, ...], ...], path: list[int], accept: Accept) -> bool:
    changed = False
    last = len(path) - 1
    forward, backward = _prefixes(trips, path)
    for i in range(1, last - 1):
        for j in range(i + 1, last):
            a, b, c, d = path[i - 1], path[i], path[j], path[j + 1]
            inside = (backward[j] - backward[i]) - (forward[j] - forward[i])
            if trips[a][c] + trips[b][d] - trips[a][b] - trips[c][d] + inside >= 0:
                continue
            candidate = path[:i] + path[i : j + 1][::-1] + path[j + 1 :]
            if accept is None or accept(candidate):
                path[:] = candidate
                forward, backward = _prefixes(trips, path)
                changed = True
    return changed


def _or_opt_pass(trips: tuple[tuple[int, ...], ...], path: list[int], accept: Accept) -> bool:
    changed = False
    for length in (1, 2, 3):
        i = 1
        while i + length <= len(path) - 1:
            if _move_segment(trips, path, (i, length), accept):
                changed = True
            i += 1
    return changed


def _move_segment(
    trips: tuple[tuple[int, ...], ...], path: list[int], where: tuple[int, int], accept: Accept
) -> bool:
    """Move the segment ``where`` (start, length) of ``path`` to the place (either way
    round) that shortens the tour most among those ``accept`` takes; ``False`` if none."""
    i, length = where
    j = i + length - 1
    first, last = path[i], path[j]
    before, after = path[i - 1], path[j + 1]
    segment = path[i : j + 1]
    forward = sum(trips[x][y] for x, y in itertools.pairwise(segment))
    backward = sum(trips[y][x] for x, y in itertools.pairwise(segment))
    removed = trips[before][first] + trips[last][after] - trips[before][after] + forward
    rest = path[:i] + path[j + 1 :]
    options: list[tuple[int, int, bool]] = []
    for k in range(len(rest) - 1):
        if k == i - 1:
            continue
        x, y = rest[k], rest[k + 1]
        gap = trips[x][y]
        plain = trips[x][first] + forward + trips[last][y] - gap - removed
        turned = trips[x][last] + backward + trips[first][y] - gap - removed
        if plain < 0:
            options.append((plain, k, False))
        if length > 1 and turned < 0:
            options.append((turned, k, True))
    for _, k, reverse in sorted(options):
        moved = segment[::-1] if reverse else segment
        candidate = rest[: k + 1] + moved + rest[k + 1 :]
        if accept is None or accept(candidate):
            path[:] = candidate
            return True
    return False


def _double_bridge(order: list[int], rng: random.Random) -> list[int]:
    n = len(order)
    a, b, c = sorted(rng.sample(range(1, n), 3))
    return order[:a] + order[c:] + order[b:c] + order[a:b]


def heuristic_order(p: DayProblem, *, kicks: int | None = None) -> list[int]:
    """The shortest closed tour the built-in heuristic finds, ignoring windows and busy
    times: nearest neighbour and cheapest insertion, each improved by 2-opt and Or-opt,
    then ``kicks`` double-bridge perturbations of the best, each improved again (an
    iterated local search; deterministic)."""
    n = p.stops
    if n <= 1:
        return list(range(1, n + 1))
    trips = p.trips
    best = min(
        (_improve(trips, start) for start in (_nearest(trips, n), _cheapest_insertion(trips, n))),
        key=lambda o: route_cost(p, o),
    )
    if n < 5:
        return best
    best_cost = route_cost(p, best)
    rng = random.Random(n)
    for _ in range(kicks if kicks is not None else 2 * n):
        candidate = _improve(trips, _double_bridge(best, rng))
        cost = route_cost(p, candidate)
        if cost < best_cost:
            best, best_cost = candidate, cost
    return best


# -- the heuristic with windows ------------------------------------------------------------


def _neighbours(order: list[int]) -> Iterator[list[int]]:
    """Every order one move away: a segment of 1-3 visits moved (either way round), a
    segment reversed, two visits swapped."""
    n = len(order)
    for length in (1, 2, 3):
        for i in range(n - length + 1):
            segment = order[i : i + length]
            rest = order[:i] + order[i + length :]
            for k in range(len(rest) + 1):
                if k == i:
                    continue
                yield rest[:k] + segment + rest[k:]
                if length > 1:
                    yield rest[:k] + segment[::-1] + rest[k:]
    for i in range(n - 1):
        for j in range(i + 1, n):
            yield order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
            if j > i + 1:
                swapped = order[:]
                swapped[i], swapped[j] = swapped[j], swapped[i]
                yield swapped


def _repair(p: DayProblem, order: list[int], budget: list[int]) -> tuple[int, list[int]]:
    """Local search on (lateness, travel) until the day fits, no move helps, or the
    ``budget`` of orders to look at (a one-item list, shared) runs out; returns the
    lateness left and the order."""
    score = (_lateness(p, order), route_cost(p, order))
    improved = score[0] > 0
    while improved and budget[0] > 0:
        improved = False
        for candidate in _neighbours(order):
            budget[0] -= 1
            found = (_lateness(p, candidate), route_cost(p, candidate))
            if found < score:
                order, score, improved = candidate, found, found[0] > 0
                break
            if budget[0] <= 0:
                break
    return score[0], order


def _by_deadline(p: DayProblem) -> list[int]:
    """Visits by the latest time each may start, then by the earliest."""

    def key(node: int) -> tuple[int, int, int]:
        stretches = p.allowed[node]
        if not stretches:
            return (p.day_end, p.day_end, node)
        return (stretches[-1][1] - p.durations[node], stretches[0][0], node)

    return sorted(range(1, p.stops + 1), key=key)


def _too_long(p: DayProblem) -> bool:
    """True when the visits and the shortest trip into each cannot fit in the day at all."""
    size = len(p.durations)
    least = sum(
        p.durations[b] + min(p.trips[a][b] for a in range(size) if a != b) for b in range(1, size)
    )
    return p.day_start + least + min(p.trips[a][0] for a in range(1, size)) > p.day_end


def windowed_order(p: DayProblem, *, kicks: int | None = None) -> list[int] | None:
    """The built-in heuristic with windows: from the deadline order, the shortest tour and
    the nearest-neighbour order, repair until every window is kept, then shorten by 2-opt
    and Or-opt moves that keep them, then ``kicks`` perturbations of the best (default:
    3); ``None`` when no order it finds within its budget fits."""

    def fits(path: list[int]) -> bool:
        return time_route(p, path[1:-1]) is not None

    if p.stops == 0 or _too_long(p):
        return [] if p.stops == 0 else None
    trips = p.trips
    budget = [150 * p.stops * p.stops]
    best: list[int] | None = None
    best_cost = 0
    tried: list[list[int]] = []
    for start in (_by_deadline(p), heuristic_order(p, kicks=0), _nearest(trips, p.stops)):
        if start in tried:
            continue
        tried.append(start)
        late, order = _repair(p, start, budget)
        if late > 0:
            continue
        order = _improve(trips, order, fits)
        cost = route_cost(p, order)
        if best is None or cost < best_cost:
            best, best_cost = order, cost
    if best is None or p.stops < 5:
        return best
    rng = random.Random(p.stops)
    for _ in range(kicks if kicks is not None else 3):
        late, order = _repair(p, _double_bridge(best, rng), budget)
        if late > 0:
            continue
        order = _improve(trips, order, fits)
        cost = route_cost(p, order)
        if cost < best_cost:
            best, best_cost = order, cost
    return best


# -- the day --------------------------------------------------------------------------------


def _route(p: DayProblem, order: Sequence[int], solver: str) -> DayRoute | None:
    timed = time_route(p, order)
    if timed is None:
        return None
    starts, back = timed
    path = [0, *order, 0]
    legs = list(itertools.pairwise(path))
    trips = tuple(p.trips[a][b] for a, b in legs[:-1])
    return DayRoute(
        order=tuple(order),
        starts=tuple(starts),
        trips=trips,
        back=back,
        travel=sum(p.trips[a][b] for a, b in legs),
        miles=sum(p.miles[a][b] for a, b in legs),
        solver=solver,
    )


def solve_day(p: DayProblem, *, solver: str = "auto") -> DayRoute | None:
    """Order and time the day's visits, or ``None`` when they cannot all fit.

    ``solver``: ``"auto"`` (OR-Tools when a visit has a window that day and the extra is
    installed, else the built-in heuristic), ``"heuristic"``, or ``"or-tools"`` (also on
    days without windows; the heuristic when the extra is missing). OR-Tools starts from
    the heuristic's order when it found one, and the shorter of the two is kept.
    """
    if p.stops == 0:
        return DayRoute(
            order=(), starts=(), trips=(), back=p.day_start, travel=0, miles=0.0, solver="heuristic"
        )
    if any(not p.allowed[i] for i in range(1, p.stops + 1)):
        return None
    if not p.windowed and solver != "or-tools":
        plain = _route(p, heuristic_order(p), "heuristic")
        if plain is not None:
            return plain
    from ips_jobdev._planning import ortools_routing

    if solver == "heuristic" or not ortools_routing.available():
        order = windowed_order(p)
        return _route(p, order, "heuristic") if order is not None else None
    first = windowed_order(p, kicks=0)
    routes = [_route(p, first, "heuristic")] if first is not None else []
    if first is not None:
        solved = ortools_routing.solve(p, initial=first)
    else:
        solved = ortools_routing.solve(p, milliseconds=ortools_routing.SEARCH_ALONE_MILLISECONDS)
    if solved is not None:
        routes.append(_route(p, solved, "or-tools"))
    found = [r for r in routes if r is not None]
    return min(found, key=lambda r: (r.travel, r.solver != "or-tools")) if found else None
