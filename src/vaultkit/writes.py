"""Writing files without ever harming one that exists.

A new file is written to a temporary name in its own folder, flushed to disk, then linked to
its real name; `link` fails if the name exists, so a note the user made a moment ago, or a
second vaultkit racing this one, is never overwritten, and a crash leaves either the whole file
or none of it (plus a temporary file that the next run removes).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".vaultkit-tmp"
"""Temporary files are `.<pid>.<random>.vaultkit-tmp`: hidden, and ours by their suffix."""


def create_file(path: Path, data: bytes) -> bool:
    """Write `path` if nothing is there; True if written, False if something already was."""
    if path.exists() or path.is_symlink():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = write_temp(path, data)
    try:
        try:
            os.link(temp, path)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno not in {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV}:
                raise
            return _create_without_link(path, data)
        return True
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def write_temp(final: Path, data: bytes, mode: int | None = None) -> Path:
    """A new temporary file beside `final` holding `data`, flushed to disk; its path.

    The name is short and fixed in length (`.<pid>.<random>.vaultkit-tmp`), so it fits
    wherever `final`'s own name fits, and names the process that writes it. The caller links or
    renames it into place and removes it on failure.
    """
    temp = final.with_name(f".{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            temp.chmod(mode)  # the umask may have narrowed what os.open was given
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    return temp


def _create_without_link(path: Path, data: bytes) -> bool:
    """For file systems without hard links (some FUSE and Android mounts): exclusive create."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return True


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` all at once: readers see the old file or the new, never half.

    The temporary file sits in the same folder (so `os.replace` is atomic) and is flushed to
    disk first; an existing file's permission bits are kept. On failure the old file is
    untouched and the temporary file is removed.
    """
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    temp = write_temp(path, data, mode)
    try:
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def remove_stale_temp_files(folders: Iterable[Path]) -> list[Path]:
    """Delete temporary files an interrupted run left in these folders (not below them)."""
    removed: list[Path] = []
    for folder in folders:
        try:
            candidates = [p for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for temp in candidates:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()
                removed.append(temp)
                log.info("removed a temporary file left by an interrupted run: %s", temp)
    return removed
