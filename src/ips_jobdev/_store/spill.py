"""Keys remembered for a whole file without memory growing with it.

An import remembers, for every key a row of the file holds (an external id, a name and
ZIP, a phone), the first line that held it, to report later rows as duplicates.
:class:`FirstSeen` keeps them in a dict up to a limit, and moves them to a private
temporary SQLite file (deleted when closed) each time the dict reaches it, so a file of
any length is checked in bounded memory.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Hashable, Iterable, Mapping

__all__ = ["FIRST_SEEN_IN_MEMORY", "FirstSeen"]

FIRST_SEEN_IN_MEMORY = 100_000
"""Keys kept in memory before they move to disk (about 14 MB of an employers file's keys)."""

_BATCH = 500


def _normal(key: Hashable) -> Hashable:
    if isinstance(key, tuple):
        return tuple(_normal(part) for part in key)
    if isinstance(key, dt.datetime) and key.tzinfo is not None:
        return key.astimezone(dt.UTC)  # equal instants, one spelling
    return key


def _text(key: Hashable) -> str:
    """The text two keys share when they are equal (strings, numbers, dates and times,
    tuples of them: what importers use)."""
    return repr(_normal(key))


class FirstSeen:
    """Keys and the number (line) each was first seen with, in memory up to ``limit`` keys
    (default :data:`FIRST_SEEN_IN_MEMORY`) and on disk beyond. Only keys that
    :meth:`find` did not find are :meth:`add`-ed."""

    def __init__(self, limit: int | None = None) -> None:
        self.limit = FIRST_SEEN_IN_MEMORY if limit is None else limit
        self._memory: dict[Hashable, int] = {}
        self._disk: sqlite3.Connection | None = None

    def find(self, keys: Iterable[Hashable]) -> dict[Hashable, int]:
        """Those of ``keys`` already added, with their numbers."""
        found: dict[Hashable, int] = {}
        missing: dict[str, list[Hashable]] = {}
        memory = self._memory
        for key in keys:
            line = memory.get(key)
            if line is not None:
                found[key] = line
            elif self._disk is not None:
                missing.setdefault(_text(key), []).append(key)
        if missing and self._disk is not None:
            texts = list(missing)
            for start in range(0, len(texts), _BATCH):
                batch = texts[start : start + _BATCH]
                marks = ", ".join("?" * len(batch))
                query = f"SELECT key, line FROM seen WHERE key IN ({marks})"
                for text, line in self._disk.execute(query, batch):
                    for key in missing[text]:
                        found[key] = line
        return found

    def add(self, items: Mapping[Hashable, int]) -> None:
        """Remember new keys with their numbers."""
        self._memory.update(items)
        if len(self._memory) >= self.limit:
            self._spill()

    def __len__(self) -> int:
        disk = 0
        if self._disk is not None:
            disk = self._disk.execute("SELECT count(*) FROM seen").fetchone()[0]
        return len(self._memory) + int(disk)

    def _spill(self) -> None:
        if self._disk is None:
            # "": a temporary database on disk, private to this connection, gone on close
            self._disk = sqlite3.connect("")
            self._disk.execute("PRAGMA journal_mode = OFF")
            self._disk.execute("PRAGMA synchronous = OFF")
            self._disk.execute(
                "CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID"
            )
        with self._disk:
            self._disk.executemany(
                "INSERT OR IGNORE INTO seen VALUES (?, ?)",
                ((_text(key), line) for key, line in self._memory.items()),
            )
        self._memory.clear()

    def close(self) -> None:
        """Forget every key (the disk file goes)."""
        self._memory.clear()
        if self._disk is not None:
            self._disk.close()
            self._disk = None
