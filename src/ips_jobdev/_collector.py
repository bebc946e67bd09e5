"""The cycle collector while bulk work runs: fewer collections, restored afterwards.

Imports and exports make and drop hundreds of thousands of short-lived objects (rows,
records, payloads), none in a cycle. With Python's default setting (a collection every
700 objects made) the collector runs thousands of times during one of them, moves the
batches still in use into its oldest generation, and that sets off full collections of
the whole process over and over: a quarter of an import's time, a fifth of a CRM export's.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

__all__ = ["FEWER_COLLECTIONS", "fewer_collections"]

FEWER_COLLECTIONS = 50_000
"""Objects made between two collections of the cycle collector while bulk work runs
(Python's default is 700)."""


class _Collections:
    """Bulk work running in this process, and the collector's setting before the first."""

    lock = threading.Lock()
    running = 0
    threshold: tuple[int, ...] = gc.get_threshold()


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block (in this process and the worker processes it forks), the cycle
    collector runs less often; its setting is restored when the last such block ends
    (imports and exports share the count, so one ending never restores it under another)."""
    with _Collections.lock:
        if _Collections.running == 0:
            _Collections.threshold = threshold = gc.get_threshold()
            gc.set_threshold(max(threshold[0], FEWER_COLLECTIONS), *threshold[1:])
        _Collections.running += 1
    try:
        yield
    finally:
        with _Collections.lock:
            _Collections.running -= 1
            if _Collections.running == 0:
                gc.set_threshold(*_Collections.threshold)
