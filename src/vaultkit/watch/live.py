"""`vaultkit watch`: a live index that follows the watcher's batches and rebuilds dashboards.

The glue between the watcher (which knows only paths) and the index, sync and dashboards
(which know nothing of events). `start_watching` wires the two both ways: the watcher hands
each batch to `LiveVault.on_change`, and the live vault hands the watcher the paths it wants
looked at again (`schedule`). One concise log line per rebuild.

SIGINT, SIGTERM and SIGHUP stop it within a moment at any point: a step that only reads or
computes (a cold scan of 50,000 notes, or parsing their lists, takes half a minute each; the
dashboards' figures, seconds) is abandoned by raising `Interrupted` from the signal handler
(`signals.StopOnSignals`). A step that writes (a sync, moving a hand-edited dashboard aside,
writing the dashboards) is short and runs to its end first: an exception raised in the middle
of a dashboard's swap would run cleanup meant for failures, where a crash leaves files that
the next run recovers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from vaultkit.commands.build import Interruptible, rebuild, remove_stale_files
from vaultkit.commands.sync import sync_vault
from vaultkit.config import Settings
from vaultkit.errors import VaultGoneError, VaultkitError
from vaultkit.files.lock import VaultLock
from vaultkit.vault.cache import Caches, Stamp, stamp
from vaultkit.vault.index import VaultIndex
from vaultkit.watch.batches import Change
from vaultkit.watch.signals import Interrupted, StopOnSignals
from vaultkit.watch.watcher import WATCH_LIMIT_HELP, RootGone, Watcher, WatchLimitError

log = logging.getLogger(__name__)

Schedule = Callable[[Iterable[str], float], None]
"""`schedule(paths, delay)`: have these paths looked at again in a batch, `delay` seconds on."""


def _nowhere(paths: Iterable[str], delay: float) -> None:
    """A live vault with no watcher (a test driving `on_change` by hand) looks at nothing
    again."""


@dataclass(slots=True)
class LiveVault:
    """The vault's index, kept current batch by batch, and the dashboards rebuilt after each."""

    root: Path
    settings: Settings
    index: VaultIndex = field(init=False)
    caches: Caches = field(init=False)
    rebuilds: int = 0
    """Batches handled; tests and the log count on it."""
    list_settle: float = 5.0
    """Seconds a list must be left alone before its new entries become notes: editors save
    while you type (Obsidian every two seconds), and a half-typed entry must not get a note."""
    schedule: Schedule = _nowhere
    """Called when paths should be looked at again: a note held for one more round after a
    quiet window, a list once it has been left alone. `start_watching` hands it the watcher's
    `schedule`, whose batches come back to `on_change`."""
    _held: set[str] = field(default_factory=set)
    """Notes that vanished or were emptied in the last batch, kept one more round."""
    _synced: dict[str, Stamp | None] = field(default_factory=dict)
    """The lists' stamps when they were last synced (or when watching started)."""
    interruptible: Interruptible = nullcontext
    """Wraps each step that only reads or computes: a stop requested meanwhile may abandon it
    by raising `Interrupted` (see `watch_vault`)."""

    def __post_init__(self) -> None:
        self.index = VaultIndex(self.root, self.settings)
        self.caches = Caches(self.root)

    def start(self) -> None:
        """The initial full scan and build."""
        started = time.perf_counter()
        remove_stale_files(self.root, self.settings)
        with self.interruptible():
            log.info("scanning %s", self.root)
            self._synced = self._list_stamps()
            self.index.scan()
        result = rebuild(self.index, self.caches, interruptible=self.interruptible)
        log.info("initial build: %d notes, dashboards %s (%d ms)", len(self.index.records),
                 _written(result.written), _ms(started))

    def on_change(self, change: Change) -> None:
        """Handle one batch: re-read what changed, sync on a list edit, rebuild dashboards."""
        started = time.perf_counter()
        self.rebuilds += 1
        with self.interruptible():
            if change.full:
                self.index.scan()
                self._held.clear()
                touched = ["everything"]
            else:
                touched = sorted(self._update(change.paths))
        self._sync_settled_lists()
        result = rebuild(self.index, self.caches, interruptible=self.interruptible)
        for original, kept in result.kept:
            log.warning("kept your edits to %s in %s", original, kept)
        log.info("rebuilt for %s: dashboards %s (%d ms)", _shorten(touched),
                 _written(result.written), _ms(started))

    def _list_stamps(self) -> dict[str, Stamp | None]:
        lists = (self.settings.reading_list, self.settings.syllabus)
        return {relative: stamp(self.root / relative) for relative in lists}

    def _sync_settled_lists(self) -> None:
        """Notes for new list entries, once a changed list has been left alone long enough.

        Compared by stamp, not by event, so a list edit whose event was lost is synced after
        the next full rescan too. A list that cannot be read is left to Problems.md.
        """
        now = self._list_stamps()
        changed = [rel for rel, s in now.items() if s != self._synced.get(rel)]
        if not changed:
            return
        newest = max((now[rel] or (0,))[0] for rel in changed)
        wait = self.list_settle - (time.time_ns() - newest) / 1e9
        if wait > 0:
            self.schedule(changed, wait)
            return
        self._synced = now
        try:
            synced = sync_vault(self.root, self.settings, build=False,
                                interruptible=self.interruptible)
        except (VaultkitError, OSError) as exc:
            log.warning("lists not synced: %s", exc)
            return
        for rewording in synced.reworded:
            log.info("sync: %s", rewording.line)
        for ambiguity in synced.ambiguous:
            log.warning("sync: %s", ambiguity.line)
        created = synced.created
        if created:
            self.index.update(str(f.path) for f in created)
            log.info("sync: %d new note%s from the lists", len(created),
                     "" if len(created) == 1 else "s")

    def _update(self, paths: frozenset[str]) -> set[str]:
        """Re-read the paths; a note that vanished or became empty is kept for one more round.

        Editors save by renaming the note away and writing a new one (vim), or by truncating it
        and writing again (VS Code): a rebuild caught in between must not drop the note.
        """
        settled: list[str] = []
        held: list[str] = []
        for relative in paths:
            path = self.root / relative
            transient = relative in self.index.records and (
                not path.exists() or (path.is_file() and path.stat().st_size == 0)
            )
            if transient and relative not in self._held:
                held.append(relative)
            else:
                self._held.discard(relative)
                settled.append(relative)
        changed = self.index.update(settled)
        moved = self.index.moved_away(changed)
        # A held note whose id lives on at another path was moved, not saved: it is not held.
        again = [relative for relative in held if relative not in moved]
        if again:
            self._held.update(again)
            self.schedule(again, 0.0)  # a quiet window from now, as for any event
        return changed | self.index.remove(moved)


def watch_vault(
    root: Path,
    settings: Settings,
    *,
    quiet: float = 0.1,
    max_wait: float = 1.0,
    reconcile_every: float = 300.0,
) -> None:
    """Watch until SIGINT, SIGTERM or SIGHUP (returns) or until the vault disappears (raises).

    The signal handlers are in place before anything else, so a signal at any point, the first
    scan included, stops it within a moment. SIGHUP is left alone when it is ignored (`nohup`).
    The index cache is not saved on the way out: at 50,000 notes that takes two seconds, and
    the next start re-reads only the notes changed since the cache was last saved.
    """
    with StopOnSignals() as signals, VaultLock(root):
        live = LiveVault(root, settings, interruptible=signals.interruptible)
        watcher = start_watching(live, quiet=quiet, max_wait=max_wait,
                                 reconcile_every=reconcile_every)
        signals.watcher = watcher
        interrupted = False
        try:
            live.start()
            watcher.run()
        except Interrupted:
            interrupted = True
        except RootGone:
            raise VaultGoneError(root) from None
        finally:
            if signals.received:
                log.info("received %s; stopping", signals.received)
            if interrupted:  # the dashboards are as they were last written, each whole
                log.info("stopped before this scan or rebuild finished")
            watcher.close()


def start_watching(
    live: LiveVault,
    *,
    quiet: float = 0.1,
    max_wait: float = 1.0,
    reconcile_every: float = 300.0,
    tick: float = 1.0,
) -> Watcher:
    """A started watcher of the live vault's folder, wired to it both ways: its batches go to
    `live.on_change`, and `live.schedule` queues paths in it.

    Call before `live.start()`, so an edit made during the first scan is seen; then run the
    watcher's `run()`. inotify, or polling when the system is out of inotify watches.
    """

    def wired(*, polling: bool) -> Watcher:
        watcher = Watcher(
            live.root, live.on_change,
            exclude=[live.settings.folders.dashboards],
            quiet=quiet, max_wait=max_wait, reconcile_every=reconcile_every, tick=tick,
            polling=polling,
        )
        live.schedule = watcher.schedule
        return watcher

    watcher = wired(polling=False)
    try:
        watcher.start()
    except WatchLimitError:
        log.warning("%s; falling back to polling", WATCH_LIMIT_HELP)
        watcher = wired(polling=True)
        watcher.start()
    return watcher


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _written(paths: list[str]) -> str:
    names = [p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths]
    return "rewritten: " + ", ".join(names) if names else "unchanged"


def _shorten(paths: list[str], most: int = 3) -> str:
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")
