"""``ips-jobdev db``: create or upgrade the database schema."""

from __future__ import annotations

import click

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
    app.console.print(f"Schema: {current or 'none'} (this version needs {head})")
