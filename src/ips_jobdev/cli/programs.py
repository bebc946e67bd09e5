"""``ips-jobdev programs``: the IPS programs that share the record.

JSON documents (stable: keys are only ever added):

- ``programs add CODE --name N --json``: ``{"program": PROGRAM}``
- ``programs edit CODE ... --json``: ``{"program": PROGRAM}``
- ``programs list --json``: ``{"programs": [PROGRAM + {"specialists": N, "job_seekers": N},
  ...]}``

where PROGRAM is ``{"id", "code", "name", "created_at"}``.
"""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from ips_jobdev._casework.programs import add_program, edit_program, list_programs
from ips_jobdev._model import Program
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples

__all__ = ["programs_group"]


def program_to_dict(program: Program) -> dict[str, Any]:
    """A program as the ``--json`` documents show it."""
    return {
        "id": program.id,
        "code": program.code,
        "name": program.name,
        "created_at": program.created_at,
    }


@click.group("programs")
def programs_group() -> None:
    """The IPS programs sharing this record (several need PostgreSQL)."""


@programs_group.command("add")
@click.argument("code")
@click.option("--name", required=True, help="The program's name.")
@db_option
@json_option
@pass_app
@with_examples(
    'ips-jobdev programs add dane --name "Dane County IPS"',
    'ips-jobdev --db postgresql+psycopg://ips@db.example.org/ips programs add rock --name "Rock '
    'County IPS"',
)
def add_command(app: App, code: str, name: str, as_json: bool) -> None:
    """Add a program; CODE is how commands name it (--program CODE).

    A SQLite record holds one program: a second one is refused (PostgreSQL keeps several
    apart with row-level security).
    """
    with app.uow() as uow:
        program = add_program(uow, code, name)
        uow.commit()
    if as_json:
        app.print_json({"program": program_to_dict(program)})
    else:
        app.console.print(f"Added program {program.code} ({program.name}).")


@programs_group.command("edit")
@click.argument("code")
@click.option("--code", "new_code", metavar="CODE", help="A new code.")
@click.option("--name", help="A new name.")
@db_option
@json_option
@pass_app
@with_examples('ips-jobdev programs edit default --code dane --name "Dane County IPS"')
def edit_command(
    app: App, code: str, new_code: str | None, name: str | None, as_json: bool
) -> None:
    """Rename a program (an upgraded record's ``default`` program, say)."""
    with app.uow() as uow:
        program = edit_program(uow, code, new_code=new_code, name=name)
        uow.commit()
    if as_json:
        app.print_json({"program": program_to_dict(program)})
    else:
        app.console.print(f"Program {program.code}: {program.name}.")


@programs_group.command("list")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev programs list", "ips-jobdev programs list --json")
def list_command(app: App, as_json: bool) -> None:
    """List the programs, with the specialists and job seekers you can see in each."""
    with app.uow() as uow:
        programs = list_programs(uow)
    if as_json:
        app.print_json(
            {
                "programs": [
                    {
                        "id": p.id,
                        "code": p.code,
                        "name": p.name,
                        "created_at": p.created_at,
                        "specialists": p.specialists,
                        "job_seekers": p.job_seekers,
                    }
                    for p in programs
                ]
            }
        )
        return
    if not programs:
        app.console.print("No programs yet: the first record made goes to a program 'default'.")
        return
    table = Table("code", "name", "specialists", "job seekers")
    for p in programs:
        table.add_row(p.code, p.name, str(p.specialists), str(p.job_seekers))
    app.console.print(table)
