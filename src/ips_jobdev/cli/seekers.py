"""``ips-jobdev seekers``: import job seekers with their preferences, list them, show one,
correct one.

JSON documents (stable: keys are only ever added):

- ``seekers edit CODE --json``: ``{"seeker": SEEKER, "changes": [CHANGE, ...]}`` where
  CHANGE is ``{"field", "before", "after"}`` (preferences by their own names)

- ``seekers list --json``: ``{"seekers": [SEEKER, ...], "count": N}``
- ``seekers show CODE --json``: ``{"seeker": SEEKER, "recent_visits": [VISIT, ...]}``
  (newest first)
- ``seekers import --json``: the import report (docs/reference/csv-import.md)

where SEEKER is :func:`ips_jobdev.cli._serialize.seeker_to_dict` (team use only: it holds the
disclosure choice) and VISIT :func:`ips_jobdev.cli._serialize.visit_to_dict`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.corrections import SEEKER_FIELDS, edit_seeker
from ips_jobdev._casework.status import close_seeker, reopen_seeker
from ips_jobdev._casework.visits import recent_visits
from ips_jobdev._importing import import_seekers
from ips_jobdev._vocab import Disclosure, JobSeekerStatus, Transport, parse_choice
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
from ips_jobdev.cli._serialize import seeker_to_dict
from ips_jobdev.cli.visits import public_rows, visit_rows, visits_table

__all__ = ["seekers_group"]

RECENT_VISITS = 10
"""Visits ``seekers show`` lists."""


@click.group("seekers")
def seekers_group() -> None:
    """Job seekers: import them with their preferences, list them, see one, correct one,
    close and reopen them."""


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
        seeker = uow.seekers.by_code(code)  # the unit of work records the view
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


_OPTIONS: list[tuple[str, str, str]] = [
    ("new_code", "--code", "A new program code (it must not be another job seeker's)."),
    ("name", "--name", "Name (optional: store the least)."),
    ("ips_start", "--ips-start", "The day IPS started (YYYY-MM-DD): the 30-day clock."),
    ("job_types", "--job-types", "Job types wanted, separated by ';'."),
    ("industries", "--industries", "Industries wanted, separated by ';'."),
    ("avoid", "--avoid", "Industries, job types or employers to avoid, separated by ';'."),
    ("hours_min", "--hours-min", "Fewest hours a week wanted."),
    ("hours_max", "--hours-max", "Most hours a week wanted."),
    ("shifts", "--shifts", "Shifts wanted, separated by ';'."),
    ("home_zip", "--home-zip", "Home ZIP code."),
    ("max_miles", "--max-miles", "How far they will travel, in miles."),
    ("wage_min", "--wage-min", "Lowest acceptable hourly wage, in dollars."),
    ("work_setting", "--work-setting", "Preferred work setting."),
    ("benefits_hours_cap", "--benefits-hours-cap", "Most hours a week before benefits change."),
    ("strengths", "--strengths", "Strengths, separated by ';'."),
]


def _seeker_options(function: Any) -> Any:
    decorated = click.option(
        "--disclosure",
        type=click.Choice([d.value for d in Disclosure]),
        help="Their choice about telling employers.",
    )(function)
    decorated = click.option(
        "--transport",
        type=click.Choice([t.value for t in Transport]),
        help="How they travel to work.",
    )(decorated)
    for field, option, text in reversed(_OPTIONS):
        decorated = click.option(option, field, metavar="VALUE", help=text)(decorated)
    return decorated


@seekers_group.command("edit")
@click.argument("code")
@_seeker_options
@correction_options("job seeker", [f for f in SEEKER_FIELDS if f not in ("code", "disclosure")])
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev seekers edit J-1001 --ips-start 2026-02-16 --reason "typo in the date"',
    'ips-jobdev seekers edit J-1001 --job-types "warehouse; stocking" --home-zip 53713',
    "ips-jobdev seekers edit J-1001 --disclosure not-disclose --clear benefits_hours_cap --json",
)
def edit_command(
    app: App,
    /,
    code: str,
    clear: tuple[str, ...],
    reason: str | None,
    expected_version: int | None,
    as_json: bool,
    **fields: Any,
) -> None:
    """Correct a job seeker: code, name, IPS start, or preferences; only the options given
    change.

    Every change, with the values before and after, is kept in the change history
    (ips-jobdev history seeker CODE), which never leaves the team. The specialist changes
    with specialists reassign.
    """
    changes = requested_changes("seekers edit", fields, clear)
    if "new_code" in changes:
        changes["code"] = changes.pop("new_code")
    with app.uow() as uow:
        correction = edit_seeker(
            uow, code, changes, reason=reason, expected_version=expected_version
        )
        uow.commit()
        seeker = correction.record
        specialist = (
            uow.specialists.get(seeker.specialist_id) if seeker.specialist_id is not None else None
        )
        document = seeker_to_dict(seeker, specialist_code=specialist.code if specialist else None)
        warn_hook_failures(app, uow)
    if as_json:
        app.print_json({"seeker": document, "changes": correction.changes_to_dicts()})
        return
    print_changes(app, f"Corrected job seeker {escape(document['code'])}", correction.changes)


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
