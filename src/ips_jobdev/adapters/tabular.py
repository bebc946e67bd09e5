"""The ``csv`` and ``json`` adapters: employers, people, visits and job-fit notes as files.

Both are for the IPS team's own tools (audience ``team``) and rewrite their files whole at
each export, keeping every record's ``revision`` (the sync sequence: 0 when first sent,
one more at each change), so a county tool can tell what changed.

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
from abc import abstractmethod
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

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
from ips_jobdev.adapters.ics import write_atomically
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


class _FileAdapter(Adapter):
    """What the two file adapters share: rebuild every record, keep old rows on failure."""

    audience = Audience.TEAM
    record_kinds = frozenset(RecordKind)
    capabilities = Capabilities(
        updates=True, deletes=True, cancel_style=CancelStyle.MARK, snapshot=True
    )

    def __init__(self) -> None:
        self.path: Path | None = None
        self.bom = True

    def open(self, options: Mapping[str, Any], target: str) -> None:
        """Remember where to write; nothing is read or written yet."""
        self.path = Path(target)
        self.bom = bool(options.get("bom", True))

    @abstractmethod
    def row_for(self, change: Change) -> dict[str, Any]:
        """One record as a row (a dict): ``key``, ``id``, its fields, ``revision``."""

    @abstractmethod
    def read_previous(self) -> dict[str, dict[str, Any]]:
        """The rows of the files as they are, by key (to keep a failed record's old row)."""

    @abstractmethod
    def write(self, rows: dict[RecordKind, list[dict[str, Any]]], batch: ExportBatch) -> None:
        """Write every row."""

    def export(self, batch: ExportBatch) -> list[ExportResult]:
        """Rebuild the files from the batch; report each record."""
        if self.path is None:
            raise RuntimeError(f"the {self.name} adapter was not opened")
        previous: dict[str, dict[str, Any]] | None = None  # read only if a record fails
        rows: dict[RecordKind, list[dict[str, Any]]] = {kind: [] for kind in RecordKind}
        results: list[ExportResult] = []
        for change in batch.changes:
            if change.kind is ChangeKind.DELETE:
                results.append(change.deleted(change.key))
                continue
            try:
                row = self.row_for(change)
            except Exception as exc:
                results.append(change.failed(f"{type(exc).__name__}: {exc}"))
                if previous is None:
                    previous = self.read_previous()
                if change.key in previous:
                    rows[change.record_kind].append(previous[change.key])
                continue
            rows[change.record_kind].append(row)
            if change.kind is ChangeKind.CREATE:
                results.append(change.created(change.key))
            elif change.kind is ChangeKind.UNCHANGED:
                results.append(change.unchanged(change.key))
            else:
                results.append(change.updated(change.key))
        self.write(rows, batch)
        return results


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
    )

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

    def write(self, rows: dict[RecordKind, list[dict[str, Any]]], batch: ExportBatch) -> None:
        """Write one file per kind, rows by id, with a header row."""
        assert self.path is not None
        self.path.mkdir(parents=True, exist_ok=True)
        for kind, filename in CSV_FILES.items():
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS[kind], lineterminator="\r\n")
            writer.writeheader()
            for row in sorted(rows[kind], key=lambda r: int(r["id"])):
                writer.writerow(row)
            data = buffer.getvalue().encode("utf-8-sig" if self.bom else "utf-8")
            write_atomically(self.path / filename, data)


class JsonAdapter(_FileAdapter):
    """One JSON document of employers, people, visits and job-fit notes (versioned schema)."""

    name = "json"
    description = "A JSON document (employers, people, visits, job-fit notes) for county tools."
    options = (
        AdapterOption(
            "out", "The .json file to write (rewritten whole each time).", type=Path, required=True
        ),
    )

    def row_for(self, change: Change) -> dict[str, Any]:
        """One record as JSON values, with its ``revision``."""
        assert change.record is not None
        out = record_to_dict(change.record)
        out["revision"] = change.sequence
        return out

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

    def write(self, rows: dict[RecordKind, list[dict[str, Any]]], batch: ExportBatch) -> None:
        """Write the document: records by id, keys in a stable order."""
        assert self.path is not None
        # "as_of" moves only when something changed, so an export that changes nothing
        # writes the same bytes again
        changed = any(c.kind is not ChangeKind.UNCHANGED for c in batch.changes)
        sent = [c.last_sent_at for c in batch.changes if c.last_sent_at is not None]
        as_of = batch.generated_at if changed or not sent else max(sent)
        document = {
            "schema": JSON_SCHEMA,
            "schema_version": JSON_SCHEMA_VERSION,
            "audience": batch.audience.value,
            "as_of": as_of.isoformat(),
            "employers": sorted(rows[RecordKind.EMPLOYER], key=lambda r: r["id"]),
            "people": sorted(rows[RecordKind.PERSON], key=lambda r: r["id"]),
            "visits": sorted(rows[RecordKind.VISIT], key=lambda r: r["id"]),
            "fit_notes": sorted(rows[RecordKind.FIT_NOTE], key=lambda r: r["id"]),
        }
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_atomically(self.path, text.encode("utf-8"))


@hookimpl
def register_adapters(register: Any) -> None:
    """Register the ``csv`` and ``json`` adapters."""
    register(CsvAdapter)
    register(JsonAdapter)
