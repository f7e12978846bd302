"""The pages vaultkit owns (dashboards, topic index, panels): where they are, and what is at
their paths now, remembered by stamp so a watcher's rebuild need not read hundreds of panels
again. `publish` decides what to do with them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from vaultkit.config import Settings
from vaultkit.files.contain import inside
from vaultkit.files.reads import NotRegularError, TooLargeError, read_file
from vaultkit.vault.cache import Stamp, stamp, trusted, unchanged
from vaultkit.vault.frontmatter import unedited

READ_LIMIT = 64 << 20
"""Bytes read of a file at a dashboard's path; a larger one is not ours and is kept aside."""


def owned(root: Path, settings: Settings, panels: Iterable[str] | None = None) -> list[str]:
    """Every page vaultkit writes: the dashboards, the topic index, and the panels.

    `panels` are those the index knows (`panels.owned_paths`: one per hub, and every page with
    a panel's id), to judge the pages by: a file of the user's in the panels folder is not
    vaultkit's to keep aside. Without an index, every page in the panels folder is taken.
    """
    found = {*settings.dashboard_paths().values(), settings.topic_index_path()}
    if panels is not None:
        return sorted(found.union(panels))
    folder = settings.panels_folder()
    try:
        with os.scandir(inside(root, PurePosixPath(folder))) as entries:
            found.update(
                f"{folder}/{entry.name}" for entry in entries
                if entry.name.endswith(".md") and not entry.name.startswith(".")
                and " (edited" not in entry.name
            )
    except (FileNotFoundError, NotADirectoryError):
        pass
    return sorted(found)


def placed(root: Path, relatives: Iterable[str]) -> dict[str, Path]:
    """Each page's real path (`contain.inside`), each folder resolved once for all the pages
    in it: a few hundred panels share one, and resolving costs a system call per folder level."""
    folders: dict[str, Path] = {}
    found: dict[str, Path] = {}
    for relative in relatives:
        pure = PurePosixPath(relative)
        folder = pure.parent.as_posix()
        if folder not in folders:
            folders[folder] = inside(root, pure).parent
        found[relative] = inside(root, pure) if pure.name in {"", ".", ".."} else (
            folders[folder] / pure.name)
    return found


_seen: dict[Path, tuple[Stamp, bytes, bool]] = {}
"""Pages as this process last read them, with their stamps and whether each was as vaultkit
wrote it: a watcher's rebuild looks at every panel (hundreds) twice, and a stat tells one left
as it was without reading it again."""


def read_known(path: Path) -> bytes | None:
    """`read_page`, from memory when the file's stamp is the one it had when last read and old
    enough to stand for its bytes (`cache.unchanged`), as the index trusts a note's."""
    known = _known(path)
    return None if known is None else known[1]


def unedited_known(path: Path) -> bool | None:
    """Whether the page is as vaultkit wrote it (`frontmatter.unedited`); None when no file
    is there."""
    known = _known(path)
    return None if known is None else known[2]


def _known(path: Path) -> tuple[Stamp, bytes, bool] | None:
    now = stamp(path)  # before reading: a write in between is seen next time
    known = _seen.get(path)
    if known is not None and unchanged(known[0], now):
        return known
    data = read_page(path)
    if data is None:
        _seen.pop(path, None)
        return None
    found = (now or (0, 0, 0, 0), data, unedited(data))
    if trusted(now):
        _seen[path] = found
    else:
        _seen.pop(path, None)
    return found


def read_page(path: Path) -> bytes | None:
    """The file's bytes; None when no regular file is there (missing, a folder, a FIFO…).

    One larger than `READ_LIMIT` reads as `b""`: it is not ours, whatever it holds.
    """
    try:
        return read_file(path, READ_LIMIT)
    except TooLargeError:
        return b""
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, NotRegularError):
        return None
