"""Reading what people type into forms, and putting the record's errors next to the field
they belong to."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping

from starlette.datastructures import FormData

from ips_jobdev.errors import IpsJobdevError, NotFoundError, ValidationError

__all__ = [
    "VISIT_ERROR_FIELDS",
    "employer_reference",
    "error_for",
    "new_submission_id",
    "optional_int",
    "text",
]

_TRAILING_ID = re.compile(r"#(\d+)\s*$")

VISIT_ERROR_FIELDS = {
    "at": "date",
    "date": "date",
    "time": "date",
    "mode": "mode",
    "purpose": "purpose",
    "seekers": "seekers",
    "seeker_present": "seekers",
    "outcome": "outcome",
    "next_step": "next_step",
    "employer": "employer",
    "name": "employer",
}
"""Which form field shows an error about each of the visit's fields."""

RECORD_FIELDS = {"employer": "employer", "job seeker": "seekers", "specialist": "form"}


def text(form: FormData | Mapping[str, object], name: str) -> str:
    """A text field, trimmed ("" when absent or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def optional_int(value: str) -> int | None:
    """A whole number, or ``None`` for an empty or unreadable value."""
    try:
        return int(value) if value.strip() else None
    except ValueError:
        return None


def employer_reference(typed: str) -> str:
    """What the record's employer lookup takes: ``"#12"`` for ``"Example Bakery #12"``
    (the form's suggestions end with the id), else the text as typed."""
    match = _TRAILING_ID.search(typed)
    return f"#{match[1]}" if match else typed.strip()


def new_submission_id() -> str:
    """An id for one submission of a form (the browser makes its own when it can)."""
    return str(uuid.uuid4())


def parse_date(value: str) -> dt.date | None:
    """An ISO date (``2026-12-07``), or ``None``."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def error_for(exc: IpsJobdevError, fields: Mapping[str, str]) -> tuple[str, str]:
    """The form field an error belongs to (``"form"`` when none fits) and its message."""
    if isinstance(exc, ValidationError):
        return fields.get(exc.field, "form"), _sentence(exc.reason)
    if isinstance(exc, NotFoundError):
        field = RECORD_FIELDS.get(exc.record, "form")
        if exc.record == "employer":
            return field, (
                f"No employer matches “{exc.key}”. Check the spelling, or pick one from the "
                "suggestions."
            )
        return field, f"No {exc.record} {exc.key!r} in the record."
    return "form", _sentence(str(exc))


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason[:1].upper() + reason[1:] if reason else reason
