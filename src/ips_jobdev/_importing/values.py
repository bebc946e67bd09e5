"""Reading one CSV cell: yes/no, numbers, dates, times with an offset, and model fields.

Each parser takes the trimmed, non-blank text of a cell and returns the value, or raises
:class:`~ips_jobdev.errors.ValidationError` (a :class:`ValueError`) whose reason quotes
the text; no other exception leaves a parser, whatever the text (a property test feeds
them arbitrary text). Numbers, amounts, dates and times have bounds (:data:`BOUNDS`), so
a value a parser accepts always fits the database. Model fields are checked by the
model's own converters and validators, so a CSV file and the Python API accept exactly
the same values.

>>> parse_yes_no(" Y ")
True
>>> parse_aware_datetime("2026-03-02T10:00:00-06:00").isoformat()
'2026-03-02T10:00:00-06:00'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import attrs
import phonenumbers

from ips_jobdev._model import _require_name as model_require_name
from ips_jobdev._model import _text as model_text
from ips_jobdev._phones import PhoneNumber, parse_phone
from ips_jobdev.errors import ValidationError

__all__ = [
    "BOUNDS",
    "CACHED_TEXTS",
    "HOURLY_WAGE_MAX",
    "NO_WORDS",
    "YES_WORDS",
    "CellParser",
    "cached",
    "chain",
    "hourly_wage",
    "model_field",
    "number_between",
    "parse_aware_datetime",
    "parse_date",
    "parse_number",
    "parse_phone_quickly",
    "parse_whole_number",
    "parse_yes_no",
    "split_list",
    "text_up_to",
    "whole_number_between",
]

CellParser = Callable[[str], Any]
"""Turns a cell's text into a value, or raises :class:`ValueError` with the reason."""

YES_WORDS = frozenset({"yes", "y", "true", "1"})
"""Spellings read as yes (any case)."""
NO_WORDS = frozenset({"no", "n", "false", "0"})
"""Spellings read as no (any case)."""

EARLIEST = dt.date(1900, 1, 1)
"""The earliest date (or time) a cell may hold."""
LATEST = dt.date(2100, 12, 31)
"""The latest date (or time) a cell may hold."""

BOUNDS: dict[str, str] = {
    "money": "0 to 1,000.00 dollars an hour, rounded to the cent",
    "hours": "0 to 168 (hours in a week)",
    "duration_minutes": "0 to 1,440 (a day)",
    "max_miles": "0 to 1,000",
    "dates": f"{EARLIEST.isoformat()} to {LATEST.isoformat()}",
}
"""The range of each kind of number, amount and date, as documented in csv-import.md."""

HOURLY_WAGE_MAX = Decimal("1000.00")
"""The highest hourly wage a CSV cell may hold."""


def hourly_wage(value: Any) -> Any:
    """A parsed amount checked against :data:`HOURLY_WAGE_MAX` (chained after the model's
    own money parser)."""
    if value is not None and value > HOURLY_WAGE_MAX:
        raise _reject(f"{value} is more than {HOURLY_WAGE_MAX:,} an hour")
    return value


_WHOLE = re.compile(r"^[+-]?[0-9]{1,18}$", re.ASCII)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NANP = re.compile(
    r"^(?:\+?1[-. ]?)?\(?([2-9]\d{2})\)?[-. ]?([2-9]\d{2})[-. ]?(\d{4})"
    r"(?:\s*(?:x|ext\.?|extension)\s*(\d{1,6}))?$",
    re.IGNORECASE,
)


def _reject(reason: str) -> ValidationError:
    # the importer replaces record and field with the row's kind and column
    return ValidationError("cell", "value", reason)


def parse_yes_no(text: str) -> bool:
    """``yes``/``no``, ``true``/``false``, ``y``/``n``, ``1``/``0`` in any case."""
    word = text.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise _reject(f"{text!r} is not yes or no (use yes/no, true/false, y/n or 1/0)")


def _quoted(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut short when long."""
    return repr(text) if len(text) <= limit else repr(text[:limit]) + "..."


def parse_whole_number(text: str) -> int:
    """A whole number, zero or more (``"20"``)."""
    raw = text.strip()
    # no count needs 19 digits (and int() would take Arabic-Indic digits and underscores)
    if _WHOLE.match(raw) is None:
        raise _reject(f"{_quoted(text)} is not a whole number")
    value = int(raw)
    if value < 0:
        raise _reject(f"{value} is below zero")
    return value


def parse_number(text: str) -> float:
    """A number, zero or more (``"7.5"``)."""
    try:
        value = float(text.strip())
    except ValueError:
        raise _reject(f"{_quoted(text)} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _reject(f"{_quoted(text)} is not a number")
    if value < 0:
        raise _reject(f"{_quoted(text)} is below zero")
    return value


def whole_number_between(low: int, high: int, unit: str = "") -> CellParser:
    """A whole number from ``low`` to ``high`` (``unit`` names what it counts, for messages)."""

    def parse(text: str) -> int:
        value = parse_whole_number(text)
        if not low <= value <= high:
            raise _reject(f"{value} is not between {low} and {high:,}{unit}")
        return value

    return parse


def number_between(low: float, high: float, unit: str = "") -> CellParser:
    """A number from ``low`` to ``high``."""

    def parse(text: str) -> float:
        value = parse_number(text)
        if not low <= value <= high:
            raise _reject(f"{_quoted(text)} is not between {low:g} and {high:,g}{unit}")
        return value

    return parse


def parse_date(text: str) -> dt.date:
    """A calendar date: ``2026-03-02`` (ISO 8601), or ``3/2/2026`` as US spreadsheets write."""
    raw = text.strip()
    us = _US_DATE.match(raw)
    try:
        if us:
            month, day, year = (int(part) for part in us.groups())
            value = dt.date(year, month, day)
        else:
            value = dt.date.fromisoformat(raw)
    except ValueError:
        raise _reject(f"{_quoted(text)} is not a date (write it as 2026-03-02)") from None
    if not EARLIEST <= value <= LATEST:
        raise _reject(f"{value.isoformat()} is not between {EARLIEST} and {LATEST}")
    return value


def parse_aware_datetime(text: str) -> dt.datetime:
    """An ISO 8601 date and time with its UTC offset (``2026-03-02T10:00-06:00`` or ``...Z``).

    A time without an offset is refused: the same wall-clock time means different moments
    in different places, and guessing would misplace visits.
    """
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise _reject(
            f"{_quoted(text)} is not an ISO 8601 date and time (write it as 2026-03-02T10:00-06:00)"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise _reject(f"{_quoted(text)} has no UTC offset; add one, as in 2026-03-02T10:00-06:00")
    # checked on the wall-clock date, before any arithmetic that could overflow year 1 or 9999
    if not EARLIEST <= value.date() <= LATEST:
        raise _reject(f"{value.date().isoformat()} is not between {EARLIEST} and {LATEST}")
    return value


def split_list(text: str) -> list[str]:
    """Items separated by ``;``, trimmed, blanks dropped (``"a; b;"`` -> ``["a", "b"]``)."""
    return [item.strip() for item in text.split(";") if item.strip()]


CACHED_TEXTS = 4096
"""How many distinct texts a :func:`cached` parser remembers (unless told)."""


def cached(parser: CellParser, size: int | None = None) -> CellParser:
    """``parser`` remembering its answers for up to ``size`` distinct texts (default
    :data:`CACHED_TEXTS`).

    For columns whose cells repeat (industry, shifts, ZIP, yes/no...): a 100,000-row file
    then parses each distinct cell once. ``parser`` must answer the same text the same way.
    A list answer is copied for each row, so rows never share a mutable value.
    """
    memo: dict[str, tuple[bool, Any]] = {}
    limit = CACHED_TEXTS if size is None else size

    def parse(text: str) -> Any:
        hit = memo.get(text)
        if hit is None:
            try:
                hit = (True, parser(text))
            except ValidationError as exc:
                hit = (False, (exc.record, exc.field, exc.reason))
            except ValueError as exc:
                hit = (False, ("cell", "value", str(exc)))
            if len(memo) >= limit:
                memo.clear()
            memo[text] = hit
        ok, value = hit
        if ok:
            return list(value) if type(value) is list else value
        raise ValidationError(*value)

    parse.memo = memo  # type: ignore[attr-defined]
    return parse


def text_up_to(limit: int | None) -> CellParser:
    """Plain text of at most ``limit`` characters (the database column's width)."""

    def parse(text: str) -> str:
        value = " ".join(text.split()) if "\n" not in text else text.strip()
        if limit is not None and len(value) > limit:
            raise _reject(f"is {len(value)} characters long; at most {limit} fit")
        return value

    return parse


_PLAIN_TEXT: tuple[object, ...] = (None, model_text, model_require_name)
"""Model converters and validators that keep any non-blank trimmed text as it is."""


def model_field(record_class: type, name: str, *, width: int | None = None) -> CellParser:
    """Check a cell with the converter and validator of ``record_class``'s attrs field.

    The same rules then hold for CSV files and for records built in Python (a ZIP that is
    not 5 digits or ZIP+4, an unknown shift, an invalid phone number...).
    """
    field = attrs.fields_dict(record_class)[name]
    converter = cast("Callable[[Any], Any] | None", field.converter)
    validator = cast("Callable[[Any, Any, Any], Any] | None", field.validator)
    # model validators only read the record's class name, for their messages
    stand_in = type(record_class.__name__, (), {})()
    limit = text_up_to(width) if width is not None else None
    if limit is not None and converter in _PLAIN_TEXT and validator in _PLAIN_TEXT:
        # the trimmed, non-blank text within the width is exactly what the model keeps
        return limit

    def parse(text: str) -> Any:
        value: Any = limit(text) if limit is not None else text
        if converter is not None:
            value = converter(value)
        if validator is not None:
            validator(stand_in, field, value)
        return value

    return parse


def chain(*parsers: CellParser) -> CellParser:
    """Apply parsers in turn, each to the previous one's result."""

    def parse(text: str) -> Any:
        value: Any = text
        for parser in parsers:
            value = parser(value)
        return value

    return parse


def _valid_in_us(national: str) -> bool:
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(national))
    return bool(phonenumbers.is_valid_number_for_region(number, "US"))


PHONE_STORAGE_WIDTH = 40
"""The longest phone number (E.164 and extension, as stored) the database holds."""


def parse_phone_quickly(text: str) -> PhoneNumber:
    """:func:`ips_jobdev._phones.parse_phone`, many times faster for the usual US spellings.

    ``608-555-0101``, ``(608) 555-0101 x12``, ``+1 608.555.0101`` and the like are checked
    against the US numbering plan directly, skipping the general parser (the column's
    :func:`cached` parser remembers each distinct cell, the whole number as written);
    anything else (Canadian numbers, other countries, and every invalid number, for its
    message) goes through ``parse_phone``. A 100,000-row file spent most of its checking
    time on phone numbers.
    """
    match = _NANP.match(text.strip())
    if match is not None:
        area, exchange, line, extension = match.groups()
        national = f"{area}{exchange}{line}"
        # valid for the US means valid: other NANP regions (Canada...) take the long way
        if _valid_in_us(national):
            return PhoneNumber(f"+1{national}", extension or None)
    if len(text) > 100:
        raise _reject(f"{_quoted(text)} is not a phone number (too long)")
    number = parse_phone(text)
    if len(number.to_storage()) > PHONE_STORAGE_WIDTH:
        raise _reject(f"{_quoted(text)} has an extension too long to store")
    return number
