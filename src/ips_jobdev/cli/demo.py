"""``ips-jobdev demo``: build a small fictional Dane County and show what a specialist sees.

The text output is a list of sections, :data:`DEMO_SECTIONS`, each a function
``section(app, uow, summary)`` that prints one part; later features append their own
(matches for a job seeker, a week plan, fidelity figures). ``--json`` prints
:meth:`DemoSummary.to_dict` updated by each function of :data:`DEMO_JSON_PARTS`
(``part(uow, summary) -> dict``), which later features extend the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from ips_jobdev._store import UnitOfWork
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples
from ips_jobdev.demo import DEFAULT_SEED, DemoSummary, build_demo
from ips_jobdev.demo.county import ZONE
from ips_jobdev.demo.summary import RAPID_JOB_SEARCH_DAYS

__all__ = ["DEMO_JSON_PARTS", "DEMO_SECTIONS", "DemoJsonPart", "DemoSection", "demo_command"]

DemoSection = Callable[[App, UnitOfWork, DemoSummary], None]
DemoJsonPart = Callable[[UnitOfWork, DemoSummary], dict[str, Any]]


def _database(app: App) -> str:
    """The database URL without its password."""
    return app.database().display_url


def _local(moment: dt.datetime | None) -> str:
    return moment.astimezone(ZONE).strftime("%a %d %b %H:%M") if moment else ""


def print_what_was_made(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """What the database holds: specialists, job seekers, employers, visits, jobs."""
    if summary.created:
        app.console.print(
            f"[bold]Built a fictional Dane County, Wisconsin[/] (seed {summary.seed}, "
            f"history up to {summary.today.isoformat()})."
        )
    else:
        app.console.print(
            "[bold]The demo county is already in this database[/]; nothing was added."
        )
    app.console.print(f"Database: {_database(app)}", soft_wrap=True)
    c = summary.counts
    caseloads = ", ".join(f"{code} {name} ({n})" for code, name, n in summary.caseloads)
    seekers = f"{c['on_caseload']} on a caseload, {c['working']} working"
    employers = f"in {c['zip_codes']} ZIP codes, {c['do_not_contact']} do not contact"
    rows = [
        ("employment specialists", c["specialists"], caseloads),
        ("job seekers", c["job_seekers"], seekers),
        ("employers", c["employers"], employers),
        ("people at employers", c["employer_people"], "owners, managers, supervisors"),
        ("employer contacts made", c["visits_done"], f"{c['face_to_face_done']} face to face"),
        ("visits planned", c["visits_planned"], "in the coming week"),
        ("open job openings", c["openings_open"], ""),
        ("job starts", c["job_starts"], f"{c['jobs_ended']} ended"),
        ("job-fit notes", c["fit_notes"], ""),
    ]  # fmt: skip
    table = Table("", "", "", show_header=False, box=None, padding=(0, 2, 0, 0))
    for label, count, detail in rows:
        table.add_row(label, str(count), detail)
    app.console.print(table)


def print_recently_visited(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """The employers contacted most recently: where the relationships are warm."""
    if not summary.recently_visited:
        return
    table = Table("employer", "ZIP", "last contact", "by", "purpose", "how")
    table.title = "Employers contacted most recently"
    for employer in summary.recently_visited:
        table.add_row(
            employer.name,
            employer.zip or "",
            _local(employer.last_contact),
            employer.specialist,
            employer.purpose.value,
            employer.mode.value,
        )
    app.console.print(table)


def print_waiting_seekers(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """Job seekers with no face-to-face employer contact yet, against the 30-day rule."""
    if not summary.waiting:
        app.console.print("Every job seeker on a caseload has had a face-to-face employer contact.")
        return
    table = Table("job seeker", "specialist", "IPS start", "days", "30-day rule", "next contact")
    table.title = "Job seekers with no face-to-face employer contact yet"
    for seeker in summary.waiting:
        days = seeker.days_since_start
        if days is None:
            rule = "no IPS start recorded"
        elif seeker.past_rapid_search_days:
            rule = f"[red]missed by {days - RAPID_JOB_SEARCH_DAYS} days[/]"
        else:
            rule = f"{RAPID_JOB_SEARCH_DAYS - days} days left"
        table.add_row(
            seeker.code,
            seeker.specialist or "",
            seeker.ips_start.isoformat() if seeker.ips_start else "",
            "" if days is None else str(days),
            rule,
            _local(seeker.next_planned_contact) or "[yellow]none planned[/]",
        )
    app.console.print(table)
    first = summary.caseloads[0][0] if summary.caseloads else "CODE"
    app.console.print(f"Next: ips-jobdev specialists show {first}")


class _Later:
    """A later feature's demo section or JSON part, by module and name: imported when the
    demo runs, so that feature's commands need not import this module (nor rich) to add it."""

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def __call__(self, *args: Any) -> Any:
        import importlib

        return getattr(importlib.import_module(self.module), self.name)(*args)


DEMO_SECTIONS: list[DemoSection] = [
    print_what_was_made,
    print_recently_visited,
    print_waiting_seekers,
    _Later("ips_jobdev.cli.matching", "demo_matches"),
    _Later("ips_jobdev.cli.plan", "demo_week_plan"),
    _Later("ips_jobdev.cli.report", "demo_fidelity"),
]
"""What ``ips-jobdev demo`` prints, in order; later features append a section each."""

DEMO_JSON_PARTS: list[DemoJsonPart] = [
    _Later("ips_jobdev.cli.matching", "demo_matches_json"),
    _Later("ips_jobdev.cli.plan", "demo_week_plan_json"),
    _Later("ips_jobdev.cli.report", "demo_fidelity_json"),
]
"""Functions whose dicts extend the ``--json`` document; later features append theirs."""


@click.command("demo")
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Random seed: the same seed and day give the same county.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the county's history leads up to (default: today).",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev demo",
    "ips-jobdev --db demo.sqlite3 demo --seed 7 --today 2026-11-24",
    "ips-jobdev demo --json",
)
def demo_command(app: App, seed: int, today: dt.datetime | None, as_json: bool) -> None:
    """Build a small fictional Dane County, Wisconsin, to try ips-jobdev on.

    Two specialists, about 40 job seekers, 300 employers on real ZIP codes with made-up
    names, six months of employer visits, openings and job starts, in the default database
    (or --db). Run again on the same database, it adds nothing and shows what is there;
    a database holding other records is refused, so fictional and real records never mix.
    """
    app.database(create=True)  # the demo may make its database (other commands may not)
    with app.uow() as uow:
        summary = build_demo(uow, seed=seed, today=today.date() if today else None)
        uow.commit()
        if as_json:
            document = summary.to_dict()
            document["database"] = _database(app)
            for part in DEMO_JSON_PARTS:
                document.update(part(uow, summary))
            app.print_json(document)
            return
        for section in DEMO_SECTIONS:
            section(app, uow, summary)
