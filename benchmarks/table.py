"""The common interface of the benchmark table that ``benchmarks/run`` prints.

A benchmark module takes part by defining one function::

    def table_rows(settings: Settings) -> Iterable[Row]: ...

It measures what it measures on the databases of ``settings`` (SQLite always, PostgreSQL
when ``settings.pg_url`` is set), each figure with its floor measured in the same run, and
yields one :class:`Row` per figure. ``settings.small`` asks for a quick run at a small
scale (CI runs every benchmark that way so that none goes stale): keep it to seconds.
A module's own ``main()`` stays for its detailed JSON results.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["Row", "Settings", "TableModule", "best", "timed"]


@dataclass(frozen=True)
class Settings:
    """What ``benchmarks/run`` asks of every module."""

    small: bool = False
    """A quick run at a small scale (CI): figures are not comparable with the goals."""
    pg_url: str | None = None
    """A PostgreSQL server to measure on as well (each module uses its own schemas)."""
    runs: int = 5
    """Runs of each measurement; the best (or the median, as the row says) counts."""
    seed: int = 2026

    @property
    def scale(self) -> float:
        """The statewide data set's scale: 1.0, or 0.01 for a small run."""
        return 0.01 if self.small else 1.0

    def databases(self) -> list[str]:
        """``sqlite``, and ``postgresql`` when a server was given."""
        return ["sqlite", "postgresql"] if self.pg_url else ["sqlite"]


@dataclass(frozen=True)
class Row:
    """One line of the table: a figure of the project against its floor and its goal.

    ``goal`` is an upper bound of ``project`` (seconds, MB) or, with ``at_least``, a lower
    bound (rows a second); ``max_ratio`` an upper bound of ``project / floor`` (or
    ``floor / project`` for rates) when the issue sets one. A row meets its goal when every
    bound it has holds.
    """

    what: str
    database: str
    project: float
    unit: str
    goal: float | None = None
    floor: float | None = None
    floor_what: str = ""
    at_least: bool = False
    max_ratio: float | None = None
    source: str = ""
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the floor the project takes (rates: floor over project)."""
        if self.floor is None or not self.floor or not self.project:
            return None
        return self.floor / self.project if self.at_least else self.project / self.floor

    @property
    def met(self) -> bool | None:
        """Whether every bound holds (``None``: the row has none)."""
        checks: list[bool] = []
        if self.goal is not None:
            checks.append(self.project >= self.goal if self.at_least else self.project < self.goal)
        if self.max_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        return all(checks) if checks else None

    def goal_text(self) -> str:
        """The goal as the table shows it (``< 0.5 s``, ``>= 20,000 rows/s``, ``ratio <= 2``)."""
        parts = []
        if self.goal is not None:
            parts.append(f"{'>=' if self.at_least else '<'} {_number(self.goal)} {self.unit}")
        if self.max_ratio is not None:
            parts.append(f"ratio <= {self.max_ratio:g}")
        return ", ".join(parts) or "-"


class TableModule(Protocol):
    """A benchmark module as ``benchmarks/run`` sees it."""

    def table_rows(self, settings: Settings) -> Iterable[Row]: ...


def _number(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if value < 0.1 else f"{value:.2f}"


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``function`` took, and what it returned."""
    began = time.perf_counter()
    result = function()
    return time.perf_counter() - began, result


def best(runs: int, *functions: Callable[[], Any]) -> list[tuple[float, float]]:
    """For each function, its (best, median) seconds over ``runs`` runs, interleaved so that
    a busy moment of a shared machine falls on all of them alike."""
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(max(1, runs)):
        for i, function in enumerate(functions):
            times[i].append(timed(function)[0])
    return [(min(t), statistics.median(t)) for t in times]
