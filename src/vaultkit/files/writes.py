"""Writing files without ever harming one that exists.

A new file is written to a temporary name in its own folder, flushed to disk, then linked to
its real name; `link` fails if the name exists, so a note the user made a moment ago, or a
second vaultkit racing this one, is never overwritten, and a crash leaves either the whole file
or none of it (plus a temporary file that a later run removes once its writer is gone).

Callers check every path with `layout.inside` first; `remove_stale_temp_files` does so itself.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import secrets
import time
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from vaultkit.errors import UnsafePathError
from vaultkit.files.contain import inside

log = logging.getLogger(__name__)

NO_HARD_LINKS = frozenset(
    {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV}
)
"""What `os.link` fails with on a file system without hard links (some FUSE, exFAT, Android)."""
TEMP_SUFFIX = ".vaultkit-tmp"
"""Temporary files are `.<pid>.<random>.vaultkit-tmp`: hidden, and ours by their suffix."""


def create_file(path: Path, data: bytes) -> bool:
    """Write `path` if nothing is there; True if written, False if something already was.

    The caller has checked `path` with `layout.inside`. An OSError names `path`, never the
    temporary file.
    """
    if path.exists() or path.is_symlink():
        return False
    with naming(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = write_temp(path, data)
        try:
            try:
                os.link(temp, path)
            except FileExistsError:
                return False
            except OSError as exc:
                if exc.errno not in NO_HARD_LINKS:
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
    untouched, the temporary file is removed, and the OSError names `path`. The caller has
    checked `path` with `layout.inside`.
    """
    with naming(path):
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


@contextlib.contextmanager
def naming(path: Path, ours: tuple[str, ...] = (TEMP_SUFFIX,)) -> Iterator[None]:
    """Re-raise an OSError about our temporary file, or about no file, as the same error
    (errno, strerror, subclass) about `path`.

    A full disk or a read-only folder fails on the temporary file (or on a write or `fsync`,
    which name no file), whose name means nothing to the user; the file they know is the one
    we were writing. An error about another path (a folder `mkdir` could not make) stands.
    `ours` are the suffixes of the hidden files the caller writes beside `path`.
    """
    try:
        yield
    except OSError as exc:
        names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
        if exc.errno is None or not all(n.endswith(ours) or n == str(path) for n in names):
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


def remove_stale_temp_files(vault: Path, folders: Iterable[str | PurePosixPath]) -> list[Path]:
    """Delete the temporary files that interrupted runs left in these vault folders (not below).

    Only stale ones go (see `_is_stale`): a run writing beside us keeps its temporary file. A
    folder that resolves out of the vault (a symlink) is skipped: nothing outside is touched.
    """
    removed: list[Path] = []
    now = time.time()
    for relative in dict.fromkeys(PurePosixPath(f) for f in folders):
        folder = _folder_inside(vault, relative)
        if folder is None:
            continue
        try:
            with os.scandir(folder) as entries:
                found = [e for e in entries if e.name.endswith(TEMP_SUFFIX)]
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:  # cleaning up is a courtesy: never a reason to stop the command
            log.warning("could not look for temporary files in %s: %s", folder, exc.strerror)
            continue
        removed += [Path(e.path) for e in found if _is_stale(e, now) and _remove(Path(e.path))]
    return removed


STALE_AFTER = 60.0
"""Seconds after which a temporary file counts as left behind, even if its pid is running.

A write holds its temporary file from `open` to `link`/`replace`: milliseconds, a few seconds
for a large cache on a slow disk. Past a minute, the pid in its name belongs to another
process (pids are reused) or the writer hangs; removing the file then loses nothing, since it
only ever holds a copy of what vaultkit generated, not yet in place.
"""
_TEMP_NAME = re.compile(r"\.([1-9][0-9]{0,9})\.[0-9a-f]+" + re.escape(TEMP_SUFFIX))


def _is_stale(entry: os.DirEntry[str], now: float) -> bool:
    """A temporary file of ours whose writer is gone: its pid is not running, or it is old.

    Files named in another form (an older vaultkit's) have no pid to ask, so only age counts.
    Only regular files are ours: a folder or symlink with our suffix is left alone.
    """
    try:
        if not entry.is_file(follow_symlinks=False):
            return False
        age = now - entry.stat(follow_symlinks=False).st_mtime
    except FileNotFoundError:
        return False  # its writer has just put it in place
    if age > STALE_AFTER:
        return True
    match = _TEMP_NAME.fullmatch(entry.name)
    return match is not None and not process_running(int(match.group(1)))


def process_running(pid: int) -> bool:
    """Whether a process with this pid runs on this machine (True when we cannot tell)."""
    if os.name != "posix":
        return True  # Windows' os.kill(pid, 0) would send Ctrl-C, not ask
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OverflowError:
        return False  # larger than any pid
    except PermissionError:
        return True  # another user's process
    return True


def _remove(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        log.warning("could not remove the temporary file %s: %s", path, exc.strerror)
        return False
    log.info("removed a temporary file left by an interrupted run: %s", path)
    return True


def _folder_inside(vault: Path, relative: PurePosixPath) -> Path | None:
    """The folder's real path when it is inside the vault, else None (logged)."""
    try:
        # `inside` checks the resolved parent of a path, here the folder itself.
        return inside(vault, relative / TEMP_SUFFIX).parent
    except UnsafePathError:
        log.info("not cleaning %s: it resolves to a folder outside the vault", vault / relative)
        return None
