"""``ips-jobdev history KIND RECORD``: who changed a record, when, from what to what.

JSON document (stable: keys are only ever added; see docs/reference/cli.md, "The change
history"):

``{"record": {"kind", "id", "label", "exists", "merged_ids"}, "entries": [ENTRY, ...],
"count": N}`` where ENTRY is ``{"id", "at", "actor", "kind", "record_id", "action",
"version", "operation", "reason", "batch", "changes": [{"field", "before", "after"}, ...]}``
(:meth:`ips_jobdev.HistoryEntry.to_dict`), oldest first.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.history import (
    HISTORY_KINDS,
    HistoryEntry,
    RecordHistory,
    record_history,
)
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples
from ips_jobdev.cli._changes import shown

__all__ = ["history_command"]


@click.command("history")
@click.argument("kind", type=click.Choice(sorted(HISTORY_KINDS)), metavar="KIND")
@click.argument("record", metavar="RECORD")
@click.option("--limit", type=click.IntRange(min=1), help="Only the last N changes.")
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev history employer "#12"',
    "ips-jobdev history visit 40",
    "ips-jobdev history seeker J-1001 --json",
)
def history_command(app: App, kind: str, record: str, limit: int | None, as_json: bool) -> None:
    """Show the change history of one record: who changed what, when, before and after.

    KIND is employer, person, seeker, specialist, visit, opening, fit-note, job-start or
    goal. RECORD is what names it: an employer's #ID, external id or name; a job seeker's
    or specialist's code; otherwise the id. An employer's history includes the records
    merged into it; a record deleted since is found by its #ID. The history of a job
    seeker holds their details: it is for the team only.
    """
    with app.uow() as uow:
        found = record_history(uow, kind, record, limit=limit)
    if as_json:
        app.print_json(found.to_dict())
        return
    _print(app, found)


def _print(app: App, found: RecordHistory) -> None:
    label = f" {found.label}" if found.label else ""
    notes = []
    if not found.exists:
        notes.append("no longer stored")
    if found.merged_ids:
        notes.append("with " + ", ".join(f"#{i}" for i in found.merged_ids) + " merged into it")
    suffix = f" ({'; '.join(notes)})" if notes else ""
    app.console.print(f"[bold]{found.kind} #{found.record_id}{escape(label)}[/]{suffix}")
    if not found.entries:
        app.console.print("No changes recorded (the history starts when it was first written).")
        return
    zone = dt.datetime.now().astimezone().tzinfo
    table = Table("when", "who", "what", "field", "before", "after")
    for entry in found.entries:
        what = entry.action
        if entry.operation:
            what += f" ({entry.operation})"
        if entry.record_id != found.record_id:
            what += f" #{entry.record_id}"
        if entry.reason:
            what += f": {entry.reason}"
        changes = _shown_changes(entry)
        first = [
            entry.changed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            escape(entry.actor),
            escape(what),
        ]
        if not changes:
            table.add_row(*first, "", "", "")
        for index, (field, before, after) in enumerate(changes):
            cells = first if index == 0 else ["", "", ""]
            table.add_row(*cells, field, escape(shown(before)), escape(shown(after)))
    app.console.print(table)
    app.console.print(f"{len(found.entries)} change(s)")


def _shown_changes(entry: HistoryEntry) -> list[tuple[str, Any, Any]]:
    """What a row shows: every changed field of an update; the values a record was created
    with; of a deletion, its name and the notes added (``merged_into``). ``--json`` has all."""
    changes = entry.changes()
    if entry.action == "updated":
        return changes
    if entry.action == "deleted":
        return [c for c in changes if c[2] is not None or c[0] in ("name", "code", "title")]
    return [c for c in changes if c[1] not in (None, "", []) or c[2] not in (None, "", [])]
