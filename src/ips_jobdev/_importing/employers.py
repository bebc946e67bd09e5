"""Importing an employer list: one row per employer, with one contact person.

Duplicates are found by the same ``external_id``, the same normalized name and ZIP
(``"The Bakery, Inc."`` in 53703 is ``"Bakery"`` in 53703), or the same phone number.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ips_jobdev import _model as model
from ips_jobdev._events import ChangeAction, RecordChanged
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
    parse_phone_quickly,
    parse_yes_no,
)
from ips_jobdev._store import bulk
from ips_jobdev._store.queries import importing as queries
from ips_jobdev._store.unit_of_work import UnitOfWork
from ips_jobdev.errors import ConcurrentUpdateError

__all__ = ["EMPLOYER_COLUMNS", "EmployerImporter", "import_employers"]

CONTACT_COLUMNS = {
    "contact_name": "name",
    "contact_title": "title",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_visiting_windows": "visiting_windows",
}

EMPLOYER_COLUMNS = (
    "name",
    "external_id",
    "industry",
    "job_types",
    "street",
    "city",
    "state",
    "zip",
    "phone",
    "website",
    "shifts",
    "wage_min",
    "wage_max",
    "bus_access",
    "do_not_contact",
    *CONTACT_COLUMNS,
    "notes",
    "visiting_windows",
)
"""The columns of an employers file, in the documented order."""


_NOT_EMPLOYER_COLUMNS = frozenset({*CONTACT_COLUMNS, "notes"})
"""Columns not in the employers table (a contact's; the notes are the current program's)."""

_CONTACT_GIVEN = ("employer_id",)
"""A new contact's column known only once its employer has an id."""

PRELOAD_AT_MOST = 100_000
"""Stored employers whose keys an import may read at once (beyond, memory would grow with
the database; each chunk then looks up its own)."""


def _name_zip(name_key: str, zip5: str | None) -> str:
    """The key "same name and ZIP" compares (one string: a 100,000-row file keeps one per
    row)."""
    return f"n:{name_key}\x1f{zip5 or ''}"


def _two_letters(value: str | None) -> str | None:
    if value is not None and not (len(value) == 2 and value.isalpha()):
        raise ValueError(f"{value!r} is not a 2-letter state code such as WI")
    return value


def _employer_field(name: str) -> CellParser:
    return model_field(model.Employer, name, width=queries.column_width("employers", name))


def _person_field(name: str) -> CellParser:
    return model_field(
        model.EmployerPerson, name, width=queries.column_width("employer_people", name)
    )


class EmployerImporter(Importer):
    """Reads an employers file (see docs/reference/csv-import.md for its columns)."""

    kind = "employers"
    record = "employer"
    required = ("name",)
    label_column = "name"
    event_kind = "employer"
    matching_columns = ("external_id", "notes")

    @classmethod
    def parsers(cls) -> Mapping[str, CellParser]:
        """Each column's parser: the model's own rules, and the database's widths.

        Columns whose cells repeat from row to row (industry, city, ZIP, shifts, wages...)
        parse each distinct cell once.
        """
        plain = ["name", "external_id", "street", "website", "notes"]
        repeating = ["industry", "job_types", "city", "zip", "shifts", "visiting_windows"]
        parsers: dict[str, CellParser] = {name: _employer_field(name) for name in plain}
        parsers.update((name, cached(_employer_field(name))) for name in repeating)
        for wage in ("wage_min", "wage_max"):
            parsers[wage] = cached(chain(_employer_field(wage), hourly_wage))
        parsers["state"] = cached(chain(_employer_field("state"), _two_letters))
        # phone numbers are immutable: a switchboard's number, repeated, is read once
        parsers["phone"] = cached(parse_phone_quickly)
        parsers["contact_phone"] = cached(parse_phone_quickly)
        parsers["contact_visiting_windows"] = cached(_person_field("visiting_windows"))
        parsers["bus_access"] = cached(parse_yes_no)
        parsers["do_not_contact"] = cached(parse_yes_no)
        parsers["contact_title"] = cached(_person_field("title"))
        for column, field in CONTACT_COLUMNS.items():
            parsers.setdefault(column, _person_field(field))
        return {column: parsers[column] for column in EMPLOYER_COLUMNS}

    def load(self) -> None:
        """Decide how to find stored employers: when there are no more of them than the
        file has lines (and at most :data:`PRELOAD_AT_MOST`), their keys are read once
        (one query, no more memory than the file's own keys); otherwise each chunk looks
        up its own in a few queries."""
        self.by_external: dict[str, int] = {}
        self.by_name_zip: dict[str, list[int]] = defaultdict(list)
        self.by_phone: dict[str, list[int]] = defaultdict(list)
        stored = queries.employer_count(self.uow)
        self._preloaded = stored <= min(self.expected_rows, PRELOAD_AT_MOST)
        if self._preloaded:
            self._index(queries.employer_keys(self.uow))

    def _index(self, stored: Iterable[queries.EmployerKey]) -> None:
        for record_id, external_id, name_key, zip_code, phone in stored:
            if external_id is not None:
                self.by_external[external_id] = record_id
            self.by_name_zip[_name_zip(name_key, zip_code[:5] if zip_code else None)].append(
                record_id
            )
            if phone is not None:
                self.by_phone[phone].append(record_id)

    def prepare_matching(self, candidates: Sequence[Candidate]) -> None:
        """The keys of the stored employers this chunk may match, in a few queries."""
        if self._preloaded or not candidates:
            return
        self.by_external.clear()
        self.by_name_zip.clear()
        self.by_phone.clear()
        stored = queries.employer_keys_matching(
            self.uow,
            external_ids={e for c in candidates if (e := c.value("external_id"))},
            names_in_zips={(c.derived["name_key"], c.derived["zip5"] or "") for c in candidates},
            phones={p for c in candidates if (p := c.derived["phone_key"])},
        )
        self._index(sorted(stored.values()))

    def might_match(self, values: dict[str, Any], derived: dict[str, Any]) -> bool:
        """With the stored employers' keys loaded whole: whether one of the row's keys is
        a stored employer's (what :meth:`stored_matches` looks up); otherwise true."""
        if not self._preloaded:
            return True
        external_id = values.get("external_id")
        phone = derived["phone_key"]
        return (
            (external_id is not None and external_id in self.by_external)
            or _name_zip(derived["name_key"], derived["zip5"]) in self.by_name_zip
            or (phone is not None and phone in self.by_phone)
        )

    def worker_context(self, writing: bool) -> bulk.PrepareKey | None:
        """The database new rows are prepared for (none when nothing will be written)."""
        return bulk.prepare_key(self.uow) if writing else None

    @classmethod
    def derive(
        cls, line: int, values: dict[str, Any], context: bulk.PrepareKey | None
    ) -> tuple[dict[str, Any], list[Rejection]]:
        """Check the contact and the wage range; derive the duplicate keys and, when the
        rows will be written to the database ``context`` names, the employer's and its
        contact's rows ready to write (in worker processes, for large files)."""
        problems: list[Rejection] = []
        given = [c for c in CONTACT_COLUMNS if c in values and c != "contact_name"]
        if given and "contact_name" not in values:
            reason = f"is needed when {', '.join(given)} is given"
            problems.append(Rejection(line, "contact_name", reason, cls.record))
        problems += cls._check_wages(line, values.get("wage_min"), values.get("wage_max"))
        if problems:
            return {}, problems
        zip_code = values.get("zip")
        phone = values.get("phone")
        derived: dict[str, Any] = {
            "name_key": model.normalize_employer_name(values["name"]),
            "zip5": zip_code[:5] if zip_code else None,
            "phone_key": phone.to_storage() if phone is not None else None,
        }
        if context is not None:
            row = {c: v for c, v in values.items() if c not in _NOT_EMPLOYER_COLUMNS}
            row["name_key"] = derived["name_key"]
            derived["row"] = bulk.prepare_row(model.Employer, context, row)
            contact = cls._contact_of(values)
            if contact:
                derived["contact_row"] = bulk.prepare_row(
                    model.EmployerPerson, context, contact, _CONTACT_GIVEN
                )
        return derived, []

    @classmethod
    def _check_wages(cls, line: int, low: Any, high: Any) -> list[Rejection]:
        if low is not None and high is not None and high < low:
            return [Rejection(line, "wage_max", f"{high} is below wage_min {low}", cls.record)]
        return []

    def file_keys(self, candidate: Candidate) -> list[FileKey]:
        """External id, normalized name with ZIP, and phone."""
        derived = candidate.derived
        keys = []
        external_id = candidate.value("external_id")
        if external_id is not None:
            keys.append(FileKey("external_id", "same external_id", f"i:{external_id}"))
        name_zip = _name_zip(derived["name_key"], derived["zip5"])
        keys.append(FileKey("name", "same name and ZIP", name_zip))
        if derived["phone_key"] is not None:
            keys.append(FileKey("phone", "same phone", f"p:{derived['phone_key']}"))
        return keys

    def stored_matches(self, candidate: Candidate) -> tuple[int | None, list[StoredMatch]]:
        """The employer with this external id (the identity), and every key match."""
        derived = candidate.derived
        found: list[StoredMatch] = []
        identity = None
        external_id = candidate.value("external_id")
        if external_id is not None and external_id in self.by_external:
            identity = self.by_external[external_id]
            found.append(StoredMatch("external_id", "same external_id", identity))
        for record_id in self.by_name_zip.get(_name_zip(derived["name_key"], derived["zip5"]), ()):
            found.append(StoredMatch("name", "same name and ZIP", record_id))
        if derived["phone_key"] is not None:
            for record_id in self.by_phone.get(derived["phone_key"], ()):
                found.append(StoredMatch("phone", "same phone", record_id))
        return identity, found

    def snapshots(self, record_ids: Sequence[int]) -> Mapping[int, Mapping[str, Any]]:
        """Stored employers and their people, a few hundred per query."""
        return queries.employer_snapshots(self.uow, record_ids)

    def changes(self, candidate: Candidate, stored: Mapping[str, Any]) -> dict[str, Any]:
        """Columns whose non-blank cells differ from the stored employer (and its contact)."""
        changed = {
            column: value
            for column, value in candidate.values.items()
            if column not in CONTACT_COLUMNS and stored[column] != value
        }
        contact = self._contact(candidate)
        if contact:
            person = next(
                (p for p in stored["people"] if p["name"].casefold() == contact["name"].casefold()),
                None,
            )
            if person is None:
                changed["contact"] = {"id": None, **contact}
            else:
                differs = {k: v for k, v in contact.items() if k != "name" and person[k] != v}
                if differs:
                    changed["contact"] = {"id": person["id"], **differs}
        return changed

    def check_update(
        self, candidate: Candidate, stored: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> list[Rejection]:
        """The wage range must still hold with the stored values the row leaves alone."""
        low = changes.get("wage_min", stored["wage_min"])
        high = changes.get("wage_max", stored["wage_max"])
        return self._check_wages(candidate.line, low, high)

    def describe(self, record_id: int, stored: Mapping[str, Any]) -> str:
        """``employer #12 'Example Bakery'``."""
        return f"employer #{record_id} {stored['name']!r}"

    @classmethod
    def _contact(cls, candidate: Candidate) -> dict[str, Any]:
        return cls._contact_of(candidate.values)

    @staticmethod
    def _contact_of(values: Mapping[str, Any]) -> dict[str, Any]:
        return {
            field: values[column] for column, field in CONTACT_COLUMNS.items() if column in values
        }

    def insert(self, candidates: Sequence[Candidate]) -> list[int]:
        """The employers and their contacts, in bulk (the name key computed once; the rows
        as :meth:`derive` prepared them)."""
        if all("row" in c.derived for c in candidates):
            return self._insert_prepared(candidates)
        rows = []
        for candidate in candidates:
            row = {c: v for c, v in candidate.values.items() if c not in CONTACT_COLUMNS}
            row["name_key"] = candidate.derived["name_key"]
            rows.append(row)
        ids = self.writer.add(model.Employer, rows)
        people = [
            {"employer_id": record_id, **contact}
            for candidate, record_id in zip(candidates, ids, strict=True)
            if (contact := self._contact(candidate))
        ]
        for person_id in self.writer.add(model.EmployerPerson, people):
            self.other_changes.append(RecordChanged("person", person_id, ChangeAction.CREATED))
        return ids

    def _insert_prepared(self, candidates: Sequence[Candidate]) -> list[int]:
        writer = self.writer
        notes = [c.value("notes") for c in candidates]
        ids = writer.add_prepared(
            model.Employer, [c.derived["row"] for c in candidates], notes=notes
        )
        people = [
            (record_id, contact_row)
            for candidate, record_id in zip(candidates, ids, strict=True)
            if (contact_row := candidate.derived.get("contact_row")) is not None
        ]
        person_ids = writer.add_prepared(
            model.EmployerPerson,
            [row for _, row in people],
            given=(_CONTACT_GIVEN, [(record_id,) for record_id, _ in people]),
        )
        self.other_changes += [
            RecordChanged("person", person_id, ChangeAction.CREATED) for person_id in person_ids
        ]
        return ids

    def update(self, items: Sequence[tuple[Candidate, int, dict[str, Any], Any]]) -> None:
        """Load the employers to change and change them (their versions go up)."""
        by_id = {record_id: (changes, stored) for _, record_id, changes, stored in items}
        people: list[tuple[model.EmployerPerson, ChangeAction]] = []
        for employer in self.uow.employers.by_ids(by_id).values():
            changes, stored = by_id[employer.id]  # type: ignore[index]
            if employer.version != stored["version"]:
                raise ConcurrentUpdateError(
                    f"employer #{employer.id} was changed by someone else during the import; "
                    "nothing was written. Import again."
                )
            for column, value in changes.items():
                if column != "contact":
                    setattr(employer, column, value)
            contact = changes.get("contact")
            if contact is not None:
                people.append(_apply_contact(employer, contact))
        self.uow.flush()
        self.other_changes += [
            RecordChanged("person", person.id, action)  # type: ignore[arg-type]
            for person, action in people
        ]


def _apply_contact(
    employer: model.Employer, contact: Mapping[str, Any]
) -> tuple[model.EmployerPerson, ChangeAction]:
    fields = {k: v for k, v in contact.items() if k != "id"}
    if contact["id"] is None:
        return employer.add_person(model.EmployerPerson(**fields)), ChangeAction.CREATED
    person = next(p for p in employer.people if p.id == contact["id"])
    for field, value in fields.items():
        setattr(person, field, value)
    return person, ChangeAction.UPDATED


def import_employers(
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
    """Import an employers CSV file in one transaction, and commit it.

    Args:
        uow: the unit of work to write through (it is committed unless nothing is written).
        source: a path, or a binary file object.
        partial: write the good rows even when others are rejected (default: all or
            nothing).
        dry_run: check and report, write nothing.
        on_duplicate: ``"reject"`` (default), ``"skip"`` or ``"update"`` a row that
            duplicates a stored employer (same external id, normalized name and ZIP, or
            phone). A row equal to its stored employer is "unchanged", never a duplicate.
        rejects_path: where to write the rejected rows with a ``reason`` column (a new
            file, private to its owner, written whole; never through a symbolic link;
            cells that a spreadsheet would run as formulas are protected).
        replace_rejects: replace an existing file at ``rejects_path`` (``--force``).
        progress: called as ``progress(done, total)`` while the file is checked and written.
        workers: processes that check cells besides this one (default: one per core
            this process may run on, up to 3, for files of 20,000 lines or more where
            processes can fork, on two cores or more; 0 checks everything here). The
            results are the same either way.

    Returns:
        The report: a result for every row, the rejections, the warnings.

    Raises:
        ValidationError: the file cannot be read as a whole (encoding, no ``name`` column,
            a quote left open: the reason names the line), or ``rejects_path`` may not be
            written (an existing file without ``replace_rejects``, a link, a missing
            folder); nothing is written then.
        ConcurrentUpdateError: a stored employer changed while the file was imported;
            nothing was written.

    Two imports at the same time wait for each other (see
    :func:`~ips_jobdev._store.bulk.lock_for_import`): the second finds the first's
    employers, as unchanged rows or duplicates.

    Example:
        >>> with ips_jobdev.open_store("sqlite:///county.sqlite3") as uow:       # doctest: +SKIP
        ...     report = import_employers(uow, "employers.csv", dry_run=True)
        >>> report.summary()                                             # doctest: +SKIP
        '12 created, 0 updated, 0 unchanged, 0 skipped, 0 rejected'
    """
    return run_import(
        EmployerImporter(uow),
        source,
        partial=partial,
        dry_run=dry_run,
        on_duplicate=on_duplicate,
        rejects_path=rejects_path,
        replace_rejects=replace_rejects,
        progress=progress,
        workers=workers,
    )
