"""Reading CSV files as people save them, and writing the rejected rows back out.

Spreadsheets save CSV in several ways; all of these read the same:

- UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8" adds one), else
  Windows-1252 (Excel's plain "CSV" on Windows);
- CRLF or LF line ends;
- headers in any case, with spaces, hyphens and underscores alike (``Job Types``,
  ``job-types`` and ``JOB_TYPES`` are all ``job_types``).

>>> normalize_header("  Job Types ")
'job_types'
>>> decode_bytes("Caf\\xe9".encode("cp1252"))
('Café', 'windows-1252')
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeAlias

import attrs

from ips_jobdev.errors import ValidationError

__all__ = [
    "REASON_COLUMN",
    "CsvRow",
    "CsvTable",
    "Source",
    "decode_bytes",
    "normalize_header",
    "read_table",
    "write_rejects",
]

Source: TypeAlias = "str | os.PathLike[str] | IO[bytes]"
"""A CSV file: a path, or a binary file object opened for reading."""

REASON_COLUMN = "reason"
"""The column a rejects file adds; a re-imported rejects file has it, and it is ignored."""

_SEPARATORS = re.compile(r"[\s\-_]+")


def normalize_header(name: str) -> str:
    """The canonical spelling of a column header: lower case, words joined by ``_``.

    Case is ignored and spaces, hyphens and underscores are alike.
    """
    words = _SEPARATORS.split(name.replace("\ufeff", "").strip().lower())
    return "_".join(word for word in words if word)


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes; return the text and the encoding that was used.

    Raises:
        ValidationError: the bytes are neither UTF-8 nor Windows-1252, or look like
            UTF-16 or a binary spreadsheet (the reason says how to save the file instead).
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise ValidationError(
            "file",
            "encoding",
            "this is not a plain CSV file (UTF-16 or a spreadsheet?); "
            "save it as 'CSV UTF-8 (comma delimited)'",
        )
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "file",
                "encoding",
                f"starts with a UTF-8 byte-order mark but byte {exc.start} is not UTF-8",
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "file",
            "encoding",
            f"byte {data[exc.start]:#04x} at offset {exc.start} is neither UTF-8 nor "
            "Windows-1252; save the file as 'CSV UTF-8'",
        ) from None


@attrs.frozen(slots=True)
class CsvRow:
    """One data row: the file line it starts on (the header is line 1) and its cells."""

    line: int
    cells: tuple[str, ...]


@attrs.frozen(slots=True)
class CsvTable:
    """A whole CSV file, read and decoded.

    ``columns`` holds, for each header cell, its canonical column name, or ``None`` for a
    column the importer does not know (those are named in ``warnings``).
    """

    source: str
    encoding: str
    header: tuple[str, ...]
    columns: tuple[str | None, ...]
    rows: tuple[CsvRow, ...]
    warnings: tuple[str, ...] = ()

    def values(self, row: CsvRow) -> dict[str, str]:
        """The row's non-blank cells of known columns, trimmed, by canonical column name."""
        out: dict[str, str] = {}
        for column, cell in zip(self.columns, row.cells, strict=False):
            if column is not None:
                text = cell.strip()
                if text:
                    out[column] = text
        return out

    def extra_cells(self, row: CsvRow) -> int:
        """How many non-blank cells the row has beyond the header's width."""
        return sum(1 for cell in row.cells[len(self.header) :] if cell.strip())


def _read_bytes(source: Source) -> tuple[bytes, str]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            return path.read_bytes(), str(path)
        except FileNotFoundError:
            raise ValidationError("file", "path", f"{str(path)!r} does not exist") from None
        except IsADirectoryError:
            raise ValidationError("file", "path", f"{str(path)!r} is a folder") from None
    data: Any = source.read()
    name = str(getattr(source, "name", "<stream>"))
    if isinstance(data, str):
        return data.encode("utf-8"), name
    return bytes(data), name


def read_table(
    source: Source,
    *,
    known: Collection[str],
    required: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    ignored: Collection[str] = (REASON_COLUMN,),
) -> CsvTable:
    """Read a CSV file and match its header against the columns an importer knows.

    Args:
        source: a path or a binary file object.
        known: canonical column names the importer reads.
        required: columns that must be in the header.
        aliases: other canonical spellings accepted for a known column.
        ignored: columns read silently and not used (the ``reason`` column of a
            rejects file).

    Raises:
        ValidationError: the file cannot be decoded, is empty, lacks a required column,
            or names one column twice.
    """
    data, name = _read_bytes(source)
    text, encoding = decode_bytes(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=False)
    header: list[str] | None = None
    rows: list[CsvRow] = []
    try:
        last_line = 0
        for cells in reader:
            start = last_line + 1
            last_line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
            else:
                rows.append(CsvRow(start, tuple(cells)))
    except csv.Error as exc:
        raise ValidationError("file", "csv", f"line {reader.line_num}: {exc}") from None
    if header is None:
        raise ValidationError("file", "header", f"{name} is empty: no header row")
    columns, warnings = _match_header(header, known, aliases or {}, ignored)
    missing = [column for column in required if column not in columns]
    if missing:
        found = ", ".join(repr(h) for h in header) or "nothing"
        raise ValidationError(
            "file",
            "header",
            f"no {', '.join(repr(m) for m in missing)} column (the header has {found})",
        )
    return CsvTable(
        source=name,
        encoding=encoding,
        header=tuple(header),
        columns=tuple(columns),
        rows=tuple(rows),
        warnings=tuple(warnings),
    )


def _match_header(
    header: Sequence[str],
    known: Collection[str],
    aliases: Mapping[str, str],
    ignored: Collection[str],
) -> tuple[list[str | None], list[str]]:
    columns: list[str | None] = []
    warnings: list[str] = []
    first_seen: dict[str, str] = {}
    for cell in header:
        key = normalize_header(cell)
        key = aliases.get(key, key)
        if key in known:
            if key in first_seen:
                raise ValidationError(
                    "file",
                    "header",
                    f"columns {first_seen[key]!r} and {cell!r} are both {key!r}; keep one",
                )
            first_seen[key] = cell
            columns.append(key)
            continue
        columns.append(None)
        if key in ignored:
            continue
        label = cell.strip() or f"column {len(columns)} (no header)"
        warnings.append(f"unknown column {label!r} was ignored")
    return columns, warnings


def write_rejects(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[tuple[Sequence[str], str]],
) -> None:
    """Write rejected rows, each with its original cells and a ``reason`` column.

    The file is UTF-8 with a byte-order mark (so spreadsheets show accents correctly); a
    ``reason`` column already in ``header`` is overwritten rather than repeated, so a
    rejects file can be fixed, re-imported, and its remaining rejects written again.
    """
    keys = [normalize_header(cell) for cell in header]
    reason_at = keys.index(REASON_COLUMN) if REASON_COLUMN in keys else None
    out_header = list(header) if reason_at is not None else [*header, REASON_COLUMN]
    width = len(out_header)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(out_header)
        for cells, reason in rows:
            line = list(cells[: len(header)]) + [""] * max(0, len(header) - len(cells))
            if reason_at is None:
                line.append(reason)
            else:
                line[reason_at] = reason
            writer.writerow(line[:width])
