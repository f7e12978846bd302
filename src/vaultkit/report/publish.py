"""Putting the rendered dashboards (and topic panels) in place without ever losing a hand edit.

An editor may save a dashboard between any two steps of ours, so a dashboard is never read,
judged, then replaced. The new text goes to a hidden swap file that `renames.exchange` swaps
with the dashboard in one system call: what comes out is exactly what was at the path at that
instant. Ours and unedited (`frontmatter.unedited`), it is deleted; anything else is kept as
`<name> (edited).md`. A dashboard is touched only when its bytes change, and never leaves its
path, so an editor's open tab stays open.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from vaultkit.config import Settings
from vaultkit.errors import VaultPathError
from vaultkit.files import renames
from vaultkit.files.contain import inside
from vaultkit.files.display import shown
from vaultkit.files.writes import NO_HARD_LINKS, TEMP_SUFFIX, naming, process_running, write_temp
from vaultkit.report.owned import owned, placed, read_known, read_page, unedited_known
from vaultkit.vault.frontmatter import sealed_hash, unedited

log = logging.getLogger(__name__)

_SWAP_SUFFIX = ".vaultkit-swap"
"""Hidden `.<pid>.<random>.<dashboard>.vaultkit-swap` files hold a new dashboard before a swap,
and what was swapped out after it. Not `writes.TEMP_SUFFIX`: one may hold the user's edit,
which the stale temp-file cleanup must never delete; `keep_aside` recovers those of a dead run."""
_SWAP_NAME = re.compile(r"\.([1-9][0-9]{0,9})\.[0-9a-f]+\.(.+)" + re.escape(_SWAP_SUFFIX))
"""`.<pid>.<random>.<dashboard's file name>.vaultkit-swap`, as `_hidden_name` makes them."""
_ATTEMPTS = 100
"""Tries to replace a dashboard that keeps vanishing or changing under us before giving up."""


@dataclass(slots=True)
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(dashboard, where the hand-edited version was moved) for each edit kept aside."""


def edited(root: Path, settings: Settings, panels: Iterable[str] = ()) -> list[str]:
    """Pages vaultkit owns (`owned`, with the panels the index knows) whose text is not what
    it last wrote: edited by hand."""
    return [relative for relative in owned(root, settings, panels)
            if unedited_known(root / relative) is False]


def hashes(root: Path, settings: Settings) -> dict[str, str | None]:
    """Each owned page's `content_hash` if it is as vaultkit wrote it, else None (a dashboard
    or the topic index missing is None too)."""
    found: dict[str, str | None] = {}
    for relative in owned(root, settings):
        data = read_known(root / relative)  # read once: the build that follows reads them too
        found[relative] = None if data is None else sealed_hash(data)
    return found


def keep_aside(
    root: Path, settings: Settings, panels: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """Copy each hand-edited dashboard to `<name> (edited).md` beside it, never over a file.

    The dashboard stays at its path (an editor's open tab is not closed). The copy is a hard
    link, so it is exactly the file that was there, a save still being written into it
    included; `write` later drops the file it swaps out when it is this same copy.
    """
    kept: list[tuple[str, str]] = []
    pages = owned(root, settings, panels)
    where = placed(root, pages)
    for relative in edited(root, settings, pages):
        try:
            copy = _link_aside(where[relative])
        except OSError as exc:
            if exc.errno not in NO_HARD_LINKS:
                raise
            continue  # `write` keeps it when it replaces the dashboard
        target = _settle(copy, where[relative]) if copy is not None else None
        if target is not None:
            kept.append((relative, _relative(root, target)))
    return kept


def recover(root: Path, settings: Settings) -> list[tuple[str, str]]:
    """Settle the swap files of runs killed mid-write: (dashboard, where its file was kept).

    A swap file a dead run left behind holds either its new text or what it swapped out of
    the dashboard's path, perhaps a hand edit: that one is kept as `<name> (edited).md`. Only
    files named for one of this vault's dashboards, or for a page in the panels folder, are
    touched; any other name is left alone.
    """
    recovered: list[tuple[str, str]] = []
    where = placed(root, owned(root, settings))
    by_folder: dict[Path, dict[str, str]] = {}
    for relative, path in where.items():
        by_folder.setdefault(path.parent, {})[path.name] = relative
    # A panel whose first write was cut short has a swap file and no page yet.
    panels = inside(root, PurePosixPath(settings.panels_folder()))
    by_folder.setdefault(panels, {})
    for folder, dashboards in sorted(by_folder.items()):
        try:
            with os.scandir(folder) as entries:
                names = [e.name for e in entries if e.name.endswith(_SWAP_SUFFIX)]
        except (FileNotFoundError, NotADirectoryError):
            continue
        for name in names:
            match = _SWAP_NAME.fullmatch(name)
            if match is not None and folder == panels and match.group(2).endswith(".md"):
                page = f"{settings.panels_folder()}/{match.group(2)}"
                dashboards.setdefault(match.group(2), page)
                where.setdefault(page, folder / match.group(2))
            if match is None or match.group(2) not in dashboards:
                continue  # not a swap file of ours
            if process_running(int(match.group(1))):
                continue  # still being written
            relative = dashboards[match.group(2)]
            with contextlib.suppress(FileNotFoundError):
                kept = _settle(folder / name, where[relative])
                if kept is not None:
                    recovered.append((relative, _relative(root, kept)))
    return recovered


def write(root: Path, rendered: dict[str, str]) -> WriteReport:
    """Write the dashboards whose bytes differ from what is on disk; keep the rest untouched.

    Whatever a dashboard's path held at the instant it was replaced is kept aside as
    `<name> (edited).md` unless it was vaultkit's own unedited text.
    """
    report = WriteReport()
    targets = placed(root, rendered)
    for path in targets.values():  # checked before writing any: all or nothing
        if path.exists() and not path.is_file():
            raise VaultPathError(path, "is in the way of a dashboard (not a file); move it")
    swaps: dict[str, Path] = {}
    try:
        # Every new text on disk first, then the swaps back to back: the dashboards change
        # together, and a reader never sees one rebuilt and another not yet.
        for relative, text in sorted(rendered.items()):
            data, path = text.encode("utf-8"), targets[relative]
            if read_known(path) == data:
                report.unchanged.append(relative)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            with naming(path, ours=(TEMP_SUFFIX, _SWAP_SUFFIX)):
                swaps[relative] = _swap_file(path, data)
        for relative in list(swaps):
            with naming(targets[relative], ours=(TEMP_SUFFIX, _SWAP_SUFFIX)):
                kept = _install(swaps.pop(relative), targets[relative])
            report.kept += [(relative, _relative(root, target)) for target in kept]
            report.written.append(relative)
    finally:
        for swap in swaps.values():  # not swapped in: still our own text
            with contextlib.suppress(FileNotFoundError):
                swap.unlink()
    return report


def _install(swap: Path, path: Path) -> list[Path]:
    """Put the swap file's text at `path` in one step; where each file swapped out of `path`
    was kept. Owns `swap` from here.

    On the way out, whatever happened, the swap name is removed only while it still holds our
    own new text (the same inode): after an exchange it holds what was at `path`, and an
    interruption before that is judged must leave it for `recover`, never delete it.
    """
    ours = swap.lstat()
    try:
        for _ in range(_ATTEMPTS):
            try:
                renames.exchange(swap, path)
            except FileNotFoundError:
                if renames.move_noreplace(swap, path):  # nothing there: create it
                    return []
                continue  # something appeared meanwhile: swap with that
            except renames.RenameUnsupportedError:
                return _install_by_link(swap, path)
            return _settled(swap, path)
        raise _busy(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            if os.path.samestat(ours, swap.lstat()):
                swap.unlink()


def _install_by_link(swap: Path, path: Path) -> list[Path]:
    """Without an atomic swap (macOS, some file systems): link the dashboard aside, check that
    it is still the file at the path, replace it, then judge the linked copy.

    The copy shares the file, so a save written into it in place is kept; a save that renames
    a new file over the dashboard between the check and the replace is lost: the one window
    left where the system offers no swap.
    """
    kept: list[Path] = []
    try:
        for _ in range(_ATTEMPTS):
            copy = _capture(path)
            if copy is None:
                if renames.move_noreplace(swap, path):  # nothing there: create it
                    return kept
                continue
            if _same_file(copy, path):
                swap.replace(path)
            elif os.path.lexists(path) or not renames.move_noreplace(swap, path):
                kept += _settled(copy, path)  # replaced meanwhile: judge this one, try again
                continue
            return kept + _settled(copy, path)
        raise _busy(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            swap.unlink()


def _capture(path: Path) -> Path | None:
    """A hidden name for the file now at `path`, or None when nothing is there.

    A hard link, so the dashboard stays where it is; on a file system without hard links the
    file itself is renamed, and the path is empty for a moment.
    """
    try:
        return _link_aside(path)
    except OSError as exc:
        if exc.errno not in NO_HARD_LINKS:
            raise
    aside = _hidden_name(path)
    try:
        path.rename(aside)  # a fresh random name: nothing there to overwrite
    except FileNotFoundError:
        return None
    return aside


def _link_aside(path: Path) -> Path | None:
    """A hidden hard link to the file at `path`; None when nothing is there."""
    aside = _hidden_name(path)
    try:
        os.link(path, aside, follow_symlinks=False)
    except FileNotFoundError:
        return None
    return aside


def _same_file(first: Path, second: Path) -> bool:
    try:
        return os.path.samestat(first.lstat(), second.lstat())
    except FileNotFoundError:
        return False


def _settled(swapped: Path, path: Path) -> list[Path]:
    kept = _settle(swapped, path)
    return [] if kept is None else [kept]


def _settle(swapped: Path, path: Path) -> Path | None:
    """Judge a file that was at `path`, now at a hidden name: delete it when it is vaultkit's
    own unedited text or a copy already kept, else keep it as `<name> (edited).md`.

    Where it was kept, or None. A symlink, a folder, or a file that cannot be read is kept.
    """
    info = swapped.lstat()
    if _kept_already(info, path) or (stat.S_ISREG(info.st_mode) and _ours(swapped)):
        swapped.unlink()
        return None
    return _keep(swapped, path)


def _ours(path: Path) -> bool:
    try:
        data = read_page(path)
    except OSError:
        return False
    return data is not None and unedited(data)


def _kept_already(info: os.stat_result, path: Path) -> bool:
    """True when the file is also a kept copy of `path` (`keep_aside` linked it there)."""
    if info.st_nlink < 2:
        return False
    prefix = f"{path.name.removesuffix('.md')} (edited"
    with os.scandir(path.parent) as entries:
        return any(
            entry.name.startswith(prefix)
            and os.path.samestat(info, entry.stat(follow_symlinks=False))
            for entry in entries
        )


def _keep(swapped: Path, path: Path) -> Path:
    """Move the file to `<name> (edited).md` (or `(edited 2)`…) beside `path`, never over one."""
    stem = path.name.removesuffix(".md")
    with os.scandir(path.parent) as entries:  # one placement, not one failed rename per copy
        taken = {entry.name for entry in entries if entry.name.startswith(f"{stem} (edited")}
    for n in itertools.count(1):
        name = f"{stem} ({'edited' if n == 1 else f'edited {n}'}).md"
        if name not in taken and renames.move_noreplace(swapped, target := path.with_name(name)):
            log.info("kept a hand-edited %s as %s", shown(path.name), shown(name))
            return target
    raise AssertionError("unreachable")  # pragma: no cover


def _swap_file(path: Path, data: bytes) -> Path:
    """A new hidden file beside `path` holding `data` (with `path`'s permissions), flushed."""
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except (FileNotFoundError, NotADirectoryError):
        mode = None
    temp = write_temp(path, data, mode)
    swap = _hidden_name(path)
    try:
        if not renames.move_noreplace(temp, swap):
            raise FileExistsError(errno.EEXIST, "exists", str(swap))
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return swap


def _hidden_name(path: Path) -> Path:
    return path.with_name(f".{os.getpid()}.{secrets.token_hex(4)}.{path.name}{_SWAP_SUFFIX}")


def _busy(path: Path) -> OSError:
    return OSError(errno.EBUSY, "kept changing while vaultkit replaced it; try again", str(path))


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(Path(os.path.realpath(root))).as_posix()
