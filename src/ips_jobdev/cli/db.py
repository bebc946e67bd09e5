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
    """Create the schema, or bring an older database up to date without losing a row."""
    database = app.database(check_schema=False)
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
    """Show which database is used and its schema version."""
    database = app.database(check_schema=False)
    current = database.schema_revision()
    head = database.latest_schema_revision()
    if as_json:
        app.print_json(
            {
                "url": database.display_url,
                "schema": current,
                "latest": head,
                "up_to_date": current == head,
            }
        )
        return
    app.console.print(f"Database: {database.display_url}", soft_wrap=True)
    app.console.print(f"Schema: {current or 'none'} (this version needs {head})")
