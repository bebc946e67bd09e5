"""Benchmark: the command line as whole processes, against ``python -c pass``.

Every figure is the median of several runs of a new process, as a user would start it
(the ``ips-jobdev`` script of this environment), interleaved with the floor, ``python -c
pass`` on the same interpreter. Each command runs once before timing (the ZIP table's
cache file is built on first use, bytecode is written, the file is in the page cache), so
the figures are those of every later run. Each row's notes hold the median CPU seconds
(user + system) of the command and of the floor, steadier than wall-clock time on a
shared machine. Rows of commands that open a database also note the *libraries floor*: a
new process that only imports the libraries every such command needs (SQLAlchemy with its
ORM, click and rich), run beside each of the command's runs (the machine's speed varies
over minutes), and how far the command is above it: the median of each run's difference.
Measured:

- start: ``import ips_jobdev`` and ``ips-jobdev --help`` (goal: under 0.2 s);
- on the statewide SQLite file: ``due`` (goal: under 0.3 s) and ``plan week`` (under 0.6 s)
  for its first specialist;
- on the demo county: ``match``, ``targets``, ``plan week`` and ``fit add --prefill`` (under
  0.5 s each).

    python benchmarks/bench_cli.py [--runs 5] [--small]

``benchmarks/run`` prints these rows with the others (:func:`table_rows`).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from statewide import END, cached_statewide
from table import Row, Settings

SOURCE = "bench_cli"
LIBRARIES = "import sqlalchemy.orm, click, rich.console, rich.table"
"""What every command that opens a database imports before doing anything of its own."""
HEAVY = ("sqlalchemy", "pluggy", "rich", "icalendar", "phonenumbers", "alembic", "zipcodes")


def _script() -> list[str]:
    """The command as a user starts it: the ``ips-jobdev`` script next to this interpreter;
    with ``PYTHONPATH`` set, ``python -m ips_jobdev`` (the script would run the installed
    code, not the tree ``PYTHONPATH`` names)."""
    found = Path(sys.executable).with_name("ips-jobdev")
    if os.environ.get("PYTHONPATH") or not found.exists():
        return [sys.executable, "-m", "ips_jobdev"]
    return [str(found)]


def _environment() -> dict[str, str]:
    # an installed package has its bytecode compiled (pip does it); this environment may
    # say not to write it, which would time compiling every module on every run instead
    skip = ("IPS_JOBDEV_DB", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["NO_COLOR"] = "1"
    return env


def _once(command: Sequence[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, env=_environment(), check=False)
    seconds = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


@dataclasses.dataclass(frozen=True)
class Timing:
    """Medians of one command's runs and of the floors run beside each of them."""

    wall: float
    cpu: float
    floor_wall: float
    floor_cpu: float
    libraries_wall: float | None = None
    libraries_cpu: float | None = None
    above_libraries: float | None = None
    """Median of each run's wall-clock time less the libraries floor's run beside it."""


def whole_process(command: Sequence[str], runs: int, *, libraries: bool = False) -> Timing:
    """Median wall-clock and CPU seconds of ``command`` as a new process and of ``python
    -c pass`` run beside each run; with ``libraries``, also of the libraries floor
    (:data:`LIBRARIES`) run beside each run, so that the command and its floors are timed
    at the same moment of a machine whose speed varies over minutes."""
    floor = [sys.executable, "-c", "pass"]
    imports = [sys.executable, "-c", LIBRARIES]
    _once(command)  # warm: page cache, ZIP table cache file, compiled bytecode
    if libraries:
        _once(imports)
    ours: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    libs: list[tuple[float, float]] = []
    for _ in range(max(1, runs)):
        base.append(_once(floor))
        if libraries:
            libs.append(_once(imports))
        ours.append(_once(command))
    timing = Timing(
        wall=statistics.median(w for w, _ in ours),
        cpu=statistics.median(c for _, c in ours),
        floor_wall=statistics.median(w for w, _ in base),
        floor_cpu=statistics.median(c for _, c in base),
    )
    if not libraries:
        return timing
    return dataclasses.replace(
        timing,
        libraries_wall=statistics.median(w for w, _ in libs),
        libraries_cpu=statistics.median(c for _, c in libs),
        above_libraries=statistics.median(o[0] - lib[0] for o, lib in zip(ours, libs, strict=True)),
    )


def heavy_modules_after_import() -> list[str]:
    """The heavy libraries ``import ips_jobdev`` loads (none is the goal)."""
    code = f"import sys, ips_jobdev; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_environment(), check=True
    )
    return done.stdout.split()


def _row(
    what: str,
    command: Sequence[str],
    runs: int,
    goal: float,
    database: str = "SQLite",
    libraries: bool = False,
) -> Row:
    timing = whole_process(command, runs, libraries=libraries)
    notes: dict[str, object] = {
        "cpu_seconds": round(timing.cpu, 3),
        "floor_cpu_seconds": round(timing.floor_cpu, 3),
    }
    if timing.libraries_wall is not None and timing.libraries_cpu is not None:
        notes["libraries_floor_seconds"] = round(timing.libraries_wall, 3)
        notes["libraries_floor_cpu_seconds"] = round(timing.libraries_cpu, 3)
        notes["above_libraries_seconds"] = round(timing.above_libraries or 0.0, 3)
    return Row(
        what=what,
        database=database,
        project=timing.wall,
        unit="s",
        goal=goal,
        floor=timing.floor_wall,
        floor_what="python -c pass",
        source=SOURCE,
        notes=notes,
    )


def start_rows(runs: int) -> Iterator[Row]:
    """``import ips_jobdev`` and ``ips-jobdev --help``."""
    heavy = heavy_modules_after_import()
    row = _row("import ips_jobdev", [sys.executable, "-c", "import ips_jobdev"], runs, 0.2, "-")
    yield dataclasses.replace(row, notes={**row.notes, "heavy_modules_loaded": heavy})
    yield _row("CLI start (ips-jobdev --help)", [*_script(), "--help"], runs, 0.2, "-")


def statewide_rows(settings: Settings) -> Iterator[Row]:
    """``due`` and ``plan week`` on the statewide SQLite file (read only)."""
    info = cached_statewide(settings.seed, settings.scale)
    db = ["--db", info.url.removeprefix("sqlite:///")]
    code = info.specialist_codes[0]
    due = [*_script(), *db, "due", "--specialist", code, "--on", END.isoformat()]
    yield _row("due, whole CLI process", due, settings.runs, 0.3, libraries=True)
    plan = [*_script(), *db, "plan", "week", "--specialist", code]
    yield _row("plan week, whole CLI process", plan, settings.runs, 0.6, libraries=True)


def demo_rows(settings: Settings) -> Iterator[Row]:
    """``match``, ``targets``, ``plan week`` and ``fit add --prefill`` on the demo county."""
    with tempfile.TemporaryDirectory() as folder:
        db = ["--db", str(Path(folder) / "demo.sqlite3")]
        subprocess.run([*_script(), *db, "demo"], capture_output=True, check=True)
        commands = {
            "match J-1001 (demo)": ["match", "J-1001"],
            "targets av (demo)": ["targets", "av"],
            "plan week av (demo)": ["plan", "week", "--specialist", "av"],
            "fit add --prefill (demo)": [
                "fit", "add", "J-1001", "#293", "--prefill", "--rating", "schedule=partial",
            ],
        }  # fmt: skip
        for what, args in commands.items():
            yield _row(what, [*_script(), *db, *args], settings.runs, 0.5, libraries=True)


def table_rows(settings: Settings) -> Iterator[Row]:
    """The command line's rows of the benchmark table (SQLite only: start-up does not
    depend on the database, and the statewide commands' PostgreSQL figures come from the
    library benchmarks)."""
    runs = 1 if settings.small else settings.runs
    quick = Settings(small=settings.small, pg_url=settings.pg_url, runs=runs, seed=settings.seed)
    yield from start_rows(runs)
    yield from statewide_rows(quick)
    yield from demo_rows(quick)


def main(argv: list[str] | None = None) -> int:
    """Print the rows."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    for row in table_rows(Settings(small=args.small, runs=args.runs)):
        ratio = f"{row.ratio:.1f}x" if row.ratio is not None else "-"
        met = "met" if row.met else "NOT met"
        print(
            f"{row.what:40s} {row.project:.3f} s  floor {row.floor or 0:.3f} s  {ratio}  "
            f"goal {row.goal_text()}  {met}  {row.notes or ''}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
