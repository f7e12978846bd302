"""`vaultkit build`, `status` and `check`: index the vault, measure it, find its problems, and
(for build) write the dashboards."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import __version__, config
from vaultkit.config import Settings
from vaultkit.errors import VaultPathError
from vaultkit.files.writes import remove_stale_temp_files
from vaultkit.model import ListedIds
from vaultkit.report import dashboards, publish
from vaultkit.report.problems import find_problems
from vaultkit.report.progress import Progress, measure
from vaultkit.vault import store
from vaultkit.vault.index import VaultIndex, is_racy, snapshot, stamp
from vaultkit.vault.list_ids import listed_in_vault, parsed_ahead
from vaultkit.vault.notes import Problem
from vaultkit.vault.store import CACHE_DIR, STATE_DIR

log = logging.getLogger(__name__)



@dataclass(frozen=True, slots=True)
class Survey:
    """A vault read and measured, nothing written (but the index cache)."""

    root: Path
    settings: Settings
    index: VaultIndex
    progress: Progress
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class BuildResult:
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    problems: int = 0
    survey: Survey | None = None
    """None when nothing had changed since the last build and no note was read."""


def open_vault(root: Path) -> tuple[Path, Settings]:
    """The vault folder and its settings, or a VaultPathError saying why it is not one."""
    if not root.exists():
        raise VaultPathError(root, "no such folder; create a vault with `vaultkit init`")
    if not root.is_dir():
        raise VaultPathError(root, "is not a folder")
    return root, config.load(root)


def survey(
    root: Path,
    settings: Settings,
    index: VaultIndex | None = None,
    *,
    check_dashboards: bool = True,
) -> Survey:
    """Measure the vault; `index` is reused as it is when given (the watcher keeps one).

    `check_dashboards=False` skips looking for hand-edited dashboards, for a build that has
    just moved them aside (and checks each again before replacing it).
    """
    if index is None:
        index = VaultIndex(root, settings)
        index.scan()
    listed, list_problems = listed_in_vault(root, settings)
    hand_edited = [
        Problem(path, None, "edited by hand since vaultkit wrote it; the next build keeps "
                "your edits aside in a copy")
        for path in (publish.edited(root, settings) if check_dashboards else [])
    ]
    problems = find_problems(
        index, settings,
        listed=listed,
        dashboards=settings.dashboard_paths().values(),
        extra=[*list_problems, *hand_edited],
    )
    order = _list_order(listed) if listed is not None else None
    return Survey(root, settings, index, measure(index, settings, order), problems)


def build_vault(
    root: Path,
    settings: Settings,
    index: VaultIndex | None = None,
    *,
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> BuildResult:
    """Write every dashboard whose text changed; hand edits are moved aside first.

    Without an index, a build first compares the vault's files (paths and stamps) with
    those of the last build: when nothing changed and the dashboards are as it left them, the
    dashboards would come out the same, and nothing is read.

    `interruptible` wraps the part that only reads and computes (seconds at 50,000 notes), so
    that a watcher's stop request may abandon it; never the moves and writes around it.
    """
    if not root.is_dir():  # never recreate a vault deleted under a watcher
        raise VaultPathError(root, "no such folder; it was removed or moved")
    # First of all: a swap file a killed run left may hold a hand edit (and it changes what
    # the fingerprint below sees once kept).
    recovered = publish.recover(root, settings)
    before: str | None = None
    if index is None:  # a one-shot build; a watcher cleans up once, when it starts
        remove_stale_files(root, settings)
        before = _fingerprint(root, settings)
        unchanged = _unchanged_since(root, settings, before)
        if unchanged is not None:
            log.info("nothing changed since the last build; dashboards are up to date")
            return unchanged
        index = VaultIndex(root, settings)
        with parsed_ahead(root, settings):
            index.scan()
    kept = recovered + publish.keep_aside(root, settings)
    if kept:
        index.update([p for pair in kept for p in pair])
    with interruptible():
        found = survey(root, settings, index, check_dashboards=False)
        rendered = dashboards.render(found.progress, found.problems, settings)
    report = publish.write(root, rendered)
    kept += report.kept
    if before is not None and not kept and before == _fingerprint(root, settings):
        _remember(root, settings, before, len(found.problems))
    return BuildResult(report.written, report.unchanged, kept, len(found.problems), found)


LAST_BUILD = f"{CACHE_DIR}/build.json"


def _fingerprint(root: Path, settings: Settings) -> str:
    """What a build's result depends on: the files, the settings and vaultkit's version.

    Empty when a file changed in the last two seconds, within its mtime's resolution.
    """
    files = snapshot(root)
    for relative in settings.dashboard_paths().values():
        files.pop(relative, None)  # checked by their hashes instead: a build rewrites them
    lists = {rel: stamp(root / rel) for rel in (settings.reading_list, settings.syllabus)}
    if any(is_racy(s) for s in (*files.values(), *lists.values())):
        return ""
    text = json.dumps([__version__, repr(settings), sorted(files.items()), lists])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _unchanged_since(root: Path, settings: Settings, fingerprint: str) -> BuildResult | None:
    """The last build's result, if the vault and its dashboards are as that build left them."""
    if not fingerprint:
        return None
    raw = store.read(root, LAST_BUILD)
    if raw is None:
        return None
    try:
        last = json.loads(raw)
        if last["fingerprint"] != fingerprint:
            return None
        hashes = publish.hashes(root, settings)
        if None in hashes.values() or hashes != last["dashboards"]:
            return None
        return BuildResult(unchanged=sorted(hashes), problems=int(last["problems"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _remember(root: Path, settings: Settings, fingerprint: str, problems: int) -> None:
    if not fingerprint:
        return
    payload = {
        "fingerprint": fingerprint,
        "dashboards": publish.hashes(root, settings),
        "problems": problems,
    }
    store.write_cache(root, LAST_BUILD, json.dumps(payload, sort_keys=True).encode("utf-8"))


def remove_stale_files(root: Path, settings: Settings) -> None:
    """Temporary files left by a build or a watcher killed in the middle of a write.

    Checked for containment folder by folder: a symlinked dashboards or `.vaultkit` folder
    that leads out of the vault is not cleaned.
    """
    remove_stale_temp_files(root, [settings.folders.dashboards, STATE_DIR, CACHE_DIR])


def _list_order(listed: ListedIds) -> dict[str, int]:
    return {note_id: n for n, note_id in enumerate((*listed.sources, *listed.questions))}
