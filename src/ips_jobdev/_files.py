"""Files the program writes for people: private, whole or not at all, never through a link.

Every file goes through :func:`atomic_writer` (or :func:`write_file`):

- it is written to a temporary file in the target's folder (mode 0600, created
  exclusively) and renamed over the target only when complete, so a reader, a crash or a
  full disk never leaves half a file;
- a target that is a symbolic link is refused (the link's target is never written);
- an existing file is replaced only when the caller allows it (``replace=True``), for
  instance because the user said ``--force`` or because it is the program's own earlier
  output (``ours``);
- missing folders are created (mode 0700) unless the caller says not to.

:func:`check_target` runs the same checks without writing, so a command can refuse a bad
path before it reads or computes anything; :func:`probe_folder` also tries the folder.

CSV files are opened in spreadsheets, which run a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula (``=HYPERLINK(...)`` sends data away, ``+cmd|' /C calc'!A0``
starts programs). :func:`neutralize_formula` prefixes such a cell with an apostrophe, the
spreadsheets' own mark for "this is text", and :func:`restore_formula` removes it again
when ips-jobdev reads the file back.

>>> neutralize_formula("=HYPERLINK(\\"https://example.org\\")")
'\\'=HYPERLINK("https://example.org")'
>>> restore_formula(neutralize_formula("+1 608 555 0101"))
'+1 608 555 0101'
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from ips_jobdev.errors import IpsJobdevError

__all__ = [
    "FORMULA_STARTS",
    "FileWriteError",
    "atomic_writer",
    "check_target",
    "csv_file",
    "neutralize_formula",
    "probe_folder",
    "restore_formula",
    "write_file",
]

FILE_MODE = 0o600
FOLDER_MODE = 0o700

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet read a cell as a formula: ``= + - @``, tab and
carriage return (OWASP's list), and their full-width forms (U+FF1D, U+FF0B, U+FF0D,
U+FF20), which some spreadsheets fold."""


class FileWriteError(IpsJobdevError):
    """A file cannot or may not be written; the message names the path and why."""


def _nearest_existing(folder: Path) -> Path:
    current = folder
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_target(
    path: str | os.PathLike[str],
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
    create_folders: bool = True,
) -> None:
    """Refuse a path :func:`atomic_writer` would refuse, without writing anything.

    Args:
        path: the file to write.
        replace: an existing file may be replaced (``--force``).
        ours: tells whether an existing file is the program's own earlier output, which
            may always be replaced.
        create_folders: missing folders may be made; when false, the folder must exist.

    Raises:
        FileWriteError: the path is a symbolic link or a folder, its folder cannot be made
            or written, or a file is there that may not be replaced.
    """
    path = Path(path)
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise FileWriteError(
                f"{path} is a symbolic link; refusing to write through it (remove the link or "
                "choose another path)"
            )
        if stat.S_ISDIR(info.st_mode):
            raise FileWriteError(f"{path} is a folder; give a file name")
        if not replace and not (ours is not None and _safely(ours, path)):
            if ours is not None:
                raise FileWriteError(
                    f"{path} already exists and was not written by ips-jobdev; use --force "
                    "to replace it"
                )
            raise FileWriteError(
                f"{path} already exists; use --force to replace it (or choose another name)"
            )
    if not create_folders and not path.parent.is_dir():
        raise FileWriteError(f"cannot write {path}: the folder {path.parent} does not exist")
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise FileWriteError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileWriteError(f"cannot write {path}: {folder} is not writable")


def probe_folder(path: str | os.PathLike[str]) -> None:
    """Make the folder ``path`` goes in (if missing) and write and remove a temporary file
    there: the only sure test that the file can be written (permissions, read-only or
    special file systems, quotas).

    Raises:
        FileWriteError: the folder cannot be made or written.
    """
    path = Path(path)
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise FileWriteError(f"cannot write {path}: {folder} is not a folder")
    try:
        _make_folders(path.parent)
        with tempfile.NamedTemporaryFile(prefix=f".{path.name}.", dir=path.parent):
            pass
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def _make_folders(folder: Path) -> None:
    """Make ``folder`` and its missing parents, each private (``mkdir(parents=True)`` would
    give the parents the default mode)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir(mode=FOLDER_MODE, exist_ok=True)


def _safely(ours: Callable[[Path], bool], path: Path) -> bool:
    try:
        return ours(path)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_writer(
    path: str | os.PathLike[str],
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
    create_folders: bool = True,
) -> Iterator[BinaryIO]:
    """Write ``path`` whole or not at all: yields a binary stream to a private temporary
    file in the same folder, renamed over ``path`` when the block ends without an error.

    Raises:
        FileWriteError: as :func:`check_target`, or when the file cannot be written (the
            message names the path and the system's reason).
    """
    path = Path(path)
    check_target(path, replace=replace, ours=ours, create_folders=create_folders)
    try:
        if create_folders:
            _make_folders(path.parent)
        # mkstemp creates the file exclusively (O_EXCL) with mode 0600
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # checked again: a link or file put there while we wrote is not followed, and an
        # existing file is still only replaced when the caller allowed it
        check_target(path, replace=replace, ours=ours, create_folders=False)
        # rename replaces a directory entry: it never writes through a link at ``path``
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def write_file(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_writer`."""
    with atomic_writer(path, replace=replace, ours=ours) as stream:
        stream.write(data)


def neutralize_formula(cell: str) -> str:
    """``cell`` made safe to open in a spreadsheet: a leading apostrophe when it starts
    with a formula character (see :data:`FORMULA_STARTS`), else unchanged."""
    if cell and cell[0] in FORMULA_STARTS:
        return "'" + cell
    return cell


def restore_formula(cell: str) -> str:
    """Undo :func:`neutralize_formula`: drop an apostrophe that precedes a formula
    character (files ips-jobdev wrote, or a spreadsheet saved, read back as they were)."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


class _SafeCsvWriter:
    """A ``csv.writer`` whose every cell goes through :func:`neutralize_formula`."""

    def __init__(self, text: io.TextIOBase) -> None:
        self._writer = csv.writer(text)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(
            [neutralize_formula(cell) if isinstance(cell, str) else cell for cell in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


@contextlib.contextmanager
def csv_file(
    path: str | os.PathLike[str],
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
    create_folders: bool = True,
    bom: bool = True,
) -> Iterator[_SafeCsvWriter]:
    """A CSV file for people, written through :func:`atomic_writer`: UTF-8 (with a
    byte-order mark by default, so spreadsheets show accents correctly), CRLF line ends,
    and every cell neutralized against formulas.

    >>> with csv_file(folder / "out.csv") as writer:          # doctest: +SKIP
    ...     writer.writerow(["name", "phone"])
    """
    with atomic_writer(path, replace=replace, ours=ours, create_folders=create_folders) as stream:
        text = io.TextIOWrapper(
            stream, encoding="utf-8-sig" if bom else "utf-8", newline="", write_through=False
        )
        try:
            yield _SafeCsvWriter(text)
            text.flush()
        finally:
            text.detach()
