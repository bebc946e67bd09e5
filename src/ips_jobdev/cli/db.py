"""``ips-jobdev db``: create or upgrade the database schema."""

from __future__ import annotations

import sys

import click

from ips_jobdev._casework.programs import grant_program, revoke_program
from ips_jobdev.cli._app import App, db_option, json_option, pass_app, with_examples

__all__ = ["db_group"]


@click.group("db")
def db_group() -> None:
    """Create, upgrade and inspect the database."""


@db_group.command("upgrade")
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev db upgrade", "ips-jobdev db upgrade --db postgresql+psycopg://ips@db/ips"
)
def upgrade_command(app: App, as_json: bool) -> None:
    """Create the database, or bring an older one up to date without losing a row.

    A new SQLite file is built under a temporary name beside it and appears only when it
    is complete; a missing folder is not made.
    """
    database = app.database(check_schema=False, create=True)
    before, after = database.upgrade()
    if as_json:
        app.print_json({"url": database.display_url, "before": before, "after": after})
    elif before == after:
        app.console.print(f"The database is up to date (schema {after}).")
    else:
        app.console.print(f"Upgraded the database from schema {before or 'none'} to {after}.")


@db_group.command("status")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev db status")
def status_command(app: App, as_json: bool) -> None:
    """Show which database is used, whether it exists, and its schema version.

    It never creates anything: a missing file is reported as missing.
    """
    database = app.database(check_schema=False)
    current = database.schema_revision()
    head = database.latest_schema_revision()
    if as_json:
        app.print_json(
            {
                "url": database.display_url,
                "exists": database.exists,
                "schema": current,
                "latest": head,
                "up_to_date": current == head,
            }
        )
        return
    app.console.print(f"Database: {database.display_url}", soft_wrap=True)
    if not database.exists:
        app.console.print(
            "There is no database there yet: `ips-jobdev db upgrade` creates it.", soft_wrap=True
        )
    app.console.print(f"Schema: {current or 'none'} (this version needs {head})", soft_wrap=True)


@db_group.command("grant-program")
@click.argument("program")
@click.option("--role", required=True, metavar="PG_ROLE", help="The PostgreSQL role to make.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read a password from standard input and let the role log in with it.",
)
@click.option(
    "--write",
    is_flag=True,
    help="Let the role change its program's rows too (default: read only).",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev db grant-program dane --role dane_reports",
    "printf '%s' \"$PASSWORD\" | ips-jobdev db grant-program dane --role dane_reports "
    "--password-stdin",
)
def grant_program_command(
    app: App, program: str, role: str, password_stdin: bool, write: bool, as_json: bool
) -> None:
    """Make a PostgreSQL role that sees only PROGRAM's rows, even in plain SQL.

    For a county's own tools and reports: the database's row-level security shows the role
    the rows of PROGRAM and nothing of the other programs (employers are shared). The
    role of --db needs the CREATEROLE privilege. PostgreSQL only.
    """
    password = None
    if password_stdin:
        password = sys.stdin.read().rstrip("\r\n")
        if not password:
            raise click.ClickException("no password on standard input")
    with app.uow() as uow:
        granted = grant_program(uow, program, role, password=password, write=write)
        uow.commit()
    if as_json:
        app.print_json(
            {
                "role": granted.role,
                "program": granted.program,
                "created": granted.created,
                "write": granted.can_write,
                "login": granted.login,
            }
        )
        return
    made = "Made" if granted.created else "Updated"
    access = "read and write" if granted.can_write else "read"
    app.console.print(f"{made} role {granted.role}: {access} access to program {granted.program}.")
    if not granted.login:
        app.console.print(
            f"It cannot log in: grant it to a login role (GRANT {granted.role} TO someone, "
            "then SET ROLE), or run again with --password-stdin."
        )


@db_group.command("revoke-program")
@click.option("--role", required=True, metavar="PG_ROLE", help="The PostgreSQL role.")
@click.option("--drop", "drop_role", is_flag=True, help="Drop the role too.")
@db_option
@pass_app
@with_examples("ips-jobdev db revoke-program --role dane_reports --drop")
def revoke_program_command(app: App, role: str, drop_role: bool) -> None:
    """Take back what grant-program gave a role (and with --drop, drop it). PostgreSQL only."""
    with app.uow() as uow:
        was_granted = revoke_program(uow, role, drop_role=drop_role)
        uow.commit()
    state = "revoked" if was_granted else "had no program; its privileges were revoked"
    app.console.print(f"Role {role}: {state}{' and dropped' if drop_role else ''}.")
