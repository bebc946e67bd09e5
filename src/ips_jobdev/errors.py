"""The exceptions ips-jobdev raises.

Every error the library raises on purpose derives from :class:`IpsJobdevError`, so a
caller can catch the library's own failures in one ``except`` clause.
"""

from __future__ import annotations

__all__ = [
    "AdapterError",
    "ConcurrentUpdateError",
    "IpsJobdevError",
    "NotAllowedError",
    "NotFoundError",
    "SchemaOutOfDateError",
    "ValidationError",
]


class IpsJobdevError(Exception):
    """Base class of every error raised on purpose by ips-jobdev."""


class ValidationError(IpsJobdevError, ValueError):
    """A value was refused: names the record, the field and the reason.

    Example:
        >>> str(ValidationError("Employer", "zip", "'5370' is not a 5-digit ZIP or ZIP+4"))
        "Employer.zip: '5370' is not a 5-digit ZIP or ZIP+4"
    """

    def __init__(self, record: str, field: str, reason: str) -> None:
        self.record = record
        self.field = field
        self.reason = reason
        super().__init__(f"{record}.{field}: {reason}")


class NotFoundError(IpsJobdevError, LookupError):
    """A record asked for by code, id or name is not in the store."""

    def __init__(self, record: str, key: object) -> None:
        self.record = record
        self.key = key
        super().__init__(f"no {record} {key!r}")


class NotAllowedError(IpsJobdevError, PermissionError):
    """The person the change is made for may not make it (a specialist changing a
    teammate's visit in the shared web app)."""


class ConcurrentUpdateError(IpsJobdevError):
    """Someone else saved the same record since it was loaded.

    Raised instead of silently overwriting their change; reload the record and retry.
    """


class SchemaOutOfDateError(IpsJobdevError):
    """The database was made by an older (or newer) ips-jobdev; run ``ips-jobdev db upgrade``."""


class AdapterError(IpsJobdevError):
    """An adapter (plugin) failed or was registered wrongly."""
