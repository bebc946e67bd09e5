"""The ``csv`` and ``json`` adapters: employers, people, visits and job-fit notes as files.

Both are for the IPS team's own tools (audience ``team``) and rewrite their files whole at
each export (atomically, mode 0600; an existing file ips-jobdev did not write is replaced
only with ``force``), keeping every record's ``revision`` (the sync sequence: 0 when first
sent, one more at each change), so a county tool can tell what changed. Records arrive in
batches and go to spool files, and an unchanged record's row is copied from the text kept
with the sync state rather than made again, so a whole state's export stays small in memory.

- ``csv`` writes four files into a folder: ``employers.csv``, ``people.csv``,
  ``visits.csv``, ``fit-notes.csv`` (UTF-8, with a byte-order mark unless ``bom=no``, so
  spreadsheets read accents). A cell a spreadsheet would run as a formula (one starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, as
  OWASP advises against CSV injection; plain numbers such as ``-89.40`` are left alone.
- ``json`` writes one document in the versioned schema of
  docs/reference/json-export-schema.md.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from abc import abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from ips_jobdev import _files
from ips_jobdev._phones import PhoneNumber
from ips_jobdev._records import (
    Audience,
    EmployerRecord,
    FitNoteRecord,
    PersonRecord,
    RecordKind,
    VisitRecord,
    record_to_dict,
)
from ips_jobdev.adapters._base import (
    Adapter,
    AdapterOption,
    CancelStyle,
    Capabilities,
    Change,
    ChangeKind,
    ExportBatch,
    ExportResult,
)
from ips_jobdev.errors import AdapterError
from ips_jobdev.hookspecs import hookimpl

__all__ = [
    "CSV_COLUMNS",
    "CSV_FILES",
    "JSON_SCHEMA_VERSION",
    "CsvAdapter",
    "JsonAdapter",
    "neutralize_cell",
    "register_adapters",
]

JSON_SCHEMA = "ips-jobdev-export"
JSON_SCHEMA_VERSION = "1.0"
"""The version of the JSON export schema (major: incompatible change; minor: keys added)."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralize_cell(value: str) -> str:
    """Make a cell safe to open in a spreadsheet (OWASP CSV injection advice).

    >>> neutralize_cell("=1+1"), neutralize_cell("-89.40"), neutralize_cell("Bakery")
    ("'=1+1", '-89.40', 'Bakery')
    """
    if value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple | list):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def _phone(value: str | None) -> str:
    """A phone as people write it (``(608) 555-0101``): no leading ``+`` for a spreadsheet."""
    return PhoneNumber.from_storage(value).national if value else ""


def _employer_row(r: EmployerRecord) -> dict[str, Any]:
    return {
        "external_id": r.external_id,
        "name": r.name,
        "industry": r.industry,
        "job_types": r.job_types,
        "street": r.street,
        "city": r.city,
        "state": r.state,
        "zip": r.zip,
        "latitude": r.latitude,
        "longitude": r.longitude,
        "phone": _phone(r.phone),
        "website": r.website,
        "size": r.size,
        "shifts": r.shifts,
        "hours_note": r.hours_note,
        "wage_min": r.wage_min,
        "wage_max": r.wage_max,
        "bus_access": r.bus_access,
        "do_not_contact": r.do_not_contact,
        "notes": r.notes,
    }


def _person_row(r: PersonRecord) -> dict[str, Any]:
    return {
        "employer_key": r.employer_key,
        "employer_name": r.employer_name,
        "name": r.name,
        "title": r.title,
        "phone": _phone(r.phone),
        "email": r.email,
        "makes_hiring_decisions": r.makes_hiring_decisions,
        "notes": r.notes,
    }


def _visit_row(r: VisitRecord) -> dict[str, Any]:
    return {
        "employer_key": r.employer_key,
        "employer_name": r.employer_name,
        "person_key": r.person_key,
        "person_name": r.person_name,
        "specialist": r.specialist_code,
        "start": r.start.isoformat(),
        "end": r.end.isoformat(),
        "timezone": r.timezone,
        "duration_minutes": r.duration_minutes,
        "mode": r.mode.value,
        "purpose": r.purpose.value,
        "status": r.status.value,
        "job_seekers": [s.code or s.label for s in r.seekers],
        "job_seeker_names": [s.name or "" for s in r.seekers],
        "seeker_present": r.seeker_present,
        "reason": r.reason,
        "outcome": r.outcome,
        "next_step": r.next_step,
    }


def _fit_note_row(r: FitNoteRecord) -> dict[str, Any]:
    return {
        "employer_key": r.employer_key,
        "employer_name": r.employer_name,
        "job_seeker": r.seeker.code or r.seeker.label,
        "job_seeker_name": r.seeker.name,
        "author": r.author_code,
        "opening_title": r.opening_title,
        "overall": r.overall.value,
        "ratings": [
            f"{x.factor}={x.rating.value}" + (f" ({x.comment})" if x.comment else "")
            for x in r.ratings
        ],
        "text": r.text,
        "written_at": r.written_at.isoformat(),
    }


_ROWS: dict[RecordKind, Callable[[Any], dict[str, Any]]] = {
    RecordKind.EMPLOYER: _employer_row,
    RecordKind.PERSON: _person_row,
    RecordKind.VISIT: _visit_row,
    RecordKind.FIT_NOTE: _fit_note_row,
}

CSV_FILES: dict[RecordKind, str] = {
    RecordKind.EMPLOYER: "employers.csv",
    RecordKind.PERSON: "people.csv",
    RecordKind.VISIT: "visits.csv",
    RecordKind.FIT_NOTE: "fit-notes.csv",
}
"""The file each kind of record goes to, in the ``csv`` adapter's folder."""

_FIELDS: dict[RecordKind, tuple[str, ...]] = {
    RecordKind.EMPLOYER: (
        "external_id",
        "name",
        "industry",
        "job_types",
        "street",
        "city",
        "state",
        "zip",
        "latitude",
        "longitude",
        "phone",
        "website",
        "size",
        "shifts",
        "hours_note",
        "wage_min",
        "wage_max",
        "bus_access",
        "do_not_contact",
        "notes",
    ),
    RecordKind.PERSON: (
        "employer_key",
        "employer_name",
        "name",
        "title",
        "phone",
        "email",
        "makes_hiring_decisions",
        "notes",
    ),
    RecordKind.VISIT: (
        "employer_key",
        "employer_name",
        "person_key",
        "person_name",
        "specialist",
        "start",
        "end",
        "timezone",
        "duration_minutes",
        "mode",
        "purpose",
        "status",
        "job_seekers",
        "job_seeker_names",
        "seeker_present",
        "reason",
        "outcome",
        "next_step",
    ),
    RecordKind.FIT_NOTE: (
        "employer_key",
        "employer_name",
        "job_seeker",
        "job_seeker_name",
        "author",
        "opening_title",
        "overall",
        "ratings",
        "text",
        "written_at",
    ),
}

CSV_COLUMNS: dict[RecordKind, tuple[str, ...]] = {
    kind: ("key", "id", *fields, "revision") for kind, fields in _FIELDS.items()
}
"""The header row of each CSV file."""


_FORCE = AdapterOption(
    "force", "Replace existing files that ips-jobdev did not write.", type=bool, default=False
)


class _FileAdapter(Adapter):
    """What the two file adapters share: spool every record's text, keep a failed record's
    old text, write the files when the final batch arrives."""

    audience = Audience.TEAM
    record_kinds = frozenset(RecordKind)
    capabilities = Capabilities(
        updates=True,
        deletes=True,
        cancel_style=CancelStyle.MARK,
        snapshot=True,
        streams=True,
        payloads=True,
    )
    batch_size = 1000
    separator = ""
    """What goes between two records' texts in a file."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.bom = True
        self.force = False
        self._spools: dict[RecordKind, IO[bytes]] = {}
        self._previous: dict[str, dict[str, Any]] | None = None
        self._changed = False
        self._last_sent: Any = None

    def check(self, options: Mapping[str, Any], target: str) -> None:
        """Refuse paths the files cannot be written to, before anything is read."""
        try:
            for path in self.files(Path(target)):
                _files.check_target(path, replace=bool(options.get("force")), ours=self.is_ours)
        except _files.FileWriteError as exc:
            raise AdapterError(f"{self.name}: {exc}") from None

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Check that the files can be written there (a temporary file is made and
        removed); nothing is read or written yet."""
        try:
            _files.probe_folder(self.files(Path(target))[0])
        except _files.FileWriteError as exc:
            raise AdapterError(f"{self.name}: {exc}") from None
        self.path = Path(target)
        self.bom = bool(options.get("bom", True))
        self.force = bool(options.get("force"))
        self._reset()

    def close(self) -> None:
        """Drop what an unfinished export spooled."""
        self._reset()

    def _reset(self) -> None:
        for stream in self._spools.values():
            stream.close()
        self._spools = {}
        self._previous = None
        self._changed = False
        self._last_sent = None

    @abstractmethod
    def files(self, target: Path) -> list[Path]:
        """The files an export to ``target`` writes."""

    @abstractmethod
    def is_ours(self, path: Path) -> bool:
        """True when the file at ``path`` was written by this adapter."""

    @abstractmethod
    def row_for(self, change: Change) -> dict[str, Any]:
        """One record as a row (a dict): ``key``, ``id``, its fields, ``revision``."""

    @abstractmethod
    def text_for(self, kind: RecordKind, row: dict[str, Any]) -> str:
        """A row as the text it takes in the file (the record's payload)."""

    @abstractmethod
    def read_previous(self) -> dict[str, dict[str, Any]]:
        """The rows of the files as they are, by key (to keep a failed record's old row)."""

    @abstractmethod
    def write(self, spools: Mapping[RecordKind, IO[bytes]], batch: ExportBatch) -> None:
        """Write the files from the spooled texts (each spool is at its start)."""

    def _add(self, kind: RecordKind, text: str) -> None:
        spool = self._spools.get(kind)
        if spool is None:
            # closed in _reset(), when the export ends either way
            spool = self._spools[kind] = tempfile.TemporaryFile()  # noqa: SIM115
        elif self.separator:
            spool.write(self.separator.encode("utf-8"))
        spool.write(text.encode("utf-8"))

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Add the batch's records to the files; write them when the final batch arrives."""
        if self.path is None:
            raise RuntimeError(f"the {self.name} adapter was not opened")
        results = [self._one(change) for change in batch.changes]
        if batch.final:
            for stream in self._spools.values():
                stream.seek(0)
            self.write(self._spools, batch)
            self._reset()
        return results

    def _one(self, change: Change) -> ExportResult:
        if change.kind is not ChangeKind.UNCHANGED:
            self._changed = True
        elif change.last_sent_at is not None and (
            self._last_sent is None or change.last_sent_at > self._last_sent
        ):
            self._last_sent = change.last_sent_at
        if change.kind is ChangeKind.DELETE:
            return change.deleted(change.key)
        if change.record is None and change.payload is not None:
            self._add(change.record_kind, change.payload)
            return change.unchanged(change.key)
        try:
            text = self.text_for(change.record_kind, self.row_for(change))
        except Exception as exc:
            self._keep_previous(change)
            return change.failed(f"{type(exc).__name__}: {exc}")
        self._add(change.record_kind, text)
        if change.kind is ChangeKind.CREATE:
            return change.created(change.key, payload=text)
        if change.kind is ChangeKind.UNCHANGED:
            return change.unchanged(change.key, payload=text)
        return change.updated(change.key, payload=text)

    def _keep_previous(self, change: Change) -> None:
        if change.payload is not None:
            self._add(change.record_kind, change.payload)
            return
        if self._previous is None:
            self._previous = self.read_previous()
        if change.key in self._previous:
            self._add(
                change.record_kind, self.text_for(change.record_kind, self._previous[change.key])
            )


def _starts_with(path: Path, prefixes: tuple[bytes, ...]) -> bool:
    with path.open("rb") as stream:
        head = stream.read(512)
    return head.startswith(prefixes)


class CsvAdapter(_FileAdapter):
    """CSV files of employers, people, visits and job-fit notes, safe for spreadsheets."""

    name = "csv"
    description = "CSV files (employers, people, visits, job-fit notes) for spreadsheets."
    options = (
        AdapterOption(
            "out", "The folder to write the four CSV files into.", type=Path, required=True
        ),
        AdapterOption(
            "bom",
            "Start each file with a UTF-8 byte-order mark (for Excel).",
            type=bool,
            default=True,
        ),
        _FORCE,
    )

    def files(self, target: Path) -> list[Path]:
        """The four CSV files in the folder."""
        return [target / filename for filename in CSV_FILES.values()]

    def is_ours(self, path: Path) -> bool:
        """True when the file starts with one of this adapter's header rows."""
        headers = tuple(",".join(columns).encode() for columns in CSV_COLUMNS.values())
        return _starts_with(path, headers + tuple(b"\xef\xbb\xbf" + h for h in headers))

    def row_for(self, change: Change) -> dict[str, Any]:
        """One record as CSV cells: lists joined by semicolons, formulas neutralised."""
        assert change.record is not None
        values = {
            "key": change.key,
            "id": change.local_id,
            **_ROWS[change.record_kind](change.record),
            "revision": change.sequence,
        }
        return {name: neutralize_cell(_cell(value)) for name, value in values.items()}

    def text_for(self, kind: RecordKind, row: dict[str, Any]) -> str:
        """One CSV line (ending in CRLF)."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS[kind], lineterminator="\r\n")
        writer.writerow(row)
        return buffer.getvalue()

    def read_previous(self) -> dict[str, dict[str, Any]]:
        """The rows of the existing CSV files, by key."""
        assert self.path is not None
        found: dict[str, dict[str, Any]] = {}
        for filename in CSV_FILES.values():
            try:
                text = (self.path / filename).read_text(encoding="utf-8-sig")
            except OSError:
                continue
            for row in csv.DictReader(io.StringIO(text)):
                if row.get("key"):
                    found[row["key"]] = dict(row)
        return found

    def write(self, spools: Mapping[RecordKind, IO[bytes]], batch: ExportBatch) -> None:
        """Write one file per kind: a header row, then the rows by id."""
        assert self.path is not None
        encoding = "utf-8-sig" if self.bom else "utf-8"
        for kind, filename in CSV_FILES.items():
            header = ",".join(CSV_COLUMNS[kind]) + "\r\n"
            path = self.path / filename
            with _files.atomic_writer(path, replace=self.force, ours=self.is_ours) as out:
                out.write(header.encode(encoding))
                if kind in spools:
                    shutil.copyfileobj(spools[kind], out, 1 << 20)


_JSON_KEYS = {
    RecordKind.EMPLOYER: "employers",
    RecordKind.PERSON: "people",
    RecordKind.VISIT: "visits",
    RecordKind.FIT_NOTE: "fit_notes",
}


class JsonAdapter(_FileAdapter):
    """One JSON document of employers, people, visits and job-fit notes (versioned schema)."""

    name = "json"
    description = "A JSON document (employers, people, visits, job-fit notes) for county tools."
    separator = ",\n"
    options = (
        AdapterOption(
            "out", "The .json file to write (rewritten whole each time).", type=Path, required=True
        ),
        _FORCE,
    )

    def files(self, target: Path) -> list[Path]:
        """The one JSON file."""
        return [target]

    def is_ours(self, path: Path) -> bool:
        """True when the document names this adapter's schema."""
        with path.open("rb") as stream:
            head = stream.read(512)
        return head.startswith(b"{") and f'"schema": "{JSON_SCHEMA}"'.encode() in head

    def row_for(self, change: Change) -> dict[str, Any]:
        """One record as JSON values, with its ``revision``."""
        assert change.record is not None
        out = record_to_dict(change.record)
        out["revision"] = change.sequence
        return out

    def text_for(self, kind: RecordKind, row: dict[str, Any]) -> str:
        """The record as it stands in the document's list (indented by four spaces)."""
        text = json.dumps(row, indent=2, ensure_ascii=False)
        return "\n".join("    " + line for line in text.split("\n"))

    def read_previous(self) -> dict[str, dict[str, Any]]:
        """The records of the existing document, by key."""
        assert self.path is not None
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        found: dict[str, dict[str, Any]] = {}
        for name in ("employers", "people", "visits", "fit_notes"):
            for item in document.get(name, []) if isinstance(document, dict) else []:
                if isinstance(item, dict) and "key" in item:
                    found[str(item["key"])] = item
        return found

    def write(self, spools: Mapping[RecordKind, IO[bytes]], batch: ExportBatch) -> None:
        """Write the document: the header keys, then each list of records by id.

        The bytes are those of ``json.dumps(document, indent=2, ensure_ascii=False)``.
        """
        assert self.path is not None
        # "as_of" moves only when something changed, so an export that changes nothing
        # writes the same bytes again
        as_of = batch.generated_at
        if not self._changed and self._last_sent is not None:
            as_of = self._last_sent
        head = {
            "schema": JSON_SCHEMA,
            "schema_version": JSON_SCHEMA_VERSION,
            "audience": batch.audience.value,
            "as_of": as_of.isoformat(),
        }
        with _files.atomic_writer(self.path, replace=self.force, ours=self.is_ours) as out:
            text = json.dumps(head, indent=2, ensure_ascii=False)
            out.write(text[: -len("\n}")].encode("utf-8"))
            for kind, name in _JSON_KEYS.items():
                out.write(f',\n  "{name}": '.encode())
                spool = spools.get(kind)
                if spool is None:
                    out.write(b"[]")
                    continue
                out.write(b"[\n")
                shutil.copyfileobj(spool, out, 1 << 20)
                out.write(b"\n  ]")
            out.write(b"\n}\n")


@hookimpl
def register_adapters(register: Any) -> None:
    """Register the ``csv`` and ``json`` adapters."""
    register(CsvAdapter)
    register(JsonAdapter)
