"""Reading many rows with less per-row work than SQLAlchemy's result rows: plain tuples
from the driver, and column values converted once per distinct stored value."""

from __future__ import annotations

from collections.abc import Callable
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
    connection = session.connection()
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = compiled.construct_params()
    arguments: Any = (
        tuple(params[name] for name in compiled.positiontup)
        if compiled.positional and compiled.positiontup is not None
        else params
    )
    cursor = connection.connection.cursor()
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
