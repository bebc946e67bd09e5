"""Peak memory of a benchmark's process, and of its process tree, on Linux.

``ru_maxrss`` will not do for a child process: Linux keeps it across ``exec``, so a child
started by a big process reports its parent's size, and a forked worker starts at its
parent's. :func:`own_peak_rss_mb` reads the new image's ``VmHWM`` instead, and
:class:`TreeMemory` samples the proportional set sizes (PSS) of a process and its
descendants, so pages forked workers share with their parent count once.
"""

from __future__ import annotations

import os
import resource
import threading

__all__ = ["TreeMemory", "own_peak_rss_mb", "process_tree"]


def _status_kb(pid: int | str, field: str, name: str = "status") -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (or another such file); ``None`` when the
    file or the field is missing (not Linux, or the process has ended)."""
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def own_peak_rss_mb() -> float:
    """This process's peak RSS in MB: ``VmHWM``, which starts again at ``exec`` (where
    ``ru_maxrss`` would keep the size of the process that started this one)."""
    peak = _status_kb("self", "VmHWM:")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (Linux ``/proc/PID/task/TID/children``)."""
    found = [pid]
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            with open(f"/proc/{pid}/task/{thread}/children", encoding="ascii") as handle:
                children = [int(word) for word in handle.read().split()]
        except (OSError, ValueError):
            continue
        for child_pid in children:
            found.extend(process_tree(child_pid))
    return found


class TreeMemory:
    """Samples, in a thread, the summed PSS of this process and its descendants every
    ``interval`` seconds; :attr:`peak_mb` is the largest sum seen, :attr:`processes` the
    most processes seen at once. Linux only (elsewhere the peak stays ``None``)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak_mb: float | None = None
        self.processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        """Take one sample now."""
        pids = process_tree(os.getpid())
        sizes = [_status_kb(pid, "Pss:", "smaps_rollup") for pid in pids]
        known = [size for size in sizes if size is not None]
        if not known:
            return
        total = sum(known) / 1024
        self.peak_mb = total if self.peak_mb is None else max(self.peak_mb, total)
        self.processes = max(self.processes, len(known))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.sample()
