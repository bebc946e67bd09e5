"""What an import did, row by row: the report, each row's result, and each rejection.

The report's :meth:`ImportReport.to_dict` is the JSON document ``ips-jobdev ... import
--json`` prints (a stable interface: keys are only ever added).
"""

from __future__ import annotations

import array
import enum
import os
import pickle
import tempfile
import weakref
from collections.abc import Iterator
from typing import IO, Any

import attrs

from ips_jobdev.errors import ValidationError

__all__ = [
    "ROWS_IN_MEMORY",
    "DuplicatePolicy",
    "ImportAction",
    "ImportReport",
    "Rejection",
    "RowResult",
]


class ImportAction(enum.StrEnum):
    """What happened (or, in a dry run, would happen) to one row."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REJECTED = "rejected"


class DuplicatePolicy(enum.StrEnum):
    """What to do with a row that duplicates a stored record (``--on-duplicate``).

    Within one file the first occurrence always stands: a later duplicate is rejected
    under ``reject`` and skipped otherwise.
    """

    REJECT = "reject"
    SKIP = "skip"
    UPDATE = "update"


@attrs.frozen(slots=True)
class Rejection:
    """Why a row was refused: its line in the file, the column, and the reason.

    ``record`` is the kind of record the row describes (``employer``, ``job seeker``,
    ``visit``), as in :class:`~ips_jobdev.errors.ValidationError`; ``value`` is the cell's
    text when one cell is at fault.
    """

    line: int
    field: str
    reason: str
    record: str = "row"
    value: str | None = None

    @classmethod
    def from_error(
        cls,
        line: int,
        error: ValidationError | ValueError,
        *,
        record: str,
        field: str,
        value: str | None = None,
    ) -> Rejection:
        """A rejection for ``field`` carrying the error's reason."""
        reason = error.reason if isinstance(error, ValidationError) else str(error)
        return cls(line=line, field=field, reason=reason, record=record, value=value)

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: line, record, field, reason, value."""
        return {
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "reason": self.reason,
            "value": self.value,
        }


@attrs.frozen(slots=True)
class RowResult:
    """The result for one data row of the file.

    ``label`` names the row for people (an employer's name, a job seeker's code);
    ``record_id`` is the stored record it created, updated or matched; ``duplicate_of``
    (``"employer #12"`` or ``"line 4"``) and ``match`` (the column that matched) are set for
    duplicates.
    """

    line: int
    action: ImportAction
    label: str = ""
    record_id: int | None = None
    duplicate_of: str | None = None
    match: str | None = None
    rejections: tuple[Rejection, ...] = ()

    @property
    def reason(self) -> str:
        """All of the row's rejections on one line (what a rejects file's column holds)."""
        return "; ".join(f"{r.field}: {r.reason}" for r in self.rejections)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: line, action, label, record_id, duplicate_of, match, reason."""
        return {
            "line": self.line,
            "action": self.action.value,
            "label": self.label,
            "record_id": self.record_id,
            "duplicate_of": self.duplicate_of,
            "match": self.match,
            "reason": self.reason or None,
        }


_ACTIONS = tuple(ImportAction)
_CODES = {action: code for code, action in enumerate(_ACTIONS)}


ROWS_IN_MEMORY = 50_000
"""Rows whose results a report keeps in memory; earlier ones wait in a temporary file."""


class _Page:
    """The results of consecutive rows, kept compactly: a few bytes a row (line, action,
    record id and label), and the whole :class:`RowResult` only for rows with more to say
    (duplicates, rejections)."""

    def __init__(self) -> None:
        self.lines = array.array("q")
        self.actions = bytearray()
        self.ids = array.array("q")
        self.labels: list[str] = []
        self.detailed: dict[int, RowResult] = {}

    def add(self, result: RowResult) -> None:
        index = len(self.actions)
        self.lines.append(result.line)
        self.actions.append(_CODES[result.action])
        self.ids.append(-1 if result.record_id is None else result.record_id)
        self.labels.append(result.label)
        if result.duplicate_of is not None or result.match is not None or result.rejections:
            self.detailed[index] = result

    def __len__(self) -> int:
        return len(self.actions)

    def results(self, forgotten: bool) -> Iterator[RowResult]:
        created = _CODES[ImportAction.CREATED]
        detailed = self.detailed
        for index, code in enumerate(self.actions):
            found = detailed.get(index)
            if found is not None:
                yield found
                continue
            record_id: int | None = self.ids[index]
            if record_id is not None and (record_id < 0 or (forgotten and code == created)):
                record_id = None
            yield RowResult(self.lines[index], _ACTIONS[code], self.labels[index], record_id)


class _RowLog:
    """Every row's result in file order, in pages of :data:`ROWS_IN_MEMORY` rows: the
    newest page in memory, the others written to a private temporary file (deleted with
    the report), so a report of a million rows holds no more memory than one of 50,000."""

    def __init__(self, page_rows: int | None = None) -> None:
        self.page_rows = ROWS_IN_MEMORY if page_rows is None else page_rows
        self.page = _Page()
        self.spilled: list[tuple[int, int]] = []
        """Where each earlier page is in the file: offset and length."""
        self._file: IO[bytes] | None = None
        self.rows = 0
        self.counts = dict.fromkeys((a.value for a in _ACTIONS), 0)
        self.forgotten = False

    def add(self, result: RowResult) -> None:
        self.page.add(result)
        self.rows += 1
        self.counts[result.action.value] += 1
        if len(self.page) >= self.page_rows:
            self._spill()

    def _spill(self) -> None:
        if self._file is None:
            # lives as long as the report (closed by the finalizer), not one block
            self._file = tempfile.TemporaryFile(prefix="ips-jobdev-report-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)
        data = pickle.dumps(self.page, protocol=pickle.HIGHEST_PROTOCOL)
        offset = self._file.seek(0, os.SEEK_END)
        self._file.write(data)
        self.spilled.append((offset, len(data)))
        self.page = _Page()

    def pages(self) -> Iterator[_Page]:
        """Every page, in file order (earlier ones read back one at a time)."""
        for offset, length in self.spilled:
            assert self._file is not None
            self._file.seek(offset)
            # our own file, written just above: no one else's data is unpickled
            yield pickle.loads(self._file.read(length))
        yield self.page

    def results(self) -> Iterator[RowResult]:
        for page in self.pages():
            yield from page.results(self.forgotten)

    def detailed(self) -> Iterator[RowResult]:
        """The rows with more to say than their action (duplicates, rejections)."""
        for page in self.pages():
            yield from (page.detailed[i] for i in sorted(page.detailed))

    def forget_created_ids(self) -> None:
        """Rows counted as created but not written (rolled back) have no record (the
        last thing an import does to its report: it applies to every row)."""
        self.forgotten = True


@attrs.define(slots=False, eq=False)
class ImportReport:
    """The outcome of importing one CSV file.

    ``ok`` is true when no row was rejected. ``written`` is true when something was
    saved (never in a dry run; never when rows were rejected and ``partial`` was off).
    """

    kind: str
    source: str
    warnings: list[str] = attrs.field(factory=list)
    dry_run: bool = False
    partial: bool = False
    on_duplicate: DuplicatePolicy = DuplicatePolicy.REJECT
    written: bool = False
    rejects_path: str | None = None
    encoding: str | None = None
    _log: _RowLog = attrs.field(factory=_RowLog, init=False, repr=False)

    def add(self, result: RowResult) -> None:
        """Record the result of the next row of the file."""
        self._log.add(result)

    def forget_created_ids(self) -> None:
        """Nothing was written after all: created rows name no record."""
        self._log.forget_created_ids()

    @property
    def rows(self) -> list[RowResult]:
        """Every row's result, in file order (made on each call: keep it if you reuse it;
        :meth:`iter_rows` reads them one at a time)."""
        return list(self._log.results())

    def iter_rows(self) -> Iterator[RowResult]:
        """Every row's result, in file order, made as they are read (a report of a large
        file keeps most of them in a temporary file, not in memory)."""
        return self._log.results()

    def count(self, action: ImportAction) -> int:
        """How many rows got ``action``."""
        return self._log.counts[action.value]

    @property
    def counts(self) -> dict[str, int]:
        """Rows in the file and how many were created, updated, unchanged, skipped, rejected."""
        return {"rows": self._log.rows, **self._log.counts}

    @property
    def created(self) -> int:
        """Rows that made a new record."""
        return self.count(ImportAction.CREATED)

    @property
    def updated(self) -> int:
        """Rows that changed a stored record (``on_duplicate="update"``)."""
        return self.count(ImportAction.UPDATED)

    @property
    def unchanged(self) -> int:
        """Rows equal to a stored record: nothing to do."""
        return self.count(ImportAction.UNCHANGED)

    @property
    def skipped(self) -> int:
        """Duplicates left alone (``on_duplicate="skip"``, or a repeat within the file)."""
        return self.count(ImportAction.SKIPPED)

    @property
    def rejected(self) -> int:
        """Rows refused, with their reasons in :attr:`rejections`."""
        return self.count(ImportAction.REJECTED)

    @property
    def ok(self) -> bool:
        """True when no row was rejected."""
        return self.rejected == 0

    def _detailed(self) -> Iterator[RowResult]:
        return self._log.detailed()

    @property
    def rejections(self) -> list[Rejection]:
        """Every rejection, in file order."""
        return [r for row in self._detailed() for r in row.rejections]

    @property
    def duplicates(self) -> list[RowResult]:
        """Rows found to duplicate a stored record or an earlier row (and not unchanged)."""
        return [row for row in self._detailed() if row.duplicate_of is not None]

    def summary(self) -> str:
        """One line: ``"3 created, 1 updated, 0 unchanged, 0 skipped, 2 rejected"``."""
        counts = self.counts
        return ", ".join(f"{counts[a.value]} {a.value}" for a in ImportAction)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document of the report (see docs/reference/csv-import.md)."""
        return {
            "kind": self.kind,
            "source": self.source,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
            "partial": self.partial,
            "on_duplicate": self.on_duplicate.value,
            "ok": self.ok,
            "written": self.written,
            "counts": self.counts,
            "warnings": list(self.warnings),
            "rejections": [r.to_dict() for r in self.rejections],
            "duplicates": [row.to_dict() for row in self.duplicates],
            "rejects_file": self.rejects_path,
        }
