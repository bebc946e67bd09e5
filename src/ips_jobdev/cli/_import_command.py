"""The ``import FILE`` command that ``employers``, ``seekers`` and ``visits`` share.

Exit codes: 0 when the import did what was asked (everything, or with ``--partial`` the good
rows); 1 when rows were rejected and therefore nothing was written (or, with
``--dry-run``, would be), or the file could not be read at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ips_jobdev._importing import DuplicatePolicy, ImportReport
from ips_jobdev.cli._app import (
    App,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)

__all__ = ["make_import_command"]

ImportFunction = Callable[..., ImportReport]

PROGRESS_THRESHOLD = 2000
"""Show a progress bar from this many steps on (a step is a row checked or written)."""
SHOWN_REJECTIONS = 20
"""Rejections listed on screen; all of them are in --json and the --rejects file."""
SHOWN_PLUGIN_FAILURES = 5
"""Plugin failures listed on standard error (a plugin that is down fails once per record)."""


@contextmanager
def _progress_bar(app: App, label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback drawing a rich bar on standard error when it is a terminal."""
    console = app.err_console
    bar: Progress | None = None
    task: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar, task
        if not console.is_terminal or total < PROGRESS_THRESHOLD:
            return
        if bar is None:
            bar = Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            )
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done, total=total)

    try:
        yield update
    finally:
        if bar is not None:
            bar.stop()


def render_report(app: App, report: ImportReport) -> None:
    """Print an import report for people: counts, warnings, rejections, duplicates."""
    console = app.console
    verb = "would be" if report.dry_run else "were"
    counts = report.counts
    console.print(
        f"[bold]{escape(report.source)}[/]: {counts['rows']} rows ({report.kind})", soft_wrap=True
    )
    summary = Table(show_header=True, box=None, pad_edge=False)
    for action in ("created", "updated", "unchanged", "skipped", "rejected"):
        summary.add_column(action, justify="right")
    summary.add_row(
        *(str(counts[a]) for a in ("created", "updated", "unchanged", "skipped", "rejected"))
    )
    console.print(summary)
    for warning in report.warnings:
        console.print(f"[yellow]Warning:[/] {escape(warning)}", soft_wrap=True)
    rejections = report.rejections
    if rejections:
        table = Table("line", "column", "reason", title=f"Rejected rows ({report.rejected})")
        for rejection in rejections[:SHOWN_REJECTIONS]:
            table.add_row(str(rejection.line), rejection.field, escape(rejection.reason))
        console.print(table)
        if len(rejections) > SHOWN_REJECTIONS:
            console.print(
                f"... and {len(rejections) - SHOWN_REJECTIONS} more "
                "(all of them with --json or --rejects FILE)"
            )
    others = [row for row in report.duplicates if row.action.value != "rejected"]
    if others:
        table = Table("line", "action", "duplicate of", "match", title="Duplicates")
        for row in others[:SHOWN_REJECTIONS]:
            table.add_row(
                str(row.line), row.action.value, escape(row.duplicate_of or ""), row.match or ""
            )
        console.print(table)
    if report.rejects_path:
        console.print(
            f"Rejected rows {verb} written to {report.rejects_path} with a reason column."
        )
    if report.dry_run:
        console.print("Dry run: nothing was written.")
    elif report.written:
        console.print("Saved (one transaction).")
    elif report.ok:
        console.print("Nothing to change: the record already holds every row.")


def make_import_command(kind: str, import_function: ImportFunction, example: str) -> click.Command:
    """The ``import FILE`` command of a group (``kind``: employers, seekers, visits)."""

    def command(
        app: App,
        file: str,
        partial: bool,
        dry_run: bool,
        rejects_path: str | None,
        force: bool,
        on_duplicate: str,
        as_json: bool,
    ) -> None:
        source: str | IO[bytes] = sys.stdin.buffer if file == "-" else file
        with app.uow() as uow, _progress_bar(app, f"Importing {kind}") as progress:
            report = import_function(
                uow,
                source,
                partial=partial,
                dry_run=dry_run,
                on_duplicate=on_duplicate,
                rejects_path=Path(rejects_path) if rejects_path else None,
                replace_rejects=force,
                progress=progress,
            )
        warn_hook_failures(app, uow, limit=SHOWN_PLUGIN_FAILURES)
        if as_json:
            app.print_json(report.to_dict())
        else:
            render_report(app, report)
        if not report.ok and not partial:
            outcome = "nothing would be written" if dry_run else "nothing was written"
            click.echo(
                f"Error: {report.rejected} of {report.counts['rows']} rows rejected; {outcome} "
                "(fix them, or use --partial to write the good rows)",
                err=True,
            )
            sys.exit(1)

    command.__doc__ = f"""Import {kind} from a CSV file (FILE, or - for standard input).

    Columns are matched by header name in any case, with spaces, hyphens and underscores
    alike (docs/reference/csv-import.md lists them). Every row is checked before anything
    is written; a rejected row is reported with its line, column and reason. All or
    nothing by default: one rejected row means nothing is written and the exit code is 1.
    The write is one transaction. Importing the same file again reports every row
    unchanged.
    """
    decorated: Any = with_examples(
        f"ips-jobdev {kind} import {example} --dry-run",
        f"ips-jobdev {kind} import {example}",
        f"ips-jobdev {kind} import {example} --partial --rejects to-fix.csv",
        f"ips-jobdev {kind} import {example} --on-duplicate update --json",
    )(command)
    decorated = pass_app(decorated)
    decorated = json_option(decorated)
    decorated = db_option(decorated)
    decorated = click.option(
        "--on-duplicate",
        type=click.Choice([p.value for p in DuplicatePolicy]),
        default=DuplicatePolicy.REJECT.value,
        show_default=True,
        help="What to do with a row that duplicates a stored record.",
    )(decorated)
    decorated = click.option(
        "--rejects",
        "rejects_path",
        metavar="OUT.csv",
        type=click.Path(dir_okay=False),
        help=(
            "Write the rejected rows here, with a 'reason' column, to fix and re-import "
            "(a new private file; never through a symbolic link)."
        ),
    )(decorated)
    decorated = click.option(
        "--force",
        is_flag=True,
        help="Replace an existing --rejects file (without it, an existing file is refused).",
    )(decorated)
    decorated = click.option("--dry-run", is_flag=True, help="Check and report; write nothing.")(
        decorated
    )
    decorated = click.option(
        "--partial", is_flag=True, help="Write the good rows even if others are rejected."
    )(decorated)
    decorated = click.argument(
        "file", metavar="FILE", type=click.Path(dir_okay=False, allow_dash=True)
    )(decorated)
    return click.command("import")(decorated)
