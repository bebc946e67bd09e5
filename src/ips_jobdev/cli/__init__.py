"""The ``ips-jobdev`` command. Each command group lives in its own module here."""

from __future__ import annotations

import click

from ips_jobdev import __version__
from ips_jobdev.cli._app import App, JobdevGroup, with_examples
from ips_jobdev.cli.db import db_group

__all__ = ["main"]


@click.group(cls=JobdevGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL or SQLite file (default: $IPS_JOBDEV_DB, else the user data file).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="ips-jobdev")
@click.pass_context
@with_examples(
    "ips-jobdev demo",
    "ips-jobdev --db sqlite:///county.sqlite3 employers import employers.csv",
    "ips-jobdev employers list --json",
)
def main(ctx: click.Context, db_url: str | None, debug: bool) -> None:
    """Systematic job development for IPS supported employment.

    Keeps the record of employers, job seekers' preferences and employer visits, and plans
    the visits. The database is one SQLite file in your user data folder unless --db or
    $IPS_JOBDEV_DB names another (a PostgreSQL URL for a shared database).
    """
    app = ctx.ensure_object(App)
    if db_url is not None:
        app.db_url = db_url
    app.debug = debug


main.add_command(db_group)
