"""The import engine every kind of CSV file shares: streamed in chunks, one transaction.

The file is read a chunk of rows at a time (memory does not grow with the file), and each
chunk goes through the same steps:

1. **check**: read every cell with its column's parser (in worker processes for large
   files, on other cores), let the importer resolve references (a specialist's code, an
   employer's name) and cross-field rules; a row with any problem is rejected with its
   line, column and reason;
2. **match**: find each row's stored record by the importer's keys, loaded for the chunk
   in a few queries (never one per row), and compare values: equal is *unchanged*,
   different is a duplicate handled by the duplicate policy;
3. **de-duplicate within the file**: a row sharing a key with an earlier row is a
   duplicate of it (the first occurrence stands);
4. **write**: unless this is a dry run, or rows were rejected and ``partial`` is off, add
   the new records in bulk and apply the updates, inside the one transaction.

At the end the transaction is committed once, or rolled back (a dry run; rejected rows
without ``partial``; anything failing half-way). An import that writes first takes the
import lock of its kind (:func:`ips_jobdev._store.bulk.lock_for_import`), so two imports
of overlapping files cannot both create the same record: the second finds the first's rows.
"""

from __future__ import annotations

import abc
import collections
import contextlib
import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, ClassVar, NamedTuple, TypeAlias

import attrs

from ips_jobdev._collector import fewer_collections
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._files import restore_formula
from ips_jobdev._importing.csvfile import (
    NUL,
    CsvReader,
    CsvRow,
    Layout,
    RejectsWriter,
    Source,
    open_table,
)
from ips_jobdev._importing.report import (
    DuplicatePolicy,
    ImportAction,
    ImportReport,
    Rejection,
    RowResult,
)
from ips_jobdev._importing.values import CellParser
from ips_jobdev._store import bulk
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev.errors import ValidationError

__all__ = [
    "CHUNK_ROWS",
    "PARALLEL_FROM_LINES",
    "Candidate",
    "CheckedRow",
    "FileKey",
    "Importer",
    "Progress",
    "StoredMatch",
    "check_rows",
    "run_import",
]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while rows are checked and then written."""

CHUNK_ROWS = 2000
"""Rows read, checked, matched and written together."""

PARALLEL_FROM_LINES = 20_000
"""Files from this many lines on are checked in worker processes (where the machine has
more than one core and can fork); smaller ones are quicker in the importing process."""


@attrs.define(slots=True, eq=False)
class Candidate:
    """A row that passed the checks: its parsed values by column, and what the importer
    derived from them (resolved ids, duplicate keys).

    A row checked in a worker process that matches no stored record
    (:meth:`Importer.might_match`) comes back with only the values of
    :attr:`Importer.matching_columns` (less to send between processes); should its other
    values be read after all, ``restore`` reads them again from its cells, the first time
    :attr:`values` is read.
    """

    line: int
    label: str
    _values: dict[str, Any] = attrs.field(alias="values")
    derived: dict[str, Any] = attrs.field(factory=dict)
    _restore: Callable[[], dict[str, Any]] | None = attrs.field(
        default=None, alias="restore", repr=False
    )

    @property
    def values(self) -> dict[str, Any]:
        """Every parsed value, by column (read again from the cells if it must be)."""
        if self._restore is not None:
            self._values, self._restore = self._restore(), None
        return self._values

    def value(self, column: str) -> Any:
        """The value of one of :attr:`Importer.matching_columns` (``None`` when blank),
        never read again from the cells."""
        return self._values.get(column)


CheckedRow: TypeAlias = tuple[int, str, dict[str, Any], tuple[Rejection, ...], dict[str, Any]]
"""One row after its cells were parsed: ``(line, label, values, rejections, derived)``,
``derived`` being what :meth:`Importer.derive` made of a row without rejections (a plain
tuple: worker processes send thousands of them)."""


class FileKey(NamedTuple):
    """A value two rows of one file must not share: ``column`` and ``rule`` name it for
    people (``"phone"``, ``"same phone"``). (A tuple: a file makes one to three a row.)"""

    column: str
    rule: str
    key: Hashable


class StoredMatch(NamedTuple):
    """A stored record a row matches, and by which rule."""

    column: str
    rule: str
    record_id: int


class Importer(abc.ABC):
    """What one kind of file (employers, job seekers, visits) adds to the engine.

    Subclasses name their columns and parsers, load the keys of the stored records a
    chunk may match in a few queries, and insert and update records in bulk.
    """

    kind: ClassVar[str]
    """The file's kind, plural (``"employers"``)."""
    record: ClassVar[str]
    """One row's record, for messages (``"employer"``)."""
    required: ClassVar[tuple[str, ...]]
    """Columns the header must have and every row must fill."""
    aliases: ClassVar[Mapping[str, str]] = {}
    """Other header spellings (already normalized) accepted for a column."""
    label_column: ClassVar[str]
    """The column that names a row for people in the report."""
    event_kind: ClassVar[str]
    """The kind of record plugins are told changed (``"employer"``, ``"job-seeker"``)."""
    chunk_size: ClassVar[int] = CHUNK_ROWS
    """Rows checked and written together."""
    matching_columns: ClassVar[tuple[str, ...] | None] = None
    """The only columns whose values worker processes send back with a row without
    rejections (with :meth:`derive`'s values), when :meth:`file_keys`,
    :meth:`stored_matches`, :meth:`prepare_matching` and :meth:`insert` of prepared rows
    read no others (through :meth:`Candidate.value`); ``None``: every column."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.other_changes: list[RecordChanged] = []
        """Changes to other records than the file's own (an employer's contact person)."""
        self._writer: bulk.BulkWriter | None = None
        self.expected_rows = 0
        """About how many rows the file has (set before :meth:`load`)."""

    @classmethod
    @abc.abstractmethod
    def parsers(cls) -> Mapping[str, CellParser]:
        """Every known column, with the parser of its cells (pure functions of the text:
        worker processes build their own)."""

    @property
    def writer(self) -> bulk.BulkWriter:
        """Where new records go (made on first use, in the unit of work's transaction)."""
        if self._writer is None:
            self._writer = bulk.BulkWriter(self.uow)
        return self._writer

    def lock(self) -> None:
        """Wait for other imports of this kind to end (before anything is read)."""
        bulk.lock_for_import(self.uow, self.kind)

    def might_match(self, values: dict[str, Any], derived: dict[str, Any]) -> bool:
        """Whether a checked row (its values and :meth:`derive`'s) might match a stored
        record, asked in worker processes (forked after :meth:`load`) of the importers
        with :attr:`matching_columns`: a row that might not is sent back with only those
        columns' values. When unsure, true (every value is sent back)."""
        return True

    def worker_context(self, writing: bool) -> Any:
        """A plain, picklable value :meth:`derive` receives (in worker processes too): what
        it needs to know of this import (``writing``: whether rows will be written)."""
        return None

    @classmethod
    def derive(
        cls, line: int, values: dict[str, Any], context: Any
    ) -> tuple[dict[str, Any], list[Rejection]]:
        """What a row without rejected cells gives by itself, with no database: its rules
        across columns (rejections) and derived values (keys, rows ready to write). A pure
        function of its arguments, run where the cells are read (worker processes for large
        files), before :meth:`complete`; its values start :attr:`Candidate.derived`."""
        return {}, []

    def load(self) -> None:  # noqa: B027
        """Load what every chunk needs from the database (specialists' codes): small
        tables only; what depends on the rows is loaded per chunk."""

    def resolve(self, candidates: Sequence[Candidate]) -> None:  # noqa: B027
        """Load, for one chunk, what :meth:`complete` looks up (referenced records)."""

    def complete(self, candidate: Candidate) -> list[Rejection]:
        """Rules that need the database (references); derive what matching needs beyond
        :meth:`derive`."""
        return []

    def prepare_matching(self, candidates: Sequence[Candidate]) -> None:  # noqa: B027
        """Called with each chunk's checked rows before matching (to load keys in bulk)."""

    @abc.abstractmethod
    def file_keys(self, candidate: Candidate) -> list[FileKey]:
        """Keys two rows of one file must not share."""

    @abc.abstractmethod
    def stored_matches(self, candidate: Candidate) -> tuple[int | None, list[StoredMatch]]:
        """The stored record this row is (by its identity key), and every record it matches."""

    @abc.abstractmethod
    def snapshots(self, record_ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]:
        """The stored values of these records, to compare rows with (batched queries)."""

    @abc.abstractmethod
    def changes(self, candidate: Candidate, stored: Mapping[str, Any]) -> dict[str, Any]:
        """What the row would change in the stored record (empty: unchanged)."""

    def check_update(
        self, candidate: Candidate, stored: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> list[Rejection]:
        """Rules across columns that must still hold once ``changes`` are applied."""
        return []

    def describe(self, record_id: int, stored: Mapping[str, Any]) -> str:
        """A stored record, for messages (``"employer #12 'Example Bakery'"``)."""
        return f"{self.record} #{record_id}"

    @abc.abstractmethod
    def insert(self, candidates: Sequence[Candidate]) -> list[int]:
        """Add new records for these rows (through :attr:`writer`); their ids in order."""

    @abc.abstractmethod
    def update(self, items: Sequence[tuple[Candidate, int, dict[str, Any], Any]]) -> None:
        """Apply ``(row, record id, changes, stored snapshot)`` to stored records."""

    def reject(self, line: int, column: str, reason: str, value: str | None = None) -> Rejection:
        """A rejection of this importer's record."""
        return Rejection(line=line, field=column, reason=reason, record=self.record, value=value)


# -- checking cells (also in worker processes) ----------------------------------------------

_parsers_by_class: dict[type[Importer], Mapping[str, CellParser]] = {}


def _parsers_of(importer_class: type[Importer]) -> Mapping[str, CellParser]:
    found = _parsers_by_class.get(importer_class)
    if found is None:
        found = _parsers_by_class[importer_class] = importer_class.parsers()
    return found


_NUL_REASON = "holds a NUL character (byte 0x00), which no column can store; remove it"


def check_rows(
    importer_class: type[Importer],
    layout: Layout,
    rows: Sequence[tuple[int, tuple[str, ...]]],
    look_for_nul: bool,
    context: Any = None,
) -> list[CheckedRow]:
    """Parse the cells of ``rows`` (``(line, cells)``) with the importer's parsers, and
    :meth:`Importer.derive` what a row without rejections gives (with ``context``).

    A pure function of its arguments, so worker processes give exactly what the importing
    process would: the same values, the same rejections in the same order (a cell too
    many, then required columns left blank, then cells refused, in the header's order;
    then the importer's rules across columns).
    """
    derive = importer_class.derive
    parsers = _parsers_of(importer_class)
    record = importer_class.record
    required = importer_class.required
    label_at = _column_index(layout, importer_class.label_column)
    plan = [
        (i, column, parsers[column], getattr(parsers[column], "memo", None))
        for i, column in enumerate(layout.columns)
        if column
    ]
    width = len(layout.header)
    out: list[CheckedRow] = []
    for line, cells in rows:
        if look_for_nul and any(NUL in cell for cell in cells):
            out.append(_nul_row(record, layout, line, cells, label_at))
            continue
        values: dict[str, Any] = {}
        refused: list[Rejection] = []
        given: set[str] = set()
        count = len(cells)
        for i, column, parse, memo in plan:
            if i >= count:
                break
            text = cells[i].strip()
            if not text:
                continue
            if text[0] == "'":
                text = restore_formula(text)
            if memo is not None:
                # a cached parser's answer, without the call (most cells of big files)
                hit = memo.get(text)
                if hit is not None and hit[0]:
                    value = hit[1]
                    values[column] = list(value) if type(value) is list else value
                    continue
            try:
                values[column] = parse(text)
            except ValueError as exc:
                given.add(column)
                refused.append(
                    Rejection.from_error(line, exc, record=record, field=column, value=text)
                )
        rejections: list[Rejection] = []
        if count > width and layout.extra_cell_count(cells):
            reason = (
                f"has {count} cells but the header has {width}; "
                "a value containing a comma must be in double quotes"
            )
            rejections.append(Rejection(line, "row", reason, record))
        for column in required:
            if column not in values and column not in given:
                rejections.append(Rejection(line, column, "is required", record))
        derived: dict[str, Any] = {}
        if not rejections and not refused:
            derived, refused = derive(line, values, context)
        out.append((line, _label(cells, label_at), values, tuple(rejections + refused), derived))
    return out


def _column_index(layout: Layout, column: str) -> int | None:
    return layout.columns.index(column) if column in layout.columns else None


def _label(cells: Sequence[str], at: int | None) -> str:
    if at is None or at >= len(cells):
        return ""
    return restore_formula(cells[at].strip())


def _nul_row(
    record: str, layout: Layout, line: int, cells: Sequence[str], label_at: int | None
) -> CheckedRow:
    """A row holding a NUL is not read at all: no value of it goes into a message or a
    query (its label too loses the NUL)."""
    refused = tuple(
        Rejection(line, column, _NUL_REASON, record) for column in layout.nul_columns(cells)
    )
    return (line, _label(cells, label_at).replace(NUL, ""), {}, refused, {})


MightMatch: TypeAlias = Callable[[dict[str, Any], dict[str, Any]], bool]
"""The importing process's :meth:`Importer.might_match`, in a forked worker."""

_might_match: MightMatch | None = None
"""In a worker process: the importer's :meth:`Importer.might_match` (set at its start)."""


def _check_in_worker(
    importer_class: type[Importer],
    layout: Layout,
    rows: Sequence[tuple[int, tuple[str, ...]]],
    look_for_nul: bool,
    context: Any = None,
) -> tuple[list[CheckedRow], frozenset[int]]:
    """:func:`check_rows` in a worker process, and the positions of the rows whose values
    were cut down to the importer's :attr:`~Importer.matching_columns`: rows without
    rejections that match no stored record (:meth:`Importer.might_match`). Rejected rows
    come back without values (nobody reads them). Less is pickled here and unpickled in
    the importing process."""
    checked = check_rows(importer_class, layout, rows, look_for_nul, context=context)
    kept = importer_class.matching_columns
    if kept is None:
        return checked, frozenset()
    might_match = _might_match
    out: list[CheckedRow] = []
    cut: list[int] = []
    for index, (line, label, values, refused, derived) in enumerate(checked):
        if refused:
            values = {}
        elif might_match is None or not might_match(values, derived):
            values = {c: values[c] for c in kept if c in values}
            cut.append(index)
        out.append((line, label, values, refused, derived))
    return out, frozenset(cut)


@attrs.frozen
class _Recheck:
    """Reads a row's values again in the importing process (see :class:`Candidate`)."""

    importer_class: type[Importer]
    layout: Layout
    look_for_nul: bool
    context: Any

    def values(self, line: int, cells: tuple[str, ...]) -> dict[str, Any]:
        checked = check_rows(
            self.importer_class,
            self.layout,
            [(line, cells)],
            self.look_for_nul,
            context=self.context,
        )
        return checked[0][2]


def _cores() -> int:
    """The cores this process may run on (not all the machine's, in a container or under
    ``taskset``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _worker_count(requested: int | None, lines: int) -> int:
    if requested is not None:
        return max(0, requested)
    if lines < PARALLEL_FROM_LINES or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = _cores()
    # one worker per core (up to 3): the importing process waits for the database much of
    # the time, and a worker then has its core
    return 0 if cores < 2 else min(cores, 3)


_Restore: TypeAlias = tuple[_Recheck, frozenset[int]]
"""How to read again the values of a chunk's rows, and which rows need it."""


def _checked_chunks(
    importer: Importer, reader: CsvReader, workers: int, context: Any
) -> Iterator[tuple[list[CsvRow], list[CheckedRow], _Restore | None]]:
    """Each chunk of rows with its checked rows, in file order, and how to read a row's
    values again when the checked rows hold only some of them; with ``workers``, chunks
    are checked in that many forked processes while the caller writes earlier ones."""
    importer_class = type(importer)
    layout = reader.layout
    size = importer_class.chunk_size
    if workers == 0:
        for rows in reader.chunks(size):
            yield (
                rows,
                check_rows(importer_class, layout, _plain(rows), reader.has_nul, context=context),
                None,
            )
        return
    recheck = _Recheck(importer_class, layout, reader.has_nul, context)
    # fork: the workers start at once with everything imported (no second interpreter),
    # and with the importer as loaded (the stored keys it may hold: what might_match reads)
    fork = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=fork,
        initializer=_start_worker,
        initargs=(os.getpid(), importer.might_match),
    ) as pool:
        pending: collections.deque[tuple[list[CsvRow], Any]] = collections.deque()
        try:
            for rows in reader.chunks(size):
                job = pool.submit(
                    _check_in_worker,
                    importer_class,
                    layout,
                    _plain(rows),
                    reader.has_nul,
                    context=context,
                )
                pending.append((rows, job))
                # one chunk a worker ahead of the write, no more: the workers check faster
                # than this process writes, so a longer queue would only hold checked
                # rows in memory (about 5 MB a chunk)
                if len(pending) > workers:
                    done, job = pending.popleft()
                    checked, cut = job.result()
                    yield done, checked, (recheck, cut) if cut else None
            while pending:
                done, job = pending.popleft()
                checked, cut = job.result()
                yield done, checked, (recheck, cut) if cut else None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_worker(parent: int, might_match: MightMatch) -> None:
    """In a worker: keep the importer's ``might_match`` (forked, never pickled), and
    follow the importing process."""
    global _might_match
    _might_match = might_match
    _follow_parent(parent)


def _follow_parent(parent: int) -> None:
    """In a worker: end when the importing process is gone (killed with SIGKILL, it
    cannot stop its workers, which would otherwise wait for work forever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()


def _plain(rows: Sequence[CsvRow]) -> list[tuple[int, tuple[str, ...]]]:
    return [(row.line, row.cells) for row in rows]


# -- the engine ------------------------------------------------------------------------------


class _Ticker:
    """Reports progress at most a few hundred times, whatever the file's size."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.every = max(1, total // 200)
        self._last = -1

    def step(self, count: int = 1) -> None:
        self.done += count
        self.total = max(self.total, self.done)
        if self.progress is not None and (
            self.done - self._last >= self.every or self.done >= self.total
        ):
            self._last = self.done
            self.progress(self.done, self.total)

    def finish(self) -> None:
        if self.progress is not None and self._last != self.total:
            self.done = self.total
            self._last = self.total
            self.progress(self.total, self.total)


_UPDATE_KEY = "_update"
_ACTIONS = {ImportAction.CREATED: ChangeAction.CREATED, ImportAction.UPDATED: ChangeAction.UPDATED}


class _Engine:
    """One import of one file: the chunks' steps, and the end (commit or roll back)."""

    def __init__(
        self,
        importer: Importer,
        report: ImportReport,
        policy: DuplicatePolicy,
        ticker: _Ticker,
    ) -> None:
        self.importer = importer
        self.report = report
        self.policy = policy
        self.ticker = ticker
        self.writing = not report.dry_run
        self.wrote = False
        self.first_lines = bulk.FirstSeen()
        """Each key of the file's rows, with the first line that held it."""

    def chunk(
        self,
        rows: Sequence[CsvRow],
        checked: Sequence[CheckedRow],
        rejects: RejectsWriter | None,
        restore: _Restore | None = None,
    ) -> None:
        """Every step for one chunk, its rows added to the report (and rejects file);
        ``restore`` reads again the values the checked rows left out."""
        importer = self.importer
        results: list[RowResult | None] = []
        candidates: list[Candidate | None] = []
        recheck, cut = restore if restore is not None else (None, frozenset[int]())
        for index, (row, (line, label, values, rejections, derived)) in enumerate(
            zip(rows, checked, strict=True)
        ):
            if rejections:
                results.append(RowResult(line, ImportAction.REJECTED, label, rejections=rejections))
                candidates.append(None)
            else:
                results.append(None)
                again = None
                if recheck is not None and index in cut:
                    again = functools.partial(recheck.values, line, row.cells)
                candidates.append(Candidate(line, label, values, derived, again))
        importer.resolve([c for c in candidates if c is not None])
        for index, candidate in enumerate(candidates):
            if candidate is None:
                continue
            problems = importer.complete(candidate)
            if problems:
                results[index] = RowResult(
                    candidate.line,
                    ImportAction.REJECTED,
                    candidate.label,
                    rejections=tuple(problems),
                )
                candidates[index] = None
        self.ticker.step(len(rows))
        self._match(candidates, results)
        final = [r for r in results if r is not None]
        if any(r.action is ImportAction.REJECTED for r in final) and not self.report.partial:
            self.writing = False  # all or nothing: nothing more is sent, the end rolls back
        if self.writing:
            # the change history names the import as the operation of every row it writes
            with importer.uow.explain(f"import {importer.event_kind}s"):
                self._write(candidates, results)
        for row, result in zip(rows, results, strict=True):
            assert result is not None
            self.report.add(result)
            if rejects is not None and result.action is ImportAction.REJECTED:
                rejects.add(row.cells, result.reason)
        self.ticker.step(len(rows))

    def _match(self, candidates: list[Candidate | None], results: list[RowResult | None]) -> None:
        importer = self.importer
        importer.prepare_matching([c for c in candidates if c is not None])
        matches: dict[int, tuple[int | None, list[StoredMatch]]] = {}
        wanted: set[int] = set()
        for index, candidate in enumerate(candidates):
            if candidate is None:
                continue
            identity, found = importer.stored_matches(candidate)
            matches[index] = (identity, found)
            wanted.update(m.record_id for m in found)
            if identity is not None:
                wanted.add(identity)
        stored = importer.snapshots(sorted(wanted)) if wanted else {}
        keyed = [
            (index, candidate, importer.file_keys(candidate))
            for index, candidate in enumerate(candidates)
            if candidate is not None
        ]
        first_lines = self.first_lines.find(key.key for _, _, keys in keyed for key in keys)
        new_keys: dict[Hashable, int] = {}
        for index, candidate, keys in keyed:
            earlier = None
            for key in keys:
                line = first_lines.get(key.key)
                if line is not None:
                    earlier = (key, line)
                    break
            if earlier is not None:
                key, line = earlier
                results[index] = _file_duplicate(importer, candidate, key, line, self.policy)
                continue
            identity, found = matches[index]
            result = _decide(
                importer,
                candidate,
                identity=identity,
                found=found,
                stored=stored,
                policy=self.policy,
            )
            results[index] = result
            if result.action is not ImportAction.REJECTED:
                for key in keys:
                    if key.key not in first_lines:
                        first_lines[key.key] = new_keys[key.key] = candidate.line
        self.first_lines.add(new_keys)

    def _write(self, candidates: list[Candidate | None], results: list[RowResult | None]) -> None:
        importer = self.importer
        creating: list[tuple[int, Candidate]] = []
        updates: list[tuple[Candidate, int, dict[str, Any], Any]] = []
        for index, (result, candidate) in enumerate(zip(results, candidates, strict=True)):
            if candidate is None or result is None:
                continue
            if result.action is ImportAction.CREATED:
                creating.append((index, candidate))
            elif result.action is ImportAction.UPDATED:
                target, changes, snapshot = candidate.derived[_UPDATE_KEY]
                updates.append((candidate, target, changes, snapshot))
        if creating:
            ids = importer.insert([candidate for _, candidate in creating])
            for (index, candidate), record_id in zip(creating, ids, strict=True):
                results[index] = RowResult(
                    candidate.line, ImportAction.CREATED, candidate.label, record_id=record_id
                )
        if updates:
            importer.update(updates)
        if creating or updates:
            self.wrote = True
        uow = importer.uow
        for result in results:
            if result is not None and result.action in _ACTIONS and result.record_id is not None:
                change = RecordChanged(
                    importer.event_kind, result.record_id, _ACTIONS[result.action]
                )
                uow.record_event(change)
        for change in importer.other_changes:
            uow.record_event(change)
        importer.other_changes.clear()

    def end(self) -> None:
        """Commit what was written, or roll back (the lock goes with either)."""
        report, uow = self.report, self.importer.uow
        keep = self.wrote and (report.partial or report.ok)
        if not keep:
            uow.rollback()
            report.forget_created_ids()
            return
        if self.importer._writer is not None:
            self.importer._writer.finish()
        uow.commit()
        report.written = True


def run_import(
    importer: Importer,
    source: Source,
    *,
    partial: bool = False,
    dry_run: bool = False,
    on_duplicate: DuplicatePolicy | str = DuplicatePolicy.REJECT,
    rejects_path: str | os.PathLike[str] | None = None,
    replace_rejects: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> ImportReport:
    """Import one CSV file with ``importer``; see the module docstring for the steps.

    Raises:
        ValidationError: the file as a whole cannot be read (encoding, missing column, a
            quote left open), the rejects file may not be written, or the database
            refused the write (then nothing was written).
        ConcurrentUpdateError: a record changed (or an import held the database) while
            this import ran; nothing was written.
    """
    policy = _policy(on_duplicate)
    parsers = importer.parsers()
    with open_table(
        source, known=parsers.keys(), required=importer.required, aliases=importer.aliases
    ) as reader:
        rejects = (
            RejectsWriter(rejects_path, reader.header, replace=replace_rejects)
            if rejects_path is not None
            else None
        )
        report = ImportReport(
            kind=importer.kind,
            source=reader.source,
            warnings=list(reader.warnings),
            dry_run=dry_run,
            partial=partial,
            on_duplicate=policy,
            encoding=reader.encoding,
        )
        ticker = _Ticker(progress, 2 * max(reader.lines - 1, 0))
        engine = _Engine(importer, report, policy, ticker)
        try:
            _run(engine, reader, rejects, _worker_count(workers, reader.lines))
        except ValidationError as exc:
            importer.uow.rollback()
            if exc.record == "database":  # the database refused a row: name the file's record
                raise ValidationError(importer.record, "database", exc.reason) from exc
            raise
        except BaseException:
            importer.uow.rollback()
            raise
        if rejects is not None:
            report.rejects_path = os.fspath(rejects_path)  # type: ignore[arg-type]
    ticker.finish()
    return report


def _run(engine: _Engine, reader: CsvReader, rejects: RejectsWriter | None, workers: int) -> None:
    importer = engine.importer
    if not engine.report.dry_run:
        importer.lock()
    importer.expected_rows = max(reader.lines - 1, 0)
    importer.load()
    with rejects.open() if rejects is not None else contextlib.nullcontext(), fewer_collections():
        try:
            context = importer.worker_context(not engine.report.dry_run)
            for rows, checked, restore in _checked_chunks(importer, reader, workers, context):
                engine.chunk(rows, checked, rejects, restore)
                del rows, checked  # not held while the next chunk is read and checked
        finally:
            engine.first_lines.close()
    # the rejects file is in place before anything is committed: one that cannot be
    # saved stops it all
    engine.end()


def _policy(value: DuplicatePolicy | str) -> DuplicatePolicy:
    try:
        return DuplicatePolicy(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(p.value for p in DuplicatePolicy)
        raise ValidationError(
            "import", "on_duplicate", f"{value!r} is not one of: {allowed}"
        ) from None


def _file_duplicate(
    importer: Importer, candidate: Candidate, key: FileKey, line: int, policy: DuplicatePolicy
) -> RowResult:
    where = f"line {line}"
    if policy is DuplicatePolicy.REJECT:
        reason = f"duplicates {where} ({key.rule}); the first occurrence in a file stands"
        return RowResult(
            candidate.line,
            ImportAction.REJECTED,
            candidate.label,
            duplicate_of=where,
            match=key.column,
            rejections=(importer.reject(candidate.line, key.column, reason),),
        )
    return RowResult(
        candidate.line, ImportAction.SKIPPED, candidate.label, duplicate_of=where, match=key.column
    )


def _decide(
    importer: Importer,
    candidate: Candidate,
    *,
    identity: int | None,
    found: list[StoredMatch],
    stored: Mapping[int, Mapping[str, Any]],
    policy: DuplicatePolicy,
) -> RowResult:
    if identity is None and not found:  # most rows of a large file: a new record
        return RowResult(candidate.line, ImportAction.CREATED, candidate.label)
    ids = list(
        dict.fromkeys(([identity] if identity is not None else []) + [m.record_id for m in found])
    )
    target = identity if identity is not None else (ids[0] if len(ids) == 1 else None)
    changes: dict[str, Any] = {}
    if target is not None:
        changes = importer.changes(candidate, stored[target])
        if not changes:
            return RowResult(
                candidate.line, ImportAction.UNCHANGED, candidate.label, record_id=target
            )
    lead = target if target is not None else ids[0]
    first = next((m for m in found if m.record_id == lead), found[0])
    described = importer.describe(first.record_id, stored[first.record_id])
    if policy is DuplicatePolicy.SKIP:
        return RowResult(
            candidate.line,
            ImportAction.SKIPPED,
            candidate.label,
            record_id=first.record_id,
            duplicate_of=described,
            match=first.column,
        )
    if policy is DuplicatePolicy.REJECT:
        reason = (
            f"duplicates {described} ({first.rule}); import with on-duplicate "
            "'skip' to keep the stored record or 'update' to change it"
        )
        return _rejected(importer, candidate, first, described, reason)
    if target is None:
        listed = ", ".join(
            f"{importer.describe(m.record_id, stored[m.record_id])} ({m.rule})" for m in found
        )
        reason = f"matches several stored records: {listed}; cannot tell which to update"
        return _rejected(importer, candidate, first, described, reason)
    problems = importer.check_update(candidate, stored[target], changes)
    if problems:
        return RowResult(
            candidate.line,
            ImportAction.REJECTED,
            candidate.label,
            record_id=target,
            duplicate_of=described,
            match=first.column,
            rejections=tuple(problems),
        )
    candidate.derived[_UPDATE_KEY] = (target, changes, stored[target])
    return RowResult(
        candidate.line,
        ImportAction.UPDATED,
        candidate.label,
        record_id=target,
        duplicate_of=described,
        match=first.column,
    )


def _rejected(
    importer: Importer, candidate: Candidate, match: StoredMatch, described: str, reason: str
) -> RowResult:
    return RowResult(
        candidate.line,
        ImportAction.REJECTED,
        candidate.label,
        record_id=match.record_id,
        duplicate_of=described,
        match=match.column,
        rejections=(importer.reject(candidate.line, match.column, reason),),
    )
