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

import datetime as dt
from typing import Any

import click
from rich.table import Table

from ips_jobdev._casework.caseload import (
    FULL_FIDELITY_CASELOAD,
    add_specialist,
    caseload_sizes,
    edit_specialist,
    reassign_caseload,
    record_leave,
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


DAY = click.DateTime(["%Y-%m-%d"])
FTE = click.FloatRange(min=0, max=1, min_open=True)


@click.group("specialists")
def specialists_group() -> None:
    """Employment specialists and their caseloads."""


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


@specialists_group.command("edit")
@click.argument("code")
@click.option("--name", help="The specialist's name.")
@click.option("--email", help="Work email address.")
@click.option("--office-zip", metavar="ZIP", help="ZIP code of the office visits start from.")
@click.option("--weekly-target", type=click.IntRange(min=0), help="Contacts a week to aim for.")
@click.option("--active/--inactive", default=None, help="Whether they take new job seekers.")
@click.option(
    "--started",
    type=DAY,
    help="First day employed; after an employment that ended, a return from that day.",
)
@click.option("--ended", type=DAY, help="Last day employed.")
@click.option("--fte", type=FTE, help="Full-time share (0.5 for half time).")
@click.option(
    "--fte-from",
    type=DAY,
    help="The day the new --fte takes effect (earlier periods keep their share). Without "
    "it, --fte corrects the current period.",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev specialists edit cy --fte 0.8 --fte-from 2026-10-01",
    "ips-jobdev specialists edit ae --ended 2026-11-30 --inactive",
    "ips-jobdev specialists edit ae --started 2026-08-03",
)
def edit_command(
    app: App,
    code: str,
    name: str | None,
    email: str | None,
    office_zip: str | None,
    weekly_target: int | None,
    active: bool | None,
    started: dt.datetime | None,
    ended: dt.datetime | None,
    fte: float | None,
    fte_from: dt.datetime | None,
    as_json: bool,
) -> None:
    """Change a specialist's details or employment (start, end, full-time share)."""
    with app.uow() as uow:
        specialist = edit_specialist(
            uow,
            code,
            name=name,
            email=email,
            office_zip=office_zip,
            weekly_contact_target=weekly_target,
            active=active,
            started=_day(started),
            ended=_day(ended),
            fte=fte,
            fte_from=_day(fte_from),
        )
        uow.commit()
        warn_hook_failures(app, uow)
        document = specialist_to_dict(specialist)
    if as_json:
        app.print_json({"specialist": document})
        return
    app.console.print(f"Changed specialist {document['code']} ({document['name']}).")
    for period in document["employment"]:
        app.console.print(
            f"  employed {period['started'] or 'from the start'} to {period['ended'] or 'now'}, "
            f"full-time share {period['fte']}"
        )


@specialists_group.command("leave")
@click.argument("code")
@click.option("--from", "first_day", type=DAY, required=True, help="First day away.")
@click.option("--to", "last_day", type=DAY, required=True, help="Last day away, included.")
@click.option("--note", help="What kind of leave (optional).")
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev specialists leave ae --from 2026-08-10 --to 2026-08-21",
    'ips-jobdev specialists leave ae --from 2026-12-24 --to 2026-12-31 --note "holidays"',
)
def leave_command(
    app: App,
    code: str,
    first_day: dt.datetime,
    last_day: dt.datetime,
    note: str | None,
    as_json: bool,
) -> None:
    """Record days a specialist was away: the fidelity report leaves their work days out of
    the weeks they worked (a Monday-to-Friday leave is one week)."""
    with app.uow() as uow:
        specialist = record_leave(
            uow, code, first_day=first_day.date(), last_day=last_day.date(), note=note
        )
        uow.commit()
        warn_hook_failures(app, uow)
        document = specialist_to_dict(specialist)
    if as_json:
        app.print_json({"specialist": document})
        return
    app.console.print(
        f"Recorded leave for {document['code']}: {first_day:%Y-%m-%d} to {last_day:%Y-%m-%d}."
    )


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
@click.option("--started", type=DAY, help="First day employed (default: not recorded).")
@click.option("--fte", type=FTE, help="Full-time share: 1 full time (the default), 0.5 half time.")
@program_option
@db_option
@pass_app
@with_examples(
    'ips-jobdev specialists add ae --name "Alex Example" --office-zip 53704',
    'ips-jobdev specialists add bx --name "Blair Example" --email blair@example.org '
    "--weekly-target 7",
    'ips-jobdev specialists add cy --name "Casey Example" --started 2026-08-03 --fte 0.5',
    'ips-jobdev specialists add dx --name "Dana Example" --program dane',
)
def add_command(
    app: App,
    code: str,
    name: str,
    email: str | None,
    office_zip: str | None,
    timezone: str,
    weekly_target: int,
    started: dt.datetime | None,
    fte: float | None,
) -> None:
    """Add an employment specialist; CODE is how job seekers and visits refer to them.

    --started and --fte record their employment: the fidelity report rates each
    specialist over the weeks they worked and counts caseloads per full-time specialist.
    """
    with app.uow() as uow:
        specialist = add_specialist(
            uow,
            code,
            name,
            email=email,
            office_zip=office_zip,
            timezone=timezone,
            weekly_contact_target=weekly_target,
            started=started.date() if started else None,
            fte=fte,
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
