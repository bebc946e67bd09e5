"""``ips-jobdev seekers``: import job seekers with their preferences, list them, show one.

JSON documents (stable: keys are only ever added):

- ``seekers list --json``: ``{"seekers": [SEEKER, ...], "count": N}``
- ``seekers show CODE --json``: ``{"seeker": SEEKER, "recent_visits": [VISIT, ...]}``
  (newest first)
- ``seekers import --json``: the import report (docs/reference/csv-import.md)

where SEEKER is :func:`ips_jobdev.cli._serialize.seeker_to_dict` (team use only: it holds the
disclosure choice) and VISIT :func:`ips_jobdev.cli._serialize.visit_to_dict`.
"""

from __future__ import annotations

import datetime as dt

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.status import close_seeker, reopen_seeker
from ips_jobdev._casework.visits import recent_visits
from ips_jobdev._importing import import_seekers
from ips_jobdev._vocab import JobSeekerStatus, parse_choice
from ips_jobdev.cli._app import (
    App,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli._import_command import make_import_command
from ips_jobdev.cli._serialize import seeker_to_dict
from ips_jobdev.cli.visits import public_rows, visit_rows, visits_table

__all__ = ["seekers_group"]

RECENT_VISITS = 10
"""Visits ``seekers show`` lists."""


@click.group("seekers")
def seekers_group() -> None:
    """Job seekers: import them with their preferences, list them, see one, close and
    reopen them."""


seekers_group.add_command(make_import_command("seekers", import_seekers, "seekers.csv"))


@seekers_group.command("list")
@click.option("--specialist", "-s", metavar="CODE", help="Only this specialist's job seekers.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in JobSeekerStatus]),
    help="Only job seekers with this status.",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev seekers list --specialist ae",
    "ips-jobdev seekers list --status searching --json",
)
def list_command(app: App, specialist: str | None, status: str | None, as_json: bool) -> None:
    """List job seekers by code."""
    with app.uow() as uow:
        found = uow.specialists.by_code(specialist) if specialist else None
        codes = {s.id: s.code for s in uow.specialists.list()}
        wanted = (
            parse_choice(JobSeekerStatus, status, record="seekers", field="status")
            if status
            else None
        )
        seekers = [
            s
            for s in uow.seekers.list()
            if (found is None or s.specialist_id == found.id)
            and (wanted is None or s.status is wanted)
        ]
        rows = [seeker_to_dict(s, specialist_code=codes.get(s.specialist_id)) for s in seekers]
        if as_json:
            app.print_json({"seekers": rows, "count": len(rows)})
            return
        if not rows:
            app.console.print("No job seekers match. Import them: ips-jobdev seekers import FILE")
            return
        table = Table("code", "name", "specialist", "IPS start", "status", "wants")
        for row in rows:
            wants = row["preferences"]["job_types"] or row["preferences"]["industries"]
            table.add_row(
                escape(row["code"]),
                escape(row["name"] or ""),
                escape(row["specialist"] or ""),
                row["ips_start"] or "",
                row["status"],
                escape(", ".join(wants)),
            )
        app.console.print(table)
        app.console.print(f"{len(rows)} job seeker(s)")


@seekers_group.command("show")
@click.argument("code")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev seekers show J-1001", "ips-jobdev seekers show J-1001 --json")
def show_command(app: App, code: str, as_json: bool) -> None:
    """Show a job seeker: specialist, IPS start, preferences, and recent visits for them."""
    with app.uow() as uow:
        seeker = uow.seekers.by_code(code)
        specialist = (
            uow.specialists.get(seeker.specialist_id) if seeker.specialist_id is not None else None
        )
        document = seeker_to_dict(seeker, specialist_code=specialist.code if specialist else None)
        recent = visit_rows(uow, recent_visits(uow, seeker_id=seeker.id, limit=RECENT_VISITS))
        if as_json:
            app.print_json({"seeker": document, "recent_visits": public_rows(recent)})
            return
        console = app.console
        console.print(
            f"[bold]{escape(seeker.display_name)}[/] ({escape(seeker.code)}), {seeker.status.value}"
        )
        if specialist is not None:
            console.print(f"  specialist: {escape(specialist.name)} ({escape(specialist.code)})")
        if seeker.ips_start is not None:
            console.print(f"  IPS start: {seeker.ips_start.isoformat()}")
        preferences = document["preferences"]
        if seeker.preferences.is_empty:
            console.print("  preferences: none recorded yet")
        for field, value in preferences.items():
            if value in (None, [], ""):
                continue
            text = ", ".join(value) if isinstance(value, list) else str(value)
            console.print(f"  {field.replace('_', ' ')}: {escape(text)}", soft_wrap=True)
        if recent:
            console.print(visits_table(recent, title="Recent employer contacts for them"))
        else:
            console.print("No employer contacts for them yet.")


_ON = click.option(
    "--on",
    "on_day",
    type=click.DateTime(["%Y-%m-%d"]),
    required=True,
    help="The day it took effect (reports for earlier periods keep the job seeker).",
)


def _status_changed(app: App, document: dict[str, object], verb: str, as_json: bool) -> None:
    if as_json:
        app.print_json({"seeker": document})
        return
    app.console.print(f"{verb} {escape(str(document['code']))}: {document['status']}.")


@seekers_group.command("close")
@click.argument("code")
@_ON
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev seekers close J-1001 --on 2026-10-15")
def close_command(app: App, code: str, on_day: dt.datetime, as_json: bool) -> None:
    """Close a job seeker from a day: they count as served in every period before it."""
    with app.uow() as uow:
        seeker = close_seeker(uow, code, on=on_day.date())
        uow.commit()
        warn_hook_failures(app, uow)
        document = seeker_to_dict(seeker)
    _status_changed(app, document, f"Closed on {on_day:%Y-%m-%d}", as_json)


@seekers_group.command("reopen")
@click.argument("code")
@_ON
@click.option(
    "--status",
    type=click.Choice([s.value for s in JobSeekerStatus if s is not JobSeekerStatus.CLOSED]),
    default=JobSeekerStatus.SEARCHING.value,
    show_default=True,
    help="The status they come back with.",
)
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev seekers reopen J-1001 --on 2026-11-02")
def reopen_command(app: App, code: str, on_day: dt.datetime, status: str, as_json: bool) -> None:
    """Reopen a closed job seeker from a day (looking for work, unless --status says)."""
    with app.uow() as uow:
        seeker = reopen_seeker(uow, code, on=on_day.date(), status=status)
        uow.commit()
        warn_hook_failures(app, uow)
        document = seeker_to_dict(seeker)
    _status_changed(app, document, f"Reopened on {on_day:%Y-%m-%d}", as_json)
