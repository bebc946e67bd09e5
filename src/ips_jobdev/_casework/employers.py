"""Employers by hand: add one, correct one, merge two records of the same business.

Employers usually arrive by import; these use cases are for the one a specialist met
today, the phone number that changed, and the business entered twice (``"Example Bakery"``
and ``"Example Bakery, Inc."``). Every change goes to the change history, and plugins hear
of it after the commit.

>>> with ips_jobdev.open_store(actor="specialist:ae") as uow:            # doctest: +SKIP
...     add_employer(uow, "Example Bakery", {"zip": "53703", "phone": "608-555-0101"})
...     edit_employer(uow, "Example Bakery", {"do_not_contact": True}, reason="owner asked")
...     merge_employers(uow, "#12", "#40", reason="same shop, entered twice")
...     uow.commit()
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._casework.corrections import (
    Correction,
    Parser,
    apply,
    as_bool,
    as_given,
    as_required,
    as_whole,
    check_version,
    differences,
    parse_changes,
    plain,
    scalar_values,
    snapshot,
    validated_copy,
)
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev._records import RecordKind
from ips_jobdev.errors import ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["EMPLOYER_FIELDS", "MergeResult", "add_employer", "edit_employer", "merge_employers"]

EMPLOYER_FIELDS = (
    "name",
    "external_id",
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
)
"""What :func:`add_employer` takes and :func:`edit_employer` may change."""

_LOCATION = ("latitude", "longitude")


def _parsers(uow: UnitOfWork, employer_id: int | None) -> dict[str, Parser]:
    def external_id(value: object) -> str | None:
        text = as_given(value)
        if text is None:
            return None
        other = uow.employers.find_by_external_id(str(text))
        if other is not None and other.id != employer_id:
            raise ValidationError(
                "Employer", "external_id", f"{text!r} is employer #{other.id}'s ({other.name})"
            )
        return str(text).strip()

    parsers: dict[str, Parser] = dict.fromkeys(EMPLOYER_FIELDS, as_given)
    parsers.update(
        {
            "name": as_required("Employer", "name"),
            "external_id": external_id,
            "size": as_whole("Employer", "size"),
            "bus_access": as_bool("Employer", "bus_access", optional=True),
            "do_not_contact": as_bool("Employer", "do_not_contact"),
        }
    )
    return parsers


def _duplicate_of(uow: UnitOfWork, candidate: model.Employer) -> model.Employer | None:
    """A stored employer with the same normalized name in the same ZIP (or both without)."""
    for other in uow.employers.find_by_name(candidate.name):
        if (other.zip5 or None) == (candidate.zip5 or None):
            return other
    return None


def add_employer(
    uow: UnitOfWork,
    name: str,
    fields: Mapping[str, object] | None = None,
    *,
    allow_duplicate: bool = False,
) -> model.Employer:
    """Add an employer (staged: call ``uow.commit()``).

    ``fields`` maps :data:`EMPLOYER_FIELDS` to values (text as typed is fine:
    ``{"zip": "53703", "wage_min": "15.50", "job_types": "baker; counter"}``).

    Raises:
        ValidationError: a value is refused, the external id is taken, or an employer with
            the same name is stored in the same ZIP (``allow_duplicate`` adds it anyway).
    """
    parsed = parse_changes("Employer", {"name": name, **(fields or {})}, _parsers(uow, None))
    employer = validated_copy(model.Employer, parsed)
    if not allow_duplicate:
        twin = _duplicate_of(uow, employer)
        if twin is not None:
            raise ValidationError(
                "Employer",
                "name",
                f"{employer.name!r} is already employer #{twin.id} ({twin.name}, "
                f"ZIP {twin.zip or 'none'}); edit that one, or add it as a separate business",
            )
    with uow.explain("add employer"):
        uow.employers.add(employer)
        uow.flush()
    assert employer.id is not None
    uow.record_event(RecordChanged("employer", employer.id, ChangeAction.CREATED))
    return employer


def edit_employer(
    uow: UnitOfWork,
    employer: model.Employer | int | str,
    changes: Mapping[str, object],
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Correction[model.Employer]:
    """Correct an employer's details (staged: call ``uow.commit()``).

    ``changes`` maps :data:`EMPLOYER_FIELDS` to new values; ``None`` or ``""`` clears a
    field. A new ZIP without new coordinates clears the stored latitude and longitude
    (they were the old place's); matching then uses the ZIP's centre.

    Raises:
        NotFoundError: no such employer.
        ValidationError: a value is refused, or the external id is another employer's.
        ConcurrentUpdateError: the employer is not at ``expected_version``.
    """
    found = lookup.employer(uow, employer)
    check_version("employer", found, expected_version)
    parsed = parse_changes("Employer", changes, _parsers(uow, found.id))
    if (
        "zip" in parsed
        and parsed["zip"] != found.zip
        and not any(field in parsed for field in _LOCATION)
    ):
        parsed.update(dict.fromkeys(_LOCATION))
    candidate = validated_copy(model.Employer, {**scalar_values(found), **parsed})
    before = snapshot(found, EMPLOYER_FIELDS)
    with uow.explain("edit employer", reason):
        apply(found, {field: getattr(candidate, field) for field in parsed})
        uow.flush()
    result = differences(before, snapshot(found, EMPLOYER_FIELDS))
    if result:
        uow.record_event(RecordChanged("employer", found.id or 0, ChangeAction.UPDATED))
    return Correction("employer", found, result)


# -- merging two records of one business --------------------------------------------------------


@attrs.frozen
class MergeResult:
    """What :func:`merge_employers` did.

    ``moved`` counts the records that now belong to the kept employer (``people``,
    ``visits``, ``openings``, ``fit_notes``, ``job_starts``) and the adapters' sync records
    it took over (``sync_records``); ``people_combined`` names the people of the merged
    record who were already at the kept one under the same name (their details were added
    to that person's, and their visits point there); ``filled`` the fields of the kept
    employer that were empty and came from the merged one.
    """

    employer: model.Employer
    merged_id: int
    merged_name: str
    moved: dict[str, int]
    people_combined: tuple[str, ...]
    filled: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (without the employer, which the caller renders)."""
        return {
            "merged": {"id": self.merged_id, "name": self.merged_name},
            "moved": dict(self.moved),
            "people_combined": list(self.people_combined),
            "filled": list(self.filled),
        }


_PERSON_FIELDS = ("title", "phone", "email", "notes")


@attrs.define
class _PeopleMove:
    moved: list[int] = attrs.field(factory=list)
    combined: list[str] = attrs.field(factory=list)
    repoint: dict[int, int] = attrs.field(factory=dict)
    removed: list[int] = attrs.field(factory=list)
    filled: set[int] = attrs.field(factory=set)


def _fill_person(kept: model.EmployerPerson, other: model.EmployerPerson) -> bool:
    """Give ``kept`` the details it lacks from ``other``; True when one was added."""
    changed = False
    for field in _PERSON_FIELDS:
        if getattr(kept, field) is None and getattr(other, field) is not None:
            setattr(kept, field, getattr(other, field))
            changed = True
    if other.makes_hiring_decisions and not kept.makes_hiring_decisions:
        kept.makes_hiring_decisions = True
        changed = True
    return changed


def _twins(kept: model.Employer, away: model.Employer) -> dict[int, int]:
    """People of ``away`` already at ``kept`` under the same name: their id -> the kept id."""
    by_name = {p.name.casefold(): p.id for p in kept.people}
    return {
        p.id: twin
        for p in away.people
        if p.id is not None and (twin := by_name.get(p.name.casefold())) is not None
    }


def _move_people(kept: model.Employer, away: model.Employer) -> _PeopleMove:
    """Move the people of ``away`` to ``kept``; a person already at ``kept`` under the same
    name is combined into that one (and the merged record's copy removed)."""
    by_name = {p.name.casefold(): p for p in kept.people}
    done = _PeopleMove()
    for person in list(away.people):
        assert person.id is not None
        twin = by_name.get(person.name.casefold())
        away.people.remove(person)
        if twin is None:
            kept.people.append(person)
            done.moved.append(person.id)
            continue
        assert twin.id is not None
        if _fill_person(twin, person):
            done.filled.add(twin.id)
        done.combined.append(person.name)
        done.repoint[person.id] = twin.id
        done.removed.append(person.id)
    return done


def _move_records(
    uow: UnitOfWork, kept: model.Employer, away: model.Employer, repoint: Mapping[int, int]
) -> dict[str, list[int]]:
    """Point every visit, opening, fit note and job start of ``away`` at ``kept``."""
    assert away.id is not None
    assert kept.id is not None
    groups: dict[str, list[Any]] = {
        "visit": list(uow.visits.between(employer_id=away.id)),
        "opening": list(uow.openings.at_employer(away.id)),
        "fit-note": list(uow.fit_notes.matching(employer_id=away.id)),
        "job-start": list(uow.job_starts.at_employer(away.id)),
    }
    for record in groups["visit"]:
        if record.person_id in repoint:
            record.person_id = repoint[record.person_id]
    for records in groups.values():
        for record in records:
            record.employer_id = kept.id
    return {kind: [r.id for r in records] for kind, records in groups.items()}


def _fills(kept: model.Employer, away: model.Employer) -> dict[str, Any]:
    """The kept employer's values the merge changes: its own win; empty ones take the
    merged record's; job types and shifts are combined; notes are joined; do-not-contact
    holds if either record had it; coordinates come only with the same ZIP."""
    fills: dict[str, Any] = {}
    for field in EMPLOYER_FIELDS:
        mine, theirs = getattr(kept, field), getattr(away, field)
        if field in ("name", *_LOCATION):
            continue
        if field in ("job_types", "shifts"):
            union = list(dict.fromkeys([*mine, *theirs]))
            if union != list(mine):
                fills[field] = union
        elif field == "notes":
            if theirs and theirs != mine:
                fills[field] = f"{mine}\n\n{theirs}" if mine else theirs
        elif field == "do_not_contact":
            if theirs and not mine:
                fills[field] = True
        elif mine is None and theirs is not None:
            fills[field] = theirs
    same_place = kept.zip is None or kept.zip5 == away.zip5
    if kept.latitude is None and kept.longitude is None and same_place:
        for field in _LOCATION:
            if getattr(away, field) is not None:
                fills[field] = getattr(away, field)
    return fills


def merge_employers(
    uow: UnitOfWork,
    keep: model.Employer | int | str,
    merge: model.Employer | int | str,
    *,
    reason: str | None = None,
) -> MergeResult:
    """Merge the employer ``merge`` into ``keep``: two records of one business become one
    (staged: call ``uow.commit()``).

    The people, visits, job openings, job-fit notes and job starts of ``merge`` move to
    ``keep`` (a person already at ``keep`` under the same name is combined into that
    person). ``keep``'s values win; its empty fields take ``merge``'s, job types and shifts
    are combined, notes are joined, and do-not-contact holds if either had it. Then
    ``merge`` is deleted. Both histories stay: the change history keeps every row of the
    merged record, with ``merged_into`` on its deletion, and
    :func:`ips_jobdev.record_history` of ``keep`` includes them.

    Adapters: where ``keep`` was never sent but ``merge`` was, ``keep`` takes over the
    remote record (the next export updates it); where both were sent, the next export
    deletes ``merge``'s remote record. Plugins hear of every record that changed.

    Raises:
        NotFoundError: either employer is unknown.
        ValidationError: both name the same employer.
    """
    kept = lookup.employer(uow, keep)
    away = lookup.employer(uow, merge)
    if kept.id == away.id:
        raise ValidationError("merge", "employer", f"#{kept.id} is the same employer twice")
    assert kept.id is not None
    assert away.id is not None
    merged_id, merged_name = away.id, away.name
    fills = _fills(kept, away)
    with uow.explain("merge employers", reason):
        # records first: removing a person would let the database clear visits' links
        moved = _move_records(uow, kept, away, _twins(kept, away))
        people = _move_people(kept, away)
        uow.flush()
        sync_moved = uow.sync_state.move_record(RecordKind.EMPLOYER, away.id, kept.id)
        uow.annotate(away, merged_into=kept.id, sync_records_moved=sync_moved)
        # other programs' notes about ``away`` (this program's are joined by the fills)
        uow.employers.move_other_programs_notes(away, kept)
        uow.employers.delete(away)
        uow.flush()
        for field, value in fills.items():
            setattr(kept, field, value)
        uow.flush()
    _record_merge_events(uow, kept.id, merged_id, people, moved)
    return MergeResult(
        employer=kept,
        merged_id=merged_id,
        merged_name=merged_name,
        moved={
            "people": len(people.moved),
            "visits": len(moved["visit"]),
            "openings": len(moved["opening"]),
            "fit_notes": len(moved["fit-note"]),
            "job_starts": len(moved["job-start"]),
            "sync_records": sync_moved,
        },
        people_combined=tuple(people.combined),
        filled=tuple(sorted(fills)),
    )


def _record_merge_events(
    uow: UnitOfWork,
    kept_id: int,
    merged_id: int,
    people: _PeopleMove,
    moved: Mapping[str, list[int]],
) -> None:
    events = [RecordChanged("person", i, ChangeAction.UPDATED) for i in people.moved]
    events += [RecordChanged("person", i, ChangeAction.UPDATED) for i in sorted(people.filled)]
    events += [RecordChanged("person", i, ChangeAction.DELETED) for i in people.removed]
    for kind, ids in moved.items():
        events += [RecordChanged(kind, record_id, ChangeAction.UPDATED) for record_id in ids]
    events += [
        RecordChanged("employer", merged_id, ChangeAction.DELETED),
        RecordChanged("employer", kept_id, ChangeAction.UPDATED),
    ]
    for event in events:
        uow.record_event(event)


def employer_values(employer: model.Employer) -> dict[str, Any]:
    """An employer's fields as plain values (for a comparison or a message)."""
    return {field: plain(getattr(employer, field)) for field in EMPLOYER_FIELDS}
