"""``ips-jobdev jobs``: job starts and job ends.

JSON documents (stable: keys are only ever added):

- JOB: ``{"id", "seeker", "employer_id", "employer", "title", "job_type", "start_date",
  "hours_per_week", "wage", "competitive", "opening_id", "end_date", "end_reason"}``
- ``jobs start --json``: ``{"job": JOB, "fit_notes": [NOTE, ...]}`` (NOTE as in
  ``fit list --json``: the notes written for that employer and job seeker beforehand)
- ``jobs end --json``: ``{"job": JOB}``; ``jobs list --json``: ``{"jobs": [JOB], "count": N}``
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from ips_jobdev._casework.jobs import end_job, job_starts_for, record_job_start
from ips_jobdev._casework.visits import employer_names
from ips_jobdev._model import JobStart
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import JobEndReason
from ips_jobdev.cli._app import (
    App,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli.fit import note_rows, notes_table

__all__ = ["job_rows", "jobs_group"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


def job_rows(uow: UnitOfWork, jobs: list[JobStart]) -> list[dict[str, Any]]:
    """JSON-ready rows of job starts, with the job seeker's code and employer's name."""
    codes = {s.id: s.code for s in uow.seekers.list()}
    names = employer_names(uow, {job.employer_id for job in jobs})
    return [
        {
            "id": job.id,
            "seeker": codes.get(job.seeker_id),
            "employer_id": job.employer_id,
            "employer": names[job.employer_id],
            "title": job.title,
            "job_type": job.job_type,
            "start_date": job.start_date,
            "hours_per_week": job.hours_per_week,
            "wage": job.wage,
            "competitive": job.competitive,
            "opening_id": job.opening_id,
            "end_date": job.end_date,
            "end_reason": job.end_reason,
        }
        for job in jobs
    ]


@click.group("jobs")
def jobs_group() -> None:
    """Job starts and ends: the jobs job seekers get, and why they end."""


@jobs_group.command("start")
@click.argument("seeker_code")
@click.argument("employer")
@click.option("--title", required=True, help="The job title.")
@click.option("--start", "start_date", type=_DATE, required=True, help="First day (YYYY-MM-DD).")
@click.option("--hours", type=click.FloatRange(min=0), help="Hours per week.")
@click.option("--wage", help="Hourly wage in dollars (15.50).")
@click.option("--not-competitive", is_flag=True, help="The job is not a competitive job.")
@click.option("--job-type", help="The kind of work (warehouse, cashier...).")
@click.option("--opening", "opening_id", type=int, metavar="ID", help="The opening filled.")
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev jobs start J-1001 "Example Bakery" --title "Baker helper" --start 2026-12-01',
    "ips-jobdev jobs start J-1001 '#12' --title Stocker --start 2026-12-01 --hours 20 "
    "--wage 15.50 --job-type stocker",
)
def start_command(
    app: App,
    seeker_code: str,
    employer: str,
    title: str,
    start_date: dt.datetime,
    hours: float | None,
    wage: str | None,
    not_competitive: bool,
    job_type: str | None,
    opening_id: int | None,
    as_json: bool,
) -> None:
    """Record that a job seeker started a job, and show the fit notes written before.

    EMPLOYER is an id (#12), an external id or a name. A searching job seeker becomes
    working; a named opening is marked filled.
    """
    with app.uow() as uow:
        result = record_job_start(
            uow,
            seeker_code,
            employer,
            title=title,
            start_date=start_date.date(),
            hours_per_week=hours,
            wage=wage,
            competitive=not not_competitive,
            job_type=job_type,
            opening_id=opening_id,
        )
        uow.commit()
        warn_hook_failures(app, uow)
        job = job_rows(uow, [result.job_start])[0]
        notes = note_rows(uow, result.fit_notes)
    if as_json:
        app.print_json({"job": job, "fit_notes": notes})
        return
    app.console.print(
        f"Recorded job #{job['id']}: {escape(job['seeker'] or '')} started as "
        f"{escape(job['title'])} at {escape(job['employer'])} on {job['start_date']}."
    )
    if notes:
        app.console.print(notes_table(notes, title="Job-fit notes written before the start"))
    else:
        app.console.print("No job-fit notes were written for this employer beforehand.")


@jobs_group.command("end")
@click.argument("job_id", type=int)
@click.option("--on", "on", type=_DATE, required=True, help="The last day (YYYY-MM-DD).")
@click.option(
    "--reason",
    type=click.Choice([r.value for r in JobEndReason]),
    required=True,
    help="Why the job ended.",
)
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev jobs end 3 --on 2027-02-14 --reason quit-with-job")
def end_command(app: App, job_id: int, on: dt.datetime, reason: str, as_json: bool) -> None:
    """Record when and why a job ended (the job seeker's search goes on)."""
    with app.uow() as uow:
        job = end_job(uow, job_id, on=on.date(), reason=reason)
        uow.commit()
        warn_hook_failures(app, uow)
        row = job_rows(uow, [job])[0]
    if as_json:
        app.print_json({"job": row})
        return
    app.console.print(
        f"Job #{row['id']} ({escape(row['title'])} at {escape(row['employer'])}) ended on "
        f"{row['end_date']}: {row['end_reason'].value}."
    )


@jobs_group.command("list")
@click.argument("seeker_code", required=False)
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev jobs list", "ips-jobdev jobs list J-1001 --json")
def list_command(app: App, seeker_code: str | None, as_json: bool) -> None:
    """List job starts by start date: of one job seeker, or of everyone."""
    with app.uow() as uow:
        rows = job_rows(uow, job_starts_for(uow, seeker_code))
    if as_json:
        app.print_json({"jobs": rows, "count": len(rows)})
        return
    if not rows:
        app.console.print("No job starts recorded yet.")
        return
    table = Table("id", "job seeker", "employer", "title", "start", "hours", "wage", "end")
    for row in rows:
        end = f"{row['end_date']} {row['end_reason'].value}" if row["end_date"] else ""
        table.add_row(
            str(row["id"]),
            escape(row["seeker"] or ""),
            escape(row["employer"]),
            escape(row["title"]),
            row["start_date"].isoformat(),
            "" if row["hours_per_week"] is None else f"{row['hours_per_week']:g}",
            "" if row["wage"] is None else f"${row['wage']}",
            end,
        )
    app.console.print(table)
    app.console.print(f"{len(rows)} job(s)")
