"""Reading data files (cycle policies, fidelity scales) table by table, naming the field
whenever a value is missing, of the wrong kind, or not a field of the file at all."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ips_jobdev.errors import ValidationError

__all__ = ["TomlTable", "read_toml"]

_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
}


def read_toml(path: str | os.PathLike[str], record: str) -> dict[str, Any]:
    """The parsed TOML document at ``path``.

    Raises:
        ValidationError: ``record.file``: the file cannot be read or is not TOML.
    """
    file = Path(path)
    try:
        return tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(record, "file", f"cannot read {file}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(record, "file", f"{file} is not valid TOML: {exc}") from None


class TomlTable:
    """Takes typed values out of one TOML table; errors name ``prefix + key``.

    Args:
        data: the table.
        prefix: the path of the table in the file (``"stages[2]."``), or ``""``.
        record: the record name errors carry (``"CyclePolicy"``).
        what: what the file is, for the unknown-field message.
    """

    def __init__(self, data: object, prefix: str, record: str, what: str) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError(record, prefix.rstrip(".") or "file", "must be a table")
        self.data = data
        self.prefix = prefix
        self.record = record
        self.what = what
        self.used: set[str] = set()

    def child(self, data: object, prefix: str) -> TomlTable:
        """A table nested in this one (``prefix`` is its full path plus a dot)."""
        return TomlTable(data, prefix, self.record, self.what)

    def table(self, key: str) -> Mapping[str, Any]:
        """A sub-table (empty when absent)."""
        value: Mapping[str, Any] = self.take(key, dict, default={})
        return value

    def take(self, key: str, kind: type, *, required: bool = False, default: Any = None) -> Any:
        """The value at ``key``, checked to be of ``kind`` (an int is accepted as a float)."""
        self.used.add(key)
        if key not in self.data:
            if required:
                raise ValidationError(self.record, self.prefix + key, "is missing")
            return default
        value = self.data[key]
        ok = (isinstance(value, kind) and not isinstance(value, bool)) or (
            kind is bool and (isinstance(value, bool))
        )
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if not ok:
            raise ValidationError(
                self.record,
                self.prefix + key,
                f"{value!r} is not {_KIND_NAMES.get(kind, kind.__name__)}",
            )
        return value

    def finish(self) -> None:
        """Refuse keys that were never taken (a misspelt field name)."""
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ValidationError(
                self.record, self.prefix + unknown[0], f"is not a field of {self.what}"
            )

    def build(
        self, cls: type[Any], *, renames: Mapping[str, str] | None = None, **kwargs: Any
    ) -> Any:
        """Construct ``cls``; a ValidationError it raises gets this table's prefix."""
        try:
            return cls(**kwargs)
        except ValidationError as exc:
            field = (renames or {}).get(exc.field, exc.field)
            raise ValidationError(self.record, self.prefix + field, exc.reason) from None
