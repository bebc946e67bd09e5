"""``ips-jobdev specialists``: add employment specialists, list them, see and move caseloads.

JSON documents (stable: keys are only ever added):

- ``specialists list --json``: ``{"specialists": [SPECIALIST + {"caseload": N}, ...]}``
- ``specialists show CODE --json``: ``{"specialist": SPECIALIST, "caseload": {"count": N,
  "by_status": {...}, "job_seekers": [{"code", "name", "status", "ips_start"}, ...]}}``
- ``specialists reassign ... --json``: ``{"from": CODE, "to": CODE, "moved": [CODE, ...],
  "planned_visits_left": N, "visits_moved": [VISIT_ID, ...]}``

where SPECIALIST is :func:`ips_jobdev.cli._serialize.specialist_to_dict`.
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from ips_jobdev._casework.caseload import (
    FULL_FIDELITY_CASELOAD,
    add_specialist,
    caseload_sizes,
    reassign_caseload,
    specialist_caseload,
)
from ips_jobdev._model import JobSeeker
from ips_jobdev.cli._app import (
    App,
    actor_option,
    db_option,
    json_option,
    pass_app,
    program_option,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli._serialize import jsonable, specialist_to_dict

__all__ = ["specialists_group"]


@click.group("specialists")
def specialists_group() -> None:
    """Employment specialists and their caseloads."""


@specialists_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The specialist's name.")
@click.option("--email", help="Work email address.")
@click.option("--office-zip", metavar="ZIP", help="ZIP code of the office visits start from.")
@click.option(
    "--timezone",
    default="America/Chicago",
    show_default=True,
    help="IANA time zone for showing times and calendars.",
)
@click.option(
    "--weekly-target",
    type=click.IntRange(min=0),
    default=6,
    show_default=True,
    help="Face-to-face employer contacts a week to aim for (6 or more is the IPS top score).",
)
@program_option
@db_option
@pass_app
@with_examples(
    'ips-jobdev specialists add ae --name "Alex Example" --office-zip 53704',
    'ips-jobdev specialists add bx --name "Blair Example" --email blair@example.org '
    "--weekly-target 7",
    'ips-jobdev specialists add ce --name "Casey Example" --program dane',
)
def add_command(
    app: App,
    code: str,
    name: str,
    email: str | None,
    office_zip: str | None,
    timezone: str,
    weekly_target: int,
) -> None:
    """Add an employment specialist; CODE is how job seekers and visits refer to them."""
    with app.uow() as uow:
        specialist = add_specialist(
            uow,
            code,
            name,
            email=email,
            office_zip=office_zip,
            timezone=timezone,
            weekly_contact_target=weekly_target,
        )
        uow.commit()
        warn_hook_failures(app, uow)
        app.console.print(f"Added specialist {specialist.code} ({specialist.name}).")


@specialists_group.command("list")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev specialists list", "ips-jobdev specialists list --json")
def list_command(app: App, as_json: bool) -> None:
    """List the specialists with the size of each caseload."""
    with app.uow() as uow:
        sizes = caseload_sizes(uow)
        rows = [
            {**specialist_to_dict(s), "caseload": sizes.get(s.id or 0, 0)}
            for s in uow.specialists.list()
        ]
    if as_json:
        app.print_json({"specialists": rows})
        return
    if not rows:
        app.console.print(
            'No specialists yet. Add one: ips-jobdev specialists add CODE --name "NAME"'
        )
        return
    table = Table("code", "name", "email", "office ZIP", "weekly target", "caseload", "active")
    for row in rows:
        size = row["caseload"]
        table.add_row(
            row["code"],
            row["name"],
            row["email"] or "",
            row["office_zip"] or "",
            str(row["weekly_contact_target"]),
            f"[bold red]{size}[/]" if size > FULL_FIDELITY_CASELOAD else str(size),
            "yes" if row["active"] else "no",
        )
    app.console.print(table)


def _seeker_row(seeker: JobSeeker) -> dict[str, Any]:
    return {
        "code": seeker.code,
        "name": seeker.name,
        "status": seeker.status.value,
        "ips_start": jsonable(seeker.ips_start),
    }


@specialists_group.command("show")
@click.argument("code")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev specialists show ae", "ips-jobdev specialists show ae --json")
def show_command(app: App, code: str, as_json: bool) -> None:
    """Show a specialist and the job seekers on their caseload."""
    with app.uow() as uow:
        found = specialist_caseload(uow, code)
        specialist = specialist_to_dict(found.specialist)
        seekers = [_seeker_row(s) for s in found.seekers]
        by_status = {status.value: n for status, n in sorted(found.by_status().items())}
        count, over = found.count, found.over_full_fidelity
    if as_json:
        app.print_json(
            {
                "specialist": specialist,
                "caseload": {"count": count, "by_status": by_status, "job_seekers": seekers},
            }
        )
        return
    app.console.print(f"[bold]{specialist['name']}[/] ({specialist['code']})")
    details = [
        ("email", specialist["email"]),
        ("office ZIP", specialist["office_zip"]),
        ("time zone", specialist["timezone"]),
        ("weekly target", f"{specialist['weekly_contact_target']} face-to-face employer contacts"),
    ]
    for label, value in details:
        if value:
            app.console.print(f"  {label}: {value}")
    summary = ", ".join(f"{n} {status}" for status, n in by_status.items())
    app.console.print(f"Caseload: {count} job seekers" + (f" ({summary})" if summary else ""))
    if over:
        app.console.print(
            f"[yellow]More than {FULL_FIDELITY_CASELOAD}: the IPS fidelity scale gives its top "
            f"score to caseloads of {FULL_FIDELITY_CASELOAD} or fewer.[/]"
        )
    if seekers:
        table = Table("code", "name", "status", "IPS start")
        for row in seekers:
            table.add_row(row["code"], row["name"] or "", row["status"], row["ips_start"] or "")
        app.console.print(table)


@specialists_group.command("reassign")
@click.argument("from_code", metavar="FROM_CODE")
@click.argument("to_code", metavar="TO_CODE")
@click.option(
    "--seeker",
    "seeker_codes",
    multiple=True,
    metavar="CODE",
    help="Move only this job seeker (repeat for several). Default: the whole caseload.",
)
@click.option(
    "--leave-planned-visits",
    is_flag=True,
    help="Leave the old specialist's planned visits for these job seekers in their diary.",
)
@click.option("--reason", help="Why (kept in the change history).")
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev specialists reassign ae bx",
    "ips-jobdev specialists reassign ae bx --seeker J-1001 --seeker J-1007",
    'ips-jobdev specialists reassign ae bx --leave-planned-visits --reason "ae is on leave"',
)
def reassign_command(
    app: App,
    from_code: str,
    to_code: str,
    seeker_codes: tuple[str, ...],
    leave_planned_visits: bool,
    reason: str | None,
    as_json: bool,
) -> None:
    """Move a caseload (or some job seekers) to another specialist.

    For when a specialist leaves or caseloads are balanced. The old specialist's planned
    visits for the job seekers who move go with them (unless --leave-planned-visits);
    planned visits for no one, or also for job seekers who stay, stay in the old
    specialist's diary and are counted. Visits made stay as they were: each employer's
    history keeps the specialist who made the visit.
    """
    with app.uow() as uow:
        result = reassign_caseload(
            uow,
            from_code,
            to_code,
            seeker_codes=seeker_codes,
            move_planned_visits=not leave_planned_visits,
            reason=reason,
        )
        uow.commit()
        warn_hook_failures(app, uow)
        source, target = result.from_specialist.code, result.to_specialist.code
        moved = result.moved_codes
        visits_moved = [v.id for v in result.visits_moved]
    if as_json:
        app.print_json(
            {
                "from": source,
                "to": target,
                "moved": moved,
                "planned_visits_left": result.planned_visits_left,
                "visits_moved": visits_moved,
            }
        )
        return
    if not moved:
        app.console.print(f"{source} has no job seekers on the caseload; nothing moved.")
    else:
        app.console.print(
            f"Moved {len(moved)} job seeker(s) from {source} to {target}: " + ", ".join(moved)
        )
    if visits_moved:
        app.console.print(
            f"Moved {len(visits_moved)} planned visit(s) for them to {target}: "
            + ", ".join(f"#{i}" for i in visits_moved)
        )
    if result.planned_visits_left:
        app.console.print(
            f"{source} still has {result.planned_visits_left} planned visit(s) in the diary; "
            "employer history stays with the visits."
        )
