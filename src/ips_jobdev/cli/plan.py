"""``ips-jobdev plan week``: a specialist's week of employer visits, day by day.

JSON document (stable: keys are only ever added): :meth:`ips_jobdev._planning.WeekPlan.to_dict`
(``specialist``, ``week``, ``start``, ``end``, ``timezone``, ``policy``, ``target``,
``already_planned_or_made``, ``proposed``, ``face_to_face_total``, ``target_met``,
``days`` [{``date``, ``area``, ``miles``, ``travel_minutes``, ``back_at_office``,
``visits`` [{``employer_id``, ``employer``, ``address``, ``start``, ``end``, ``minutes``,
``purpose``, ``stage``, ``stage_title``, ``kind``, ``reason``, ``seekers``,
``travel_minutes``, ``miles``, ``last_contact``, ``warnings``, ``window``, ``position``,
``visiting_note``}], ``existing``, ``routing``}], ``unplanned``, ``warnings``,
``travel_times``), plus ``saved`` (the ids of the visits stored) with ``--save``. Times are
ISO 8601 in the specialist's time zone, with its UTC offset.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import TYPE_CHECKING, Any

import click

from ips_jobdev import _lookup
from ips_jobdev._planning import (
    ExistingVisit,
    PlanSettings,
    ProposedVisit,
    ScheduleSettings,
    WeekPlan,
    plan_week,
    save_plan,
    week_label,
)
from ips_jobdev._store import UnitOfWork
from ips_jobdev.cli._app import (
    App,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.cli.due import policy_option, resolve_cli_policy
from ips_jobdev.errors import ValidationError

if TYPE_CHECKING:
    from ips_jobdev.demo import DemoSummary

__all__ = ["demo_week_plan", "demo_week_plan_json", "plan_group"]

UNPLANNED_SHOWN = 8
_BUSY_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})-(\d{1,2}:\d{2})$")


@click.group("plan")
def plan_group() -> None:
    """Plan employer visits that meet the IPS targets."""


def _busy(spans: tuple[str, ...], zone: str) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = zoneinfo.ZoneInfo(zone)
    out = []
    for span in spans:
        match = _BUSY_RE.match(span.strip())
        if not match:
            raise ValidationError("plan", "busy", f"{span!r} is not like '2026-12-01 09:00-12:00'")
        try:
            day = dt.date.fromisoformat(match[1])
            start = dt.datetime.combine(day, dt.time.fromisoformat(match[2].zfill(5)), tzinfo=tz)
            end = dt.datetime.combine(day, dt.time.fromisoformat(match[3].zfill(5)), tzinfo=tz)
        except ValueError as exc:
            raise ValidationError("plan", "busy", f"{span!r}: {exc}") from None
        if end <= start:
            raise ValidationError("plan", "busy", f"{span!r} ends before it starts")
        out.append((start, end))
    return out


def _default_week(today: dt.date) -> str:
    """This week; from Saturday on, next week."""
    monday = today - dt.timedelta(days=today.weekday())
    if today.weekday() >= 5:
        monday += dt.timedelta(days=7)
    return week_label(monday)


@plan_group.command("week")
@click.option("--specialist", "-s", required=True, metavar="CODE", help="Whose week to plan.")
@click.option(
    "--week", metavar="YYYY-Www", help="ISO week (default: this week; from Saturday, next)."
)
@click.option(
    "--target",
    type=click.IntRange(min=0),
    help="Face-to-face visits wanted (default: the specialist's target, 6).",
)
@click.option(
    "--busy",
    multiple=True,
    metavar="'DATE HH:MM-HH:MM'",
    help="A time you are not free (repeat as needed).",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=1),
    default=25.0,
    show_default=True,
    help="Average travel speed, miles an hour over straight-line distance.",
)
@click.option(
    "--max-per-day",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="At most this many proposed visits a day.",
)
@click.option(
    "--today", "today_", type=click.DateTime(["%Y-%m-%d"]), help="Plan as if today were this day."
)
@click.option("--save", is_flag=True, help="Store the proposed visits as planned visits.")
@policy_option
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev plan week --specialist jd",
    "ips-jobdev plan week --specialist jd --week 2026-W49 --busy '2026-12-01 09:00-12:00'",
    "ips-jobdev plan week --specialist jd --week 2026-W49 --save --json",
)
def week_command(
    app: App,
    specialist: str,
    week: str | None,
    target: int | None,
    busy: tuple[str, ...],
    speed: float,
    max_per_day: int,
    today_: dt.datetime | None,
    save: bool,
    policy: str | None,
    as_json: bool,
) -> None:
    """Propose a week of employer visits, day by day in route order, each with its reason.

    First a visit to a well-matched employer for each job seeker near the 30-day mark with
    no employer contact yet; then overdue and due follow-ups of the contact cycle; then new
    employers from the caseload target list, until the weekly face-to-face target is met.
    Visits are grouped by area per day, routed from the office ZIP and fitted into working
    hours around visits already planned and the --busy times, each inside its employer's
    visiting windows ('employers windows'). --save stores them as planned visits (a later
    'visits complete' records them as made).
    """
    chosen = resolve_cli_policy(policy)
    with app.uow() as uow:
        who = _lookup.specialist(uow, specialist)
        today = today_.date() if today_ else dt.datetime.now(who.zone).date()
        plan = plan_week(
            uow,
            who,
            week or _default_week(today),
            target=target,
            policy=chosen,
            today=today_.date() if today_ else None,
            busy=_busy(busy, who.timezone),
            settings=PlanSettings(
                schedule=ScheduleSettings(speed_mph=speed, max_visits_per_day=max_per_day)
            ),
        )
        saved: list[int | None] = []
        if save:
            visits = save_plan(uow, plan)
            uow.commit()
            saved = [v.id for v in visits]
            warn_hook_failures(app, uow)
    if as_json:
        document = plan.to_dict()
        if save:
            document["saved"] = saved
        app.print_json(document)
        return
    _print_plan(app, plan)
    if save:
        app.console.print(f"Saved {len(saved)} planned visit{'s' if len(saved) != 1 else ''}.")


def _print_plan(app: App, plan: WeekPlan, unplanned_shown: int = UNPLANNED_SHOWN) -> None:
    from rich.table import Table  # not for --json

    app.console.print(
        f"[bold]Week {plan.week}[/] ({plan.start.day} {plan.start:%b} - {plan.end.day} "
        f"{plan.end:%b %Y}) for "
        f"{plan.specialist} {plan.specialist_name}, policy {plan.policy}"
    )
    for day in plan.days:
        if not day.visits and not day.existing:
            continue
        heading = f"{day.date:%A} {day.date.day} {day.date:%b}"
        if day.visits:
            heading += f": {day.area or 'area unknown'}, {day.miles:.1f} miles, "
            heading += f"{day.travel_minutes} min travel"
            if day.back_at_office:
                heading += f", back at the office {day.back_at_office:%H:%M}"
        table = Table("time", "employer", "visit", "for", "why", "last contact")
        table.title = heading
        table.title_justify = "left"
        rows: list[ProposedVisit | ExistingVisit] = [*day.visits, *day.existing]
        for item in sorted(rows, key=lambda r: r.start):
            if isinstance(item, ExistingVisit):
                table.add_row(
                    f"[dim]{item.start:%H:%M}[/]",
                    f"[dim]{item.employer_name}[/]",
                    f"[dim]{item.purpose} ({item.status})[/]",
                    "",
                    f"[dim]{item.reason or 'already in the record'}[/]",
                    "",
                )
                continue
            why = item.reason
            if item.window:
                why += f"\n[green]window {item.window}[/]"
            if item.visiting_note:
                why += f"\n[dim]{item.visiting_note}[/]"
            for warning in item.warnings:
                why += f"\n[yellow]! {warning}[/]"
            last = item.last_contact
            table.add_row(
                f"{item.start:%H:%M}",
                f"{item.employer_name}\n[dim]{item.address}[/]",
                f"stage {item.stage}: {item.stage_title}",
                ", ".join(item.seekers),
                why,
                last.describe() if last else "none",
            )
        app.console.print(table)
    total = plan.face_to_face_total
    app.console.print(
        f"Face-to-face visits this week: {plan.counted_existing} already planned or made + "
        f"{len(plan.visits)} proposed = {total} (target {plan.target})"
    )
    if plan.unplanned:
        table = Table("not planned", "employer / job seekers", "reason", "why not")
        for left in plan.unplanned[:unplanned_shown]:
            table.add_row(
                left.kind,
                left.employer_name or ", ".join(left.seekers),
                left.reason,
                left.why,
            )
        app.console.print(table)
        more = len(plan.unplanned) - unplanned_shown
        if more > 0:
            app.console.print(f"... and {more} more (--json lists them all).")
    for warning in plan.warnings:
        app.console.print(f"[yellow]Warning:[/] {warning}")


# -- the demo -------------------------------------------------------------------------------


def _demo_plan(uow: UnitOfWork, summary: DemoSummary) -> WeekPlan | None:
    if not summary.caseloads:
        return None
    code = summary.caseloads[0][0]
    next_week = _default_week(summary.today + dt.timedelta(days=7))
    return plan_week(uow, code, next_week, today=summary.today)


def demo_week_plan(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """Demo section: next week's plan for the first demo specialist."""
    plan = _demo_plan(uow, summary)
    if plan is None:
        return
    _print_plan(app, plan, unplanned_shown=3)
    app.console.print(
        f"Next: ips-jobdev plan week --specialist {plan.specialist} --week {plan.week} --save"
    )


def demo_week_plan_json(uow: UnitOfWork, summary: DemoSummary) -> dict[str, Any]:
    """Demo JSON part: ``{"week_plan": ...}``."""
    plan = _demo_plan(uow, summary)
    return {"week_plan": plan.to_dict() if plan else None}
