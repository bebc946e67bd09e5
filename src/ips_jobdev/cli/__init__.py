"""The ``ips-jobdev`` command. Each command group lives in its own module here.

The modules are imported only when their command runs (:data:`COMMANDS`), so the command
line starts quickly; ``ips-jobdev --help`` lists them from their summaries.
"""

from __future__ import annotations

import click

from ips_jobdev._version import __version__
from ips_jobdev.cli._app import DEBUG_WARNING, App, JobdevGroup, LazyCommand, with_examples

__all__ = ["COMMANDS", "main"]

COMMANDS: dict[str, LazyCommand] = {
    "audit": LazyCommand(
        "ips_jobdev.cli.audit",
        "audit_command",
        "Who looked at a person's record, exported or changed what, and when (the audit trail).",
    ),
    "db": LazyCommand("ips_jobdev.cli.db", "db_group", "Create, upgrade and inspect the database."),
    "demo": LazyCommand(
        "ips_jobdev.cli.demo",
        "demo_command",
        "Build a small fictional Dane County, Wisconsin, to try ips-jobdev on.",
    ),
    "due": LazyCommand(
        "ips_jobdev.cli.due",
        "due_command",
        "List overdue and due-this-week employer visits and job seekers at risk.",
    ),
    "employers": LazyCommand(
        "ips_jobdev.cli.employers",
        "employers_group",
        "Employers: import your list, find them, see each one's people and visits; add, "
        "correct and merge them.",
    ),
    "export": LazyCommand(
        "ips_jobdev.cli.export",
        "export_command",
        "Export what changed since the last export to ADAPTER (ics, csv, json, or a plugin's).",
    ),
    "feed": LazyCommand(
        "ips_jobdev.cli.feed",
        "feed_group",
        "Calendar subscription feeds: a secret URL your calendar app polls.",
    ),
    "fit": LazyCommand(
        "ips_jobdev.cli.fit",
        "fit_group",
        "Job-fit notes: how well an employer or a job fits a job seeker, factor by factor.",
    ),
    "goals": LazyCommand(
        "ips_jobdev.cli.goals",
        "goals_group",
        "Program goals for placements, employment rate, hours and wages.",
    ),
    "history": LazyCommand(
        "ips_jobdev.cli.history",
        "history_command",
        "Show the change history of one record: who changed what, when, before and after.",
    ),
    "jobs": LazyCommand(
        "ips_jobdev.cli.jobs",
        "jobs_group",
        "Job starts and ends: the jobs job seekers get, and why they end.",
    ),
    "match": LazyCommand(
        "ips_jobdev.cli.matching",
        "match_command",
        "Rank employers for a job seeker by that person's own preferences, best first.",
    ),
    "people": LazyCommand(
        "ips_jobdev.cli.people",
        "people_group",
        "The people at employers: add the person met, correct their details.",
    ),
    "plan": LazyCommand(
        "ips_jobdev.cli.plan", "plan_group", "Plan employer visits that meet the IPS targets."
    ),
    "programs": LazyCommand(
        "ips_jobdev.cli.programs",
        "programs_group",
        "The IPS programs sharing this record (several need PostgreSQL).",
    ),
    "plugins": LazyCommand(
        "ips_jobdev.cli.plugins",
        "plugins_command",
        "List the installed adapters: version, audience, record kinds and options.",
    ),
    "report": LazyCommand(
        "ips_jobdev.cli.report",
        "report_group",
        "Fidelity and outcome figures computed from the record.",
    ),
    "seekers": LazyCommand(
        "ips_jobdev.cli.seekers",
        "seekers_group",
        "Job seekers: import them with their preferences, list them, see one, correct "
        "one, close and reopen them.",
    ),
    "serve": LazyCommand(
        "ips_jobdev.cli.serve",
        "serve_command",
        "Open the web app: Today, Week, Employers, Job seekers, Reports, Log a visit, Import.",
    ),
    "specialists": LazyCommand(
        "ips_jobdev.cli.specialists",
        "specialists_group",
        "Employment specialists and their caseloads.",
    ),
    "targets": LazyCommand(
        "ips_jobdev.cli.matching",
        "targets_command",
        "Employers ranked by how many of a specialist's job seekers they fit well.",
    ),
    "users": LazyCommand(
        "ips_jobdev.cli.users",
        "users_group",
        "Accounts of the shared web app (ips-jobdev serve --shared).",
    ),
    "visits": LazyCommand(
        "ips_jobdev.cli.visits",
        "visits_group",
        "Employer contacts: log them, complete or cancel planned ones, correct or void "
        "wrong entries, import, list.",
    ),
}
"""Every command: where it lives and its line in ``ips-jobdev --help`` (a test checks the
line against the command's own help)."""


@click.group(
    cls=JobdevGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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
    "--create",
    is_flag=True,
    help="Make a new database if there is none at --db (db upgrade and demo always may).",
)
@click.option(
    "--debug",
    is_flag=True,
    help="Show whole errors and tracebacks (they may include personal data).",
)
@click.option(
    "--program",
    metavar="CODE",
    envvar="IPS_JOBDEV_PROGRAM",
    help="The program to work in, by code (needed only when the record holds several "
    "programs; $IPS_JOBDEV_PROGRAM).",
)
@click.version_option(__version__, prog_name="ips-jobdev")
@click.pass_context
@with_examples(
    "ips-jobdev demo",
    "ips-jobdev --db county.sqlite3 db upgrade",
    "ips-jobdev --db county.sqlite3 employers import employers.csv",
    "ips-jobdev employers list --json",
)
def main(
    ctx: click.Context,
    db_url: str | None,
    actor: str | None,
    create: bool,
    debug: bool,
    program: str | None,
) -> None:
    """Systematic job development for IPS supported employment.

    Keeps the record of employers, job seekers' preferences and employer visits, and plans
    the visits. The database is one SQLite file in your user data folder unless --db or
    $IPS_JOBDEV_DB names another (a PostgreSQL URL for a shared database). Only `db
    upgrade`, `demo` and --create make a new database.

    Exit codes: 0 done, 1 refused or failed (one line on stderr), 2 usage error,
    130 interrupted.
    """
    app = ctx.ensure_object(App)
    if db_url is not None:
        app.db_url = db_url
    if actor is not None and actor.strip() and app.actor is None:
        app.actor = actor.strip()
    if program is not None and program.strip() and app.program is None:
        app.program = program.strip()
    if create:
        app.create = True
    app.debug = debug
    if debug:
        click.echo(DEBUG_WARNING, err=True)
