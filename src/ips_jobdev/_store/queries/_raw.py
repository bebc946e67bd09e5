"""Reading many rows with less per-row work than SQLAlchemy's result rows: plain tuples
from the driver, and column values converted once per distinct stored value."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session


def fetch_tuples(session: Session, statement: sa.Select[Any]) -> list[tuple[Any, ...]]:
    """Run a Core SELECT and return plain tuples straight from the driver's cursor.

    Result rows skip SQLAlchemy's per-row processing; callers select columns whose raw
    values they understand (``type_coerce`` to plain types, or :func:`once_each`). Bound
    values must be plain strings and numbers (no type processing is applied to them
    either).
    """
    return fetch_compiled(session, compile_select(statement, session.connection().dialect))


def compile_select(statement: sa.Select[Any], dialect: sa.Dialect) -> sa.engine.Compiled:
    """``statement`` compiled for :func:`fetch_compiled` (lists of values written out):
    compiled once, it can be run many times with other values of its bind parameters."""
    return statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})


def fetch_compiled(
    session: Session, compiled: sa.engine.Compiled, values: Mapping[str, Any] | None = None
) -> list[tuple[Any, ...]]:
    """As :func:`fetch_tuples`, for a statement compiled by :func:`compile_select`, with
    ``values`` for the bind parameters named in them (plain numbers and strings)."""
    params: Mapping[str, Any] = compiled.construct_params(values) or {}
    positions = getattr(compiled, "positiontup", None)
    arguments: Any = (
        tuple(params[name] for name in positions)
        if getattr(compiled, "positional", False) and positions is not None
        else params
    )
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        return cast(list[tuple[Any, ...]], cursor.fetchall())
    finally:
        cursor.close()


def once_each(column: sa.ColumnElement[Any], dialect: sa.Dialect) -> Callable[[Any], Any]:
    """What ``column``'s type makes of a stored value (the same conversion as when the
    column is selected), made once per distinct value."""
    process = column.type.dialect_impl(dialect).result_processor(dialect, None)
    done: dict[Any, Any] = {}

    def convert(stored: Any) -> Any:
        try:
            return done[stored]
        except KeyError:
            value = done[stored] = process(stored) if process is not None else stored
            return value

    return convert
