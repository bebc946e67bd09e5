"""``ips-jobdev users``: accounts of the shared web app (``ips-jobdev serve --shared``).

Passwords are read from standard input (typed without echo at a terminal, asked twice; or
the first line of a pipe), hashed with argon2 and never printed, stored in clear or logged.

JSON documents (stable: keys are only ever added):

- ``users add ... --json``, ``users disable ... --json``, ``users reset-password ... --json``:
  ``{"user": USER}``
- ``users list --json``: ``{"users": [USER, ...]}``

where USER is ``{"email", "program", "role", "specialist", "disabled", "locked_until",
"created_at", "last_sign_in_at"}``.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from rich.table import Table

from ips_jobdev._casework.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLES,
    Account,
    add_user,
    disable_user,
    list_users,
    reset_password,
)
from ips_jobdev.cli._app import (
    CLI_ORIGIN,
    App,
    command_error,
    db_option,
    json_option,
    pass_app,
    with_examples,
)

__all__ = ["users_group"]


def user_to_dict(account: Account) -> dict[str, Any]:
    """An account as the ``--json`` documents show it (never its password)."""
    return {
        "email": account.email,
        "program": account.program,
        "role": account.role.value,
        "specialist": account.specialist,
        "disabled": account.disabled,
        "locked_until": account.locked_until,
        "created_at": account.created_at,
        "last_sign_in_at": account.last_sign_in_at,
    }


def read_password() -> str:
    """The new password: asked twice without echo at a terminal, else the first line of
    standard input."""
    stdin = sys.stdin
    if stdin.isatty():
        value = click.prompt(
            f"New password (at least {MIN_PASSWORD_LENGTH} characters)",
            hide_input=True,
            confirmation_prompt=True,
            err=True,
        )
        return str(value)
    line = stdin.readline()
    if not line:
        raise command_error("no password on standard input (pipe it, or run in a terminal)")
    return line.rstrip("\r\n")


@click.group("users")
def users_group() -> None:
    """Accounts of the shared web app (ips-jobdev serve --shared)."""


@users_group.command("add")
@click.argument("email")
@click.option("--program", "program", required=True, metavar="CODE", help="The program.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the account may see.")
@click.option(
    "--specialist", metavar="CODE", help="The account's specialist (needed for a specialist)."
)
@db_option
@json_option
@pass_app
@with_examples(
    "ips-jobdev users add pat@example.org --program dane --role supervisor",
    "printf '%s\\n' \"$PASSWORD\" | ips-jobdev users add ae@example.org --program dane "
    "--role specialist --specialist ae",
)
def add_command(
    app: App, email: str, program: str, role: str, specialist: str | None, as_json: bool
) -> None:
    """Add an account; its password is read from standard input (never echoed).

    Roles: specialist (own caseload, the team's pages to read), supervisor (the program's
    team), program-manager (the program's figures and exports), state-reviewer (figures
    across programs, never a name), administrator (everything in the program).
    """
    password = read_password()
    with app.database().unit_of_work(actor=app.actor, program=program, origin=CLI_ORIGIN) as uow:
        account = add_user(uow, email, program, role, password, specialist=specialist)
        uow.commit()
    if as_json:
        app.print_json({"user": user_to_dict(account)})
    else:
        app.console.print(f"Added {account.email} ({account.role.value}, {account.program}).")


@users_group.command("disable")
@click.argument("email")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev users disable pat@example.org")
def disable_command(app: App, email: str, as_json: bool) -> None:
    """Disable an account: it can no longer sign in (its sessions end at their next
    request)."""
    with app.uow() as uow:
        account = disable_user(uow, email)
        uow.commit()
    if as_json:
        app.print_json({"user": user_to_dict(account)})
    else:
        app.console.print(f"Disabled {account.email}.")


@users_group.command("reset-password")
@click.argument("email")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev users reset-password pat@example.org")
def reset_command(app: App, email: str, as_json: bool) -> None:
    """Set a new password for an account (read from standard input, never echoed); it
    also unlocks the account."""
    password = read_password()
    with app.uow() as uow:
        account = reset_password(uow, email, password)
        uow.commit()
    if as_json:
        app.print_json({"user": user_to_dict(account)})
    else:
        app.console.print(f"New password set for {account.email}; the account is unlocked.")


@users_group.command("list")
@click.option("--program", "program", metavar="CODE", help="Only this program's accounts.")
@db_option
@json_option
@pass_app
@with_examples("ips-jobdev users list", "ips-jobdev users list --program dane --json")
def list_command(app: App, program: str | None, as_json: bool) -> None:
    """List the accounts (never their passwords)."""
    with app.uow() as uow:
        accounts = list_users(uow, program=program)
    if as_json:
        app.print_json({"users": [user_to_dict(a) for a in accounts]})
        return
    if not accounts:
        app.console.print("No accounts yet: add one with `ips-jobdev users add`.")
        return
    table = Table("email", "program", "role", "specialist", "state", "last sign-in")
    for a in accounts:
        state = "disabled" if a.disabled else ("locked" if a.locked_until else "active")
        last = f"{a.last_sign_in_at:%Y-%m-%d %H:%M}" if a.last_sign_in_at else ""
        table.add_row(a.email, a.program, a.role.value, a.specialist or "", state, last)
    app.console.print(table)
