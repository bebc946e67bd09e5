"""Correcting the record: edit or void a visit, edit a job seeker.

A wrong entry would otherwise count toward the fidelity figures forever. Each correction
checks every new value before it changes anything (so a refused edit leaves the record as
it was), stages the change in the unit of work, and returns what changed. The store writes
each change to the append-only change history (:func:`ips_jobdev.record_history` reads it)
with the operation and the reason given here, and plugins hear of it after the commit
(:class:`~ips_jobdev.RecordChanged`).

Edits take a mapping of field names to new values: ``None`` (or an empty string) clears a
field that may be empty; fields left out stay as they are. Values may be the model's own
types or text as a person types it (``"2026-03-02T10:00"``, ``"yes"``, ``"15.50"``).

>>> with ips_jobdev.open_store(actor="specialist:ae") as uow:            # doctest: +SKIP
...     edit_visit(uow, 40, {"purpose": "learn-business"}, reason="was not an introduction")
...     void_visit(uow, 41, reason="logged twice")
...     uow.commit()
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._casework.visits import FUTURE_SLACK, parse_visit_time
from ips_jobdev._events import ChangeAction, RecordChanged, VisitCancelled
from ips_jobdev._jsonable import jsonable
from ips_jobdev._vocab import VisitStatus, normalize_token
from ips_jobdev.errors import ConcurrentUpdateError, ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = [
    "SEEKER_FIELDS",
    "VISIT_FIELDS",
    "Correction",
    "FieldChange",
    "edit_seeker",
    "edit_visit",
    "void_visit",
]

R = TypeVar("R")
Parser = Callable[[Any], Any]


@attrs.frozen(slots=True)
class FieldChange:
    """One field a correction changed, with its plain (JSON) values before and after."""

    field: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        """``{"field", "before", "after"}`` (the ``changes`` of the edit commands' JSON)."""
        return {"field": self.field, "before": self.before, "after": self.after}


@attrs.frozen
class Correction(Generic[R]):
    """What a correction did: the record as it is now, and the fields that changed (none
    when every value given was the one stored)."""

    kind: str
    record: R
    changes: tuple[FieldChange, ...]

    @property
    def changed(self) -> bool:
        """True when at least one field changed."""
        return bool(self.changes)

    def changes_to_dicts(self) -> list[dict[str, Any]]:
        """The changes as plain JSON values."""
        return [change.to_dict() for change in self.changes]


# -- reading values as a person types them ----------------------------------------------------


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_bool(record: str, field: str, *, optional: bool = False) -> Parser:
    """A parser for yes/no values (``True``, ``"yes"``, ``"n"``...)."""

    def parse(value: object) -> bool | None:
        if _blank(value):
            if optional:
                return None
            raise ValidationError(record, field, "must be yes or no")
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("yes", "y", "true", "1"):
            return True
        if word in ("no", "n", "false", "0"):
            return False
        raise ValidationError(record, field, f"{value!r} is not yes or no")

    return parse


def as_date(record: str, field: str) -> Parser:
    """A parser for a calendar date (a ``date`` or ``YYYY-MM-DD``); blank clears it."""

    def parse(value: object) -> dt.date | None:
        if _blank(value):
            return None
        if isinstance(value, dt.datetime):
            raise ValidationError(record, field, f"{value!r} is a time, not a date")
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(record, field, f"{value!r} is not a date (YYYY-MM-DD)") from None

    return parse


def as_whole(record: str, field: str, *, optional: bool = True) -> Parser:
    """A parser for a whole number, zero or more."""

    def parse(value: object) -> int | None:
        if _blank(value):
            if optional:
                return None
            raise ValidationError(record, field, "must not be empty")
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise ValidationError(record, field, f"{value!r} is not a whole number") from None
        if isinstance(number, bool) or number < 0:
            raise ValidationError(record, field, f"{value!r} is not a whole number of 0 or more")
        return number

    return parse


def as_given(value: object) -> object:
    """No parsing here: the model's own converter reads the value (blank clears)."""
    return None if _blank(value) else value


def as_required(record: str, field: str) -> Parser:
    """A value that may not be cleared (a name)."""

    def parse(value: object) -> object:
        if _blank(value):
            raise ValidationError(record, field, "must not be empty")
        return value

    return parse


# -- the common steps of every edit -------------------------------------------------------------


def check_version(record_name: str, record: Any, expected: int | None) -> None:
    """Refuse to edit a record someone else saved since the editor read it.

    Raises:
        ConcurrentUpdateError: the record's version is not ``expected``.
    """
    if expected is not None and record.version != expected:
        raise ConcurrentUpdateError(
            f"{record_name} #{record.id} is at version {record.version}, not {expected}: "
            "someone changed it since you read it; nothing was written. Reload and try again."
        )


def parse_changes(
    record_name: str,
    changes: Mapping[str, object],
    parsers: Mapping[str, Parser],
    hints: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The changes with each value parsed; unknown fields are refused with what may be
    edited (or the ``hints`` for a field edited elsewhere)."""
    parsed: dict[str, Any] = {}
    for given, value in changes.items():
        field = normalize_token(given).replace("-", "_")
        if field not in parsers:
            reason = (hints or {}).get(field) or (
                "cannot be edited; editable fields: " + ", ".join(sorted(parsers))
            )
            raise ValidationError(record_name, field, reason)
        parsed[field] = parsers[field](value)
    return parsed


def plain(value: Any) -> Any:
    """A field's value as the history and ``--json`` show it."""
    if isinstance(value, list | tuple) and value and isinstance(value[0], model.JobSeeker):
        return sorted(s.code for s in value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(dt.UTC)  # one instant, one spelling
    if isinstance(value, model.Preferences):
        return value.to_dict()
    return jsonable(value)


def snapshot(record: Any, fields: Iterable[str]) -> dict[str, Any]:
    """The plain values of ``fields`` of ``record``."""
    return {field: plain(getattr(record, field)) for field in fields}


def differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[FieldChange, ...]:
    """The fields whose plain values differ, by field name."""
    return tuple(
        FieldChange(field, before.get(field), after.get(field))
        for field in sorted(before.keys() | after.keys())
        if before.get(field) != after.get(field)
    )


def apply(record: Any, values: Mapping[str, Any]) -> None:
    """Set the fields whose value differs (an equal value would still mark the record
    changed and raise its version)."""
    for field, value in values.items():
        if plain(getattr(record, field)) != plain(value):
            setattr(record, field, value)


def validated_copy(record_class: type[R], values: Mapping[str, Any]) -> R:
    """Build (and drop) a record with ``values``: the model's converters, validators and
    cross-field checks run before anything stored is touched.

    Raises:
        ValidationError: a value, or a combination of values, is refused.
    """
    try:
        return record_class(**values)
    except ValidationError:
        raise
    except (TypeError, ValueError) as exc:
        raise ValidationError(record_class.__name__, "value", str(exc)) from None


def scalar_values(record: Any) -> dict[str, Any]:
    """A mapped record's init fields, without its related records (people, job seekers)."""
    return {
        field.name: getattr(record, field.name)
        for field in attrs.fields(type(record))
        if field.init and field.name not in ("people", "seekers")
    }


# -- visits -------------------------------------------------------------------------------------

VISIT_FIELDS = (
    "at",
    "mode",
    "purpose",
    "seekers",
    "seeker_present",
    "outcome",
    "next_step",
    "duration_minutes",
    "person_id",
)
"""What :func:`edit_visit` may change."""

_VISIT_HINTS = {
    "employer_id": "cannot be edited: void the visit and log it at the right employer",
    "specialist_id": "cannot be edited: void the visit and log it for the right specialist",
    "status": "cannot be edited: complete, cancel or void the visit",
}


def _visit_parsers(uow: UnitOfWork, visit: model.Visit) -> dict[str, Parser]:
    specialist = uow.specialists.get(visit.specialist_id)

    def at(value: object) -> dt.datetime:
        if _blank(value):
            raise ValidationError("Visit", "at", "must not be empty")
        if isinstance(value, dt.datetime):
            return value
        return parse_visit_time(str(value), specialist.zone)

    def seekers(value: object) -> list[model.JobSeeker]:
        if _blank(value):
            return []
        items: Sequence[object] = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
        found: dict[int, model.JobSeeker] = {}
        for item in items:
            seeker = lookup.seeker(uow, item)  # type: ignore[arg-type]
            found[seeker.id or 0] = seeker
        return list(found.values())

    def person(value: object) -> int | None:
        if _blank(value):
            return None
        text = str(value).strip().lstrip("#")
        if isinstance(value, model.EmployerPerson):
            text = str(value.id)
        if not text.isdigit():
            raise ValidationError("Visit", "person_id", f"{value!r} is not a person's id")
        found = uow.people.get(int(text))
        if found.employer_id != visit.employer_id:
            raise ValidationError(
                "Visit", "person_id", f"person #{found.id} works at another employer"
            )
        return found.id

    return {
        "at": at,
        "mode": as_required("Visit", "mode"),
        "purpose": as_required("Visit", "purpose"),
        "seekers": seekers,
        "seeker_present": as_bool("Visit", "seeker_present"),
        "outcome": as_given,
        "next_step": as_given,
        "duration_minutes": as_whole("Visit", "duration_minutes", optional=False),
        "person_id": person,
    }


def edit_visit(
    uow: UnitOfWork,
    visit: model.Visit | int | str,
    changes: Mapping[str, object],
    *,
    reason: str | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Correction[model.Visit]:
    """Correct a visit: its time, mode, purpose, job seekers (and whether one came),
    outcome, next step, length or the person met (staged: call ``uow.commit()``).

    Args:
        uow: the unit of work.
        visit: the visit, its id or ``#id``.
        changes: field names (:data:`VISIT_FIELDS`) to new values. ``at`` without a UTC
            offset is read in the specialist's time zone; ``seekers`` is the whole new list
            of job seekers' codes.
        reason: why, kept in the change history.
        expected_version: the version the editor read; a visit saved since is refused.
        now: the current time (for tests).

    Raises:
        NotFoundError: no such visit, job seeker or person.
        ValidationError: a value is refused, the visit is voided, or a visit made would
            be moved into the future.
        ConcurrentUpdateError: the visit is not at ``expected_version``.
    """
    found = lookup.visit(uow, visit)
    check_version("visit", found, expected_version)
    if found.voided:
        raise ValidationError("Visit", "status", f"visit #{found.id} is voided; it stays as it was")
    parsed = parse_changes("Visit", changes, _visit_parsers(uow, found), _VISIT_HINTS)
    values = {**scalar_values(found), **{k: v for k, v in parsed.items() if k != "seekers"}}
    new_seekers = parsed.get("seekers", list(found.seekers))
    candidate = validated_copy(model.Visit, {**values, "seekers": new_seekers})
    current = now or model.utc_now()
    if found.status is VisitStatus.DONE and candidate.at > current + FUTURE_SLACK:
        raise ValidationError(
            "Visit", "at", f"{candidate.at.isoformat()} is in the future; this visit was made"
        )
    before = snapshot(found, VISIT_FIELDS)
    new_values = {f: getattr(candidate, f) for f in parsed if f != "seekers"}
    if "seekers" in parsed:
        new_values["seekers"] = new_seekers
    with uow.explain("edit visit", reason):
        apply(found, new_values)
        uow.flush()
    result = differences(before, snapshot(found, VISIT_FIELDS))
    if result:
        uow.record_event(RecordChanged("visit", found.id or 0, ChangeAction.UPDATED))
    return Correction("visit", found, result)


def void_visit(
    uow: UnitOfWork,
    visit: model.Visit | int | str,
    *,
    reason: str,
    expected_version: int | None = None,
) -> Correction[model.Visit]:
    """Void a visit entered in error (staged: call ``uow.commit()``).

    The visit stays in the record and in its history with the reason, status ``voided``;
    no figure, due list, plan or export counts it any more, and adapters that received it
    get a cancellation at their next export (without the reason).

    Raises:
        NotFoundError: no such visit.
        ValidationError: no reason, or the visit is voided already.
        ConcurrentUpdateError: the visit is not at ``expected_version``.
    """
    found = lookup.visit(uow, visit)
    check_version("visit", found, expected_version)
    fields = ("status", "reason")
    before = snapshot(found, fields)
    with uow.explain("void visit", reason):
        found.void(reason)
        uow.flush()
    assert found.id is not None
    uow.record_event(VisitCancelled(found.id))
    uow.record_event(RecordChanged("visit", found.id, ChangeAction.UPDATED))
    return Correction("visit", found, differences(before, snapshot(found, fields)))


# -- job seekers --------------------------------------------------------------------------------

PREFERENCE_FIELDS = tuple(f.name for f in attrs.fields(model.Preferences))

SEEKER_FIELDS = ("code", "name", "ips_start", *PREFERENCE_FIELDS)
"""What :func:`edit_seeker` may change: the code, name, IPS start and every preference."""

_SEEKER_HINTS = {
    "status": "cannot be edited here: a job start, a job end, or closing and reopening the "
    "job seeker changes it",
    "specialist_id": "cannot be edited here: reassign the job seeker (specialists reassign)",
    "specialist": "cannot be edited here: reassign the job seeker (specialists reassign)",
}


def _seeker_parsers(uow: UnitOfWork, seeker: model.JobSeeker) -> dict[str, Parser]:
    def code(value: object) -> str:
        if _blank(value):
            raise ValidationError("JobSeeker", "code", "must not be empty")
        text = str(value).strip()
        other = uow.seekers.find_by_code(text)
        if other is not None and other.id != seeker.id:
            raise ValidationError("JobSeeker", "code", f"{text!r} is another job seeker's code")
        return text

    parsers: dict[str, Parser] = {
        "code": code,
        "name": as_given,
        "ips_start": as_date("JobSeeker", "ips_start"),
    }
    for field in PREFERENCE_FIELDS:
        parsers[field] = as_given
    parsers["disclosure"] = as_required("Preferences", "disclosure")
    return parsers


def _seeker_snapshot(seeker: model.JobSeeker) -> dict[str, Any]:
    out = snapshot(seeker, ("code", "name", "ips_start"))
    out.update(seeker.preferences.to_dict())
    return out


def edit_seeker(
    uow: UnitOfWork,
    seeker: model.JobSeeker | str,
    changes: Mapping[str, object],
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Correction[model.JobSeeker]:
    """Correct a job seeker: code, name, IPS start, or any preference of the career
    profile (staged: call ``uow.commit()``).

    ``changes`` maps field names (:data:`SEEKER_FIELDS`; preferences by their own names,
    such as ``home_zip`` or ``job_types``) to new values. The status and the specialist
    have their own use cases (a job start or end, closing, :func:`reassign_caseload`).

    Raises:
        NotFoundError: no such job seeker.
        ValidationError: a value is refused, or the code belongs to another job seeker.
        ConcurrentUpdateError: the job seeker is not at ``expected_version``.
    """
    found = lookup.seeker(uow, seeker)
    check_version("job seeker", found, expected_version)
    parsed = parse_changes("JobSeeker", changes, _seeker_parsers(uow, found), _SEEKER_HINTS)
    preference_changes = {k: v for k, v in parsed.items() if k in PREFERENCE_FIELDS}
    own = {k: v for k, v in parsed.items() if k not in PREFERENCE_FIELDS}
    preferences = found.preferences
    if preference_changes:
        preferences = _evolved_preferences(found.preferences, preference_changes)
    candidate = validated_copy(
        model.JobSeeker, {**scalar_values(found), **own, "preferences": preferences}
    )
    before = _seeker_snapshot(found)
    new_values = {field: getattr(candidate, field) for field in own}
    if preferences != found.preferences:
        new_values["preferences"] = preferences
    with uow.explain("edit job seeker", reason):
        apply(found, new_values)
        uow.flush()
    result = differences(before, _seeker_snapshot(found))
    if result:
        uow.record_event(RecordChanged("job-seeker", found.id or 0, ChangeAction.UPDATED))
    return Correction("job-seeker", found, result)


def _evolved_preferences(
    preferences: model.Preferences, changes: Mapping[str, Any]
) -> model.Preferences:
    values = {**{f: getattr(preferences, f) for f in PREFERENCE_FIELDS}, **changes}
    empty = model.Preferences()
    for field, value in changes.items():
        if value is None:
            values[field] = getattr(empty, field)
    return validated_copy(model.Preferences, values)
