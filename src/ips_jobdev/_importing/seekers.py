"""Importing job seekers: a program code, the specialist, the IPS start, and preferences.

A row's identity is its code (any case). A row naming a specialist who is not in the
record is rejected: add the specialist first (``ips-jobdev specialists add``). A
``closed_on`` day closes the job seeker from that day (their status history keeps the
periods they were served).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ips_jobdev import _model as model
from ips_jobdev._importing.csvfile import Source
from ips_jobdev._importing.report import DuplicatePolicy, ImportReport, Rejection
from ips_jobdev._importing.run import (
    Candidate,
    FileKey,
    Importer,
    Progress,
    StoredMatch,
    run_import,
)
from ips_jobdev._importing.values import (
    CellParser,
    cached,
    chain,
    hourly_wage,
    model_field,
    number_between,
    parse_date,
    text_up_to,
    whole_number_between,
)
from ips_jobdev._store import bulk, reads_unaudited
from ips_jobdev._store.queries import importing as queries
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.errors import ConcurrentUpdateError, ValidationError

__all__ = ["PREFERENCE_COLUMNS", "SEEKER_COLUMNS", "SeekerImporter", "import_seekers"]


PREFERENCE_COLUMNS = (
    "job_types",
    "industries",
    "avoid",
    "hours_min",
    "hours_max",
    "shifts",
    "home_zip",
    "max_miles",
    "transport",
    "wage_min",
    "disclosure",
)
"""Columns that become the job seeker's :class:`~ips_jobdev._model.Preferences`."""

SEEKER_COLUMNS = (
    "code",
    "specialist",
    "enrolled_on",
    *PREFERENCE_COLUMNS,
    "name",
    "status",
    "closed_on",
)
"""The columns of a job seekers file, in the documented order."""

_ALIASES = {"ips_start": "enrolled_on", "specialist_code": "specialist"}


_HOURS = whole_number_between(0, 168, " hours a week")
_MILES = number_between(0, 1000, " miles")


def _preference(name: str) -> CellParser:
    return model_field(model.Preferences, name)


class SeekerImporter(Importer):
    """Reads a job seekers file (see docs/reference/csv-import.md for its columns)."""

    kind = "seekers"
    record = "job seeker"
    required = ("code",)
    aliases = _ALIASES
    label_column = "code"
    event_kind = "job-seeker"

    @classmethod
    def parsers(cls) -> Mapping[str, CellParser]:
        """Each column's parser: the model's own rules for codes and preferences, with the
        bounds of docs/reference/csv-import.md for hours and miles."""
        parsers: dict[str, CellParser] = {
            "code": model_field(model.JobSeeker, "code"),
            "specialist": text_up_to(queries.column_width("specialists", "code")),
            "enrolled_on": cached(parse_date),
            "name": model_field(
                model.JobSeeker, "name", width=queries.column_width("job_seekers", "name")
            ),
            "status": cached(model_field(model.JobSeeker, "status")),
            "closed_on": cached(parse_date),
            "hours_min": cached(chain(_HOURS, _preference("hours_min"))),
            "hours_max": cached(chain(_HOURS, _preference("hours_max"))),
            "max_miles": cached(chain(_MILES, _preference("max_miles"))),
            "wage_min": cached(chain(_preference("wage_min"), hourly_wage)),
        }
        for column in PREFERENCE_COLUMNS:
            parsers.setdefault(column, cached(_preference(column)))
        return {column: parsers[column] for column in SEEKER_COLUMNS}

    def load(self) -> None:
        """Specialists' codes (one query)."""
        self.specialists = queries.specialist_codes(self.uow)

    def prepare_matching(self, candidates: Sequence[Candidate]) -> None:
        """The stored job seekers with this chunk's codes (in any case)."""
        self.by_code = queries.seeker_ids_by_code(self.uow, (c.values["code"] for c in candidates))

    def complete(self, candidate: Candidate) -> list[Rejection]:
        """Resolve the specialist; check the preferences together (hours range)."""
        values = candidate.values
        problems: list[Rejection] = []
        code = values.get("specialist")
        if code is not None:
            specialist_id = self.specialists.get(code.lower())
            if specialist_id is None:
                problems.append(
                    self.reject(
                        candidate.line,
                        "specialist",
                        f"no specialist {code!r}; add them first with 'ips-jobdev specialists add'",
                        code,
                    )
                )
            candidate.derived["specialist_id"] = specialist_id
        preferences = {c: values[c] for c in PREFERENCE_COLUMNS if c in values}
        try:
            model.Preferences(**preferences)
        except ValidationError as exc:
            problems.append(self.reject(candidate.line, exc.field, exc.reason))
        candidate.derived["preferences"] = preferences
        closed_on = values.get("closed_on")
        if closed_on is not None:
            if values.get("status", JobSeekerStatus.CLOSED) is not JobSeekerStatus.CLOSED:
                problems.append(
                    self.reject(
                        candidate.line,
                        "closed_on",
                        "a closing day needs the status closed (or a blank status)",
                        str(closed_on),
                    )
                )
            values["status"] = JobSeekerStatus.CLOSED
        return problems

    def file_keys(self, candidate: Candidate) -> list[FileKey]:
        """The code, in any case."""
        return [FileKey("code", "same code", ("code", candidate.values["code"].lower()))]

    def stored_matches(self, candidate: Candidate) -> tuple[int | None, list[StoredMatch]]:
        """The job seeker with this code."""
        record_id = self.by_code.get(candidate.values["code"].lower())
        if record_id is None:
            return None, []
        return record_id, [StoredMatch("code", "same code", record_id)]

    def snapshots(self, record_ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]:
        """Stored job seekers, a few hundred per query."""
        return queries.seeker_snapshots(self.uow, record_ids)

    def changes(self, candidate: Candidate, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Non-blank cells that differ from the stored job seeker and their preferences."""
        values = candidate.values
        changed: dict[str, Any] = {}
        if "specialist" in values and stored["specialist_id"] != candidate.derived["specialist_id"]:
            changed["specialist_id"] = candidate.derived["specialist_id"]
        if "enrolled_on" in values and stored["ips_start"] != values["enrolled_on"]:
            changed["ips_start"] = values["enrolled_on"]
        for column in ("name", "status"):
            if column in values and stored[column] != values[column]:
                changed[column] = values[column]
        if values.get("closed_on") is not None:
            changed["closed_on"] = values["closed_on"]
            changed.pop("status", None)
        prefs = stored["preferences"]
        pref_changes = {
            column: value
            for column, value in candidate.derived["preferences"].items()
            if getattr(prefs, column) != value
        }
        if pref_changes:
            changed["preferences"] = pref_changes
        return changed

    def check_update(
        self, candidate: Candidate, stored: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> list[Rejection]:
        """The preferences must still hold together with the stored ones the row leaves."""
        try:
            attrs.evolve(stored["preferences"], **changes.get("preferences", {}))
        except ValidationError as exc:
            return [self.reject(candidate.line, exc.field, exc.reason)]
        return []

    def describe(self, record_id: int, stored: Mapping[str, Any]) -> str:
        """``job seeker #3 'MR-01'``."""
        return f"job seeker #{record_id} {stored['code']!r}"

    def insert(self, candidates: Sequence[Candidate]) -> list[int]:
        """One multi-row INSERT (the model's defaults fill what a row leaves out)."""
        rows = []
        for c in candidates:
            row = {
                "code": c.values["code"],
                "name": c.values.get("name"),
                "specialist_id": c.derived.get("specialist_id"),
                "ips_start": c.values.get("enrolled_on"),
                "preferences": model.Preferences(**c.derived["preferences"]),
            }
            if "status" in c.values:
                row["status"] = c.values["status"]
            if c.values.get("closed_on") is not None:
                row["closed_on"] = c.values["closed_on"]
            rows.append(row)
        return bulk.add_seekers(self.writer, rows)

    def update(self, items: Sequence[tuple[Candidate, int, dict[str, Any], Any]]) -> None:
        """Load the job seekers to change and change them (their versions go up)."""
        by_id = {record_id: (changes, stored) for _, record_id, changes, stored in items}
        for seeker in self.uow.seekers.by_ids(by_id).values():
            changes, stored = by_id[seeker.id]  # type: ignore[index]
            if seeker.version != stored["version"]:
                raise ConcurrentUpdateError(
                    f"job seeker {seeker.code!r} was changed by someone else during the "
                    "import; nothing was written. Import again."
                )
            for column, value in changes.items():
                if column == "preferences":
                    seeker.preferences = attrs.evolve(seeker.preferences, **value)
                elif column == "closed_on":
                    seeker.record_closing(value, redate=True)
                else:
                    setattr(seeker, column, value)
        self.uow.flush()


@reads_unaudited
def import_seekers(
    uow: UnitOfWork,
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
    """Import a job seekers CSV file in one transaction, and commit it.

    The arguments are those of :func:`~ips_jobdev._importing.import_employers`; a
    duplicate is a row whose code (in any case) is already stored, or repeats an earlier
    row's. ``enrolled_on`` becomes the job seeker's IPS start (the 30-day clock).

    Raises:
        ValidationError: the file cannot be read as a whole (encoding, no ``code`` column).
    """
    return run_import(
        SeekerImporter(uow),
        source,
        partial=partial,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        rejects_path=rejects_path,
        replace_rejects=replace_rejects,
        progress=progress,
        workers=workers,
    )
