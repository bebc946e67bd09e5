"""``ips-jobdev due``: employer visits overdue or due this week, job seekers at risk.

JSON document (stable: keys are only ever added)::

    {"on": DATE, "specialist": CODE|null, "policy": NAME, "cold": N,
     "items": [{"kind": "employer"|"job-seeker", "id", "name", "due", "status",
                "reason", "planned", ...}]}

Employer items add ``stage``, ``stage_title``, ``next_stage``, ``next_title``,
``next_purpose``, ``days_overdue``, ``last_face_to_face``, ``interested_seekers``,
``visiting_windows`` (text or null) and ``best_time`` (``{"date", "weekday", "start",
"end", "window", "in_working_hours"}`` or null when no window is recorded); job
seeker items add ``ips_start``, ``days_since_start``, ``days_left``, ``first_contact``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ips_jobdev._windows import Opening
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples
from ips_jobdev.cycles import CyclePolicy, get_policy, resolve_policy, short_date
from ips_jobdev.cycles._due import list_due
from ips_jobdev.errors import NotFoundError

__all__ = ["due_command", "policy_option", "resolve_cli_policy"]

F = TypeVar("F", bound=Callable[..., Any])
_STYLE = {"overdue": "red", "missed": "red", "at-risk": "yellow", "due": "", "cold": "dim"}


def resolve_cli_policy(choice: str | None) -> CyclePolicy:
    """The policy named on the command line: a TOML path or a registered name (plugins'
    policies are loaded first)."""
    if choice is None:
        return resolve_policy(None)
    if choice.endswith(".toml"):
        return resolve_policy(choice)
    try:
        return get_policy(choice)
    except NotFoundError:
        from ips_jobdev import _plugins as plugins  # only when a plugin's policy is named

        plugins.load_cycle_policies()
        return get_policy(choice)


def _best_time(opening: Opening | None) -> str:
    if opening is None:
        return ""
    text = f"{opening.describe()}\n[dim]{opening.window}[/]"
    return text if opening.in_working_hours else f"{text}\n[yellow]outside your hours[/]"


def policy_option(function: F) -> F:
    """``--policy NAME|FILE``: the contact-cycle policy to use."""
    return click.option(
        "--policy",
        metavar="NAME|FILE",
        help="Cycle policy: a registered name or a TOML file (default: ips-default).",
    )(function)


@click.command("due")
@click.option("--specialist", "-s", metavar="CODE", help="One specialist's list (default: all).")
@click.option(
    "--on",
    "on_day",
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day to judge (default: today).",
)
@click.option("--cold", "include_cold", is_flag=True, help="Also list relationships gone cold.")
@policy_option
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev due --specialist jd",
    "ips-jobdev due --specialist jd --on 2026-11-30 --json",
    "ips-jobdev due --policy my-policy.toml --cold",
)
def due_command(
    app: App,
    specialist: str | None,
    on_day: dt.datetime | None,
    include_cold: bool,
    policy: str | None,
    as_json: bool,
) -> None:
    """List overdue and due-this-week employer visits and job seekers at risk.

    Employers come from the contact cycle (introduce, learn the business within 14 days,
    follow up within 14 days, then keep in touch every 30 or 90 days); job seekers from the
    30-day rapid job search rule (7 days or fewer left with no face-to-face employer
    contact, or past day 30). Most urgent first, each with its reason.
    """
    chosen = resolve_cli_policy(policy)
    with app.uow() as uow:
        result = list_due(
            uow,
            specialist=specialist,
            on=on_day.date() if on_day else None,
            policy=chosen,
            include_cold=include_cold,
        )
    if as_json:
        app.print_json(result.to_dict())
        return
    from rich.table import Table  # not for --json

    who = f" for {result.specialist}" if result.specialist else ""
    timed = any(item.best_time is not None for item in result.items)
    columns = ["due", "", "employer / job seeker", "reason", "planned"]
    table = Table(*columns, *(["best time"] if timed else []))
    table.title = f"Due{who} on {result.on:%a %d %b %Y} (policy {result.policy})"
    for item in result.items:
        style = _STYLE.get(item.status, "")
        status = f"[{style}]{item.status}[/]" if style else item.status
        cells = [
            short_date(item.due) if item.due else "",
            status,
            item.name if item.kind == "employer" else f"job seeker {item.name}",
            item.reason,
            short_date(item.planned) if item.planned else "",
        ]
        if timed:
            cells.append(_best_time(item.best_time))
        table.add_row(*cells)
    if result.items:
        app.console.print(table)
    else:
        app.console.print(f"Nothing is due{who} on {result.on:%a %d %b %Y}.")
    if result.cold and not include_cold:
        app.console.print(
            f"{result.cold} relationship{'s have' if result.cold != 1 else ' has'} gone cold "
            "(no face-to-face visit for "
            f"{chosen.cold_after_days} days); --cold lists them."
        )
