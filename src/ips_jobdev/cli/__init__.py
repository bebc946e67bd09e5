"""The ``ips-jobdev`` command. Each command group lives in its own module here."""

from __future__ import annotations

import click

from ips_jobdev._version import __version__
from ips_jobdev.cli._app import App, JobdevGroup, with_examples
from ips_jobdev.cli.audit import audit_command
from ips_jobdev.cli.db import db_group
from ips_jobdev.cli.demo import demo_command
from ips_jobdev.cli.due import due_command
from ips_jobdev.cli.employers import employers_group
from ips_jobdev.cli.export import export_command
from ips_jobdev.cli.feed import feed_group
from ips_jobdev.cli.fit import fit_group
from ips_jobdev.cli.goals import goals_group
from ips_jobdev.cli.history import history_command
from ips_jobdev.cli.jobs import jobs_group
from ips_jobdev.cli.matching import match_command, targets_command
from ips_jobdev.cli.people import people_group
from ips_jobdev.cli.plan import plan_group
from ips_jobdev.cli.plugins import plugins_command
from ips_jobdev.cli.programs import programs_group
from ips_jobdev.cli.report import report_group
from ips_jobdev.cli.seekers import seekers_group
from ips_jobdev.cli.serve import serve_command
from ips_jobdev.cli.specialists import specialists_group
from ips_jobdev.cli.users import users_group
from ips_jobdev.cli.visits import visits_group

__all__ = ["main"]


@click.group(cls=JobdevGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_url",
    metavar="URL",
    help="Database URL or SQLite file (default: $IPS_JOBDEV_DB, else the user data file).",
)
@click.option(
    "--as",
    "actor",
    metavar="NAME",
    envvar="IPS_JOBDEV_AS",
    help="Who makes the changes, for the change history (default: the specialist a command "
    "names, else your login name; $IPS_JOBDEV_AS).",
)
@click.option(
    "--program",
    metavar="CODE",
    envvar="IPS_JOBDEV_PROGRAM",
    help="The program to work in, by code (needed only when the record holds several "
    "programs; $IPS_JOBDEV_PROGRAM).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.version_option(__version__, prog_name="ips-jobdev")
@click.pass_context
@with_examples(
    "ips-jobdev demo",
    "ips-jobdev --db sqlite:///county.sqlite3 employers import employers.csv",
    "ips-jobdev employers list --json",
)
def main(
    ctx: click.Context, db_url: str | None, actor: str | None, program: str | None, debug: bool
) -> None:
    """Systematic job development for IPS supported employment.

    Keeps the record of employers, job seekers' preferences and employer visits, and plans
    the visits. The database is one SQLite file in your user data folder unless --db or
    $IPS_JOBDEV_DB names another (a PostgreSQL URL for a shared database).
    """
    app = ctx.ensure_object(App)
    if db_url is not None:
        app.db_url = db_url
    if actor is not None and actor.strip() and app.actor is None:
        app.actor = actor.strip()
    if program is not None and program.strip() and app.program is None:
        app.program = program.strip()
    app.debug = debug


main.add_command(db_group)
main.add_command(demo_command)
main.add_command(programs_group)
main.add_command(specialists_group)
main.add_command(export_command)
main.add_command(plugins_command)
main.add_command(employers_group)
main.add_command(seekers_group)
main.add_command(visits_group)
main.add_command(due_command)
main.add_command(plan_group)
main.add_command(report_group)
main.add_command(goals_group)
main.add_command(match_command)
main.add_command(targets_command)
main.add_command(fit_group)
main.add_command(jobs_group)
main.add_command(people_group)
main.add_command(history_command)
main.add_command(serve_command)
main.add_command(feed_group)
main.add_command(audit_command)
main.add_command(users_group)
