"""What every command shares: the database, the console, JSON output, how it fails.

A failure is one line on stderr and an exit code (:data:`EXIT_CODES`): the record, field and
reason of a refused input, or the database and what to check. No error message holds a
value from a job seeker's record; ``--debug`` shows the whole exception (with a warning
first, as it may). Ctrl-C stops any command with one line and exit code 130.

Heavy libraries (SQLAlchemy, rich) are imported only when a command needs them, so
``ips-jobdev --help`` starts at once.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

if TYPE_CHECKING:
    from rich.console import Console

    from ips_jobdev._store import Database, UnitOfWork

__all__ = [
    "CLI_ORIGIN",
    "EXIT_CODES",
    "App",
    "JobdevGroup",
    "LazyCommand",
    "actor_option",
    "command_error",
    "db_option",
    "json_option",
    "pass_app",
    "program_option",
    "warn_hook_failures",
    "with_examples",
]

F = TypeVar("F", bound=Callable[..., Any])

CLI_ORIGIN = "cli"
"""Where the command line's units of work work from, in the audit trail."""

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_CODES: dict[int, str] = {
    EXIT_OK: "done",
    EXIT_REFUSED: "refused or failed: an input, a record or the database (one line on stderr)",
    EXIT_USAGE: "usage: an unknown command or option, a missing or malformed argument",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C); nothing half-written is kept",
}
"""The exit codes every command uses (the CLI reference lists them)."""

DEBUG_WARNING = (
    "Warning: --debug prints whole errors and tracebacks, which may include personal data "
    "from the record (names, notes, preferences); do not share this output."
)


class App:
    """The command line's state: which database, debug or not, where to print."""

    def __init__(self, db_url: str | None = None, debug: bool = False) -> None:
        self.db_url = db_url
        self.debug = debug
        self.actor: str | None = None
        """Who the changes are made by (``--as``), for the change history."""
        self.create = False
        """``--create``: a command may make a new database where none is."""
        self.program: str | None = None
        """The program the command works in (``--program``, ``$IPS_JOBDEV_PROGRAM``)."""
        self._database: Database | None = None
        self._console: Console | None = None
        self._err_console: Console | None = None

    @property
    def console(self) -> Console:
        """Where commands print (rich, loaded on first use)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(highlight=False, soft_wrap=False)
        return self._console

    @console.setter
    def console(self, console: Console) -> None:
        self._console = console

    @property
    def err_console(self) -> Console:
        """Where commands print warnings (stderr)."""
        if self._err_console is None:
            from rich.console import Console

            self._err_console = Console(stderr=True, highlight=False)
        return self._err_console

    @err_console.setter
    def err_console(self, console: Console) -> None:
        self._err_console = console

    def database(self, *, check_schema: bool = True, create: bool = False) -> Database:
        """The database named by ``--db``, ``$IPS_JOBDEV_DB`` or the default file.

        Only commands that say ``create`` (``db upgrade``, ``demo``) or the user's
        ``--create`` make a new one; otherwise a missing file is an error naming its path.
        """
        if self._database is None:
            from ips_jobdev._store import Database

            self._database = Database(
                self.db_url, check_schema=check_schema, create=create or self.create
            )
            for notice in self._database.notices:
                click.echo(f"Note: {notice}", err=True)
        return self._database

    def uow(self, *, specialist: str | None = None) -> UnitOfWork:
        """A new unit of work on the database.

        Its changes are recorded in the change history as made by ``--as`` (or
        ``$IPS_JOBDEV_AS``) when given, else by ``specialist:CODE`` when the command acts
        for a specialist, else by the operating-system user (``user:LOGIN``). Every job
        seeker it loads is a view from ``cli`` in the audit trail (commands that plan,
        report, import or export load theirs unaudited).
        """
        actor = self.actor or (f"specialist:{specialist.strip()}" if specialist else None)
        return self.database().unit_of_work(actor=actor, program=self.program, origin=CLI_ORIGIN)

    def print_json(self, document: Any) -> None:
        """Print a JSON document (UTF-8, two-space indent, keys in their documented order)."""
        from ips_jobdev._jsonable import jsonable

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


def _set_create(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.ensure_object(App).create = True


def db_option(function: F) -> F:
    """``--db URL`` and ``--create`` on a command (as on the top-level ``ips-jobdev``)."""
    function = click.option(
        "--create",
        is_flag=True,
        expose_value=False,
        callback=_set_create,
        is_eager=True,
        help="Make a new database if there is none at --db.",
    )(function)
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


class _Interrupted(Exception):
    """Ctrl-C, carried past click's own handling (which prints "Aborted!" and exits 1)."""


class LazyCommand:
    """A command imported only when it runs (or its help is asked for): ``module`` and
    ``attribute`` name it, ``summary`` is its line in ``ips-jobdev --help``."""

    def __init__(self, module: str, attribute: str, summary: str) -> None:
        self.module = module
        self.attribute = attribute
        self.summary = summary

    def load(self) -> click.Command:
        """Import the command."""
        import importlib

        command = getattr(importlib.import_module(self.module), self.attribute)
        assert isinstance(command, click.Command)
        return command


def _load_without_gc(command: LazyCommand) -> click.Command:
    """Import a command with the cyclic garbage collector paused, then freeze what the
    imports made (modules, classes, SQLAlchemy's tables: they live as long as the process).

    The imports (SQLAlchemy above all) make hundreds of thousands of objects and no garbage;
    with the collector on they set off collection after collection, and at exit Python
    collects once more over all of them: together about a fifth of a short command's CPU.
    Frozen, later collections (and the last) skip them. Only when the arguments come from
    ``sys.argv`` (the ``ips-jobdev`` script, ``python -m ips_jobdev``): a program or test
    passing its own arguments to :func:`main` keeps its collector as it was.
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return command.load()
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()


def _one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    click.echo(f"Error: {_one_line(message)}", err=True)
    sys.exit(code)


def _unexpected(exc: Exception) -> str:
    """One line for an exception the library did not raise on purpose."""
    module = type(exc).__module__.split(".")[0]
    if module in ("sqlalchemy", "psycopg", "sqlite3", "alembic"):
        from ips_jobdev._store.database import describe_error

        return str(describe_error(exc))
    if isinstance(exc, OSError) and exc.strerror:
        target = f"{exc.filename}: " if exc.filename else ""
        return f"{target}{exc.strerror}"
    # anything else may quote a value of the record: say what, not the message
    return (
        f"the command stopped on an unexpected {type(exc).__name__} (a bug in ips-jobdev or "
        "a plugin); run it again with --debug to see the details"
    )


class JobdevGroup(click.Group):
    """The ``ips-jobdev`` group: commands load on first use (:class:`LazyCommand`), and
    every failure is one line with an exit code from :data:`EXIT_CODES`."""

    def __init__(
        self,
        *args: Any,
        lazy_commands: dict[str, LazyCommand] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = dict(lazy_commands or {})
        self.whole_process = False
        """Run as a process of its own (arguments from ``sys.argv``), not called in one."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.lazy_commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        if found is None and cmd_name in self.lazy_commands:
            if self.whole_process:
                found = _load_without_gc(self.lazy_commands[cmd_name])
            else:
                found = self.lazy_commands[cmd_name].load()
            self.add_command(found, cmd_name)
        return found

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the summaries, without importing every command."""
        rows: list[tuple[str, str]] = []
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max((len(name) for name in names), default=0)
        for name in names:
            if name in self.commands:
                command = self.commands[name]
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                summary = self.lazy_commands[name].summary
                rows.append((name, click.Command(name, help=summary).get_short_help_str(limit)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:
            raise _Interrupted() from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        self.whole_process = (args[0] if args else kwargs.get("args")) is None
        try:
            return super().main(*args, **kwargs)
        except _Interrupted:
            if sys.stderr.isatty():
                click.echo(err=True)  # end the terminal's "^C"
            click.echo("Interrupted.", err=True)
            sys.exit(EXIT_INTERRUPTED)

    def invoke(self, ctx: click.Context) -> Any:
        if ctx.parent is not None:
            return super().invoke(ctx)
        app = ctx.ensure_object(App)
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted() from None
        except click.exceptions.Abort as exc:
            if isinstance(exc.__context__, KeyboardInterrupt):
                raise _Interrupted() from None
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit):
            raise
        except Exception as exc:
            if app.debug:
                raise
            from ips_jobdev.errors import IpsJobdevError

            _fail(str(exc) if isinstance(exc, IpsJobdevError) else _unexpected(exc))
        finally:
            app.close()


def with_examples(*lines: str) -> Callable[[F], F]:
    """Append an ``Examples:`` block to a command's help."""

    def decorate(function: F) -> F:
        block = "\n\n\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
        function.__doc__ = inspect.cleandoc(function.__doc__ or "") + block
        return function

    return decorate


def command_error(message: str) -> click.ClickException:
    """A refused input found by the CLI itself (printed as one line, exit code 1)."""
    return click.ClickException(message)


def warn_hook_failures(app: App, uow: UnitOfWork, *, limit: int | None = None) -> None:
    """Print a warning for each plugin that failed to hear of a committed change (the
    first ``limit`` of them, then how many more: an import may fail once per row)."""
    failures = uow.hook_failures
    if not failures:
        return
    from rich.markup import escape

    for failure in failures[:limit]:
        plugin = getattr(failure, "plugin", "a plugin")
        error = getattr(failure, "error", str(failure))
        app.err_console.print(f"Warning: plugin {plugin!r} failed: {escape(error)}", soft_wrap=True)
    if limit is not None and len(failures) > limit:
        app.err_console.print(f"Warning: and {len(failures) - limit:,} more plugin failures.")
