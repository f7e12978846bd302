"""`vaultkit build`: the dashboards and topic panels written from the notes, in one of two modes.

- `build_once`: a command's build (build, init, sync). It cleans up after killed runs, skips
  everything when nothing changed since the last one (`cache.BUILD`), else scans the vault.
- `rebuild`: a watcher's build, over the index it keeps current and the caches it holds.

Both then share one core: hand-edited dashboards are kept aside, the index is assessed, and the
dashboards whose text changed are written.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit import __version__
from vaultkit.commands.survey import assess
from vaultkit.config import Settings
from vaultkit.errors import VaultPathError
from vaultkit.files.writes import remove_stale_temp_files
from vaultkit.report import dashboards, owned, panels, publish
from vaultkit.vault import cache, history
from vaultkit.vault.cache import Caches, stamp
from vaultkit.vault.index import VaultIndex, snapshot
from vaultkit.vault.list_ids import parsed_ahead
from vaultkit.vault.store import CACHE_DIR, STATE_DIR

log = logging.getLogger(__name__)

Interruptible = Callable[[], AbstractContextManager[object]]
"""Wraps a step that only reads or computes, so that a watcher's stop request may abandon it."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What a build did, for the one line the CLI or the watcher prints."""

    written: list[str] = field(default_factory=list)
    """Dashboards whose text changed, by relative path."""
    panels: list[str] = field(default_factory=list)
    """Topic panels and the topic index whose text changed, by relative path."""
    kept: list[tuple[str, str]] = field(default_factory=list)
    """(dashboard, where its hand-edited version was kept) for each edit kept aside."""
    problems: int = 0


def build_once(
    root: Path,
    settings: Settings,
    *,
    caches: Caches | None = None,
    interruptible: Interruptible = nullcontext,
) -> BuildResult:
    """Write every dashboard whose text changed, reading the vault from scratch (and caches).

    First the vault's files (paths and stamps) are compared with those of the last build:
    when nothing changed and the dashboards are as it left them, they would come out the same,
    and nothing is read. `caches` holds what the caller already knows (`init` the lists).
    """
    _require(root)
    # First of all: a swap file a killed run left may hold a hand edit (and it changes what
    # the state below sees once kept).
    recovered = publish.recover(root, settings)
    remove_stale_files(root, settings)
    state = _state(root, settings)
    problems = _unchanged_since_last(root, settings, state)
    if problems is not None:
        log.info("nothing changed since the last build; dashboards are up to date")
        return BuildResult(kept=recovered, problems=problems)
    caches = Caches(root) if caches is None else caches
    index = VaultIndex(root, settings)
    with parsed_ahead(caches, settings):
        index.scan()
    with _collector_paused():
        result = _publish(index, caches, recovered, interruptible)
    if state is not None and not result.kept and state == _state(root, settings):
        _remember(root, settings, state, result.problems)
    return result


def rebuild(
    index: VaultIndex, caches: Caches, *, interruptible: Interruptible = nullcontext
) -> BuildResult:
    """Write every dashboard whose text changed, from an index kept current by its owner."""
    _require(index.root)
    return _publish(index, caches, publish.recover(index.root, index.settings), interruptible)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a one-shot build judges and writes, then back as it was.

    By then the index holds some 200,000 objects (10,000 records) that live until the build
    ends, and judging and rendering make as many more, with almost no cycles: each collection
    walks them all again, for nothing (80 of 430 collections in an edited build of 10,000
    notes, about as many as all the new work adds over the builds before panels). Not
    around the scan, whose parsing leaves cycles (a cold build would peak higher).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def remove_stale_files(root: Path, settings: Settings) -> None:
    """Temporary files left by a build or a watcher killed in the middle of a write.

    Checked for containment folder by folder: a symlinked dashboards or `.vaultkit` folder
    that leads out of the vault is not cleaned.
    """
    remove_stale_temp_files(root, [settings.folders.dashboards, STATE_DIR, CACHE_DIR])


def _require(root: Path) -> None:
    if not root.is_dir():  # never recreate a vault deleted under a watcher
        raise VaultPathError(root, "no such folder; it was removed or moved")


def _publish(
    index: VaultIndex,
    caches: Caches,
    recovered: list[tuple[str, str]],
    interruptible: Interruptible,
) -> BuildResult:
    """The core both modes share: keep hand edits aside, assess the index, write.

    `interruptible` wraps the part that only reads and computes (seconds at 50,000 notes),
    never the moves and writes around it.
    """
    root, settings = index.root, index.settings
    kept = recovered + publish.keep_aside(root, settings, panels.owned_paths(index, settings))
    if kept:
        index.update([p for pair in kept for p in pair])
    with interruptible():
        surveyed = assess(index, caches)  # hand edits are aside: each is checked again when written
        rendered = dashboards.render(surveyed.progress, surveyed.problems, settings)
        rendered |= panels.render(surveyed.progress, settings, surveyed.listed)
    report = publish.write(root, rendered)
    history.record(root, index.records.values())
    boards = set(settings.dashboard_paths().values())
    return BuildResult(
        written=[p for p in report.written if p in boards],
        panels=[p for p in report.written if p not in boards],
        kept=kept + report.kept,
        problems=len(surveyed.problems),
    )


# -- the last one-shot build (cache.BUILD) -----------------------------------------------------

State = list[object]
"""What a build's result depends on, but the dashboards: see `_state`."""


def _state(root: Path, settings: Settings) -> State | None:
    """Every file the index reads (by stamp), the lists, the settings and vaultkit's version.

    None when a file changed in the last two seconds, within its stamp's resolution.
    """
    files = snapshot(root)
    for relative in owned.owned(root, settings):
        files.pop(relative, None)  # in the key by their hashes instead: a build rewrites them
    lists = {rel: stamp(root / rel) for rel in (settings.reading_list, settings.syllabus)}
    if any(cache.is_racy(s) for s in (*files.values(), *lists.values())):
        return None
    return [__version__, repr(settings), sorted(files.items()), sorted(lists.items())]


def _build_key(root: Path, settings: Settings, state: State) -> str | None:
    """The key of a build of this state with the dashboards as they are now; None when one of
    them is not as vaultkit wrote it (edited by hand, or missing)."""
    hashes = publish.hashes(root, settings)
    if None in hashes.values():
        return None
    return cache.key("build", state, sorted(hashes.items()))


def _unchanged_since_last(root: Path, settings: Settings, state: State | None) -> int | None:
    """The problems the last build found, if the vault and its dashboards are as it left them."""
    if state is None:
        return None
    key = _build_key(root, settings, state)
    return None if key is None else cache.last_build(root, key)


def _remember(root: Path, settings: Settings, state: State, problems: int) -> None:
    key = _build_key(root, settings, state)
    if key is not None:
        cache.remember_build(root, key, problems)
