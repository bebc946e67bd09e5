"""``ips-jobdev goals``: the program's own outcome goals (placements, hours, wages).

JSON documents (stable: keys are only ever added): ``goals set --json`` prints
``{"goal": GOAL}``, ``goals list --json`` prints ``{"goals": [GOAL, ...]}`` where GOAL is
``{"id", "metric", "target", "from", "to", "scope", "achieved", "met"}``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
from rich.table import Table

from ips_jobdev._reports import METRICS, GoalProgress, goal_progress, set_goal
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples

__all__ = ["goals_group"]


@click.group("goals")
def goals_group() -> None:
    """Program goals for placements, employment rate, hours and wages."""


def _goal_dict(progress: GoalProgress) -> dict[str, Any]:
    return {"id": progress.goal_id, **progress.to_dict()}


@goals_group.command("set")
@click.argument("metric", type=click.Choice(sorted(METRICS)))
@click.argument("target")
@click.option(
    "--from", "from_day", type=click.DateTime(["%Y-%m-%d"]), required=True, help="First day."
)
@click.option(
    "--to", "to_day", type=click.DateTime(["%Y-%m-%d"]), required=True, help="Last day, included."
)
@click.option(
    "--scope",
    default="program",
    show_default=True,
    metavar="program|CODE",
    help="The whole program or one specialist.",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev goals set job_starts 40 --from 2026-01-01 --to 2026-12-31",
    "ips-jobdev goals set employment_rate 45% --from 2026-10-01 --to 2026-12-31",
    "ips-jobdev goals set hourly_wage 15.50 --from 2026-01-01 --to 2026-12-31 --scope jd",
)
def set_command(
    app: App,
    metric: str,
    target: str,
    from_day: dt.datetime,
    to_day: dt.datetime,
    scope: str,
    as_json: bool,
) -> None:
    """Set a goal (or change the target of the same metric, period and scope).

    Metrics: job_starts (placements in the period), employment_rate (percent of the
    caseload working in a competitive job), hours_per_week and hourly_wage (averages over
    competitive job starts).
    """
    with app.uow() as uow:
        goal = set_goal(uow, metric, target, start=from_day.date(), end=to_day.date(), scope=scope)
        uow.commit()
        (progress,) = goal_progress(uow, goals=[goal])
        row = _goal_dict(progress)
    if as_json:
        app.print_json({"goal": row})
        return
    app.console.print(
        f"Goal set: {row['metric']} {row['target']} for {row['scope']}, "
        f"{row['from']} to {row['to']}."
    )


@goals_group.command("list")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev goals list", "ips-jobdev goals list --json")
def list_command(app: App, as_json: bool) -> None:
    """List the program goals with the progress made against each."""
    with app.uow() as uow:
        rows = [_goal_dict(progress) for progress in goal_progress(uow)]
    if as_json:
        app.print_json({"goals": rows})
        return
    if not rows:
        app.console.print("No goals yet: ips-jobdev goals set METRIC TARGET --from --to")
        return
    table = Table("metric", "scope", "from", "to", "target", "achieved", "met")
    for row in rows:
        table.add_row(
            row["metric"],
            row["scope"],
            str(row["from"]),
            str(row["to"]),
            str(row["target"]),
            "n/a" if row["achieved"] is None else str(row["achieved"]),
            "yes" if row["met"] else "not yet",
        )
    app.console.print(table)
