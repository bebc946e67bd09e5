"""The people at employers: add the hiring manager met today, correct a phone number.

Job development is built with the person who makes hiring decisions, so the record keeps
who they are and how to reach them. Every change goes to the change history, and plugins
hear of it after the commit.

>>> with ips_jobdev.open_store(actor="specialist:ae") as uow:            # doctest: +SKIP
...     pat = add_person(uow, "Example Bakery", {"name": "Pat Example", "title": "Owner",
...                                              "makes_hiring_decisions": True})
...     edit_person(uow, pat.id, {"phone": "608-555-0143"})
...     uow.commit()
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ips_jobdev import _lookup as lookup
from ips_jobdev import _model as model
from ips_jobdev._casework.corrections import (
    Correction,
    Parser,
    apply,
    as_bool,
    as_given,
    as_required,
    check_version,
    differences,
    parse_changes,
    snapshot,
    validated_copy,
)
from ips_jobdev._events import ChangeAction, RecordChanged
from ips_jobdev.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from ips_jobdev._store import UnitOfWork

__all__ = ["PERSON_FIELDS", "add_person", "edit_person", "find_person"]

PERSON_FIELDS = ("name", "title", "phone", "email", "makes_hiring_decisions", "notes")
"""What :func:`add_person` takes and :func:`edit_person` may change."""

_HINTS = {"employer_id": "cannot be edited: add the person at the other employer"}


def _parsers() -> dict[str, Parser]:
    parsers: dict[str, Parser] = dict.fromkeys(PERSON_FIELDS, as_given)
    parsers["name"] = as_required("EmployerPerson", "name")
    parsers["makes_hiring_decisions"] = as_bool("EmployerPerson", "makes_hiring_decisions")
    return parsers


def find_person(
    uow: UnitOfWork, reference: model.EmployerPerson | int | str
) -> model.EmployerPerson:
    """A person at an employer given as a record, an id or ``#id``.

    Raises:
        NotFoundError: no such person.
    """
    if isinstance(reference, model.EmployerPerson):
        return reference
    text = str(reference).strip().lstrip("#")
    if not text.isdigit():
        raise NotFoundError("person", reference)
    return uow.people.get(int(text))


def add_person(
    uow: UnitOfWork,
    employer: model.Employer | int | str,
    fields: Mapping[str, object],
) -> model.EmployerPerson:
    """Add someone who works at an employer (staged: call ``uow.commit()``).

    ``fields`` maps :data:`PERSON_FIELDS` to values; ``name`` is required.

    Raises:
        NotFoundError: no such employer.
        ValidationError: a value is refused, or someone of that name is already recorded
            there (edit that person instead).
    """
    place = lookup.employer(uow, employer)
    parsed = parse_changes("EmployerPerson", fields, _parsers(), _HINTS)
    if "name" not in parsed:
        raise ValidationError("EmployerPerson", "name", "must not be empty")
    person = validated_copy(model.EmployerPerson, parsed)
    for other in place.people:
        if other.name.casefold() == person.name.casefold():
            raise ValidationError(
                "EmployerPerson",
                "name",
                f"{person.name!r} is already person #{other.id} at {place.name}; edit them",
            )
    with uow.explain("add person"):
        place.add_person(person)
        uow.flush()
    assert person.id is not None
    uow.record_event(RecordChanged("person", person.id, ChangeAction.CREATED))
    return person


def edit_person(
    uow: UnitOfWork,
    person: model.EmployerPerson | int | str,
    changes: Mapping[str, object],
    *,
    reason: str | None = None,
    expected_version: int | None = None,
) -> Correction[model.EmployerPerson]:
    """Correct a person's details (staged: call ``uow.commit()``).

    Raises:
        NotFoundError: no such person.
        ValidationError: a value is refused.
        ConcurrentUpdateError: the person is not at ``expected_version``.
    """
    found = find_person(uow, person)
    check_version("person", found, expected_version)
    parsed = parse_changes("EmployerPerson", changes, _parsers(), _HINTS)
    current = {field: getattr(found, field) for field in PERSON_FIELDS}
    candidate = validated_copy(model.EmployerPerson, {**current, **parsed})
    before = snapshot(found, PERSON_FIELDS)
    with uow.explain("edit person", reason):
        apply(found, {field: getattr(candidate, field) for field in parsed})
        uow.flush()
    result = differences(before, snapshot(found, PERSON_FIELDS))
    if result:
        uow.record_event(RecordChanged("person", found.id or 0, ChangeAction.UPDATED))
    return Correction("person", found, result)
