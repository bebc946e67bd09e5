"""``ips-jobdev audit``: who viewed, exported or changed what, and when.

JSON documents (stable: keys are only ever added):

- ``audit --json``: ``{"program": CODE|null, "from": TIME, "to": TIME, "seeker": CODE|null,
  "events": [{"at", "actor", "action", "kind", "record_id", "program", "origin",
  "detail"}, ...]}``; ``action`` is ``view``, ``export``, ``grant``, ``sign-in`` or
  ``change:created|updated|deleted``.
- ``audit --summary --json``: ``{"from", "to", "counts": [{"program", "action", "kind",
  "count"}, ...]}`` (no actor, no record: what a state reviewer may see).
"""

from __future__ import annotations

import datetime as dt

import click
from rich.table import Table

from ips_jobdev._casework.audit import audit_summary, audit_trail
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, program_option, with_examples

__all__ = ["audit_command"]


@click.command("audit")
@click.option("--from", "since", type=click.DateTime(["%Y-%m-%d"]), help="First day (UTC).")
@click.option("--to", "until", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC), included.")
@click.option("--seeker", metavar="CODE", help="Only this job seeker's record, notes and jobs.")
@click.option("--summary", is_flag=True, help="Counts only, no names (for state reviewers).")
@program_option
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev audit --program dane --from 2026-11-01 --to 2026-11-30 --seeker P-2001",
    "ips-jobdev audit --program dane --from 2026-11-01 --json",
    "ips-jobdev audit --summary --from 2026-10-01 --to 2026-12-31 --json",
)
def audit_command(
    app: App,
    since: dt.datetime | None,
    until: dt.datetime | None,
    seeker: str | None,
    summary: bool,
    as_json: bool,
) -> None:
    """Who looked at a person's record, exported or changed what, and when (the audit trail).

    --program names the program (and on PostgreSQL scopes what can be seen to it).
    """
    first = since.date() if since else None
    last = until.date() if until else None
    with app.uow() as uow:
        if summary:
            counts = audit_summary(uow, since=first, until=last)
            trail = None
        else:
            trail = audit_trail(uow, program=app.program, since=first, until=last, seeker=seeker)
    if summary:
        if as_json:
            app.print_json(
                {
                    "from": first,
                    "to": last,
                    "counts": [
                        {"program": c.program, "action": c.action, "kind": c.kind, "count": c.count}
                        for c in counts
                    ],
                }
            )
            return
        table = Table("program", "action", "kind", "count")
        for c in counts:
            table.add_row(c.program or "-", c.action, c.kind, str(c.count))
        app.console.print(table)
        return
    assert trail is not None
    if as_json:
        app.print_json(
            {
                "program": trail.program,
                "from": trail.since,
                "to": trail.until,
                "seeker": trail.seeker,
                "events": [
                    {
                        "at": e.at,
                        "actor": e.actor,
                        "action": e.action,
                        "kind": e.kind,
                        "record_id": e.record_id,
                        "program": e.program,
                        "origin": e.origin,
                        "detail": e.detail,
                    }
                    for e in trail.events
                ],
            }
        )
        return
    if not trail.events:
        app.console.print("Nothing in the audit trail for that period.")
        return
    table = Table("when (UTC)", "who", "action", "record", "program", "from")
    for e in trail.events:
        record = f"{e.kind} #{e.record_id}" if e.record_id is not None else e.kind
        table.add_row(
            e.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
            e.actor,
            e.action,
            record,
            e.program or "-",
            e.origin or "",
        )
    app.console.print(table)
