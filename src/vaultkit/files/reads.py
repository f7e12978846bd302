"""Reading a file that may be hostile: only regular files, never more than a bound.

A FIFO named like a note blocks `open` forever; a note symlinked to `/dev/zero` never ends;
`stat` may understate a size (a file growing while read, `/proc`). So `stat` must say "regular
file" before we open it (opening a device can have effects), the open never blocks
(`O_NONBLOCK`), `fstat` on the open file confirms it (the path may have been swapped in
between), and reading stops one byte past the bound.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


class NotRegularError(OSError):
    """The path names something that is not a regular file: a folder, FIFO, socket, device."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(errno.EINVAL, f"is {kind}, not a regular file", str(path))
        self.kind = kind


class TooLargeError(OSError):
    """The file holds more than the caller's bound (checked while reading, not by `stat`)."""

    def __init__(self, path: Path, limit: int) -> None:
        super().__init__(errno.EFBIG, f"is larger than {_size(limit)}; not read", str(path))
        self.limit = limit


def read_file(path: Path, limit: int, *, head: bool = False) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises NotRegularError for anything but a regular file, TooLargeError past `limit`
    (unless `head`, which returns the first `limit` bytes), and OSError as `open` does.
    """
    _require_regular(path.stat().st_mode, path)
    fd = os.open(path, _FLAGS)
    try:
        info = os.fstat(fd)
        _require_regular(info.st_mode, path)
        chunks: list[bytes] = []
        total = 0
        want = min(info.st_size, limit) + 1  # one read for the whole file, +1 to see its end
        while True:
            chunk = os.read(fd, min(want, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                if head:
                    return b"".join(chunks)[:limit]
                raise TooLargeError(path, limit)
            want = 1 << 20
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _require_regular(mode: int, path: Path) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    if kind == "a folder":
        raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
    raise NotRegularError(path, kind)


def _size(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"
