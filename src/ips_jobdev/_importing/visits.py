"""Importing employer contacts (visits) made or planned.

A visit is identified by its employer, specialist and time: a row with the same three
as a stored visit is that visit (unchanged when every other value is the same too). The
employer is named by external id, ``#id`` or name; the specialist and job seekers by
their codes, and each must already be in the record.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

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
    model_field,
    parse_aware_datetime,
    parse_yes_no,
    split_list,
    text_up_to,
    whole_number_between,
)
from ips_jobdev._store import bulk, reads_unaudited
from ips_jobdev._store.queries import importing as queries
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev._vocab import VisitStatus
from ips_jobdev.errors import ConcurrentUpdateError

__all__ = ["VISIT_COLUMNS", "VisitImporter", "import_visits"]


VISIT_COLUMNS = (
    "employer",
    "specialist",
    "at",
    "mode",
    "purpose",
    "seekers",
    "seeker_present",
    "outcome",
    "next_step",
    "status",
    "duration_minutes",
)
"""The columns of a visits file, in the documented order."""

_COMPARED = (
    "mode",
    "purpose",
    "status",
    "duration_minutes",
    "seeker_present",
    "outcome",
    "next_step",
)

_LARGEST_ID = 2**31
"""Ids are 32-bit on PostgreSQL: a larger ``#id`` names no employer (and is not queried)."""

_OPTIONAL = ("duration_minutes", "mode", "purpose", "seeker_present", "outcome", "next_step")
"""Columns a visit row may leave blank: the model's defaults then apply."""


class VisitImporter(Importer):
    """Reads a visits file (see docs/reference/csv-import.md for its columns)."""

    kind = "visits"
    record = "visit"
    required = ("employer", "specialist", "at")
    aliases = {"job_seekers": "seekers"}
    label_column = "employer"
    event_kind = "visit"

    @classmethod
    def parsers(cls) -> Mapping[str, CellParser]:
        """Each column's parser: the model's own vocabularies for mode, purpose, status."""
        return {
            "employer": text_up_to(queries.column_width("employers", "name")),
            "specialist": text_up_to(queries.column_width("specialists", "code")),
            "at": parse_aware_datetime,
            "mode": cached(model_field(model.Visit, "mode")),
            "purpose": cached(model_field(model.Visit, "purpose")),
            "seekers": split_list,
            "seeker_present": cached(parse_yes_no),
            "outcome": model_field(model.Visit, "outcome"),
            "next_step": model_field(model.Visit, "next_step"),
            "status": cached(model_field(model.Visit, "status")),
            "duration_minutes": cached(whole_number_between(0, 1440, " minutes")),
        }

    def load(self) -> None:
        """Specialists' codes (one query) and the time that tells planned from done."""
        self.specialists = queries.specialist_codes(self.uow)
        self.now = model.utc_now()

    def resolve(self, candidates: Sequence[Candidate]) -> None:
        """The employers and job seekers this chunk names, in a few queries."""
        ids: set[int] = set()
        references: set[str] = set()
        for candidate in candidates:
            reference = candidate.values["employer"]
            if reference.startswith("#") and reference[1:].isdecimal() and len(reference) < 12:
                record_id = int(reference[1:])
                if record_id < _LARGEST_ID:
                    ids.add(record_id)
            references.add(reference)
        stored = queries.employer_references(
            self.uow,
            ids=ids,
            external_ids=references,
            name_keys={model.normalize_employer_name(r) for r in references},
        )
        self.employer_by_external: dict[str, int] = {}
        self.employer_ids: set[int] = set()
        self.employers_by_name: dict[str, list[int]] = defaultdict(list)
        for record_id, external_id, name_key, _zip, _phone in sorted(stored.values()):
            self.employer_ids.add(record_id)
            if external_id is not None:
                self.employer_by_external[external_id] = record_id
            self.employers_by_name[name_key].append(record_id)
        codes = {code for c in candidates for code in c.values.get("seekers", ())}
        self.seekers = queries.seeker_ids_by_code(self.uow, codes)

    def _employer(self, reference: str) -> tuple[int | None, str | None]:
        if reference.startswith("#") and reference[1:].isdecimal():
            record_id = int(reference[1:])
            if record_id in self.employer_ids:
                return record_id, None
            return None, f"no employer {reference}"
        if reference in self.employer_by_external:
            return self.employer_by_external[reference], None
        named = self.employers_by_name.get(model.normalize_employer_name(reference), [])
        if len(named) == 1:
            return named[0], None
        if not named:
            return None, f"no employer with external id or name {reference!r}"
        ids = ", ".join(f"#{i}" for i in named[:5])
        return None, f"{reference!r} names {len(named)} employers ({ids}); use the external id"

    def complete(self, candidate: Candidate) -> list[Rejection]:
        """Resolve employer, specialist and job seekers; default the status from the time."""
        values = candidate.values
        line = candidate.line
        problems: list[Rejection] = []
        employer_id, why = self._employer(values["employer"])
        if why is not None:
            problems.append(self.reject(line, "employer", why, values["employer"]))
        specialist_id = self.specialists.get(values["specialist"].lower())
        if specialist_id is None:
            reason = (
                f"no specialist {values['specialist']!r}; add them first with "
                "'ips-jobdev specialists add'"
            )
            problems.append(self.reject(line, "specialist", reason, values["specialist"]))
        seeker_ids: list[int] = []
        for code in values.get("seekers", []):
            seeker_id = self.seekers.get(code.lower())
            if seeker_id is None:
                problems.append(self.reject(line, "seekers", f"no job seeker {code!r}", code))
            elif seeker_id not in seeker_ids:
                seeker_ids.append(seeker_id)
        if values.get("seeker_present") and not values.get("seekers"):
            problems.append(
                self.reject(line, "seeker_present", "no job seeker is named in 'seekers'")
            )
        at: dt.datetime = values["at"]
        values.setdefault("status", VisitStatus.PLANNED if at > self.now else VisitStatus.DONE)
        candidate.derived.update(
            employer_id=employer_id,
            specialist_id=specialist_id,
            seeker_ids=seeker_ids,
            key=(employer_id, specialist_id, at.astimezone(dt.UTC)),
        )
        candidate.label = f"{values['employer']} at {at.isoformat()}"
        return problems

    def prepare_matching(self, candidates: Sequence[Candidate]) -> None:
        """Load the keys of stored visits within the file's time span, in one query."""
        self.by_key: dict[tuple[int, int, dt.datetime], int] = {}
        if not candidates:
            return
        times = [c.derived["key"][2] for c in candidates]
        self.by_key = queries.visit_keys_between(self.uow, min(times), max(times))

    def file_keys(self, candidate: Candidate) -> list[FileKey]:
        """Employer, specialist and time."""
        return [FileKey("at", "same employer, specialist and time", candidate.derived["key"])]

    def stored_matches(self, candidate: Candidate) -> tuple[int | None, list[StoredMatch]]:
        """The stored visit with the same employer, specialist and time."""
        record_id = self.by_key.get(candidate.derived["key"])
        if record_id is None:
            return None, []
        return record_id, [StoredMatch("at", "same employer, specialist and time", record_id)]

    def snapshots(self, record_ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]:
        """Stored visits with their job seekers' ids, a few hundred per query."""
        return queries.visit_snapshots(self.uow, record_ids)

    def changes(self, candidate: Candidate, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Non-blank cells that differ from the stored visit."""
        values = candidate.values
        changed = {c: values[c] for c in _COMPARED if c in values and stored[c] != values[c]}
        if "seekers" in values and set(candidate.derived["seeker_ids"]) != stored["seeker_ids"]:
            changed["seeker_ids"] = candidate.derived["seeker_ids"]
        return changed

    def check_update(
        self, candidate: Candidate, stored: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> list[Rejection]:
        """A visit with the job seeker present must still name a job seeker."""
        present = changes.get("seeker_present", stored["seeker_present"])
        seekers = changes.get("seeker_ids", stored["seeker_ids"])
        if present and not seekers:
            reason = "no job seeker is named in 'seekers'"
            return [self.reject(candidate.line, "seeker_present", reason)]
        return []

    def describe(self, record_id: int, stored: Mapping[str, Any]) -> str:
        """``visit #40 (2026-03-02T16:00:00+00:00)``."""
        return f"visit #{record_id} ({stored['at'].isoformat()})"

    def insert(self, candidates: Sequence[Candidate]) -> list[int]:
        """One multi-row INSERT for the visits, one for their job seekers (the model's
        defaults fill what a row leaves out)."""
        rows = []
        for c in candidates:
            row = {
                "employer_id": c.derived["employer_id"],
                "specialist_id": c.derived["specialist_id"],
                "at": c.values["at"],
                "status": c.values["status"],
            }
            row.update((k, c.values[k]) for k in _OPTIONAL if k in c.values)
            rows.append(row)
        return bulk.add_visits(self.writer, rows, [c.derived["seeker_ids"] for c in candidates])

    def update(self, items: Sequence[tuple[Candidate, int, dict[str, Any], Any]]) -> None:
        """Load the visits to change and change them (their versions go up)."""
        by_id = {record_id: (changes, stored) for _, record_id, changes, stored in items}
        wanted = {s for changes, _ in by_id.values() for s in changes.get("seeker_ids", ())}
        seekers = self.uow.seekers.by_ids(wanted)
        for visit in self.uow.visits.by_ids(by_id).values():
            changes, stored = by_id[visit.id]  # type: ignore[index]
            if visit.version != stored["version"]:
                raise ConcurrentUpdateError(
                    f"visit #{visit.id} was changed by someone else during the import; "
                    "nothing was written. Import again."
                )
            for column, value in changes.items():
                if column == "seeker_ids":
                    visit.seekers = [seekers[i] for i in value]
                else:
                    setattr(visit, column, value)
        self.uow.flush()


@reads_unaudited
def import_visits(
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
    """Import a visits CSV file in one transaction, and commit it.

    The arguments are those of :func:`~ips_jobdev._importing.import_employers`. ``at`` must
    carry a UTC offset (``2026-03-02T10:00-06:00``); a time without one is rejected. A
    visit without a ``status`` is ``planned`` when it lies in the future, else ``done``.

    Raises:
        ValidationError: the file cannot be read as a whole (encoding, a required column
            missing).
    """
    return run_import(
        VisitImporter(uow),
        source,
        partial=partial,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        rejects_path=rejects_path,
        replace_rejects=replace_rejects,
        progress=progress,
        workers=workers,
    )
