"""``ips-jobdev employers``: import the employer list, list employers, show one.

JSON documents (stable: keys are only ever added):

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

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.visits import last_contacts, recent_visits
from ips_jobdev._importing import import_employers
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples
from ips_jobdev.cli._import_command import make_import_command
from ips_jobdev.cli._serialize import employer_to_dict, jsonable
from ips_jobdev.cli.visits import local_time, public_rows, visit_rows, visits_table

__all__ = ["employers_group"]

RECENT_VISITS = 10
"""Visits ``employers show`` lists."""


@click.group("employers")
def employers_group() -> None:
    """Employers: import your list, find them, see each one's people and visits."""


employers_group.add_command(make_import_command("employers", import_employers, "employers.csv"))


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
            columns = ["name", "title", "phone", "email"] + (["visiting windows"] if timed else [])
            people = Table(*columns, title="People")
            for person in found.people:
                cells = [
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
