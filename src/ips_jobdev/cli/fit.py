"""``ips-jobdev fit``: write and list job-fit notes.

JSON documents (stable: keys are only ever added):

- ``fit add ... --json`` and each item of ``fit list --json``'s ``notes``: NOTE, that is
  ``{"id", "seeker", "employer_id", "employer", "opening_id", "author", "written_at",
  "overall", "ratings": {FACTOR: {"rating", "comment"}}, "text"}``;
- ``fit list --json``: ``{"notes": [NOTE, ...], "count": N}``.

Notes are internal to the team (audience "team").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ips_jobdev._casework.fitnotes import add_fit_note, fit_factor_names, fit_notes_for
from ips_jobdev._casework.visits import employer_names
from ips_jobdev._model import JobFitNote
from ips_jobdev._store import UnitOfWork
from ips_jobdev._vocab import FitRating
from ips_jobdev.cli._app import (
    App,
    db_option,
    json_option,
    pass_app,
    warn_hook_failures,
    with_examples,
)
from ips_jobdev.errors import ValidationError

if TYPE_CHECKING:
    from rich.table import Table

__all__ = ["fit_group", "note_rows", "notes_table"]

_RATINGS = [r.value for r in FitRating]


def note_rows(uow: UnitOfWork, notes: list[JobFitNote]) -> list[dict[str, Any]]:
    """JSON-ready rows of notes, with codes and employer names resolved."""
    seekers = {s.id: s.code for s in uow.seekers.list()}
    authors = {s.id: s.code for s in uow.specialists.list()}
    names = employer_names(uow, {note.employer_id for note in notes})
    rows = []
    for note in notes:
        rows.append(
            {
                "id": note.id,
                "seeker": seekers.get(note.seeker_id),
                "employer_id": note.employer_id,
                "employer": names[note.employer_id],
                "opening_id": note.opening_id,
                "author": authors.get(note.author_id),
                "written_at": note.written_at,
                "overall": note.overall,
                "ratings": {
                    name: {"rating": r.rating, "comment": r.comment}
                    for name, r in note.ratings.items()
                },
                "text": note.text,
            }
        )
    return rows


def notes_table(rows: list[dict[str, Any]], title: str | None = None) -> Table:
    """A rich table of note rows (one line per note, ratings abbreviated)."""
    from rich.markup import escape  # rich only for the table, not for --json
    from rich.table import Table

    table = Table("id", "written", "job seeker", "employer", "overall", "ratings", "text")
    table.title = title
    for row in rows:
        ratings = ", ".join(f"{name} {r['rating'].value}" for name, r in row["ratings"].items())
        table.add_row(
            str(row["id"]),
            row["written_at"].date().isoformat(),
            escape(row["seeker"] or ""),
            escape(row["employer"]),
            row["overall"].value,
            escape(ratings),
            escape(row["text"] or ""),
        )
    return table


def _parse_ratings(pairs: tuple[str, ...]) -> dict[str, str]:
    ratings: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValidationError("JobFitNote", "ratings", f"{pair!r} is not FACTOR=RATING")
        ratings[name.strip()] = value.strip()
    return ratings


@click.group("fit")
def fit_group() -> None:
    """Job-fit notes: how well an employer or a job fits a job seeker, factor by factor."""


@fit_group.command("add")
@click.argument("seeker_code")
@click.argument("employer")
@click.option("--opening", "opening_id", type=int, metavar="ID", help="About this opening.")
@click.option("--prefill", is_flag=True, help="Start from the matcher's view of the fit.")
@click.option(
    "--rating",
    "rating_pairs",
    multiple=True,
    metavar="FACTOR=RATING",
    help=f"A factor's rating ({', '.join(_RATINGS)}); repeatable.",
)
@click.option("--overall", type=click.Choice(_RATINGS), help="The overall judgment.")
@click.option("--text", help="Free text: what was seen, what the job seeker said.")
@click.option(
    "--author",
    metavar="CODE",
    help="The specialist writing it (default: the job seeker's specialist).",
)
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev fit add J-1001 "Example Bakery" --prefill --rating schedule=poor',
    "ips-jobdev fit add J-1001 '#12' --opening 7 --rating job_type=good --overall good",
)
def add_command(
    app: App,
    seeker_code: str,
    employer: str,
    opening_id: int | None,
    prefill: bool,
    rating_pairs: tuple[str, ...],
    overall: str | None,
    text: str | None,
    author: str | None,
    as_json: bool,
) -> None:
    """Write a job-fit note about an employer (or one of its openings) for a job seeker.

    EMPLOYER is an id (#12), an external id or a name. Factors:
    job_type, industry, distance, schedule, wage, bus, relationship, spread (and plugin
    factors). With --prefill each factor starts from the matcher's part score (>= 0.75
    good, >= 0.4 partial, else poor; unknown facts unknown) and --rating corrects it.
    """
    with app.uow() as uow:
        note = add_fit_note(
            uow,
            seeker_code,
            employer,
            author=author,
            ratings=_parse_ratings(rating_pairs),
            overall=overall,
            text=text,
            opening_id=opening_id,
            prefill=prefill,
        )
        uow.commit()
        warn_hook_failures(app, uow)
        row = note_rows(uow, [note])[0]
    if as_json:
        app.print_json(row)
        return
    from rich.markup import escape  # not for --json

    app.console.print(
        f"Saved job-fit note #{row['id']}: {escape(row['seeker'] or '')} at "
        f"{escape(row['employer'])}, overall {row['overall'].value}."
    )
    for name in fit_factor_names():
        rating = row["ratings"].get(name)
        if rating is not None:
            comment = f" ({escape(rating['comment'])})" if rating["comment"] else ""
            app.console.print(f"  {name}: {rating['rating'].value}{comment}", soft_wrap=True)


@fit_group.command("list")
@click.argument("seeker_code", required=False)
@click.option("--employer", metavar="EMPLOYER", help="Only notes about this employer.")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev fit list J-1001", "ips-jobdev fit list --employer '#12' --json")
def list_command(app: App, seeker_code: str | None, employer: str | None, as_json: bool) -> None:
    """List job-fit notes, oldest first: of one job seeker, about one employer, or all."""
    with app.uow() as uow:
        rows = note_rows(uow, fit_notes_for(uow, seeker_code, employer=employer))
    if as_json:
        app.print_json({"notes": rows, "count": len(rows)})
        return
    if not rows:
        app.console.print("No job-fit notes yet. Write one: ips-jobdev fit add SEEKER EMPLOYER")
        return
    app.console.print(notes_table(rows))
    app.console.print(f"{len(rows)} note(s)")
