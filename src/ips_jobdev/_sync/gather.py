"""Gather the records that may leave the store, redacted for an audience.

:class:`RecordSource` makes the records of given ids, a chunk at a time (a query per kind
of row, none per record), keeping the employers and specialists it read for the next
chunk; exports use it for the records whose basis moved. :func:`gather` makes every record
at once (for tests, the conformance kit and the plugin events). Both turn store objects into
team records with :mod:`ips_jobdev.privacy` and narrow them for the audience.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence

import attrs

from ips_jobdev import _model as model
from ips_jobdev import privacy
from ips_jobdev._records import Audience, ExportRecord, RecordKind, VisitRecord
from ips_jobdev._store import UnitOfWork
from ips_jobdev._store.queries import sync as sync_queries

__all__ = ["RecordSource", "Selection", "gather", "start_of", "visit_records"]


@attrs.frozen(slots=True)
class Selection:
    """Which records an export covers.

    Attributes:
        specialist: only this specialist's visits and the job-fit notes they wrote
            (employers and people are the program's shared record and all go).
        since: only visits at or after this time, and notes written at or after it.
    """

    specialist: model.Specialist | None = None
    since: dt.datetime | None = None


def start_of(day: dt.date | dt.datetime, zone: str | None = None) -> dt.datetime:
    """A date as the start of that day in ``zone`` (UTC by default); datetimes pass through.

    Raises:
        ValueError: a datetime without a time zone.
    """
    if isinstance(day, dt.datetime):
        if day.tzinfo is None:
            raise ValueError(f"{day.isoformat()} has no time zone")
        return day
    tz = zoneinfo.ZoneInfo(zone) if zone else dt.UTC
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def visit_records(
    uow: UnitOfWork,
    visits: Sequence[model.Visit],
    *,
    employers: Mapping[int, model.Employer] | None = None,
    specialists: Mapping[int, model.Specialist] | None = None,
) -> list[VisitRecord]:
    """Team records of these (saved) visits, in the same order.

    ``employers`` and ``specialists`` may hold rows already loaded, by id; the others
    are read.
    """
    known = dict(employers or {})
    missing = {v.employer_id for v in visits} - known.keys()
    employers = {**known, **uow.employers.by_ids(missing)}
    staff = dict(specialists or {})
    absent = {v.specialist_id for v in visits} - staff.keys()
    specialists = {**staff, **uow.specialists.by_ids(absent)}
    out: list[VisitRecord] = []
    for visit in visits:
        employer = employers[visit.employer_id]
        person = next((p for p in employer.people if p.id == visit.person_id), None)
        out.append(
            privacy.visit_record(
                visit, employer=employer, specialist=specialists[visit.specialist_id], person=person
            )
        )
    return out


def _visits(uow: UnitOfWork, selection: Selection) -> list[model.Visit]:
    specialist_id = selection.specialist.id if selection.specialist is not None else None
    return list(uow.visits.between(start=selection.since, specialist_id=specialist_id))


def _fit_notes(uow: UnitOfWork, selection: Selection) -> list[ExportRecord]:
    author_id = selection.specialist.id if selection.specialist is not None else None
    notes = uow.fit_notes.written(author_id=author_id, since=selection.since)
    return _note_records(uow, list(notes), None)


def _note_records(
    uow: UnitOfWork, notes: Sequence[model.JobFitNote], source: RecordSource | None
) -> list[ExportRecord]:
    seekers = uow.seekers.by_ids(n.seeker_id for n in notes)
    if source is not None:
        employers = source.employers(n.employer_id for n in notes)
        authors = source.specialists(n.author_id for n in notes)
    else:
        employers = uow.employers.by_ids(n.employer_id for n in notes)
        authors = uow.specialists.by_ids(n.author_id for n in notes)
    openings = uow.openings.by_ids(n.opening_id for n in notes if n.opening_id is not None)
    return [
        privacy.fit_note_record(
            note,
            seeker=seekers[note.seeker_id],
            employer=employers[note.employer_id],
            author=authors[note.author_id],
            opening=openings.get(note.opening_id) if note.opening_id is not None else None,
        )
        for note in notes
    ]


def gather(
    uow: UnitOfWork,
    kinds: Iterable[RecordKind],
    audience: Audience,
    *,
    selection: Selection | None = None,
    settings: privacy.PrivacySettings | None = None,
) -> dict[RecordKind, dict[int, ExportRecord]]:
    """The records of ``kinds`` the audience may receive, redacted, by kind and local id.

    Kinds the audience may not have (job-fit notes outside the team) come back empty.
    """
    selection = selection or Selection()
    wanted = set(kinds) & privacy.allowed_kinds(audience)
    team: dict[RecordKind, list[ExportRecord]] = {kind: [] for kind in RecordKind}
    loaded: dict[int, model.Employer] = {}
    if wanted & {RecordKind.EMPLOYER, RecordKind.PERSON}:
        for employer in uow.employers.list():
            assert employer.id is not None
            loaded[employer.id] = employer
            if RecordKind.EMPLOYER in wanted:
                team[RecordKind.EMPLOYER].append(privacy.employer_record(employer))
            if RecordKind.PERSON in wanted:
                team[RecordKind.PERSON].extend(
                    privacy.person_record(person, employer) for person in employer.people
                )
    if RecordKind.VISIT in wanted:
        visits = _visits(uow, selection)
        team[RecordKind.VISIT].extend(visit_records(uow, visits, employers=loaded))
    if RecordKind.FIT_NOTE in wanted:
        team[RecordKind.FIT_NOTE].extend(_fit_notes(uow, selection))
    out: dict[RecordKind, dict[int, ExportRecord]] = {kind: {} for kind in RecordKind}
    for kind, records in team.items():
        for record in records:
            redacted = privacy.redact(record, audience, settings)
            if redacted is not None:
                out[kind][redacted.id] = redacted
    return out


@attrs.frozen(slots=True)
class _Staff:
    """A specialist as visit records show them (:class:`ips_jobdev.privacy.StaffFacts`)."""

    code: str
    name: str
    email: str | None
    timezone: str


PLACES = 20_000
"""Employers kept as visits show them (small: a few texts each), across chunks."""


class RecordSource:
    """The redacted records of one export, made a chunk of ids at a time.

    Employers and specialists read for one chunk are kept for the next (up to
    ``keep`` employers), so visits to the same employers read it once; employers as
    visits show them are kept by version (up to :data:`PLACES`).
    """

    def __init__(
        self,
        uow: UnitOfWork,
        audience: Audience,
        settings: privacy.PrivacySettings | None = None,
        *,
        keep: int = 5_000,
    ) -> None:
        self.uow = uow
        self.audience = audience
        self.settings = settings or privacy.PrivacySettings()
        self.keep = keep
        self._employers: dict[int, model.Employer] = {}
        self._specialists: dict[int, model.Specialist] = {}
        self._seekers: dict[int, model.JobSeeker] = {}
        self._places: sync_queries.Places = {}

    def employers(self, ids: Iterable[int]) -> dict[int, model.Employer]:
        """These employers (with their people), from what was read before or the store."""
        wanted = set(ids)
        missing = wanted - self._employers.keys()
        if missing:
            if len(self._employers) + len(missing) > self.keep:
                # start again from those wanted now (the ones kept among them go too)
                self._employers = {}
                missing = wanted
            self._employers.update(self.uow.employers.by_ids(missing))
        return {i: self._employers[i] for i in wanted if i in self._employers}

    def specialists(self, ids: Iterable[int]) -> dict[int, model.Specialist]:
        """These specialists, from what was read before or the store."""
        wanted = set(ids)
        missing = wanted - self._specialists.keys()
        if missing:
            self._specialists.update(self.uow.specialists.by_ids(missing))
        return {i: self._specialists[i] for i in wanted if i in self._specialists}

    def records(self, kind: RecordKind, ids: Sequence[int]) -> dict[int, ExportRecord]:
        """The records of ``kind`` with these ids the audience may receive, redacted, by
        id (ids no longer stored are left out)."""
        if not ids or kind not in privacy.allowed_kinds(self.audience):
            return {}
        if kind is RecordKind.VISIT:
            return self._visits(ids)
        if kind is RecordKind.EMPLOYER:
            # made for the audience in one step, from the columns (no ORM objects)
            rows = sync_queries.employer_rows(self.uow, ids)
            return {r.id: privacy.employer_record(r, audience=self.audience) for r in rows}
        team = self._team_records(kind, ids)
        out: dict[int, ExportRecord] = {}
        for record in team:
            redacted = privacy.redact(record, self.audience, self.settings)
            if redacted is not None:
                out[redacted.id] = redacted
        return out

    def _team_records(self, kind: RecordKind, ids: Sequence[int]) -> list[ExportRecord]:
        uow = self.uow
        if kind is RecordKind.PERSON:
            people = [p for p in uow.people.by_ids(ids).values() if p.employer_id is not None]
            employers = self.employers(p.employer_id for p in people if p.employer_id)
            return [
                privacy.person_record(p, employers[p.employer_id])
                for p in people
                if p.employer_id in employers
            ]
        notes = list(uow.fit_notes.by_ids(ids).values())
        return _note_records(uow, notes, self)

    def seekers(self, ids: Iterable[int]) -> dict[int, model.JobSeeker]:
        """These job seekers, from what was read before or the store."""
        wanted = set(ids)
        missing = wanted - self._seekers.keys()
        if missing:
            if len(self._seekers) + len(missing) > self.keep:
                # start again from those wanted now (the ones kept among them go too)
                self._seekers = {}
                missing = wanted
            self._seekers.update(self.uow.seekers.by_ids(missing))
        return {i: self._seekers[i] for i in wanted if i in self._seekers}

    def _visits(self, ids: Sequence[int]) -> dict[int, ExportRecord]:
        """Visits for the audience, made in one step from their rows, which carry their
        employers' and people's columns (no ORM objects but for specialists and job
        seekers, which are kept)."""
        if len(self._places) > PLACES:
            self._places = {}
        rows = sync_queries.visit_rows(self.uow, ids, places=self._places)
        # each specialist's values read once for the chunk, not once for each visit
        specialists = {
            i: _Staff(s.code, s.name, s.email, s.timezone)
            for i, s in self.specialists(r.specialist_id for r in rows).items()
        }
        seekers = self.seekers(i for r in rows for i in r.seeker_ids)
        out: dict[int, ExportRecord] = {}
        for row in rows:
            specialist = specialists.get(row.specialist_id)
            if specialist is None:
                continue  # removed since the row was read: gone next time
            out[row.id] = privacy.visit_record(
                row,
                employer=row.employer,
                specialist=specialist,
                person=row.person,
                seekers=[seekers[i] for i in row.seeker_ids if i in seekers]
                if row.seeker_ids
                else (),
                audience=self.audience,
                settings=self.settings,
            )
        return out
