"""One day to route: the travel between its places, its visits' lengths and windows, and
the working hours. Both day solvers read it: the built-in heuristic
(:mod:`ips_jobdev._planning.sequence`) and OR-Tools
(:mod:`ips_jobdev._planning.ortools_routing`)."""

from __future__ import annotations

import attrs

__all__ = ["DayProblem", "Stretch"]

Stretch = tuple[int, int]


@attrs.frozen
class DayProblem:
    """One day to route (all times in minutes after local midnight).

    ``trips[a][b]`` is the minutes from node ``a`` to node ``b`` (node 0 is the office;
    arriving at a visit includes the parking allowance), ``miles`` the same for distance;
    ``durations[i]`` the length of visit ``i`` (0 for the office); ``allowed[i]`` the
    stretches visit ``i`` must lie inside (sorted; empty when it cannot happen that day);
    ``busy`` the times taken; ``day_start``/``day_end`` the working hours; ``slot`` the
    rounding of start times.
    """

    trips: tuple[tuple[int, ...], ...]
    miles: tuple[tuple[float, ...], ...]
    durations: tuple[int, ...]
    allowed: tuple[tuple[Stretch, ...], ...]
    busy: tuple[Stretch, ...]
    day_start: int
    day_end: int
    slot: int = 5

    @property
    def stops(self) -> int:
        """How many visits (nodes 1..stops)."""
        return len(self.durations) - 1

    @property
    def windowed(self) -> bool:
        """True when some visit may not happen at every time of the working day."""
        whole = ((self.day_start, self.day_end),)
        return any(self.allowed[i] != whole for i in range(1, len(self.durations)))
