"""Files the program writes for people: private, whole or not at all, never through a link.

Every file goes through :func:`atomic_writer` (or :func:`write_file`):

- it is written to a temporary file in the target's folder (mode 0600, created
  exclusively) and renamed over the target only when complete, so a reader, a crash or a
  full disk never leaves half a file;
- a target that is a symbolic link is refused (the link's target is never written);
- an existing file is replaced only when the caller allows it (``replace=True``), for
  instance because the user said ``--force`` or because it is the program's own earlier
  output (``ours``);
- missing folders are created (mode 0700).

:func:`check_target` runs the same checks without writing, so a command can refuse a bad
path before it reads or computes anything; :func:`probe_folder` also tries the folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from ips_jobdev.errors import IpsJobdevError

__all__ = ["FileWriteError", "atomic_writer", "check_target", "probe_folder", "write_file"]

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class FileWriteError(IpsJobdevError):
    """A file cannot or may not be written; the message names the path and why."""


def _nearest_existing(folder: Path) -> Path:
    current = folder
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_target(
    path: Path,
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> None:
    """Refuse a path :func:`atomic_writer` would refuse, without writing anything.

    Args:
        path: the file to write.
        replace: an existing file may be replaced (``--force``).
        ours: tells whether an existing file is the program's own earlier output, which
            may always be replaced.

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
            raise FileWriteError(
                f"{path} already exists and was not written by ips-jobdev; use --force to "
                "replace it"
            )
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise FileWriteError(f"cannot write {path}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FileWriteError(f"cannot write {path}: {folder} is not writable")


def probe_folder(path: Path) -> None:
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
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(prefix=f".{path.name}.", dir=path.parent):
            pass
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None


def _safely(ours: Callable[[Path], bool], path: Path) -> bool:
    try:
        return ours(path)
    except OSError:
        return False


@contextlib.contextmanager
def atomic_writer(
    path: Path,
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> Iterator[BinaryIO]:
    """Write ``path`` whole or not at all: yields a binary stream to a private temporary
    file in the same folder, renamed over ``path`` when the block ends without an error.

    Raises:
        FileWriteError: as :func:`check_target`, or when the file cannot be written (the
            message names the path and the system's reason).
    """
    path = Path(path)
    check_target(path, replace=replace, ours=ours)
    try:
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        # checked again: a link put there while we wrote is not followed, but not replaced
        check_target(path, replace=True)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise FileWriteError(f"cannot write {path}: {exc.strerror or exc}") from None
        raise


def write_file(
    path: Path,
    data: bytes,
    *,
    replace: bool = False,
    ours: Callable[[Path], bool] | None = None,
) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_writer`."""
    with atomic_writer(path, replace=replace, ours=ours) as stream:
        stream.write(data)
