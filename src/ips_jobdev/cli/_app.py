"""What every command shares: the database, the console, JSON output, error handling."""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from ips_jobdev._store import Database, UnitOfWork
from ips_jobdev.cli._serialize import jsonable
from ips_jobdev.errors import IpsJobdevError

__all__ = [
    "App",
    "JobdevGroup",
    "actor_option",
    "db_option",
    "json_option",
    "pass_app",
    "program_option",
]

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """The command line's state: which database, debug or not, where to print."""

    def __init__(self, db_url: str | None = None, debug: bool = False) -> None:
        self.db_url = db_url
        self.debug = debug
        self.actor: str | None = None
        """Who the changes are made by (``--as``), for the change history."""
        self.program: str | None = None
        """The program the command works in (``--program``, ``$IPS_JOBDEV_PROGRAM``)."""
        self._database: Database | None = None
        self.console = Console(highlight=False, soft_wrap=False)
        self.err_console = Console(stderr=True, highlight=False)

    def database(self, *, check_schema: bool = True) -> Database:
        """The database named by ``--db``, ``$IPS_JOBDEV_DB`` or the default file."""
        if self._database is None:
            self._database = Database(self.db_url, check_schema=check_schema)
        return self._database

    def uow(self, *, specialist: str | None = None) -> UnitOfWork:
        """A new unit of work on the database.

        Its changes are recorded in the change history as made by ``--as`` (or
        ``$IPS_JOBDEV_AS``) when given, else by ``specialist:CODE`` when the command acts
        for a specialist, else by the operating-system user (``user:LOGIN``).
        """
        actor = self.actor or (f"specialist:{specialist.strip()}" if specialist else None)
        return self.database().unit_of_work(actor=actor, program=self.program)

    def print_json(self, document: Any) -> None:
        """Print a JSON document (UTF-8, two-space indent, keys in their documented order)."""
        click.echo(json.dumps(jsonable(document), indent=2, ensure_ascii=False))

    def close(self) -> None:
        """Close the database's connections."""
        if self._database is not None:
            self._database.dispose()
            self._database = None


pass_app = click.make_pass_decorator(App, ensure=True)


def _set_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(App).db_url = value


def db_option(function: F) -> F:
    """``--db URL`` on a command (the same as the top-level ``ips-jobdev --db URL``)."""
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        expose_value=False,
        callback=_set_db,
        is_eager=True,
        help="Database URL or SQLite file (default: $IPS_JOBDEV_DB, else the user data file).",
    )(function)


def _set_actor(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and value.strip():
        ctx.ensure_object(App).actor = value.strip()


def actor_option(function: F) -> F:
    """``--as NAME`` on a command that changes the record (also accepted before the
    command: ``ips-jobdev --as NAME ...``)."""
    return click.option(
        "--as",
        "actor",
        metavar="NAME",
        expose_value=False,
        callback=_set_actor,
        is_eager=True,
        envvar="IPS_JOBDEV_AS",
        help="Who makes the change, for the change history (default: the specialist the "
        "command names, else your login name; $IPS_JOBDEV_AS).",
    )(function)


def _set_program(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None and value.strip():
        ctx.ensure_object(App).program = value.strip()


def program_option(function: F) -> F:
    """``--program CODE`` on a command (also accepted before the command:
    ``ips-jobdev --program CODE ...``): the program it works in."""
    return click.option(
        "--program",
        metavar="CODE",
        expose_value=False,
        callback=_set_program,
        is_eager=True,
        envvar="IPS_JOBDEV_PROGRAM",
        help="The program to work in, by code (needed only when the record holds several; "
        "$IPS_JOBDEV_PROGRAM).",
    )(function)


def json_option(function: F) -> F:
    """``--json``: print a stable JSON document instead of a table."""
    return click.option(
        "--json", "as_json", is_flag=True, help="Print a JSON document (a stable interface)."
    )(function)


class JobdevGroup(click.Group):
    """A group whose commands print library errors as one line and exit 1 (``--debug``:
    the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except IpsJobdevError as exc:
            app = ctx.find_object(App)
            if app is not None and app.debug:
                raise
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        finally:
            app = ctx.find_object(App)
            if app is not None and ctx.parent is None:
                app.close()


def with_examples(*lines: str) -> Callable[[F], F]:
    """Append an ``Examples:`` block to a command's help."""

    def decorate(function: F) -> F:
        block = "\n\n\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
        function.__doc__ = inspect.cleandoc(function.__doc__ or "") + block
        return function

    return decorate


def command_error(message: str) -> click.ClickException:
    """A usage-level error for the CLI (printed as one line, exit code 1)."""
    return click.ClickException(message)


def warn_hook_failures(app: App, uow: UnitOfWork, *, limit: int | None = None) -> None:
    """Print a warning for each plugin that failed to hear of a committed change (the
    first ``limit`` of them, then how many more: an import may fail once per row)."""
    failures = uow.hook_failures
    for failure in failures[:limit]:
        plugin = getattr(failure, "plugin", "a plugin")
        error = getattr(failure, "error", str(failure))
        app.err_console.print(f"Warning: plugin {plugin!r} failed: {escape(error)}", soft_wrap=True)
    if limit is not None and len(failures) > limit:
        app.err_console.print(f"Warning: and {len(failures) - limit:,} more plugin failures.")
