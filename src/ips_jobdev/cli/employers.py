"""``ips-jobdev employers``: import the employer list, list employers, show one; add,
correct and merge employers.

JSON documents (stable: keys are only ever added):

- ``employers add --json``: ``{"employer": EMPLOYER}``
- ``employers edit --json``: ``{"employer": EMPLOYER, "changes": [CHANGE, ...]}`` where
  CHANGE is ``{"field", "before", "after"}``
- ``employers merge --json``: ``{"employer": EMPLOYER (the one kept), "merged": {"id",
  "name"}, "moved": {"people", "visits", "openings", "fit_notes", "job_starts",
  "sync_records"}, "people_combined": [NAME, ...], "filled": [FIELD, ...]}``

- ``employers list --json``: ``{"employers": [EMPLOYER + {"last_contact": ISO or null}],
  "count": N}`` (EMPLOYER without ``people``)
- ``employers show EMPLOYER --json``: ``{"employer": EMPLOYER (with people),
  "last_contact": VISIT or null, "recent_visits": [VISIT, ...]}`` (newest first)
- ``employers import --json``: the import report (docs/reference/csv-import.md)

where EMPLOYER is :func:`ips_jobdev.cli._serialize.employer_to_dict` and VISIT
:func:`ips_jobdev.cli._serialize.visit_to_dict`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.employers import (
    EMPLOYER_FIELDS,
    add_employer,
    edit_employer,
    merge_employers,
)
from ips_jobdev._casework.visits import last_contacts, recent_visits
from ips_jobdev._importing import import_employers
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
from ips_jobdev.cli._import_command import make_import_command
from ips_jobdev.cli._serialize import employer_to_dict, jsonable
from ips_jobdev.cli.employer_windows import windows_command
from ips_jobdev.cli.visits import local_time, public_rows, visit_rows, visits_table

__all__ = ["employers_group"]

RECENT_VISITS = 10
"""Visits ``employers show`` lists."""


F = TypeVar("F", bound=Callable[..., Any])


@click.group("employers")
def employers_group() -> None:
    """Employers: import your list, find them, see each one's people and visits; add,
    correct and merge them."""


employers_group.add_command(make_import_command("employers", import_employers, "employers.csv"))
employers_group.add_command(windows_command)


@employers_group.command("list")
@click.option("--zip", "zip_code", metavar="ZIP", help="Only employers in this ZIP code.")
@click.option("--industry", metavar="NAME", help="Only employers in this industry.")
@click.option("--search", metavar="TEXT", help="Only employers whose name contains TEXT.")
@click.option(
    "--limit", type=click.IntRange(min=1), default=100, show_default=True, help="At most N."
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev employers list --zip 53704",
    'ips-jobdev employers list --industry "food service" --search bakery --json',
)
def list_command(
    app: App,
    zip_code: str | None,
    industry: str | None,
    search: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """List employers by name, with when each was last contacted."""
    with app.uow() as uow:
        employers = uow.employers.search(
            text=search, zip_code=zip_code, industry=industry, limit=limit
        )
        last = last_contacts(uow, [e.id for e in employers if e.id is not None])
        rows = [
            {**employer_to_dict(e, people=False), "last_contact": jsonable(last.get(e.id or 0))}
            for e in employers
        ]
        if as_json:
            app.print_json({"employers": rows, "count": len(rows)})
            return
        if not rows:
            app.console.print("No employers match. Import a list: ips-jobdev employers import FILE")
            return
        table = Table("id", "name", "industry", "city", "ZIP", "phone", "job types", "last contact")
        for e in employers:
            contacted = last.get(e.id or 0)
            table.add_row(
                str(e.id),
                escape(e.name) + (" [red](do not contact)[/]" if e.do_not_contact else ""),
                escape(e.industry or ""),
                escape(e.city or ""),
                e.zip or "",
                e.phone.national if e.phone else "",
                escape(", ".join(e.job_types)),
                contacted.date().isoformat() if contacted else "never",
            )
        app.console.print(table)
        app.console.print(
            f"{len(rows)} employer(s)" + (f" (limit {limit})" if len(rows) == limit else "")
        )


@employers_group.command("show")
@click.argument("employer", metavar="EMPLOYER")
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev employers show "Example Bakery"',
    "ips-jobdev employers show EX-0042 --json",
    'ips-jobdev employers show "#12"',
)
def show_command(app: App, employer: str, as_json: bool) -> None:
    """Show an employer: details, the people there, the last contact and recent visits.

    EMPLOYER is an external id, a name, or #ID.
    """
    with app.uow() as uow:
        found = uow.employers.lookup(employer)
        document = employer_to_dict(found)
        recent = visit_rows(uow, recent_visits(uow, employer_id=found.id, limit=RECENT_VISITS))
        last = uow.visits.last_contact(found.id) if found.id is not None else None
        last_row = visit_rows(uow, [last])[0] if last is not None else None
        if as_json:
            app.print_json(
                {
                    "employer": document,
                    "last_contact": public_rows([last_row])[0] if last_row else None,
                    "recent_visits": public_rows(recent),
                }
            )
            return
        console = app.console
        console.print(f"[bold]{escape(found.name)}[/] (#{found.id})", soft_wrap=True)
        if found.do_not_contact:
            console.print("[bold red]Do not contact.[/]")
        details = [
            ("external id", found.external_id),
            ("industry", found.industry),
            ("job types", ", ".join(found.job_types)),
            ("address", found.address),
            ("phone", found.phone.national if found.phone else None),
            ("website", found.website),
            ("shifts", ", ".join(found.shifts)),
            ("wages", _wages(document)),
            ("bus", None if found.bus_access is None else ("yes" if found.bus_access else "no")),
            ("notes", found.notes),
            ("visiting windows", str(found.visiting_windows)),
        ]
        for label, value in details:
            if value:
                console.print(f"  {label}: {escape(str(value))}", soft_wrap=True)
        if found.people:
            timed = any(p.visiting_windows for p in found.people)
            columns = ["id", "name", "title", "phone", "email"]
            people = Table(*columns, *(["visiting windows"] if timed else []), title="People")
            for person in found.people:
                cells = [
                    str(person.id),
                    escape(person.name),
                    escape(person.title or ""),
                    person.phone.national if person.phone else "",
                    escape(person.email or ""),
                ]
                people.add_row(*cells, *([escape(str(person.visiting_windows))] if timed else []))
            console.print(people)
        if last_row is not None:
            when = local_time(dt.datetime.fromisoformat(last_row["at"]), last_row["_zone"])
            console.print(
                f"Last contact: {when}, {last_row['purpose']} by "
                f"{escape(last_row['specialist'] or '')} ({last_row['mode']})"
                + (f": {escape(last_row['outcome'])}" if last_row["outcome"] else ""),
                soft_wrap=True,
            )
        else:
            console.print("Last contact: never")
        if recent:
            console.print(visits_table(recent, title="Recent visits"))


def _wages(document: dict[str, object]) -> str | None:
    low, high = document["wage_min"], document["wage_max"]
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return f"${low}-${high} an hour"
    return f"from ${low} an hour" if low is not None else f"up to ${high} an hour"


# -- adding and correcting ------------------------------------------------------------------

_TEXT_OPTIONS: list[tuple[str, str, str]] = [
    ("external_id", "--external-id", "Your own id for the employer (unique)."),
    ("industry", "--industry", "Industry, such as 'food service'."),
    ("job_types", "--job-types", "Job types it has, separated by ';' ('baker; counter')."),
    ("street", "--street", "Street address."),
    ("city", "--city", "City."),
    ("state", "--state", "State (two letters)."),
    ("zip", "--zip", "ZIP code (5 digits or ZIP+4)."),
    ("latitude", "--latitude", "Latitude, when the ZIP's centre is not close enough."),
    ("longitude", "--longitude", "Longitude."),
    ("phone", "--phone", "Phone number (608-555-0101, x12 for an extension)."),
    ("website", "--website", "Website."),
    ("size", "--size", "Number of employees."),
    ("shifts", "--shifts", "Shifts offered, separated by ';' (day, evening, night, weekend)."),
    ("hours_note", "--hours-note", "Hours, and when to visit ('quiet 2-4 pm')."),
    ("wage_min", "--wage-min", "Lowest hourly wage, in dollars."),
    ("wage_max", "--wage-max", "Highest hourly wage, in dollars."),
    ("notes", "--notes", "Notes."),
]


def _employer_options(function: F) -> F:
    """The employer's fields as options (each optional; only the ones given are used)."""
    decorated: Any = function
    decorated = click.option(
        "--do-not-contact/--contact-ok",
        "do_not_contact",
        default=None,
        help="The employer asked not to be contacted (or no longer).",
    )(decorated)
    decorated = click.option(
        "--bus/--no-bus", "bus_access", default=None, help="Reachable by bus."
    )(decorated)
    for field, option, text in reversed(_TEXT_OPTIONS):
        decorated = click.option(option, field, metavar="VALUE", help=text)(decorated)
    return decorated  # type: ignore[no-any-return]


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {field: value for field, value in fields.items() if value is not None}


@employers_group.command("add")
@click.argument("name")
@_employer_options
@click.option(
    "--allow-duplicate",
    is_flag=True,
    help="Add it even though an employer of that name is stored in the same ZIP.",
)
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev employers add "Example Bakery" --zip 53703 --phone 608-555-0101 '
    '--industry "food service" --job-types "baker; counter"',
    'ips-jobdev employers add "Example Print Shop" --street "12 Example Ave" --city Madison '
    "--state WI --zip 53704 --json",
)
def add_command(
    app: App, /, name: str, allow_duplicate: bool, as_json: bool, **fields: Any
) -> None:
    """Add an employer (one met today, or missing from the imported list).

    An employer with the same name in the same ZIP is refused as a duplicate: edit that one
    instead, or give --allow-duplicate for a separate business of the same name.
    """
    with app.uow() as uow:
        employer = add_employer(uow, name, _given(fields), allow_duplicate=allow_duplicate)
        uow.commit()
        document = employer_to_dict(employer)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"employer": document})
        return
    app.console.print(
        f"Added employer #{document['id']} {escape(document['name'])}.", soft_wrap=True
    )


@employers_group.command("edit")
@click.argument("employer", metavar="EMPLOYER")
@click.option("--name", help="The business's name.")
@_employer_options
@correction_options("employer", [f for f in EMPLOYER_FIELDS if f not in ("name", "do_not_contact")])
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev employers edit "Example Bakery" --phone 608-555-0199',
    'ips-jobdev employers edit "#12" --do-not-contact --reason "owner asked us not to come"',
    "ips-jobdev employers edit EX-0042 --clear website --zip 53704 --json",
)
def edit_command(
    app: App,
    /,
    employer: str,
    clear: tuple[str, ...],
    reason: str | None,
    expected_version: int | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """Correct an employer's details; only the options given change.

    EMPLOYER is an external id, a name, or #ID. A new ZIP without new coordinates clears
    the stored latitude and longitude. Every change is kept in the change history
    (ips-jobdev history employer EMPLOYER).
    """
    changes = requested_changes("employers edit", fields, clear)
    with app.uow() as uow:
        correction = edit_employer(
            uow, employer, changes, reason=reason, expected_version=expected_version
        )
        uow.commit()
        document = employer_to_dict(correction.record)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"employer": document, "changes": correction.changes_to_dicts()})
        return
    print_changes(
        app, f"Corrected employer #{document['id']} {escape(document['name'])}", correction.changes
    )


@employers_group.command("merge")
@click.argument("keep", metavar="KEEP")
@click.argument("merge", metavar="MERGE")
@click.option("--reason", help="Why (kept in the change history).")
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev employers merge "#12" "#40" --reason "same bakery, entered twice"',
    'ips-jobdev employers merge EX-0042 "Example Bakery, Inc." --json',
)
def merge_command(app: App, keep: str, merge: str, reason: str | None, as_json: bool) -> None:
    """Merge employer MERGE into KEEP: two records of the same business become one.

    MERGE's people, visits, openings, job-fit notes and jobs move to KEEP (a person of the
    same name is combined); KEEP's values win and its empty fields take MERGE's; then
    MERGE is deleted. Both histories stay (ips-jobdev history employer KEEP shows them).
    Adapters: at the next export KEEP takes over MERGE's remote record where KEEP was never
    sent, and MERGE's remote record is deleted where both were.
    """
    with app.uow() as uow:
        result = merge_employers(uow, keep, merge, reason=reason)
        uow.commit()
        document = employer_to_dict(result.employer)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"employer": document, **result.to_dict()})
        return
    moved = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in result.moved.items() if n)
    app.console.print(
        f"Merged employer #{result.merged_id} {escape(result.merged_name)} into "
        f"#{document['id']} {escape(document['name'])}"
        + (f"; moved {moved}" if moved else "")
        + ".",
        soft_wrap=True,
    )
    if result.people_combined:
        app.console.print(
            "Combined people of the same name: " + escape(", ".join(result.people_combined)),
            soft_wrap=True,
        )
    if result.filled:
        app.console.print("Filled from the merged record: " + ", ".join(result.filled))
