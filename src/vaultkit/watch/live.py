"""`vaultkit watch`: a live index that follows the watcher's batches and rebuilds dashboards.

The glue between `watch` (which knows only paths) and the index, sync and dashboards (which
know nothing of events). One concise log line per rebuild.

SIGINT, SIGTERM and SIGHUP stop it within a moment at any point: a step that only reads or
computes (a cold scan of 50,000 notes, or parsing their lists, takes half a minute each; the
dashboards' figures, seconds) is abandoned by raising `Interrupted` from the signal handler. A
step that writes (a sync, moving a hand-edited dashboard aside, writing the dashboards) is short
and runs to its end first: an exception raised in the middle of a dashboard's swap would run
cleanup meant for failures, where a crash leaves files that the next run recovers.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from vaultkit.commands.build import build_vault, remove_stale_files
from vaultkit.commands.sync import sync_vault
from vaultkit.config import Settings
from vaultkit.errors import VaultGoneError, VaultkitError
from vaultkit.files.lock import VaultLock
from vaultkit.vault.index import Stamp, VaultIndex, stamp
from vaultkit.watch.watcher import WATCH_LIMIT_HELP, Change, RootGone, Watcher, WatchLimitError

log = logging.getLogger(__name__)


class Interrupted(BaseException):
    """Raised by the signal handler in a step that only reads or computes, to stop at once.

    A BaseException, so that no `except Exception` on the way (a note that cannot be read is a
    Problem, not a crash) swallows it.
    """


@dataclass(slots=True)
class LiveVault:
    """The vault's index, kept current batch by batch, and the dashboards rebuilt after each."""

    root: Path
    settings: Settings
    index: VaultIndex = field(init=False)
    rebuilds: int = 0
    """Batches handled; tests and the log count on it."""
    list_settle: float = 5.0
    """Seconds a list must be left alone before its new entries become notes: editors save
    while you type (Obsidian every two seconds), and a half-typed entry must not get a note."""
    _held: set[str] = field(default_factory=set)
    """Notes that vanished or were emptied in the last batch, kept one more round."""
    _recheck: list[str] = field(default_factory=list)
    _later: list[tuple[str, float]] = field(default_factory=list)
    _synced: dict[str, Stamp | None] = field(default_factory=dict)
    """The lists' stamps when they were last synced (or when watching started)."""
    interruptible: Callable[[], AbstractContextManager[object]] = nullcontext
    """Wraps each step that only reads or computes: a stop requested meanwhile may abandon it
    by raising `Interrupted` (see `watch_vault`)."""

    def __post_init__(self) -> None:
        self.index = VaultIndex(self.root, self.settings)

    def start(self) -> None:
        """The initial full scan and build."""
        started = time.perf_counter()
        remove_stale_files(self.root, self.settings)
        with self.interruptible():
            log.info("scanning %s", self.root)
            self._synced = self._list_stamps()
            self.index.scan()
        result = build_vault(self.root, self.settings, self.index,
                             interruptible=self.interruptible)
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
        result = build_vault(self.root, self.settings, self.index,
                             interruptible=self.interruptible)
        for original, kept in result.kept:
            log.warning("kept your edits to %s in %s", original, kept)
        log.info("rebuilt for %s: dashboards %s (%d ms)", _shorten(touched),
                 _written(result.written), _ms(started))

    def take_rechecks(self) -> list[str]:
        """Paths to look at again after a quiet window (see `_update`)."""
        paths, self._recheck = self._recheck, []
        return paths

    def take_later(self) -> list[tuple[str, float]]:
        """(path, seconds): lists to look at again once they have been left alone."""
        later, self._later = self._later, []
        return later

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
            self._later.extend((rel, wait) for rel in changed)
            return
        self._synced = now
        try:
            created = sync_vault(self.root, self.settings, build=False,
                                 interruptible=self.interruptible).created
        except (VaultkitError, OSError) as exc:
            log.warning("lists not synced: %s", exc)
            return
        if created:
            self.index.update(str(f.path) for f in created)
            log.info("sync: %d new notes from the lists", len(created))

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
        moved = self._moved_away(changed)
        for relative in held:
            if relative in moved:
                continue  # its note lives on at another path: a move, not a save in progress
            self._held.add(relative)
            self._recheck.append(relative)
        return changed | self.index.remove(moved)

    def _moved_away(self, changed: set[str]) -> set[str]:
        """Paths whose note now sits at one of `changed` and whose file is gone: moved notes.

        A move between top-level folders reaches us as a create now and a delete later, so
        the old path is found here by the note's id rather than by a move event.
        """
        ids = {
            record.id for path in changed
            if (record := self.index.records.get(path)) is not None and record.id
        }
        return {
            path for path, record in self.index.records.items()
            if record.id in ids and path not in changed and not (self.root / path).exists()
        }


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
    with _StopOnSignals() as signals, VaultLock(root):
        live = LiveVault(root, settings, interruptible=signals.interruptible)
        watcher = _start_watcher(live, settings, quiet, max_wait, reconcile_every)
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


def _start_watcher(
    live: LiveVault, settings: Settings, quiet: float, max_wait: float, reconcile_every: float
) -> Watcher:
    """A started watcher: inotify, or polling when the system is out of inotify watches."""
    watcher = _watcher(live, settings, quiet, max_wait, reconcile_every, polling=False)
    try:
        watcher.start()  # before the initial scan, so an edit made during it is seen
    except WatchLimitError:
        log.warning("%s; falling back to polling", WATCH_LIMIT_HELP)
        watcher = _watcher(live, settings, quiet, max_wait, reconcile_every, polling=True)
        watcher.start()
    return watcher


def _watcher(
    live: LiveVault,
    settings: Settings,
    quiet: float,
    max_wait: float,
    reconcile_every: float,
    *,
    polling: bool,
) -> Watcher:
    watcher: Watcher

    def on_change(change: Change) -> None:
        live.on_change(change)
        again = live.take_rechecks()
        if again:
            watcher.request(again)
        for path, delay in live.take_later():
            watcher.request([path], after=delay)

    watcher = Watcher(
        live.root, on_change,
        exclude=[settings.folders.dashboards],
        quiet=quiet, max_wait=max_wait, reconcile_every=reconcile_every, polling=polling,
    )
    return watcher


_Handler = Callable[[int, FrameType | None], object] | int | None
"""What `signal.signal` returns: a function, SIG_DFL or SIG_IGN, or None."""


class _StopOnSignals:
    """`with _StopOnSignals() as signals:` SIGINT, SIGTERM and SIGHUP stop the watcher.

    Inside `signals.interruptible()` the handler also raises `Interrupted`, abandoning a step
    that only reads or computes; elsewhere it asks the watcher to stop once the current step is
    done, and the next interruptible step does not begin.
    """

    def __init__(self) -> None:
        self.watcher: Watcher | None = None
        self.requested = False
        self.received: str | None = None
        """The signal that asked to stop, logged once the stop is under way."""
        self._reading = False
        self._previous: dict[signal.Signals, _Handler] = {}

    def __enter__(self) -> _StopOnSignals:
        for sig in _stop_signals():
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            if handler is not None:  # None: not set from Python, nothing to put back
                signal.signal(sig, handler)
        self._previous.clear()

    @contextmanager
    def interruptible(self) -> Iterator[None]:
        # Reading first, then the check: a signal between the two still raises.
        self._reading = True
        try:
            if self.requested:  # a signal came before this step began
                raise Interrupted
            yield
        finally:
            self._reading = False

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        # No logging here: the handler may run in the middle of a log write on this thread.
        self.received = signal.Signals(signum).name
        self.requested = True
        if self.watcher is not None:
            self.watcher.stop()
        if self._reading:
            raise Interrupted


def _stop_signals() -> list[signal.Signals]:
    """SIGINT, SIGTERM, and SIGHUP (a closed terminal) unless it is ignored, as under nohup."""
    signals = [signal.SIGINT, signal.SIGTERM]
    hangup = getattr(signal, "SIGHUP", None)  # not on Windows
    if hangup is not None and signal.getsignal(hangup) != signal.SIG_IGN:
        signals.append(hangup)
    return signals


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _written(paths: list[str]) -> str:
    names = [p.rsplit("/", 1)[-1].removesuffix(".md") for p in paths]
    return "rewritten: " + ", ".join(names) if names else "unchanged"


def _shorten(paths: list[str], most: int = 3) -> str:
    shown = ", ".join(paths[:most])
    return shown + (f" and {len(paths) - most} more" if len(paths) > most else "")
