"""``ips-jobdev export ADAPTER``: send what changed to a calendar, file or CRM."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from rich.table import Table

from ips_jobdev._sync.export import ExportReport, export
from ips_jobdev.adapters._base import ChangeKind, Outcome
from ips_jobdev.cli._app import App, command_error, db_option, json_option, pass_app, with_examples
from ips_jobdev.privacy import PrivacySettings, SeekerLabel

__all__ = ["export_command"]


def _parse_options(pairs: tuple[str, ...]) -> dict[str, str]:
    options: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise command_error(f"--option {pair.split('=')[0]!r}: write it as name=value")
        options[name.strip().replace("-", "_")] = value
    return options


def _parse_since(text: str | None) -> dt.date | dt.datetime | None:
    if text is None:
        return None
    try:
        if "T" in text or " " in text.strip():
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise command_error(f"--since {text!r}: give a time zone offset, or only a date")
            return moment
        return dt.date.fromisoformat(text)
    except ValueError:
        raise command_error(f"--since {text!r} is not a date (YYYY-MM-DD)") from None


def _render(app: App, report: ExportReport) -> None:
    heading = "Would send" if report.dry_run else "Sent"
    app.console.print(f"{report.adapter} -> {report.target} (audience {report.audience.value})")
    if report.dry_run and report.options:
        options = ", ".join(f"{k}={v}" for k, v in report.options.items() if v is not None)
        app.console.print(f"Options: {options}")
    shown = [
        i
        for i in report.items
        if i.change is not ChangeKind.UNCHANGED or i.outcome is Outcome.FAILED
    ]
    if shown:
        table = Table(show_lines=False)
        for column in ("record", "change", "outcome", "what", "reason"):
            table.add_column(column)
        for item in shown:
            outcome = item.outcome.value if item.outcome is not None else "-"
            table.add_row(item.key, item.change.value, outcome, item.summary, item.reason or "")
        app.console.print(table)
    counts = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "nothing"
    app.console.print(f"{heading}: {report.sent} change(s). Records: {counts}.")
    for entry in report.preview:
        app.console.print(entry, markup=False)
    for note in report.notes:
        app.err_console.print(f"Note: {note}")


@click.command("export")
@click.argument("adapter")
@click.option("--specialist", "-s", metavar="CODE", help="Only this specialist's visits.")
@click.option("--since", metavar="DATE", help="Only visits on or after this date (YYYY-MM-DD).")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and save nothing.")
@click.option(
    "--out",
    type=click.Path(dir_okay=True, path_type=Path),
    help="File or folder for file adapters (the same as --option out=PATH).",
)
@click.option(
    "--option",
    "-o",
    "options",
    multiple=True,
    metavar="NAME=VALUE",
    help="An adapter option (repeatable); see `ips-jobdev plugins` for each adapter's.",
)
@click.option(
    "--show-seekers",
    type=click.Choice([s.value for s in SeekerLabel]),
    default=SeekerLabel.CODE.value,
    show_default=True,
    help="On a personal calendar, show job seekers by program code, initials or name.",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev export ics --specialist ab --out ~/visits-ab.ics",
    "ips-jobdev export csv --out county-export/ --dry-run",
    "ips-jobdev export caldav -o url=https://cal.example.org/dav/ab/ -o username=ab",
)
def export_command(
    app: App,
    adapter: str,
    specialist: str | None,
    since: str | None,
    dry_run: bool,
    out: Path | None,
    options: tuple[str, ...],
    show_seekers: str,
    as_json: bool,
) -> None:
    """Export what changed since the last export to ADAPTER (ics, csv, json, or a plugin's).

    Exports are repeatable: the database remembers what each adapter and target received,
    so an unchanged record is not sent again, an edited visit is sent as an update and a
    cancelled visit is cancelled there. Records are redacted for the adapter's audience
    first. Options may also come from the environment variables the adapter declares
    (secret ones, such as tokens, are never printed). Exits 1 when a record failed; the
    next export sends it again.
    """
    given = _parse_options(options)
    if out is not None:
        given["out"] = str(out)
    settings = PrivacySettings(seeker_label=SeekerLabel(show_seekers))
    with app.uow() as uow:
        report = export(
            uow,
            adapter,
            specialist=specialist,
            since=_parse_since(since),
            dry_run=dry_run,
            options=given,
            privacy_settings=settings,
        )
    if as_json:
        app.print_json(report.to_dict())
    else:
        _render(app, report)
    if not report.ok:
        for item in report.failures:
            app.err_console.print(f"Failed: {item.key}: {item.reason}", markup=False)
        raise SystemExit(1)
