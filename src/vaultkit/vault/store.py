"""vaultkit's own files inside a vault: its memory in `.vaultkit/state/` (`seen.py`) and the
caches in `.vaultkit/cache/` (what they hold: `cache.py`).

Every write goes through `contain.inside`, so a `.vaultkit` that is a symlink to elsewhere is
refused rather than followed out of the vault. The cache folder is marked with CACHEDIR.TAG
(backup tools skip it) and a `.gitignore`; everything in it is safe to delete.
"""

from __future__ import annotations

import logging
from pathlib import Path, PurePosixPath

from vaultkit.errors import VaultkitError
from vaultkit.files.contain import inside
from vaultkit.files.reads import read_file
from vaultkit.files.writes import atomic_write, create_file

log = logging.getLogger(__name__)

STATE_DIR = ".vaultkit"
CACHE_DIR = f"{STATE_DIR}/cache"
READ_LIMIT = 512 << 20
"""Bytes of one of our files we read at most. The index cache is the largest, ~1.2 KiB a note
(60 MiB at 50,000 notes); past the bound a cache is ignored and rebuilt, never read whole."""
_CACHEDIR_TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# vaultkit's caches: safe to delete; they are rebuilt on the next run.\n"
)


def read(root: Path, relative: str) -> bytes | None:
    """The file's bytes, or None when it is missing or unreadable (not a regular file, say).

    Read through `reads.read_file`: a FIFO in the cache's place must not hang a build.
    """
    try:
        return read_file(root / relative, READ_LIMIT)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        log.warning("ignoring %s: %s", relative, exc.strerror or exc)
        return None


def write(root: Path, relative: str, data: bytes) -> None:
    """Replace one of vaultkit's files atomically; raises if it would land outside the vault."""
    path = inside(root, PurePosixPath(relative))
    path.parent.mkdir(parents=True, exist_ok=True)
    if relative.startswith(f"{CACHE_DIR}/"):
        create_file(path.parent / "CACHEDIR.TAG", _CACHEDIR_TAG)
        create_file(path.parent / ".gitignore", b"*\n")
    atomic_write(path, data)


def write_cache(root: Path, relative: str, data: bytes) -> None:
    """Like `write`, for a cache: a failure is logged, never raised (the next run rebuilds it)."""
    try:
        write(root, relative, data)
    except (OSError, VaultkitError) as exc:
        log.warning("could not write the cache %s: %s", relative, exc)
