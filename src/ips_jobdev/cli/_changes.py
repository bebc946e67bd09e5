"""Printing what a correction changed: one line per field, before and after."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.markup import escape

from ips_jobdev._casework.corrections import FieldChange
from ips_jobdev.cli._app import App

__all__ = ["print_changes", "shown"]


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
