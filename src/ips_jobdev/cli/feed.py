"""``ips-jobdev feed``: a calendar subscription URL for a specialist's visits, and
revoking it."""

from __future__ import annotations

import click

from ips_jobdev._feeds import feed_url, issue_feed_token, revoke_feeds, token_from_url
from ips_jobdev.cli._app import App, command_error, db_option, json_option, pass_app, with_examples
from ips_jobdev.cli.serve import DEFAULT_PORT

__all__ = ["feed_group"]


@click.group("feed")
def feed_group() -> None:
    """Calendar subscription feeds: a secret URL your calendar app polls."""


@feed_group.command("url")
@click.option("--specialist", "-s", required=True, metavar="CODE", help="Whose visits.")
@click.option(
    "--base-url",
    default=f"http://127.0.0.1:{DEFAULT_PORT}",
    show_default=True,
    help="Where 'ips-jobdev serve' answers.",
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev feed url --specialist av",
    "ips-jobdev feed url --specialist av --base-url http://127.0.0.1:8800 --json",
)
def url_command(app: App, specialist: str, base_url: str, as_json: bool) -> None:
    """Make a new secret feed URL for a specialist's visits and print it.

    Subscribe to it in a calendar program (Thunderbird, Apple Calendar, Outlook: "add a
    calendar from the internet"); it shows the visits from 90 days back on, with job
    seekers by program code and no outcomes or notes, and updates as the record changes
    while 'ips-jobdev serve' runs. Anyone with the URL can read the calendar: keep it like
    a password. Earlier URLs keep working until 'ips-jobdev feed revoke'.
    """
    with app.uow() as uow:
        token = issue_feed_token(uow, specialist)
        who = uow.specialists.by_code(specialist).code
        uow.commit()
    url = feed_url(base_url, token)
    if as_json:
        app.print_json({"specialist": who, "url": url})
        return
    click.echo(url)


@feed_group.command("revoke")
@click.argument("url", required=False)
@click.option(
    "--specialist", "-s", metavar="CODE", help="Revoke every feed URL of this specialist."
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev feed revoke --specialist av",
    "ips-jobdev feed revoke http://127.0.0.1:8700/feed/0b1c...ics",
)
def revoke_command(app: App, url: str | None, specialist: str | None, as_json: bool) -> None:
    """Revoke a feed URL (or all of a specialist's): it answers "not found" from now on."""
    if (url is None) == (specialist is None):
        raise command_error("give a feed URL or --specialist CODE (one of them)")
    token = token_from_url(url) if url is not None else None
    with app.uow() as uow:
        count = revoke_feeds(uow, specialist=specialist, token=token)
        uow.commit()
    if as_json:
        app.print_json({"revoked": count})
        return
    click.echo(f"Revoked {count} feed URL{'s' if count != 1 else ''}.")
