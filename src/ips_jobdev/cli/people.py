"""``ips-jobdev people``: the people at employers (hiring managers, owners): add, correct.

JSON documents (stable: keys are only ever added):

- ``people add --json``: ``{"person": PERSON}``
- ``people edit --json``: ``{"person": PERSON, "changes": [CHANGE, ...]}`` where CHANGE is
  ``{"field", "before", "after"}``

where PERSON is :func:`ips_jobdev.cli._serialize.person_to_dict` with ``employer_id``,
``notes`` and ``version``.
"""

from __future__ import annotations

from typing import Any

import click
from rich.markup import escape

from ips_jobdev import _model as model
from ips_jobdev._casework.people import PERSON_FIELDS, add_person, edit_person
from ips_jobdev.cli._app import (
    App,
    actor_option,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli._changes import correction_options, print_changes, requested_changes
from ips_jobdev.cli._serialize import person_to_dict

__all__ = ["people_group"]


@click.group("people")
def people_group() -> None:
    """The people at employers: add the person met, correct their details.

    ips-jobdev employers show EMPLOYER lists them with their ids.
    """


def _document(person: model.EmployerPerson) -> dict[str, Any]:
    return {
        **person_to_dict(person),
        "employer_id": person.employer_id,
        "notes": person.notes,
        "version": person.version,
    }


def _person_options(function: Any) -> Any:
    decorated = click.option(
        "--hiring/--not-hiring",
        "makes_hiring_decisions",
        default=None,
        help="Whether they make hiring decisions.",
    )(function)
    for field, option, text in reversed(
        [
            ("title", "--title", "Their job title (Owner, Hiring manager...)."),
            ("phone", "--phone", "Phone number (608-555-0143, x12 for an extension)."),
            ("email", "--email", "Email address."),
            ("notes", "--notes", "Notes (when to reach them, how they like to be contacted)."),
        ]
    ):
        decorated = click.option(option, field, metavar="VALUE", help=text)(decorated)
    return decorated


@people_group.command("add")
@click.argument("employer", metavar="EMPLOYER")
@click.option("--name", required=True, help="Their name.")
@_person_options
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev people add "Example Bakery" --name "Pat Example" --title Owner --hiring',
    'ips-jobdev people add "#12" --name "Lee Example" --phone 608-555-0143 --email '
    "lee@example.org --json",
)
def add_command(app: App, /, employer: str, as_json: bool, **fields: Any) -> None:
    """Add someone who works at EMPLOYER (an external id, a name, or #ID)."""
    given = {field: value for field, value in fields.items() if value is not None}
    with app.uow() as uow:
        person = add_person(uow, employer, given)
        uow.commit()
        document = _document(person)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"person": document})
        return
    app.console.print(
        f"Added person #{document['id']} {escape(document['name'])} at employer "
        f"#{document['employer_id']}.",
        soft_wrap=True,
    )


@people_group.command("edit")
@click.argument("person", metavar="PERSON_ID")
@click.option("--name", help="Their name.")
@_person_options
@correction_options(
    "person", [f for f in PERSON_FIELDS if f not in ("name", "makes_hiring_decisions")]
)
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev people edit 7 --phone 608-555-0144",
    'ips-jobdev people edit "#7" --title "Store manager" --clear email --json',
)
def edit_command(
    app: App,
    /,
    person: str,
    clear: tuple[str, ...],
    reason: str | None,
    expected_version: int | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """Correct a person's details; only the options given change."""
    changes = requested_changes("people edit", fields, clear)
    with app.uow() as uow:
        correction = edit_person(
            uow, person, changes, reason=reason, expected_version=expected_version
        )
        uow.commit()
        document = _document(correction.record)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"person": document, "changes": correction.changes_to_dicts()})
        return
    print_changes(
        app, f"Corrected person #{document['id']} {escape(document['name'])}", correction.changes
    )
