"""Reading CSV files as people save them, a row at a time, and writing rejected rows back out.

Spreadsheets save CSV in several ways; all of these read the same:

- UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8" adds one), else
  Windows-1252 (Excel's plain "CSV" on Windows);
- CRLF or LF line ends;
- headers in any case, with spaces, hyphens and underscores alike (``Job Types``,
  ``job-types`` and ``JOB_TYPES`` are all ``job_types``);
- a cell that ips-jobdev (or a spreadsheet) protected against formulas with a leading
  apostrophe (``'=SUM``, ``'+1 608 555 0101``) reads without it.

Files are read strictly: a quoted value whose closing quote is missing, or a quote in
the middle of a quoted value that is not doubled, rejects the whole file and names the
line the row starts on (a lenient reader would swallow the following rows into one cell).
A file is never held in memory: it is checked once for its encoding (and NUL characters),
then read a row at a time.

>>> normalize_header("  Job Types ")
'job_types'
>>> decode_bytes("Caf\\xe9".encode("cp1252"))
('Café', 'windows-1252')
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeAlias, cast

import attrs

from ips_jobdev._files import FileWriteError, check_target, csv_file, restore_formula
from ips_jobdev.errors import ValidationError

__all__ = [
    "NUL",
    "REASON_COLUMN",
    "CsvReader",
    "CsvRow",
    "CsvTable",
    "Layout",
    "RejectsWriter",
    "Source",
    "decode_bytes",
    "normalize_header",
    "open_table",
    "read_table",
    "write_rejects",
]

Source: TypeAlias = "str | os.PathLike[str] | IO[bytes]"
"""A CSV file: a path, or a binary file object opened for reading."""

REASON_COLUMN = "reason"
"""The column a rejects file adds; a re-imported rejects file has it, and it is ignored."""

NUL = "\x00"
"""The character no cell may hold (PostgreSQL cannot store it; no spreadsheet writes it)."""

_SEPARATORS = re.compile(r"[\s\-_]+")
_CHUNK = 1 << 20
_SNIFF = 4096
_BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # xlsx/ods (zip), xls (OLE)


def normalize_header(name: str) -> str:
    """The canonical spelling of a column header: lower case, words joined by ``_``.

    Case is ignored and spaces, hyphens and underscores are alike.
    """
    words = _SEPARATORS.split(name.replace("\ufeff", "").strip().lower())
    return "_".join(word for word in words if word)


def _not_plain_csv() -> ValidationError:
    return ValidationError(
        "file",
        "encoding",
        "this is not a plain CSV file (UTF-16 or a spreadsheet?); "
        "save it as 'CSV UTF-8 (comma delimited)'",
    )


def _check_start(head: bytes) -> None:
    """Refuse UTF-16 and binary spreadsheets from the first bytes.

    A NUL here and there is a damaged cell (its row is rejected); NULs in a tenth of the
    first 4 KB are UTF-16 without a byte-order mark or a binary file.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _not_plain_csv()
    if head.startswith(_BINARY_SIGNATURES):
        raise _not_plain_csv()
    sample = head[:_SNIFF]
    if sample and sample.count(b"\x00") * 10 >= len(sample):
        raise _not_plain_csv()


@attrs.frozen(slots=True)
class _Scan:
    """What one pass over the bytes found: the encoding, whether any NUL occurs, and how
    many lines there are (an upper bound of the rows, for progress)."""

    encoding: str
    has_nul: bool
    lines: int


def _scan_as(stream: IO[bytes], start: int, encoding: str) -> _Scan:
    """Decode the whole stream from ``start`` with ``encoding`` (checking, not keeping).

    Raises:
        UnicodeDecodeError: with ``start`` set to the offset in the file.
    """
    stream.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    last = b""
    has_nul = False
    lines = 0
    while True:
        chunk = stream.read(_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            exc.start += offset
            raise
        if not chunk:
            break
        has_nul = has_nul or b"\x00" in chunk
        lines += chunk.count(b"\n")
        offset += len(chunk)
        last = chunk
    if offset and not last.endswith(b"\n"):
        lines += 1
    return _Scan(encoding, has_nul, lines)


def _scan(stream: IO[bytes]) -> _Scan:
    """Choose the encoding of a seekable binary stream (left where the text starts).

    Raises:
        ValidationError: the bytes are neither UTF-8 nor Windows-1252, or look like
            UTF-16 or a binary spreadsheet (the reason says how to save the file instead).
    """
    head = stream.read(_SNIFF)
    _check_start(head)
    if head.startswith(codecs.BOM_UTF8):
        try:
            scan = _scan_as(stream, len(codecs.BOM_UTF8), "utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                "file",
                "encoding",
                f"starts with a UTF-8 byte-order mark but byte {exc.start} is not UTF-8",
            ) from None
        stream.seek(len(codecs.BOM_UTF8))
        return attrs.evolve(scan, encoding="utf-8-sig")
    try:
        scan = _scan_as(stream, 0, "utf-8")
    except UnicodeDecodeError:
        try:
            scan = _scan_as(stream, 0, "cp1252")
        except UnicodeDecodeError as exc:
            stream.seek(exc.start)
            byte = stream.read(1)[0]
            raise ValidationError(
                "file",
                "encoding",
                f"byte {byte:#04x} at offset {exc.start} is neither UTF-8 nor "
                "Windows-1252; save the file as 'CSV UTF-8'",
            ) from None
        scan = attrs.evolve(scan, encoding="windows-1252")
    stream.seek(0)
    return scan


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV file's bytes; return the text and the encoding that was used.

    Raises:
        ValidationError: the bytes are neither UTF-8 nor Windows-1252, or look like
            UTF-16 or a binary spreadsheet (the reason says how to save the file instead).
    """
    scan = _scan(io.BytesIO(data))
    codec = "cp1252" if scan.encoding == "windows-1252" else scan.encoding
    return data.decode(codec), scan.encoding


@attrs.frozen(slots=True)
class CsvRow:
    """One data row: the file line it starts on (the header is line 1) and its cells."""

    line: int
    cells: tuple[str, ...]


@attrs.frozen(slots=True)
class Layout:
    """What a header means: its cells, and each one's canonical column (``None`` for a
    column the importer does not know). Small and picklable: worker processes get it."""

    header: tuple[str, ...]
    columns: tuple[str | None, ...]

    def cell_values(self, cells: Sequence[str]) -> dict[str, str]:
        """The non-blank cells of known columns, trimmed, by canonical column name (an
        apostrophe protecting a formula character is removed)."""
        out: dict[str, str] = {}
        for column, cell in zip(self.columns, cells, strict=False):
            if column is not None:
                text = cell.strip()
                if text:
                    out[column] = restore_formula(text) if text[0] == "'" else text
        return out

    def extra_cell_count(self, cells: Sequence[str]) -> int:
        """How many non-blank cells there are beyond the header's width."""
        return sum(1 for cell in cells[len(self.header) :] if cell.strip())

    def label(self, index: int) -> str:
        """The column of the cell at ``index``, for messages (canonical name, else header)."""
        if index < len(self.columns):
            known = self.columns[index]
            if known is not None:
                return known
            text = self.header[index].strip()
            if text:
                return text
        return f"column {index + 1}"

    def nul_columns(self, cells: Sequence[str]) -> list[str]:
        """The columns of the cells that hold a NUL character."""
        return [self.label(i) for i, cell in enumerate(cells) if NUL in cell]


class _Columns:
    """Row helpers shared by :class:`CsvTable` and :class:`CsvReader`."""

    header: tuple[str, ...]
    columns: tuple[str | None, ...]

    @property
    def layout(self) -> Layout:
        """The header and its columns (what a worker process needs to read rows)."""
        return Layout(self.header, self.columns)

    def values(self, row: CsvRow) -> dict[str, str]:
        """The row's non-blank cells of known columns, trimmed, by canonical column name."""
        return self.layout.cell_values(row.cells)

    def extra_cells(self, row: CsvRow) -> int:
        """How many non-blank cells the row has beyond the header's width."""
        return self.layout.extra_cell_count(row.cells)


@attrs.frozen(slots=True)
class CsvTable(_Columns):
    """A whole CSV file, read and decoded (for small files; imports use :class:`CsvReader`).

    ``columns`` holds, for each header cell, its canonical column name, or ``None`` for a
    column the importer does not know (those are named in ``warnings``).
    """

    source: str
    encoding: str
    header: tuple[str, ...]
    columns: tuple[str | None, ...]
    rows: tuple[CsvRow, ...]
    warnings: tuple[str, ...] = ()


class CsvReader(_Columns):
    """An open CSV file read one row at a time (from :func:`open_table`).

    Attributes:
        source: the file's name, for messages.
        encoding: ``utf-8``, ``utf-8-sig`` or ``windows-1252``.
        header, columns, warnings: as in :class:`CsvTable`.
        has_nul: whether any NUL character occurs in the file (rows holding one are
            rejected by the importer).
        lines: how many lines the file has: an upper bound of its rows, for progress.
    """

    def __init__(
        self,
        source: str,
        scan: _Scan,
        text: io.TextIOBase,
        shape: tuple[Collection[str], Collection[str], Mapping[str, str], Collection[str]],
    ) -> None:
        self.source = source
        self.encoding = scan.encoding
        self.has_nul = scan.has_nul
        self.lines = scan.lines
        self._reader = csv.reader(text, strict=True)
        self._last_line = 0
        header = self._next_row()
        if header is None:
            raise ValidationError("file", "header", f"{source} is empty: no header row")
        self.header = tuple(header.cells)
        known, required, aliases, ignored = shape
        for index, cell in enumerate(self.header):
            if NUL in cell:
                raise ValidationError(
                    "file",
                    "header",
                    f"line {header.line}, column {index + 1}: holds a NUL character",
                )
        columns, warnings = _match_header(self.header, known, aliases, ignored)
        self.columns = tuple(columns)
        self.warnings = tuple(warnings)
        missing = [column for column in required if column not in columns]
        if missing:
            found = ", ".join(repr(h) for h in header.cells) or "nothing"
            raise ValidationError(
                "file",
                "header",
                f"no {', '.join(repr(m) for m in missing)} column (the header has {found})",
            )

    def _next_row(self) -> CsvRow | None:
        """The next non-blank row, or ``None`` at the end of the file."""
        reader = self._reader
        while True:
            start = self._last_line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                raise _csv_error(exc, start, reader.line_num) from None
            self._last_line = reader.line_num
            for cell in cells:
                if cell and not cell.isspace():
                    return CsvRow(start, tuple(cells))

    def __iter__(self) -> Iterator[CsvRow]:
        while (row := self._next_row()) is not None:
            yield row

    def chunks(self, size: int) -> Iterator[list[CsvRow]]:
        """The rows, ``size`` at a time (the last list may be shorter)."""
        chunk: list[CsvRow] = []
        for row in self:
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _csv_error(exc: csv.Error, start: int, line: int) -> ValidationError:
    text = str(exc)
    if "unexpected end of data" in text:
        reason = (
            f"line {start}: a quoted value starts in this row and its closing quote is "
            "missing (nothing after it could be read); close the quote, or double a quote "
            'that belongs to the value ("")'
        )
    elif "expected after" in text:
        reason = (
            f"line {line} (in the row starting at line {start}): a quote inside a quoted "
            'value must be doubled ("")'
        )
    elif "field larger than field limit" in text:
        reason = f"line {start}: a cell is longer than {csv.field_size_limit():,} characters"
    else:
        reason = f"line {start}: {text}"
    return ValidationError("file", "csv", reason)


@contextlib.contextmanager
def _binary(source: Source) -> Iterator[tuple[IO[bytes], str]]:
    """A seekable binary stream of ``source`` and its name; a stream that cannot seek
    (standard input) is first copied to a private temporary file, never to memory."""
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise ValidationError("file", "path", f"{str(path)!r} does not exist") from None
        except IsADirectoryError:
            raise ValidationError("file", "path", f"{str(path)!r} is a folder") from None
        except OSError as exc:
            raise ValidationError(
                "file", "path", f"cannot read {str(path)!r}: {exc.strerror or exc}"
            ) from None
        with handle:
            yield handle, str(path)
        return
    name = str(getattr(source, "name", "<stream>"))
    seekable = False
    with contextlib.suppress(AttributeError, OSError, ValueError):
        seekable = bool(source.seekable()) and isinstance(source.read(0), bytes)
    if seekable:
        start = source.tell()
        yield cast(IO[bytes], _Offset(source, start)), name
        return
    with tempfile.TemporaryFile() as spool:
        first: Any = source.read(_CHUNK)
        if isinstance(first, str):
            while first:
                spool.write(first.encode("utf-8"))
                first = source.read(_CHUNK)
        else:
            spool.write(first)
            shutil.copyfileobj(source, spool, _CHUNK)
        spool.seek(0)
        yield spool, name


class _Offset(io.RawIOBase):
    """A caller's seekable stream seen from where it was when handed over (offset 0)."""

    def __init__(self, inner: IO[bytes], start: int) -> None:
        self._inner = inner
        self._start = start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        return self._inner.read(size)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            return self._inner.seek(self._start + offset) - self._start
        return self._inner.seek(offset, whence) - self._start

    def tell(self) -> int:
        return self._inner.tell() - self._start


@contextlib.contextmanager
def open_table(
    source: Source,
    *,
    known: Collection[str],
    required: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    ignored: Collection[str] = (REASON_COLUMN,),
) -> Iterator[CsvReader]:
    """Open a CSV file, match its header against the columns an importer knows, and read
    it one row at a time (iterate the reader, or :meth:`CsvReader.chunks`).

    Args:
        source: a path or a binary file object.
        known: canonical column names the importer reads.
        required: columns that must be in the header.
        aliases: other canonical spellings accepted for a known column.
        ignored: columns read silently and not used (the ``reason`` column of a
            rejects file).

    Raises:
        ValidationError: the file cannot be decoded, is empty, lacks a required column,
            names one column twice, or (while reading) is not well-formed CSV (the reason
            names the line).
    """
    with _binary(source) as (stream, name):
        scan = _scan(stream)
        codec = "cp1252" if scan.encoding == "windows-1252" else scan.encoding
        buffered: Any = stream
        if not isinstance(stream, io.BufferedIOBase):
            buffered = io.BufferedReader(cast(Any, stream))
        text = io.TextIOWrapper(buffered, encoding=codec, newline="")
        try:
            yield CsvReader(name, scan, text, (known, required, aliases or {}, ignored))
        finally:
            text.detach()


def read_table(
    source: Source,
    *,
    known: Collection[str],
    required: Collection[str] = (),
    aliases: Mapping[str, str] | None = None,
    ignored: Collection[str] = (REASON_COLUMN,),
) -> CsvTable:
    """Read a whole CSV file (see :func:`open_table`; for small files).

    Raises:
        ValidationError: as :func:`open_table`.
    """
    with open_table(
        source, known=known, required=required, aliases=aliases, ignored=ignored
    ) as reader:
        rows = tuple(reader)
        return CsvTable(
            source=reader.source,
            encoding=reader.encoding,
            header=reader.header,
            columns=reader.columns,
            rows=rows,
            warnings=reader.warnings,
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


class RejectsWriter:
    """A rejects file written while the import reads: the original cells of each rejected
    row and a ``reason`` column, saved whole (renamed into place) when the block ends.

    The file is private (0600), never written through a symbolic link, replaces an existing
    file only when ``replace`` is true, and every cell is protected against spreadsheet
    formulas (it holds what people typed, names included). UTF-8 with a byte-order mark,
    so spreadsheets show accents correctly. A ``reason`` column already in the header is
    overwritten rather than repeated, so a rejects file can be fixed, re-imported, and its
    remaining rejects written again.

    Raises:
        ValidationError: (field ``rejects``) the file may not or cannot be written; raised
            by the constructor when the path can be refused before any work is done.
    """

    def __init__(
        self, path: str | os.PathLike[str], header: Sequence[str], *, replace: bool = False
    ) -> None:
        self.path = Path(path)
        self.replace = replace
        keys = [normalize_header(cell) for cell in header]
        self._reason_at = keys.index(REASON_COLUMN) if REASON_COLUMN in keys else None
        self._width = len(header)
        self._header = list(header) if self._reason_at is not None else [*header, REASON_COLUMN]
        self.count = 0
        with _as_validation_error(self.path):
            check_target(self.path, replace=replace, create_folders=False)

    @contextlib.contextmanager
    def open(self) -> Iterator[RejectsWriter]:
        """Write the file in this block; it appears (whole) when the block ends."""
        with (
            _as_validation_error(self.path),
            csv_file(self.path, replace=self.replace, create_folders=False) as writer,
        ):
            self._writer = writer
            writer.writerow(self._header)
            yield self

    def add(self, cells: Sequence[str], reason: str) -> None:
        """One rejected row: its cells as read, and the reason."""
        width = self._width
        line = list(cells[:width]) + [""] * max(0, width - len(cells))
        if self._reason_at is None:
            line.append(reason)
        else:
            line[self._reason_at] = reason
        self._writer.writerow(line[: len(self._header)])
        self.count += 1


@contextlib.contextmanager
def _as_validation_error(path: Path) -> Iterator[None]:
    try:
        yield
    except FileWriteError as exc:
        raise ValidationError("import", "rejects", str(exc)) from None


def write_rejects(
    path: str | os.PathLike[str],
    header: Sequence[str],
    rows: Iterable[tuple[Sequence[str], str]],
    *,
    replace: bool = False,
) -> None:
    """Write rejected rows, each with its original cells and a ``reason`` column (see
    :class:`RejectsWriter` for how the file is written).

    Raises:
        ValidationError: the file may not or cannot be written.
    """
    writer = RejectsWriter(path, header, replace=replace)
    with writer.open():
        for cells, reason in rows:
            writer.add(cells, reason)
