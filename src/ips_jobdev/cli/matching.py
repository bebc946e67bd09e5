"""``ips-jobdev match`` and ``ips-jobdev targets``: employers worth approaching, and why.

JSON documents (stable: keys are only ever added):

- ``match SEEKER --json``: :meth:`ips_jobdev.matching.MatchList.to_dict`::

    {"seeker": "J-1001", "seeker_name": "J-1001", "considered": 290,
     "filtered": {"do_not_contact": 3, "avoided_employer": 0, "avoided_industry": 12,
                  "distance_limit": 0, "avoided_job_types": 1},
     "weights": {"job_type": 3.0, ...}, "notes": ["..."],
     "matches": [{"id": 12, "name": "...", "score": 0.8125, "miles": 3.4,
                  "factors": {"job_type": {"score": 1.0, "weight": 3.0,
                                           "reason": "warehouse work is on J-1001's list"},
                              ...}}]}

  A factor's ``score`` is ``null`` when its facts are unknown (it counted as 0.5).
- ``targets SPECIALIST --json``: ``{"specialist": CODE, "good_fit": 0.7,
  "targets": [{"id", "name", "fits", "score", "seekers": [{"code", "score"}]}]}``
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ips_jobdev import _lookup
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import JobSeekerStatus
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples
from ips_jobdev.errors import ValidationError
from ips_jobdev.matching import (
    EmployerMatch,
    MatchConfig,
    MatchList,
    caseload_targets,
    rank_employers,
)

if TYPE_CHECKING:
    from ips_jobdev.demo import DemoSummary

__all__ = ["demo_matches", "demo_matches_json", "match_command", "parse_weights", "targets_command"]

DEMO_MATCHES = 5
"""How many employers the demo shows for its job seeker."""


def parse_weights(pairs: tuple[str, ...]) -> dict[str, float]:
    """``("distance=4", "spread=0")`` as ``{"distance": 4.0, "spread": 0.0}``."""
    weights: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            weights[name.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep or not name.strip():
            raise ValidationError("match", "weight", f"{pair!r} is not FACTOR=NUMBER")
    return weights


def _config(path: Path | None) -> MatchConfig:
    return MatchConfig.load(path) if path is not None else MatchConfig.from_environment()


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The program's matching TOML file (default: $IPS_JOBDEV_MATCHING, else built-in).",
)
as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Count recent visits back from this day (default: today).",
)


def _score(value: float | None) -> str:
    return "unknown" if value is None else f"{value:.2f}"


def _summary(match: EmployerMatch) -> str:
    """The reasons that moved the score most: strong parts first, then the weak ones."""
    counted = [(p.score, p) for p in match.parts if p.weight > 0 and p.score is not None]
    strong = sorted((p for s, p in counted if s >= 0.75), key=lambda p: -p.weight)[:2]
    weak = sorted((p for s, p in counted if s < 0.4), key=lambda p: -p.weight)[:1]
    return "; ".join(p.reason for p in [*strong, *weak])


def _print_matches(app: App, result: MatchList, explain: bool) -> None:
    from rich.markup import escape  # rich only for the table, not for --json
    from rich.table import Table

    console = app.console
    console.print(
        f"[bold]Employers for {escape(result.seeker_name)}[/] "
        f"({result.considered:,} considered, best first)"
    )
    for note in result.notes:
        console.print(f"  note: {escape(note)}", soft_wrap=True)
    removed = {k: v for k, v in result.filtered.items() if v}
    if removed:
        text = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in removed.items())
        console.print(f"  left out by hard filters: {text}", soft_wrap=True)
    if not result.matches:
        console.print("No employers to show.")
        return
    if not explain:
        table = Table("#", "employer", "score", "miles", "why")
        for rank, match in enumerate(result.matches, 1):
            miles = "" if match.miles is None else f"{match.miles:.1f}"
            table.add_row(
                str(rank),
                f"{escape(match.employer_name)} (#{match.employer_id})",
                f"{match.score:.2f}",
                miles,
                escape(_summary(match)),
            )
        console.print(table)
        return
    for rank, match in enumerate(result.matches, 1):
        table = Table("factor", "weight", "part", "reason", box=None, padding=(0, 2, 0, 2))
        table.title = (
            f"{rank}. {escape(match.employer_name)} (#{match.employer_id}): {match.score:.4f}"
        )
        table.title_justify = "left"
        for part in match.parts:
            table.add_row(part.name, f"{part.weight:g}", _score(part.score), escape(part.reason))
        console.print(table)


@click.command("match")
@click.argument("seeker_code")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--explain", is_flag=True, help="Show every factor's part and reason.")
@click.option("--max-miles", type=click.FloatRange(min=0), help="Only employers this close.")
@click.option(
    "--weight",
    "weight_pairs",
    multiple=True,
    metavar="FACTOR=W",
    help="Weight a factor differently for this run (repeatable).",
)
@config_option
@as_of_option
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev match J-1001",
    "ips-jobdev match J-1001 --limit 5 --explain",
    "ips-jobdev match J-1001 --weight distance=4 --json",
)
def match_command(
    app: App,
    seeker_code: str,
    limit: int,
    explain: bool,
    max_miles: float | None,
    weight_pairs: tuple[str, ...],
    config_path: Path | None,
    as_of: dt.datetime | None,
    as_json: bool,
) -> None:
    """Rank employers for a job seeker by that person's own preferences, best first.

    Hard filters come first (the job seeker's avoid list, do-not-contact, a stated
    distance limit); every factor then gives a part score and a reason. Unknown facts
    count as neutral and say so. A job seeker with no preferences still gets a list.
    """
    config = _config(config_path)
    with app.uow() as uow:
        result = rank_employers(
            uow,
            seeker_code,
            limit=limit,
            weights=parse_weights(weight_pairs),
            config=config,
            max_miles=max_miles,
            as_of=as_of.date() if as_of else None,
        )
    if as_json:
        app.print_json(result.to_dict())
        return
    _print_matches(app, result, explain)
    if not explain and result.matches:
        app.console.print("Every factor and reason: add --explain (or --json).")


@click.command("targets")
@click.argument("specialist")
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--good-fit",
    type=click.FloatRange(0, 1),
    help="Score at which a job seeker counts for an employer (default: config, 0.7).",
)
@config_option
@as_of_option
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev targets ae", "ips-jobdev targets ae --limit 10 --json")
def targets_command(
    app: App,
    specialist: str,
    limit: int,
    good_fit: float | None,
    config_path: Path | None,
    as_of: dt.datetime | None,
    as_json: bool,
) -> None:
    """Employers ranked by how many of a specialist's job seekers they fit well.

    For general job-development visits: each job seeker's own hard filters hold; a job
    seeker counts for an employer when its score for them reaches the good-fit score.
    Active job seekers are those searching or working.
    """
    config = _config(config_path)
    threshold = config.good_fit if good_fit is None else good_fit
    with app.uow() as uow:
        who = _lookup.specialist(uow, specialist)
        code = who.code
        targets = caseload_targets(
            uow,
            who,
            limit=limit,
            good_fit=threshold,
            config=config,
            as_of=as_of.date() if as_of else None,
        )
    if as_json:
        app.print_json(
            {
                "specialist": code,
                "good_fit": threshold,
                "targets": [t.to_dict() for t in targets],
            }
        )
        return
    if not targets:
        app.console.print(
            f"No employer reaches a score of {threshold:g} for any active job seeker of {code}."
        )
        return
    from rich.markup import escape  # not for --json
    from rich.table import Table

    table = Table("#", "employer", "fits", "mean score", "job seekers")
    table.title = f"Caseload targets for {code} (good fit: {threshold:g})"
    for rank, target in enumerate(targets, 1):
        table.add_row(
            str(rank),
            f"{escape(target.employer_name)} (#{target.employer_id})",
            str(len(target.seekers)),
            f"{target.score:.2f}",
            escape(", ".join(target.seekers)),
        )
    app.console.print(table)


def _demo_seeker(uow: UnitOfWork) -> str | None:
    """The first searching job seeker (by code) with preferences and a home ZIP."""
    for seeker in uow.seekers.on_caseload():
        prefs = seeker.preferences
        if seeker.status is JobSeekerStatus.SEARCHING and prefs.job_types and prefs.home_zip:
            return seeker.code
    return None


def demo_matches(app: App, uow: UnitOfWork, summary: DemoSummary) -> None:
    """Demo section: the best employers for one job seeker, with the reasons."""
    code = _demo_seeker(uow)
    if code is None:
        return
    result = rank_employers(uow, code, limit=DEMO_MATCHES, as_of=summary.today)
    _print_matches(app, result, explain=False)
    app.console.print(f"Next: ips-jobdev match {code} --explain")


def demo_matches_json(uow: UnitOfWork, summary: DemoSummary) -> dict[str, object]:
    """Demo JSON part: ``{"matches": MATCH LIST}`` for the same job seeker."""
    code = _demo_seeker(uow)
    if code is None:
        return {"matches": None}
    return {"matches": rank_employers(uow, code, limit=DEMO_MATCHES, as_of=summary.today).to_dict()}
