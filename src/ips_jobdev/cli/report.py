"""``ips-jobdev report fidelity|outcomes``: the figures for a period, with their definitions.

JSON documents (stable: keys are only ever added): ``report fidelity --json`` is
:meth:`ips_jobdev._reports.FidelityReport.to_dict` (``report``, ``scale``, ``period``,
``scope``, ``figures`` [{``key``, ``label``, ``value``, ``unit``, ``point``, ``anchor``,
``detail``, ``definition``}], ``specialists``); ``report outcomes --json`` is
:meth:`ips_jobdev._reports.OutcomesReport.to_dict` (``report``, ``period``, ``scope``,
``figures``, ``job_endings``, ``goals``). ``--csv`` prints one row per figure (and per
specialist): ``report,figure,label,specialist,value,unit,point,anchor``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import click
from rich.table import Table

from ips_jobdev._reports import (
    DEFINITIONS,
    FidelityReport,
    Figure,
    OutcomesReport,
    fidelity_report,
    is_unsatisfactory,
    outcomes_report,
)
from ips_jobdev._reports.packet import (
    AUDIENCES,
    FORMATS,
    ReviewPacket,
    fidelity_packet,
    outcomes_packet,
)
from ips_jobdev._reports.scale import BETWEEN_ANCHORS
from ips_jobdev._store import UnitOfWork
from ips_jobdev.cli._app import App, db_option, pass_app, with_examples
from ips_jobdev.cli._serialize import jsonable
from ips_jobdev.errors import ValidationError

if TYPE_CHECKING:
    from ips_jobdev.demo import DemoSummary

__all__ = ["demo_fidelity", "demo_fidelity_json", "report_group"]

F = TypeVar("F", bound=Callable[..., Any])
CSV_COLUMNS = ["report", "figure", "label", "specialist", "value", "unit", "point", "anchor"]


@click.group("report")
def report_group() -> None:
    """Fidelity and outcome figures computed from the record."""


def _common(function: F) -> F:
    options: list[Callable[[Any], Any]] = [
        click.option(
            "--from",
            "from_day",
            type=click.DateTime(["%Y-%m-%d"]),
            help="First day of the period (default: 13 weeks before --to).",
        ),
        click.option(
            "--to",
            "to_day",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Last day of the period, included (default: today).",
        ),
        click.option("--specialist", "-s", metavar="CODE", help="One specialist."),
        click.option("--team", metavar="CODE,CODE", help="Several specialists, comma-separated."),
        click.option("--json", "as_json", is_flag=True, help="Print a JSON document."),
        click.option(
            "--evidence",
            is_flag=True,
            help="With --json: each figure's evidence rows, by program code (team use).",
        ),
        click.option("--csv", "as_csv", is_flag=True, help="Print CSV rows, one per figure."),
        click.option("--explain", is_flag=True, help="Say how each figure is computed."),
        click.option(
            "--format",
            "packet_format",
            type=click.Choice(FORMATS),
            help="Write the review packet in this format to --out (html or pdf).",
        ),
        click.option(
            "--out",
            type=click.Path(dir_okay=False, writable=True),
            help="Where to write the review packet (with --format).",
        ),
        click.option(
            "--audience",
            type=click.Choice(AUDIENCES),
            default="reviewer",
            show_default=True,
            help="Who reads the packet: reviewer (job seekers by code only) or team (names too).",
        ),
        db_option,
        pass_app,
    ]
    decorated: Any = function
    for option in reversed(options):
        decorated = option(decorated)
    return decorated  # type: ignore[no-any-return]


def _period(
    from_day: dt.datetime | None, to_day: dt.datetime | None, as_json: bool, as_csv: bool
) -> tuple[dt.date, dt.date]:
    if as_json and as_csv:
        raise ValidationError("report", "format", "choose --json or --csv, not both")
    end = to_day.date() if to_day else dt.date.today()
    start = from_day.date() if from_day else end - dt.timedelta(days=90)
    if end < start:
        raise ValidationError("report", "to", f"{end} is before --from {start}")
    return start, end


@attrs.frozen
class _PacketRequest:
    """What --format, --out and --audience asked for."""

    format: str | None
    out: str | None
    audience: str

    def wanted(self, as_json: bool, as_csv: bool) -> bool:
        if self.format is None and self.out is None:
            return False
        if self.format is None or self.out is None:
            raise ValidationError("report", "out", "give --format html|pdf with --out FILE")
        if as_json or as_csv:
            raise ValidationError("report", "format", "choose --format or --json/--csv")
        return True

    def write(self, app: App, packet: ReviewPacket) -> None:
        assert self.format is not None
        assert self.out is not None
        path = packet.write(self.out, self.format)
        app.console.print(f"Wrote the {packet.kind} packet ({self.format}) to {path}")


def _value(figure: Figure) -> str:
    if figure.value is None:
        return "n/a"
    unit = figure.unit
    if unit == "%":
        return f"{figure.value}%"
    if unit == "$ an hour":
        return f"${figure.value:.2f} an hour"
    return f"{figure.value} {unit}".strip()


def _figures_table(title: str, figures: list[Figure], scored: bool) -> Table:
    table = Table("figure", "value", *(["point", "anchor"] if scored else []), "from")
    table.title = title
    table.title_justify = "left"
    for figure in figures:
        counts = ", ".join(
            f"{k.replace('_', ' ')} {v}"
            for k, v in figure.detail.items()
            if isinstance(v, int | float) and not isinstance(v, bool)
        )
        cells = [figure.label, _value(figure)]
        if scored:
            cells += [str(figure.point) if figure.point is not None else "", figure.anchor or ""]
        table.add_row(*cells, counts)
    return table


def _explain(app: App, figures: list[Figure]) -> None:
    app.console.print("[bold]How each figure is computed[/]")
    for figure in figures:
        app.console.print(f"[bold]{figure.label}[/] ({figure.key}): {figure.definition}")


def _csv(app: App, report: str, figures: list[Figure], extra: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for figure in figures:
        writer.writerow(
            {
                "report": report,
                "figure": figure.key,
                "label": figure.label,
                "specialist": "",
                "value": "" if figure.value is None else figure.value,
                "unit": figure.unit,
                "point": "" if figure.point is None else figure.point,
                "anchor": figure.anchor or "",
            }
        )
    for row in extra:
        writer.writerow({"report": report, **row})
    click.echo(out.getvalue(), nl=False)


def _fidelity_rows(report: FidelityReport) -> list[dict[str, Any]]:
    rows = []
    for s in report.specialists:
        rows.append(
            {
                "figure": "frequent_employer_contact",
                "label": "Face-to-face employer contacts per week",
                "specialist": s.code,
                "value": "" if s.weekly_contacts is None else round(s.weekly_contacts, 2),
                "unit": "contacts a week",
                "point": s.contact_point if s.contact_point is not None else "",
                "anchor": "new-caseload rule" if s.new_caseload_rule else "",
            }
        )
        rows.append(
            {
                "figure": "caseload_size",
                "label": "Caseload size",
                "specialist": s.code,
                "value": s.caseload,
                "unit": "job seekers",
                "point": s.caseload_point if s.caseload_point is not None else "",
                "anchor": "",
            }
        )
    return rows


@report_group.command("fidelity")
@click.option("--scale", metavar="FILE", help="A fidelity scale file (default: the US IPS-25).")
@click.option(
    "--between-anchors",
    type=click.Choice(BETWEEN_ANCHORS),
    help="How a value between two anchors is read: reach (a point needs its anchor's value) "
    "or nearest (the closest anchor). Default: the scale file's choice (reach).",
)
@_common
@with_examples(
    "ips-jobdev report fidelity --from 2026-01-01 --to 2026-12-31",
    "ips-jobdev report fidelity --specialist jd --explain",
    "ips-jobdev report fidelity --team jd,kb --csv > fidelity.csv",
    "ips-jobdev report fidelity --from 2026-07-01 --to 2026-09-30 --format pdf --out q3.pdf",
)
def fidelity_command(
    app: App,
    scale: str | None,
    between_anchors: str | None,
    from_day: dt.datetime | None,
    to_day: dt.datetime | None,
    specialist: str | None,
    team: str | None,
    as_json: bool,
    as_csv: bool,
    evidence: bool,
    explain: bool,
    packet_format: str | None,
    out: str | None,
    audience: str,
) -> None:
    """Fidelity figures with their IPS-25 scale points: employer contacts per week, rapid
    job search, individualized job search, diversity of job types and employers,
    competitive jobs, caseload size, and the evidence a reviewer reads (--format html|pdf
    --out FILE writes the review packet)."""
    start, end = _period(from_day, to_day, as_json, as_csv)
    packet = _PacketRequest(packet_format, out, audience)
    if packet.wanted(as_json, as_csv):
        with app.uow() as uow:
            document = fidelity_packet(
                uow,
                start=start,
                end=end,
                specialist=specialist,
                team=team,
                scale=scale,
                between_anchors=between_anchors,
                audience=audience,
            )
        packet.write(app, document)
        return
    with app.uow() as uow:
        report = fidelity_report(
            uow,
            start=start,
            end=end,
            specialist=specialist,
            team=team,
            scale=scale,
            between_anchors=between_anchors,
        )
    if as_json:
        app.print_json(report.to_dict(evidence=evidence))
        return
    if as_csv:
        _csv(app, "fidelity", report.figures, _fidelity_rows(report))
        return
    app.console.print(f"[bold]{report.scale_name}[/], {report.scale_version}")
    app.console.print(f"[dim]{report.scale_source}[/]", soft_wrap=True)
    app.console.print(f"[dim]Between anchors: {report.between_anchors}[/]")
    title = (
        f"{report.scope.label}, {start:%d %b %Y} - {end:%d %b %Y} ({report.period.weeks:.1f} weeks)"
    )
    app.console.print(_figures_table(title, report.figures, scored=True))
    if report.specialists:
        app.console.print(_specialists_table(report))
    if explain:
        _explain(app, report.figures)


def _specialists_table(report: FidelityReport) -> Table:
    table = Table("specialist", "contacts", "a week", "point", "caseload", "looking", "point")
    table.title = "Each specialist"
    table.title_justify = "left"
    for s in report.specialists:
        point = str(s.contact_point) if s.contact_point is not None else ""
        if s.new_caseload_rule:
            point += " (new caseload)"
        table.add_row(
            f"{s.code} {s.name}",
            str(s.contacts),
            "n/a" if s.weekly_contacts is None else f"{s.weekly_contacts:.2f}",
            point,
            str(s.caseload),
            str(s.looking_for_work),
            str(s.caseload_point) if s.caseload_point is not None else "",
        )
    return table


@report_group.command("outcomes")
@_common
@with_examples(
    "ips-jobdev report outcomes --from 2026-07-01 --to 2026-09-30",
    "ips-jobdev report outcomes --specialist jd --json",
    "ips-jobdev report outcomes --explain",
    "ips-jobdev report outcomes --from 2026-07-01 --to 2026-09-30 --format html --out q3.html",
)
def outcomes_command(
    app: App,
    from_day: dt.datetime | None,
    to_day: dt.datetime | None,
    specialist: str | None,
    team: str | None,
    as_json: bool,
    as_csv: bool,
    evidence: bool,
    explain: bool,
    packet_format: str | None,
    out: str | None,
    audience: str,
) -> None:
    """Outcomes: job seekers served, the IPS employment rate, competitive job starts, hours,
    wages, jobs held 90 days, tenure, job endings by reason, and progress against the
    program's goals (--format html|pdf --out FILE writes the packet)."""
    start, end = _period(from_day, to_day, as_json, as_csv)
    packet = _PacketRequest(packet_format, out, audience)
    if packet.wanted(as_json, as_csv):
        with app.uow() as uow:
            document = outcomes_packet(
                uow, start=start, end=end, specialist=specialist, team=team, audience=audience
            )
        packet.write(app, document)
        return
    with app.uow() as uow:
        report = outcomes_report(uow, start=start, end=end, specialist=specialist, team=team)
    if as_json:
        app.print_json(report.to_dict(evidence=evidence))
        return
    if as_csv:
        _csv(app, "outcomes", report.figures, _outcome_rows(report))
        return
    title = f"Outcomes, {report.scope.label}, {start:%d %b %Y} - {end:%d %b %Y}"
    app.console.print(_figures_table(title, report.figures, scored=False))
    if report.counts.endings:
        app.console.print(_endings_table(report))
    if report.goals:
        app.console.print(_goals_table(report))
    if explain:
        _explain(app, report.figures)
        if report.goals:
            app.console.print(f"[bold]Program goals[/] (goals): {DEFINITIONS['goals']}")


def _endings_table(report: OutcomesReport) -> Table:
    table = Table("job ending", "jobs")
    for reason, count in report.counts.endings.items():
        mark = " (unsatisfactory)" if is_unsatisfactory(reason) else ""
        table.add_row(reason + mark, str(count))
    return table


def _goals_table(report: OutcomesReport) -> Table:
    table = Table("goal", "scope", "period", "target", "achieved", "met")
    table.title = "Program goals"
    table.title_justify = "left"
    for goal in report.goals:
        table.add_row(
            goal.metric,
            goal.scope,
            f"{goal.period_start} - {goal.period_end}",
            str(jsonable(goal.target)),
            "n/a" if goal.achieved is None else str(goal.achieved),
            "yes" if goal.met else "[yellow]not yet[/]",
        )
    return table


def _outcome_rows(report: OutcomesReport) -> list[dict[str, Any]]:
    rows = []
    for reason, count in report.counts.endings.items():
        rows.append(
            {
                "figure": f"job_endings.{reason}",
                "label": f"Job endings: {reason}",
                "specialist": "",
                "value": count,
                "unit": "jobs",
                "point": "",
                "anchor": "",
            }
        )
    for goal in report.goals:
        rows.append(
            {
                "figure": f"goal.{goal.metric}",
                "label": f"Goal {goal.period_start} - {goal.period_end}: target {goal.target}",
                "specialist": "" if goal.scope == "program" else goal.scope,
                "value": "" if goal.achieved is None else goal.achieved,
                "unit": "met" if goal.met else "not met",
                "point": "",
                "anchor": "",
            }
        )
    return rows


# -- the demo -------------------------------------------------------------------------------

DEMO_WEEKS = 13


def _demo_report(uow: UnitOfWork, summary: DemoSummary) -> FidelityReport:
    start = summary.today - dt.timedelta(days=DEMO_WEEKS * 7 - 1)
    return fidelity_report(uow, start=start, end=summary.today)


def demo_fidelity(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """Demo section: the fidelity figures of the last 13 weeks."""
    report = _demo_report(uow, summary)
    title = f"Fidelity ({report.scale_name}, {report.scale_version}), last {DEMO_WEEKS} weeks"
    app.console.print(_figures_table(title, report.figures, scored=True))
    app.console.print("Next: ips-jobdev report fidelity --explain")


def demo_fidelity_json(uow: UnitOfWork, summary: DemoSummary) -> dict[str, Any]:
    """Demo JSON part: ``{"fidelity": ...}``."""
    return {"fidelity": _demo_report(uow, summary).to_dict()}
