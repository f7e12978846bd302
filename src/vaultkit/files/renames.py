"""Renames that `os.rename` cannot do: swap two names, or move without replacing.

Linux's `renameat2(2)` does both as one system call (`RENAME_EXCHANGE`, `RENAME_NOREPLACE`), so
a file another program saves at that instant is never overwritten or lost in between. Where it
is missing (macOS, old kernels and C libraries, file systems or sandboxes that refuse the flags),
`exchange` raises `RenameUnsupportedError` for the caller to fall back, and `move_noreplace` falls
back to a hard link, which is atomic too: it fails when the name exists.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import platform
import sys
from collections.abc import Callable
from pathlib import Path

from vaultkit.files.writes import NO_HARD_LINKS

_AT_FDCWD = -100
_RENAME_NOREPLACE = 1
_RENAME_EXCHANGE = 2
_SYSCALL_NUMBERS = {"x86_64": 316, "aarch64": 276, "riscv64": 276}
"""`renameat2` by number, for C libraries that do not wrap it (musl before 1.2.5)."""
_REFUSED = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EPERM}
"""What a kernel, file system or seccomp sandbox says when it cannot do the flags (EPERM: old
Docker profiles). A real permission problem shows again, with its own error, in the fallback."""

_Rename = Callable[[bytes, bytes, int], int]
"""(source, target, flags) → 0, or the errno of the failed call."""


class RenameUnsupportedError(OSError):
    """This system or file system cannot swap two names atomically."""


def exchange(first: Path, second: Path) -> None:
    """Swap the files (or folders) at two existing paths in one step.

    Raises RenameUnsupportedError where the system cannot, FileNotFoundError when either is missing.
    """
    try:
        _renameat2(first, second, _RENAME_EXCHANGE)
    except RenameUnsupportedError:
        raise
    except OSError as exc:
        if exc.errno in _REFUSED:
            raise RenameUnsupportedError(exc.errno, exc.strerror, str(first)) from exc
        raise


def move_noreplace(source: Path, target: Path) -> bool:
    """Rename `source` to `target` unless something is at `target`; False if something is.

    `source` must be a name only vaultkit uses: the fallback links `target` to it, then
    removes `source`, and on a file system without hard links it checks, then renames.
    """
    try:
        _renameat2(source, target, _RENAME_NOREPLACE)
    except FileExistsError:
        return False
    except OSError as exc:
        if not isinstance(exc, RenameUnsupportedError) and exc.errno not in _REFUSED:
            raise
    else:
        return True
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
        if os.path.lexists(target):
            return False
        source.rename(target)
        return True
    with contextlib.suppress(FileNotFoundError):
        source.unlink()
    return True


def available() -> bool:
    """True when `renameat2` can be called here (a file system may still refuse its flags)."""
    return _function() is not None


def _renameat2(source: Path, target: Path, flags: int) -> None:
    call = _function()
    if call is None:
        raise RenameUnsupportedError(errno.ENOSYS, "renameat2 is not available", str(source))
    code = call(os.fsencode(source), os.fsencode(target), flags)
    if code:
        raise OSError(code, os.strerror(code), str(source), None, str(target))


@functools.cache
def _function() -> _Rename | None:
    """libc's `renameat2`, or the raw system call; None off Linux. Loaded on first use only:
    ctypes costs a few milliseconds, and only writing a dashboard needs it."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes  # noqa: PLC0415

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    wrapped = getattr(libc, "renameat2", None)
    if wrapped is not None:
        wrapped.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                            ctypes.c_uint]
        wrapped.restype = ctypes.c_int

        def by_name(source: bytes, target: bytes, flags: int) -> int:
            failed = wrapped(_AT_FDCWD, source, _AT_FDCWD, target, flags) != 0
            return ctypes.get_errno() if failed else 0

        return by_name
    number = _SYSCALL_NUMBERS.get(platform.machine())
    syscall = getattr(libc, "syscall", None)
    if number is None or syscall is None:
        return None
    syscall.restype = ctypes.c_long

    def by_number(source: bytes, target: bytes, flags: int) -> int:
        failed = syscall(ctypes.c_long(number), ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(source),
                         ctypes.c_int(_AT_FDCWD), ctypes.c_char_p(target),
                         ctypes.c_uint(flags)) != 0
        return ctypes.get_errno() if failed else 0

    return by_number
