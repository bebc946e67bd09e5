"""Column types that turn database values into the model's values and back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from ips_jobdev._model import FitFactorRating, Preferences
from ips_jobdev._phones import PhoneNumber
from ips_jobdev._windows import VisitingWindows
from ips_jobdev.errors import ValidationError

__all__ = [
    "Money",
    "PhoneType",
    "PreferencesType",
    "RatingsType",
    "TagList",
    "UTCDateTime",
    "WindowsType",
]


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timezone-aware datetime, stored in UTC; a naive one is refused.

    PostgreSQL stores ``timestamptz``; SQLite stores the UTC wall time as text.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValidationError(
                "database",
                "datetime",
                f"{value.isoformat()} has no time zone; refusing to store it",
            )
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Money(sa.types.TypeDecorator[Decimal]):
    """Dollars and cents, stored exactly as an integer number of cents."""

    impl = sa.Integer
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value: int | None, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(value) / 100).quantize(Decimal("0.01"))


class PhoneType(sa.types.TypeDecorator[PhoneNumber]):
    """A :class:`PhoneNumber` stored as E.164 with an RFC 3966 ``;ext=`` suffix."""

    impl = sa.String(40)
    cache_ok = True

    def process_bind_param(self, value: PhoneNumber | None, dialect: Dialect) -> str | None:
        return None if value is None else value.to_storage()

    def process_result_value(self, value: str | None, dialect: Dialect) -> PhoneNumber | None:
        return None if value is None else PhoneNumber.from_storage(value)


class TagList(sa.types.TypeDecorator[list[str]]):
    """A list of short labels, stored as a JSON array."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> list[str]:
        return list(value or [])

    def process_result_value(self, value: Any, dialect: Dialect) -> list[str]:
        return list(value or [])


class PreferencesType(sa.types.TypeDecorator[Preferences]):
    """A job seeker's :class:`Preferences`, stored as a JSON object."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Preferences | None, dialect: Dialect) -> dict[str, Any]:
        return (value or Preferences()).to_dict()

    def process_result_value(self, value: Any, dialect: Dialect) -> Preferences:
        return Preferences.from_dict(value or {})


class RatingsType(sa.types.TypeDecorator[dict[str, FitFactorRating]]):
    """A job-fit note's ratings, stored as ``{factor: {"rating": ..., "comment": ...}}``."""

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(
        self, value: dict[str, FitFactorRating] | None, dialect: Dialect
    ) -> dict[str, Any]:
        return {
            name: {"rating": r.rating.value, "comment": r.comment}
            for name, r in (value or {}).items()
        }

    def process_result_value(self, value: Any, dialect: Dialect) -> dict[str, FitFactorRating]:
        return {name: FitFactorRating(**r) for name, r in (value or {}).items()}


class WindowsType(sa.types.TypeDecorator[VisitingWindows]):
    """:class:`VisitingWindows` stored as their canonical text; NULL when none are recorded."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(
        self, value: VisitingWindows | str | None, dialect: Dialect
    ) -> str | None:
        if isinstance(value, str):
            value = VisitingWindows.parse(value)
        return str(value) if value else None

    def process_result_value(self, value: str | None, dialect: Dialect) -> VisitingWindows:
        return VisitingWindows.parse(value)
