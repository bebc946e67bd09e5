"""The import engine every kind of CSV file shares.

Three passes over the file, then one transaction:

1. **check**: read every cell with its column's parser and let the importer resolve
   references (a specialist's code, an employer's name) and cross-field rules; a row with
   any problem is rejected with its line, column and reason;
2. **match**: find each row's stored record by the importer's keys, loaded once for the
   whole file (never one query per row), and compare values: equal is *unchanged*,
   different is a duplicate handled by the duplicate policy;
3. **de-duplicate within the file**: a row sharing a key with an earlier row is a
   duplicate of it (the first occurrence stands);
4. **write**: unless this is a dry run, or rows were rejected and ``partial`` is off, add
   the new records in batches and apply the updates, then commit once. Anything failing
   half-way rolls the whole import back.
"""

from __future__ import annotations

import abc
import os
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import attrs

from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._importing.csvfile import CsvTable, Source, read_table, write_rejects
from ips_jobdev._importing.report import (
    DuplicatePolicy,
    ImportAction,
    ImportReport,
    Rejection,
    RowResult,
)
from ips_jobdev._importing.values import CellParser
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev.errors import ValidationError

__all__ = [
    "Candidate",
    "FileKey",
    "Importer",
    "Progress",
    "StoredMatch",
    "run_import",
]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` while rows are checked and then written."""

T = TypeVar("T")


def _slices(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``, in order."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


@attrs.define(slots=True, eq=False)
class Candidate:
    """A row that passed the checks: its parsed values by column, and what the importer
    derived from them (resolved ids, duplicate keys)."""

    line: int
    label: str
    values: dict[str, Any]
    derived: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen(slots=True)
class FileKey:
    """A value two rows of one file must not share: ``column`` and ``rule`` name it for
    people (``"phone"``, ``"same phone"``)."""

    column: str
    rule: str
    key: Hashable


@attrs.frozen(slots=True)
class StoredMatch:
    """A stored record a row matches, and by which rule."""

    column: str
    rule: str
    record_id: int


class Importer(abc.ABC):
    """What one kind of file (employers, job seekers, visits) adds to the engine.

    Subclasses name their columns and parsers, load the keys of stored records in a few
    queries, and insert and update records in batches.
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
    batch_size: ClassVar[int] = 2000
    """Rows per INSERT batch."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.other_changes: list[RecordChanged] = []
        """Changes to other records than the file's own (an employer's contact person)."""

    @abc.abstractmethod
    def parsers(self) -> Mapping[str, CellParser]:
        """Every known column, with the parser of its cells."""

    @abc.abstractmethod
    def load(self) -> None:
        """Load what checking needs from the database (codes, names, keys): a few queries."""

    @abc.abstractmethod
    def complete(self, candidate: Candidate) -> list[Rejection]:
        """Resolve references and check rules across columns; fill ``candidate.derived``."""

    def prepare_matching(self, candidates: Sequence[Candidate]) -> None:  # noqa: B027
        """Called once with every checked row before matching (to load keys in bulk)."""

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
        """Add new records for these rows (one batch); return their ids in order."""

    @abc.abstractmethod
    def update(self, items: Sequence[tuple[Candidate, int, dict[str, Any], Any]]) -> None:
        """Apply ``(row, record id, changes, stored snapshot)`` to stored records."""

    def reject(self, line: int, column: str, reason: str, value: str | None = None) -> Rejection:
        """A rejection of this importer's record."""
        return Rejection(line=line, field=column, reason=reason, record=self.record, value=value)


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
        if self.progress is not None and (
            self.done - self._last >= self.every or self.done >= self.total
        ):
            self._last = self.done
            self.progress(min(self.done, self.total), self.total)

    def finish(self) -> None:
        if self.progress is not None and self._last != self.total:
            self.done = self.total
            self._last = self.total
            self.progress(self.total, self.total)


def run_import(
    importer: Importer,
    source: Source,
    *,
    partial: bool = False,
    dry_run: bool = False,
    on_duplicate: DuplicatePolicy | str = DuplicatePolicy.REJECT,
    rejects_path: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one CSV file with ``importer``; see the module docstring for the passes.

    Raises:
        ValidationError: the file as a whole cannot be read (encoding, missing column), or
            the database refused the write (then nothing was written).
    """
    policy = _policy(on_duplicate)
    parsers = importer.parsers()
    table = read_table(
        source, known=parsers.keys(), required=importer.required, aliases=importer.aliases
    )
    report = ImportReport(
        kind=importer.kind,
        source=table.source,
        warnings=list(table.warnings),
        dry_run=dry_run,
        partial=partial,
        on_duplicate=policy,
        encoding=table.encoding,
    )
    ticker = _Ticker(progress, 2 * len(table.rows))
    importer.load()
    results, candidates = _check(importer, table, parsers, ticker)
    _match(importer, candidates, results, policy)
    updates = [
        item
        for item in (_pending_update(r, c) for r, c in zip(results, candidates, strict=True))
        if item
    ]
    report.rows = [r for r in results if r is not None]
    if rejects_path is not None:
        # before writing to the database: a rejects file that cannot be saved stops it all
        _save_rejects(rejects_path, table, report.rows)
        report.rejects_path = os.fspath(rejects_path)
    if not dry_run and (partial or report.ok):
        with importer.uow.explain(f"import {importer.event_kind}s"):
            report.written = _write(importer, results, candidates, updates, ticker)
        report.rows = [r for r in results if r is not None]
    ticker.finish()
    return report


def _save_rejects(path: str | os.PathLike[str], table: CsvTable, rows: Sequence[RowResult]) -> None:
    rejected = (
        (row.cells, result.reason)
        for row, result in zip(table.rows, rows, strict=True)
        if result.action is ImportAction.REJECTED
    )
    try:
        write_rejects(path, table.header, rejected)
    except OSError as exc:
        raise ValidationError(
            "import", "rejects", f"cannot write {os.fspath(path)!r}: {exc.strerror}"
        ) from None


def _policy(value: DuplicatePolicy | str) -> DuplicatePolicy:
    try:
        return DuplicatePolicy(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(p.value for p in DuplicatePolicy)
        raise ValidationError(
            "import", "on_duplicate", f"{value!r} is not one of: {allowed}"
        ) from None


def _check(
    importer: Importer,
    table: CsvTable,
    parsers: Mapping[str, CellParser],
    ticker: _Ticker,
) -> tuple[list[RowResult | None], list[Candidate | None]]:
    results: list[RowResult | None] = []
    candidates: list[Candidate | None] = []
    for row in table.rows:
        cells = table.values(row)
        label = cells.get(importer.label_column, "")
        rejections: list[Rejection] = []
        extra = table.extra_cells(row)
        if extra:
            rejections.append(
                importer.reject(
                    row.line,
                    "row",
                    f"has {len(row.cells)} cells but the header has {len(table.header)}; "
                    "a value containing a comma must be in double quotes",
                )
            )
        for column in importer.required:
            if column not in cells:
                rejections.append(importer.reject(row.line, column, "is required"))
        values: dict[str, Any] = {}
        for column, text in cells.items():
            try:
                values[column] = parsers[column](text)
            except ValueError as exc:
                rejections.append(
                    Rejection.from_error(
                        row.line, exc, record=importer.record, field=column, value=text
                    )
                )
        candidate = Candidate(row.line, label, values)
        if not rejections:
            rejections = importer.complete(candidate)
        if rejections:
            results.append(
                RowResult(row.line, ImportAction.REJECTED, label, rejections=tuple(rejections))
            )
            candidates.append(None)
        else:
            results.append(None)
            candidates.append(candidate)
        ticker.step()
    return results, candidates


def _match(
    importer: Importer,
    candidates: list[Candidate | None],
    results: list[RowResult | None],
    policy: DuplicatePolicy,
) -> None:
    checked = [c for c in candidates if c is not None]
    importer.prepare_matching(checked)
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
    stored = importer.snapshots(sorted(wanted))
    first_lines: dict[Hashable, int] = {}
    for index, candidate in enumerate(candidates):
        if candidate is None:
            continue
        keys = importer.file_keys(candidate)
        earlier = next(
            ((key, first_lines[key.key]) for key in keys if key.key in first_lines), None
        )
        if earlier is not None:
            key, line = earlier
            results[index] = _file_duplicate(importer, candidate, key, line, policy)
            continue
        identity, found = matches[index]
        results[index] = _decide(
            importer, candidate, identity=identity, found=found, stored=stored, policy=policy
        )
        if results[index].action is not ImportAction.REJECTED:  # type: ignore[union-attr]
            for key in keys:
                first_lines.setdefault(key.key, candidate.line)


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


_UPDATE_KEY = "_update"


def _decide(
    importer: Importer,
    candidate: Candidate,
    *,
    identity: int | None,
    found: list[StoredMatch],
    stored: Mapping[int, Mapping[str, Any]],
    policy: DuplicatePolicy,
) -> RowResult:
    ids = list(
        dict.fromkeys(([identity] if identity is not None else []) + [m.record_id for m in found])
    )
    if not ids:
        return RowResult(candidate.line, ImportAction.CREATED, candidate.label)
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


def _pending_update(
    result: RowResult | None, candidate: Candidate | None
) -> tuple[Candidate, int, dict[str, Any], Any] | None:
    if result is None or candidate is None or result.action is not ImportAction.UPDATED:
        return None
    target, changes, stored = candidate.derived[_UPDATE_KEY]
    return candidate, target, changes, stored


def _record_changes(importer: Importer, results: Sequence[RowResult | None]) -> None:
    """Tell plugins (after the commit) of every record the file created or updated."""
    actions = {
        ImportAction.CREATED: ChangeAction.CREATED,
        ImportAction.UPDATED: ChangeAction.UPDATED,
    }
    for result in results:
        if result is not None and result.action in actions and result.record_id is not None:
            change = RecordChanged(importer.event_kind, result.record_id, actions[result.action])
            importer.uow.record_event(change)
    for change in importer.other_changes:
        importer.uow.record_event(change)


def _write(
    importer: Importer,
    results: list[RowResult | None],
    candidates: list[Candidate | None],
    updates: list[tuple[Candidate, int, dict[str, Any], Any]],
    ticker: _Ticker,
) -> bool:
    creating = [
        (index, candidate)
        for index, (result, candidate) in enumerate(zip(results, candidates, strict=True))
        if candidate is not None and result is not None and result.action is ImportAction.CREATED
    ]
    if not creating and not updates:
        return False
    uow = importer.uow
    try:
        for batch in _slices(creating, importer.batch_size):
            ids = importer.insert([candidate for _, candidate in batch])
            for (index, candidate), record_id in zip(batch, ids, strict=True):
                results[index] = RowResult(
                    candidate.line, ImportAction.CREATED, candidate.label, record_id=record_id
                )
            ticker.step(len(batch))
        for batch_of_updates in _slices(updates, importer.batch_size):
            importer.update(batch_of_updates)
            ticker.step(len(batch_of_updates))
        _record_changes(importer, results)
        uow.commit()
    except ValidationError as exc:
        uow.rollback()
        if exc.record == "database":  # the commit refused a row: name the file's record
            raise ValidationError(importer.record, "database", exc.reason) from exc
        raise
    except BaseException:
        uow.rollback()
        raise
    return True
