"""Plain JSON values from model values: the one conversion every ``--json`` shape uses."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from ips_jobdev._phones import PhoneNumber

__all__ = ["jsonable"]


def jsonable(value: Any) -> Any:
    """Turn model values into JSON values: dates as ISO 8601, money as strings, enums as
    their value, phones as E.164 (with ``;ext=``)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, PhoneNumber):
        return value.to_storage()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into JSON")
