"""One watcher per vault: an advisory lock keyed by the vault's real path, kept outside it.

The lock file lives in one folder per user that every process of that user agrees on, whatever
its environment says: `<home>/.cache/vaultkit/locks`, with the home folder taken from the user
database (not `$HOME`, not `$XDG_RUNTIME_DIR` or `$XDG_CACHE_HOME`, which differ between a
login shell, cron, systemd and `env -i`). Never in the vault, where sync tools would copy it to
other machines. The kernel releases a flock when its process dies, so a killed watcher never
blocks the next one; a watcher that stops removes its file.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path
from types import TracebackType

from vaultkit.errors import AlreadyWatchedError, LockFolderError

try:
    import fcntl
    import pwd
except ImportError:  # Windows: no flock; one watcher per vault is then up to the user
    fcntl = None  # type: ignore[assignment]
    pwd = None  # type: ignore[assignment]


def lock_folder() -> Path:
    """`<home>/.cache/vaultkit/locks`, the home folder from the user database.

    `/run/user/<uid>` is not used: it exists only while the user has a login session, so a
    watcher started by cron before login and one started after would disagree. Without a
    usable home (no entry in the user database, a read-only or missing home folder), a private
    `/tmp/vaultkit-<uid>`.
    """
    try:
        home = pwd.getpwuid(os.getuid()).pw_dir
    except KeyError:  # a uid with no entry, as in some containers
        home = ""
    if home and os.access(home, os.W_OK):
        return Path(home) / ".cache" / "vaultkit" / "locks"
    return Path(f"/tmp/vaultkit-{os.getuid()}")  # noqa: S108 - made private below


def _private_folder(folder: Path) -> None:
    """Make `folder` if needed; refuse one that another user owns or that is a symlink (the
    `/tmp` fallback is shared with every user)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = folder.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        raise LockFolderError(folder, "it is not a folder of yours")


class VaultLock:
    """`with VaultLock(vault):` holds the vault for this process, or raises AlreadyWatchedError."""

    def __init__(self, vault: Path, folder: Path | None = None) -> None:
        self.vault = Path(os.path.realpath(vault))
        key = hashlib.sha256(os.fsencode(self.vault)).hexdigest()[:20]
        self.path = (folder or lock_folder()) / f"{key}.lock"
        self._fd: int | None = None

    def __enter__(self) -> VaultLock:
        if fcntl is None:
            return self
        _private_folder(self.path.parent)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.read(fd, 200).decode("utf-8", "replace").split("\n", 1)[0]
                os.close(fd)
                raise AlreadyWatchedError(self.vault, holder or "by another process") from None
            if _same_file(fd, self.path):
                break
            # The holder removed the file as it stopped, after we opened it: lock the new one.
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()}\n{self.vault}\n".encode())
        self._fd = fd
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._fd is None:
            return
        # Removed while still held: whoever opens the path next gets a fresh file, and one who
        # opened this one meanwhile sees it is no longer at the path (see `__enter__`).
        with contextlib.suppress(OSError):
            if _same_file(self._fd, self.path):  # not another watcher's, made after ours went
                self.path.unlink()
        os.close(self._fd)  # closing releases the flock
        self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    """True when `path` still names the file open as `fd`."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)
