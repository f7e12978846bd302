"""One watcher per vault: an advisory lock keyed by the vault's real path, kept outside it.

The lock file lives in the user's runtime (or cache) folder, never in the vault, where sync
tools would copy it to other machines. The kernel releases a flock when its process dies, so a
killed watcher never blocks the next one.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from types import TracebackType

from vaultkit.errors import VaultkitError

try:
    import fcntl
except ImportError:  # Windows: no flock; one watcher per vault is then up to the user
    fcntl = None  # type: ignore[assignment]


class AlreadyWatchedError(VaultkitError):
    """Another process holds the vault's lock."""

    hint = "Stop that watcher first, or let it keep the dashboards current."

    def __init__(self, vault: Path, holder: str) -> None:
        self.vault = vault
        self.holder = holder
        super().__init__(f"{vault} is already being watched ({holder})")


def lock_folder() -> Path:
    """`$XDG_RUNTIME_DIR/vaultkit`, else the user cache folder's `vaultkit/locks`."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_dir():
        return Path(runtime) / "vaultkit"
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "vaultkit" / "locks"


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
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").split("\n", 1)[0]
            os.close(fd)
            raise AlreadyWatchedError(self.vault, holder or "by another process") from None
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
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing releases the flock
        self._fd = None
