"""``ips-jobdev visits``: log, complete, cancel, edit, void, import and list employer
contacts.

Times are shown in the specialist's time zone; JSON carries ISO 8601 times in UTC.

JSON documents (stable: keys are only ever added):

- ``visits list --json``: ``{"visits": [VISIT, ...], "count": N}`` (voided visits only
  with ``--status voided``)
- ``visits log|complete|cancel --json``: ``{"visit": VISIT}``
- ``visits edit|void --json``: ``{"visit": VISIT, "changes": [CHANGE, ...]}`` where
  CHANGE is ``{"field", "before", "after"}`` (plain JSON values)
- ``visits import --json``: the import report (docs/reference/csv-import.md)

where VISIT is :func:`ips_jobdev.cli._serialize.visit_to_dict`, with the employer's name and
the specialist's code.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev import _model as model
from ips_jobdev._casework.corrections import Correction, edit_visit, void_visit
from ips_jobdev._casework.visits import cancel_visit, complete_visit, employer_names, log_visit
from ips_jobdev._importing import import_visits
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import ContactMode, VisitPurpose, VisitStatus, parse_choice
from ips_jobdev.cli._app import (
    App,
    actor_option,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli._changes import print_changes
from ips_jobdev.cli._import_command import make_import_command
from ips_jobdev.cli._serialize import visit_to_dict
from ips_jobdev.errors import ValidationError

__all__ = [
    "local_time",
    "public_rows",
    "visit_rows",
    "visits_group",
    "visits_table",
]


@click.group("visits")
def visits_group() -> None:
    """Employer contacts: log them, complete or cancel planned ones, correct or void
    wrong entries, import, list."""


visits_group.add_command(make_import_command("visits", import_visits, "visits.csv"))


def local_time(at: dt.datetime, zone: str | None, *, weekday: bool = True) -> str:
    """``Mon 2026-03-02 10:00 CST``: a time in the specialist's zone (UTC without one)."""
    tz: dt.tzinfo = zoneinfo.ZoneInfo(zone) if zone else dt.UTC
    return at.astimezone(tz).strftime(("%a " if weekday else "") + "%Y-%m-%d %H:%M %Z")


def visit_rows(uow: UnitOfWork, visits: Sequence[model.Visit]) -> list[dict[str, Any]]:
    """Visits as JSON documents, with the employer's name and specialist's code (and zone)."""
    specialists = {s.id: s for s in uow.specialists.list()}
    names = employer_names(uow, {v.employer_id for v in visits})
    rows = []
    for visit in visits:
        specialist = specialists.get(visit.specialist_id)
        row = visit_to_dict(
            visit,
            employer_name=names.get(visit.employer_id),
            specialist_code=specialist.code if specialist else None,
        )
        row["at"] = visit.at.astimezone(dt.UTC).isoformat()  # UTC, as when read back
        row["_zone"] = specialist.timezone if specialist else None
        rows.append(row)
    return rows


def public_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The rows without their display-only keys (``_zone``): the JSON documents."""
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]


def visits_table(rows: Sequence[Mapping[str, Any]], title: str | None = None) -> Table:
    """A rich table of visit rows (from :func:`visit_rows`), times in each specialist's zone.

    The contact column gives the purpose, then the mode when it was not in person and the
    status when the visit is not done (``follow-up, phone, planned``).
    """
    table = Table(title=title)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("employer", ratio=3)
    table.add_column("by", no_wrap=True)
    table.add_column("contact", ratio=3, overflow="fold")
    table.add_column("for", ratio=2)
    for row in rows:
        at = dt.datetime.fromisoformat(row["at"])
        contact = [row["purpose"]]
        if not row["face_to_face"]:
            contact.append(row["mode"])
        if row["status"] != "done":
            contact.append(row["status"])
        table.add_row(
            str(row["id"]),
            local_time(at, row.get("_zone"), weekday=False),
            escape(row["employer"] or f"#{row['employer_id']}"),
            escape(row["specialist"] or ""),
            ", ".join(contact),
            escape(", ".join(row["seekers"])) + (" (came)" if row["seeker_present"] else ""),
        )
    return table


def _print_visit(app: App, uow: UnitOfWork, visit: model.Visit, verb: str, as_json: bool) -> None:
    row = visit_rows(uow, [visit])[0]
    if as_json:
        app.print_json({"visit": public_rows([row])[0]})
        return
    when = local_time(visit.at, row["_zone"])
    app.console.print(
        f"{verb} visit #{visit.id}: {row['purpose']} at {escape(row['employer'] or '')}, "
        f"{when} ({row['mode']}, {row['status']})",
        soft_wrap=True,
    )


@visits_group.command("log")
@click.argument("employer", metavar="EMPLOYER")
@click.option("--specialist", "-s", required=True, metavar="CODE", help="Who made the contact.")
@click.option(
    "--at",
    metavar="ISO",
    help="When (ISO 8601, e.g. 2026-03-02T10:00); without an offset, in the specialist's "
    "time zone. Default: now.",
)
@click.option(
    "--mode",
    type=click.Choice([m.value for m in ContactMode]),
    default=ContactMode.IN_PERSON.value,
    show_default=True,
    help="How the contact was made (only in-person counts as face-to-face).",
)
@click.option(
    "--purpose",
    default=VisitPurpose.INTRODUCE.value,
    show_default=True,
    metavar="PURPOSE",
    help="introduce, learn-business, follow-up, present-job-seeker, job-analysis, support, other.",
)
@click.option(
    "--seeker",
    "seekers",
    multiple=True,
    metavar="CODE",
    help="A job seeker the contact was for (repeat for several).",
)
@click.option("--seeker-present", is_flag=True, help="The job seeker came along.")
@click.option(
    "--by-job-seeker",
    is_flag=True,
    help="The job seeker made this contact alone (name them with --seeker): it counts for "
    "their rapid job search, not toward the specialist's weekly contacts.",
)
@click.option("--outcome", help="What came of it.")
@click.option("--next-step", help="What to do next.")
@click.option("--planned", is_flag=True, help="Plan the visit instead of recording one made.")
@click.option(
    "--duration", type=click.IntRange(min=0), default=30, show_default=True, help="Minutes."
)
@click.option(
    "--override",
    is_flag=True,
    help="Record it although the employer asked not to be contacted (give --reason).",
)
@click.option("--reason", help="Why do-not-contact is overridden (kept in the change history).")
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev visits log "Example Bakery" --specialist ae --purpose introduce',
    "ips-jobdev visits log EX-0042 -s ae --at 2026-03-02T10:00 --purpose learn-business "
    "--seeker J-1001 --seeker-present",
    'ips-jobdev visits log "#12" -s ae --at 2026-03-09T14:30 --purpose follow-up --planned',
    'ips-jobdev visits log "#7" -s ae --override --reason "owner called us back to come in"',
    "ips-jobdev visits log EX-0042 -s ae --seeker J-1001 --by-job-seeker --at 2026-03-03T09:00",
)
def log_command(
    app: App,
    employer: str,
    specialist: str,
    at: str | None,
    mode: str,
    purpose: str,
    seekers: tuple[str, ...],
    seeker_present: bool,
    by_job_seeker: bool,
    outcome: str | None,
    next_step: str | None,
    planned: bool,
    duration: int,
    override: bool,
    reason: str | None,
    as_json: bool,
) -> None:
    """Record an employer contact made (or, with --planned, plan one).

    EMPLOYER is an external id, a name, or #ID. An employer who asked not to be
    contacted is refused unless --override and --reason are given.
    """
    with app.uow(specialist=specialist) as uow:
        visit = log_visit(
            uow,
            employer,
            specialist,
            at=at,
            mode=mode,
            purpose=purpose,
            seekers=seekers,
            seeker_present=seeker_present,
            outcome=outcome,
            next_step=next_step,
            planned=planned,
            duration_minutes=duration,
            override_do_not_contact=override,
            reason=reason,
            made_by="job-seeker" if by_job_seeker else "specialist",
        )
        uow.commit()
        _print_visit(app, uow, visit, "Planned" if planned else "Logged", as_json)
        warn_hook_failures(app, uow)


@visits_group.command("complete")
@click.argument("visit_id", metavar="VISIT_ID")
@click.option("--outcome", help="What came of it.")
@click.option("--next-step", help="What to do next.")
@db_option
@actor_option
@json_option
@pass_app
@with_examples('ips-jobdev visits complete 42 --outcome "Met the owner; come back Tuesday"')
def complete_command(
    app: App, visit_id: str, outcome: str | None, next_step: str | None, as_json: bool
) -> None:
    """Mark a planned visit as made."""
    with app.uow() as uow:
        visit = complete_visit(uow, visit_id, outcome=outcome, next_step=next_step)
        uow.commit()
        _print_visit(app, uow, visit, "Completed", as_json)
        warn_hook_failures(app, uow)


@visits_group.command("cancel")
@click.argument("visit_id", metavar="VISIT_ID")
@click.option("--reason", help="Why it was called off.")
@db_option
@actor_option
@json_option
@pass_app
@with_examples('ips-jobdev visits cancel 42 --reason "Owner away this week"')
def cancel_command(app: App, visit_id: str, reason: str | None, as_json: bool) -> None:
    """Call off a planned visit."""
    with app.uow() as uow:
        visit = cancel_visit(uow, visit_id, reason=reason)
        uow.commit()
        _print_visit(app, uow, visit, "Cancelled", as_json)
        warn_hook_failures(app, uow)


def _print_correction(
    app: App, uow: UnitOfWork, correction: Correction[model.Visit], verb: str, as_json: bool
) -> None:
    row = visit_rows(uow, [correction.record])[0]
    if as_json:
        app.print_json({"visit": public_rows([row])[0], "changes": correction.changes_to_dicts()})
        return
    when = local_time(correction.record.at, row["_zone"])
    print_changes(
        app,
        f"{verb} visit #{correction.record.id} ({escape(row['employer'] or '')}, {when})",
        correction.changes,
    )


@visits_group.command("edit")
@click.argument("visit_id", metavar="VISIT_ID")
@click.option(
    "--at",
    metavar="ISO",
    help="When it was (or is planned); without an offset, in the specialist's time zone.",
)
@click.option("--mode", type=click.Choice([m.value for m in ContactMode]), help="How.")
@click.option("--purpose", metavar="PURPOSE", help="Why (see visits log --help).")
@click.option(
    "--seeker",
    "seekers",
    multiple=True,
    metavar="CODE",
    help="The job seekers it was for: the whole new list (repeat for several).",
)
@click.option("--no-seekers", is_flag=True, help="It was a general contact, for no one.")
@click.option(
    "--seeker-present/--seeker-absent", default=None, help="Whether a job seeker came along."
)
@click.option("--outcome", help="What came of it (an empty value clears it).")
@click.option("--next-step", help="What to do next (an empty value clears it).")
@click.option("--duration", type=click.IntRange(min=0), help="Minutes.")
@click.option("--person", metavar="ID", help="The person met there (#ID; empty clears).")
@click.option("--reason", help="Why the visit is corrected (kept in the change history).")
@click.option(
    "--version",
    "expected_version",
    type=int,
    metavar="N",
    help="Refuse the edit if the visit changed since you read it at version N.",
)
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev visits edit 40 --purpose learn-business --reason "it was the second visit"',
    "ips-jobdev visits edit 40 --at 2026-03-02T14:00 --seeker J-1001 --seeker-present",
    "ips-jobdev visits edit 40 --mode phone --json",
)
def edit_command(
    app: App,
    visit_id: str,
    at: str | None,
    mode: str | None,
    purpose: str | None,
    seekers: tuple[str, ...],
    no_seekers: bool,
    seeker_present: bool | None,
    outcome: str | None,
    next_step: str | None,
    duration: int | None,
    person: str | None,
    reason: str | None,
    expected_version: int | None,
    as_json: bool,
) -> None:
    """Correct a visit: time, mode, purpose, job seekers, outcome, next step.

    Only the options given change. Every change is kept in the change history
    (ips-jobdev history visit ID). A voided visit cannot be edited.
    """
    given: dict[str, object] = {
        "at": at,
        "mode": mode,
        "purpose": purpose,
        "seeker_present": seeker_present,
        "outcome": outcome,
        "next_step": next_step,
        "duration_minutes": duration,
        "person_id": person,
    }
    changes = {field: value for field, value in given.items() if value is not None}
    if seekers and no_seekers:
        raise ValidationError("visits edit", "seeker", "give --seeker or --no-seekers, not both")
    if seekers or no_seekers:
        changes["seekers"] = list(seekers)
    if not changes:
        raise ValidationError("visits edit", "options", "nothing to change; see --help")
    with app.uow() as uow:
        correction = edit_visit(
            uow, visit_id, changes, reason=reason, expected_version=expected_version
        )
        uow.commit()
        _print_correction(app, uow, correction, "Corrected", as_json)
        warn_hook_failures(app, uow)


@visits_group.command("void")
@click.argument("visit_id", metavar="VISIT_ID")
@click.option("--reason", required=True, help="Why it is voided (kept in the change history).")
@click.option(
    "--version",
    "expected_version",
    type=int,
    metavar="N",
    help="Refuse if the visit changed since you read it at version N.",
)
@db_option
@actor_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev visits void 41 --reason "logged twice; the real visit is 40"',
    'ips-jobdev visits void 41 --reason "wrong employer" --json',
)
def void_command(
    app: App, visit_id: str, reason: str, expected_version: int | None, as_json: bool
) -> None:
    """Void a visit entered in error.

    The visit stays in the record and in its history, with the reason; no figure, due
    list, plan or export counts it any more, and adapters that received it get a
    cancellation at their next export. To call off a planned visit, use visits cancel.
    """
    with app.uow() as uow:
        correction = void_visit(uow, visit_id, reason=reason, expected_version=expected_version)
        uow.commit()
        _print_correction(app, uow, correction, "Voided", as_json)
        warn_hook_failures(app, uow)


def _day_start(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


@visits_group.command("list")
@click.option("--specialist", "-s", metavar="CODE", help="Only this specialist's visits.")
@click.option("--employer", "-e", metavar="EMPLOYER", help="Only visits to this employer.")
@click.option(
    "--from", "from_day", type=click.DateTime(["%Y-%m-%d"]), help="From this day (YYYY-MM-DD)."
)
@click.option("--to", "to_day", type=click.DateTime(["%Y-%m-%d"]), help="Up to this day, included.")
@click.option(
    "--status",
    type=click.Choice([s.value for s in VisitStatus]),
    help="planned, done, cancelled, voided (voided visits are listed only when asked for).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many visits.")
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev visits list --specialist ae --from 2026-03-01 --to 2026-03-31",
    'ips-jobdev visits list --employer "Example Bakery" --json',
    "ips-jobdev visits list --status planned",
)
def list_command(
    app: App,
    specialist: str | None,
    employer: str | None,
    from_day: dt.datetime | None,
    to_day: dt.datetime | None,
    status: str | None,
    limit: int | None,
    as_json: bool,
) -> None:
    """List visits, oldest first. Days are read in the specialist's time zone (with
    --specialist), else in this computer's."""
    with app.uow() as uow:
        found_specialist = uow.specialists.by_code(specialist) if specialist else None
        found_employer = uow.employers.lookup(employer) if employer else None
        zone: dt.tzinfo = (
            found_specialist.zone if found_specialist else dt.datetime.now().astimezone().tzinfo
        ) or dt.UTC
        start = _day_start(from_day.date(), zone) if from_day else None
        end = _day_start(to_day.date() + dt.timedelta(days=1), zone) if to_day else None
        if start is not None and end is not None and end <= start:
            raise ValidationError("visits list", "to", "--to is before --from")
        visits = uow.visits.between(
            start,
            end,
            specialist_id=found_specialist.id if found_specialist else None,
            employer_id=found_employer.id if found_employer else None,
            status=parse_choice(VisitStatus, status, record="visits", field="status")
            if status
            else None,
            limit=limit,
            exclude_status=VisitStatus.VOIDED if status is None else None,
        )
        rows = visit_rows(uow, visits)
    if as_json:
        app.print_json({"visits": public_rows(rows), "count": len(rows)})
        return
    if not rows:
        app.console.print("No visits match.")
        return
    app.console.print(visits_table(rows))
    app.console.print(f"{len(rows)} visit(s)")
