"""Gather the records that may leave the store, redacted for an audience.

:func:`gather` reads employers, people, visits and job-fit notes with a handful of queries
(no query per row), turns them into team records with :mod:`ips_jobdev.privacy` and
narrows them for the audience. :mod:`ips_jobdev._sync.export` and the plugin events use it.
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

__all__ = ["Selection", "gather", "start_of", "visit_records"]


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
) -> list[VisitRecord]:
    """Team records of these (saved) visits, in the same order.

    ``employers`` may hold employers already loaded, by id; the others are read.
    """
    known = dict(employers or {})
    missing = {v.employer_id for v in visits} - known.keys()
    employers = {**known, **uow.employers.by_ids(missing)}
    specialists = uow.specialists.by_ids(v.specialist_id for v in visits)
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
    seekers = uow.seekers.by_ids(n.seeker_id for n in notes)
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
