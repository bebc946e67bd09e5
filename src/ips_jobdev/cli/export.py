"""``ips-jobdev export ADAPTER``: send what changed to a calendar, file or CRM."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
from rich.table import Table

from ips_jobdev._jsonable import jsonable
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


_TABLE_ROWS = 1000
"""Above this many records, ``--verbose`` prints plain lines rather than a table."""


def _listed(app: App, report: ExportReport) -> None:
    """Every record that changed or failed (``--verbose``)."""
    shown = (
        i
        for i in report.items
        if i.change is not ChangeKind.UNCHANGED or i.outcome is Outcome.FAILED
    )
    if len(report.items) <= _TABLE_ROWS:
        rows = list(shown)
        if not rows:
            return
        table = Table(show_lines=False)
        for column in ("record", "change", "outcome", "what", "reason"):
            table.add_column(column)
        for item in rows:
            outcome = item.outcome.value if item.outcome is not None else "-"
            table.add_row(item.key, item.change.value, outcome, item.summary, item.reason or "")
        app.console.print(table)
        return
    for item in shown:
        outcome = item.outcome.value if item.outcome is not None else "-"
        reason = f"  {item.reason}" if item.reason else ""
        click.echo(f"{item.key}  {item.change.value}  {outcome}  {item.summary}{reason}")


def _failures(app: App, report: ExportReport, *, verbose: bool) -> None:
    """The failures on standard error: each one with --verbose, else a summary by reason."""
    if verbose:
        for item in report.items:
            if item.outcome is Outcome.FAILED:
                app.err_console.print(
                    f"Failed: {item.key}: {item.reason}", markup=False, soft_wrap=True
                )
        return
    reasons = report.failure_reasons
    if report.failed <= len(report.first_failures) and len(reasons) > 1:
        for item in report.first_failures:
            app.err_console.print(
                f"Failed: {item.key}: {item.reason}", markup=False, soft_wrap=True
            )
        return
    first_keys: dict[str, list[str]] = {}
    for item in report.first_failures:
        first_keys.setdefault(item.reason or "", []).append(item.key)
    for reason, count in reasons[:3]:
        keys = first_keys.get(reason, [])
        example = f" (first: {', '.join(keys)})" if keys else ""
        what = reason or "other reasons"
        app.err_console.print(
            f"Failed: {count} record(s): {what}{example}", markup=False, soft_wrap=True
        )
    if len(reasons) > 3:
        rest = sum(count for _, count in reasons[3:])
        app.err_console.print(
            f"Failed: {rest} more record(s) for other reasons.", markup=False, soft_wrap=True
        )
    app.err_console.print(
        "Every failed record is sent again next time; --verbose (or --json) lists each one.",
        markup=False,
        soft_wrap=True,
    )


def _print_json(report: ExportReport) -> None:
    """The export's JSON document, the same text ``App.print_json`` writes, with its items
    written one at a time (a whole state's export has a million)."""
    text = json.dumps(jsonable(report.to_dict(items=False)), indent=2, ensure_ascii=False)
    before, after = text.split('"items": []')
    click.echo(before + '"items": [', nl=False)
    separator = "\n"
    for item in report.items:
        one = json.dumps(jsonable(item.to_dict()), indent=2, ensure_ascii=False)
        click.echo(separator + "\n".join("    " + line for line in one.split("\n")), nl=False)
        separator = ",\n"
    click.echo(("]" if separator == "\n" else "\n  ]") + after)


_PREVIEW_ENTRIES = 5
"""Without ``--verbose``, a dry run shows this many of the adapter's preview entries..."""
_PREVIEW_ITEMS = 2
"""...with lists cut to this many items..."""
_PREVIEW_CHARS = 300
"""...and texts to this many characters."""


def _shortened(value: object) -> object:
    """``value`` with long lists and texts cut, each cut saying how much was left out."""
    if isinstance(value, dict):
        return {key: _shortened(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        kept: list[object] = [_shortened(item) for item in value[:_PREVIEW_ITEMS]]
        if len(value) > _PREVIEW_ITEMS:
            kept.append(f"... and {len(value) - _PREVIEW_ITEMS} more")
        return kept
    if isinstance(value, str) and len(value) > _PREVIEW_CHARS:
        return f"{value[:_PREVIEW_CHARS]}... and {len(value) - _PREVIEW_CHARS} more characters"
    return value


def _preview(app: App, report: ExportReport, *, verbose: bool) -> None:
    """A dry run's preview: whole with ``--verbose``, else the first entries, shortened."""
    if verbose:
        for entry in report.preview:
            app.console.print(entry, markup=False, soft_wrap=True)
        return
    if not report.preview:
        return
    for entry in report.preview[:_PREVIEW_ENTRIES]:
        app.console.print(_shortened(entry), markup=False, soft_wrap=True)
    app.console.print(
        f"Preview: {len(report.preview)} request(s) or file(s), shortened; "
        "--verbose shows them whole.",
        markup=False,
        soft_wrap=True,
    )


def _render(app: App, report: ExportReport, *, verbose: bool) -> None:
    heading = "Would send" if report.dry_run else "Sent"
    app.console.print(
        f"{report.adapter} -> {report.target} (audience {report.audience.value})",
        markup=False,
        soft_wrap=True,
    )
    if report.dry_run and report.options:
        options = ", ".join(f"{k}={v}" for k, v in report.options.items() if v is not None)
        app.console.print(f"Options: {options}", markup=False, soft_wrap=True)
    if verbose:
        _listed(app, report)
    counts = ", ".join(f"{n} {what}" for what, n in sorted(report.counts.items())) or "nothing"
    app.console.print(f"{heading}: {report.sent} change(s). Records: {counts}.", soft_wrap=True)
    _preview(app, report, verbose=verbose)
    for note in report.notes:
        app.err_console.print(f"Note: {note}", markup=False, soft_wrap=True)


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
@click.option(
    "--force",
    is_flag=True,
    help="Replace an existing file that ips-jobdev did not write (file adapters).",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="List every record sent or failed (and a dry run's preview), not only the counts.",
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
    force: bool,
    verbose: bool,
    as_json: bool,
) -> None:
    """Export what changed since the last export to ADAPTER (ics, csv, json, or a plugin's).

    Exports are repeatable: the database remembers what each adapter and target received,
    so an unchanged record is not sent again, an edited visit is sent as an update and a
    cancelled visit is cancelled there; only records that changed are even read. Records
    are redacted for the adapter's audience first. Options may also come from the
    environment variables the adapter declares (secret ones, such as tokens, are never
    printed); they and the target are checked before anything is read. Files are written
    whole (mode 0600); one that ips-jobdev did not write is replaced only with --force.

    Prints the counts and a summary of failures (--verbose: every record). Exits 1 when a
    record failed; the next export sends it again.
    """
    given = _parse_options(options)
    if out is not None:
        given["out"] = str(out)
    if force:
        given["force"] = "yes"
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
        _print_json(report)
    else:
        _render(app, report, verbose=verbose)
    if not report.ok:
        _failures(app, report, verbose=verbose)
        raise SystemExit(1)
