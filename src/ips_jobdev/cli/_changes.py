"""The shared parts of the correcting commands (``employers|people|seekers edit``): the
``--clear``, ``--reason`` and ``--version`` options, the changes asked for, and printing
what a correction changed, one line per field, before and after."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import click
from rich.markup import escape

from ips_jobdev._casework.corrections import FieldChange
from ips_jobdev.cli._app import App
from ips_jobdev.errors import ValidationError

__all__ = ["correction_options", "print_changes", "requested_changes", "shown"]

F = TypeVar("F", bound=Callable[..., Any])


def correction_options(record: str, clearable: Iterable[str]) -> Callable[[F], F]:
    """``--clear FIELD`` (one of ``clearable``), ``--reason`` and ``--version N`` for a
    command that corrects a ``record`` (``"employer"``, ``"job seeker"``...)."""
    choices = list(clearable)

    def decorate(function: F) -> F:
        function = click.option(
            "--version",
            "expected_version",
            type=int,
            metavar="N",
            help=f"Refuse the edit if the {record} changed since you read it at version N.",
        )(function)
        function = click.option(
            "--reason", help="Why it is corrected (kept in the change history)."
        )(function)
        return click.option(
            "--clear",
            "clear",
            multiple=True,
            metavar="FIELD",
            type=click.Choice(choices),
            help="Empty this field (repeat for several).",
        )(function)

    return decorate


def requested_changes(
    command: str, given: Mapping[str, Any], clear: Sequence[str]
) -> dict[str, Any]:
    """The fields given a value, and those to empty (``None``).

    Raises:
        ValidationError: a field is both given and cleared, or nothing is asked.
    """
    changes = {field: value for field, value in given.items() if value is not None}
    for field in clear:
        if field in changes:
            raise ValidationError(command, field, "given a value and --clear at once")
        changes[field] = None
    if not changes:
        raise ValidationError(command, "options", "nothing to change; see --help")
    return changes


def shown(value: Any) -> str:
    """A plain value as a person reads it: ``(empty)``, a list joined with commas."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def print_changes(app: App, headline: str, changes: Sequence[FieldChange]) -> None:
    """``headline`` then ``  field: before -> after`` for each change (or "nothing
    changed")."""
    if not changes:
        app.console.print(f"{headline}: nothing changed (the values given are the stored ones).")
        return
    app.console.print(f"{headline}:", soft_wrap=True)
    for change in changes:
        app.console.print(
            f"  {change.field.replace('_', ' ')}: {escape(shown(change.before))} -> "
            f"{escape(shown(change.after))}",
            soft_wrap=True,
        )
