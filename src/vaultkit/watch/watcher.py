"""Watching a folder: watchdog events → debounced batches of paths → `on_change(change)`.

This module knows nothing of notes or dashboards; it is handed its action. What it does:

- watches directories, not files: one recursive watch per top-level folder that is not excluded
  (dot-folders such as `.git`, `.obsidian`, `.trash`, and folders the caller names, such as the
  dashboards), plus the root itself, so excluded folders never cost an inotify watch;
- ignores the temporary and backup names editors and sync tools write (vim, emacs, JetBrains,
  GNOME, Syncthing, iCloud, conflict copies: `batches.is_ignored_name`);
- debounces (`batches.Debouncer`): a batch fires after a quiet window, or after a maximum wait
  during a steady stream; paths asked for again with `schedule` join a batch when their delay
  is up;
- subscribes only to events that mean a change (creates, writes, deletes, moves), so programs
  that merely read the vault (Obsidian indexing, grep, backups) cost the watcher nothing;
- supervises: `on_change` failing is logged and watching goes on; a dead observer is restarted
  with a full rescan; the kernel's event queue overflowing (heard through `overflow`) asks for
  a full rescan at once; a periodic full rescan catches events lost any other way; the root
  replaced by another folder at the same path is watched anew with a full rescan; the root
  disappearing (and not coming back within a moment) ends the watch with `RootGone`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileClosedNoWriteEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileOpenedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
    FileSystemMovedEvent,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

from vaultkit.watch.batches import Change, Clock, Debouncer, is_ignored_name
from vaultkit.watch.overflow import report_overflows

log = logging.getLogger(__name__)

CHANGE_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, DirCreatedEvent, FileModifiedEvent, FileClosedEvent,
    FileDeletedEvent, DirDeletedEvent, FileMovedEvent, DirMovedEvent,
]
"""The events that mean a change. Given as `event_filter`, watchdog builds the inotify mask from
them (IN_CREATE, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_DELETE, IN_MOVE, IN_DELETE_SELF):
without it, it also asks for every open and close-without-write, so a program that only reads
the vault floods the kernel's queue (16,384 events by default) until it overflows."""


class RootGone(Exception):  # noqa: N818 - it names what happened, not an error class
    """The watched folder was deleted or moved away (and nothing came back in its place)."""


class WatchLimitError(Exception):
    """The system ran out of inotify watches or instances."""


WATCH_LIMIT_HELP = (
    "the system is out of inotify watches; raise the limit, e.g. "
    "`sudo sysctl fs.inotify.max_user_watches=524288` (and max_user_instances), "
    "or keep fewer folders in the vault"
)


class _Handler(FileSystemEventHandler):
    """Turns watchdog events into relative paths; never raises (that would stop its thread)."""

    def __init__(self, watcher: Watcher) -> None:
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._watcher.event(event)
        except Exception:  # a handler that raises kills watchdog's thread for good
            log.exception("could not handle %r", event)


class Watcher:
    """Watches `root` and calls `on_change` with debounced batches until `stop()`."""

    def __init__(
        self,
        root: Path,
        on_change: Callable[[Change], None],
        *,
        exclude: Iterable[str] = (),
        quiet: float = 0.1,
        max_wait: float = 1.0,
        reconcile_every: float = 300.0,
        tick: float = 1.0,
        root_grace: float = 1.0,
        clock: Clock = time.monotonic,
        polling: bool = False,
    ) -> None:
        self.root = Path(os.path.realpath(root))
        self.on_change = on_change
        self.exclude = {e.strip("/") for e in exclude}
        self.reconcile_every = reconcile_every
        self.tick = tick
        self.root_grace = root_grace
        """Seconds the root may be missing before the watch ends: `mv v v.old; cp -r v.old v`
        leaves a moment with no folder, and the new one is then watched instead."""
        self.polling = polling
        self.restarts = 0
        self.rebinds = 0
        """Times the root was found replaced by another folder and watched anew."""
        self.overflows = 0
        """Times the kernel reported its event queue overflowing."""
        self._root_id: tuple[int, int] | None = None
        self._missing_since: float | None = None
        self._overflow_pending = False
        self._clock = clock
        self._debouncer = Debouncer(quiet, max_wait, clock)
        self._wake = threading.Condition()
        self._stopping = threading.Event()
        self._observer: BaseObserver | None = None
        self._watches: dict[str, ObservedWatch] = {}
        self._handler = _Handler(self)
        self._next_reconcile = clock() + reconcile_every

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start observing. Call before the initial scan, so no edit made during it is lost."""
        self._start_observer()

    def run(self) -> None:
        """Deliver batches until `stop()`; raises RootGone if the folder disappears."""
        try:
            while not self._stopping.is_set():
                with self._wake:
                    pending = self._debouncer.due_in()
                    timeout = self.tick if pending is None else min(self.tick, pending)
                    if timeout > 0:
                        self._wake.wait(timeout)
                    change = self._debouncer.take()
                    if change is not None and change.full:
                        self._overflow_pending = False
                if self._stopping.is_set():
                    break
                self._supervise()
                if change is not None:
                    self._deliver(change)
        finally:
            self._stop_observer()

    def close(self) -> None:
        """Stop observing, for a watcher whose `run` never ran (it stops its own observer)."""
        self.stop()
        self._stop_observer()

    def stop(self) -> None:
        """Ask `run` to return; safe from a signal handler or another thread."""
        self._stopping.set()
        # The condition's lock is re-entrant, so this is safe even when a signal handler
        # interrupts `run` while it holds the lock.
        with self._wake:
            self._wake.notify_all()

    def request(self, paths: Iterable[str] = (), *, full: bool = False) -> None:
        """Queue paths (or a full rescan) as if events had come for them now. Thread-safe."""
        with self._wake:
            self._debouncer.add(paths, full=full)
            self._wake.notify()

    def schedule(self, paths: Iterable[str], delay: float) -> None:
        """Queue paths as if events came for them `delay` seconds from now (at once if 0).

        What a live vault is handed to have paths looked at again. Thread-safe.
        """
        with self._wake:
            if delay > 0:
                self._debouncer.later(paths, delay)
            else:
                self._debouncer.add(paths)
            self._wake.notify()

    # -- events ------------------------------------------------------------------------------

    def event(self, event: FileSystemEvent) -> None:
        """Called on watchdog's thread for every event."""
        if isinstance(event, (FileOpenedEvent, FileClosedNoWriteEvent, DirModifiedEvent)):
            # Not subscribed to (CHANGE_EVENTS); a polling observer may still send a folder
            # "modified", which is only its files' events.
            return
        paths = [self._relative(event.src_path)]
        if isinstance(event, FileSystemMovedEvent):
            paths.append(self._relative(event.dest_path))  # moved = gone here + new there
        wanted = [p for p in paths if p is not None and self._wanted(p, event.is_directory)]
        if isinstance(event, (DirCreatedEvent, DirDeletedEvent, DirMovedEvent)):
            self._rewatch_top_level(event)
        if wanted:
            self.request(wanted)

    def _wanted(self, relative: str, is_directory: bool) -> bool:
        parts = relative.split("/")
        if any(p.startswith(".") for p in parts) or self._excluded(relative):
            return False
        return is_directory or not is_ignored_name(parts[-1])

    def _excluded(self, relative: str) -> bool:
        return any(relative == e or relative.startswith(f"{e}/") for e in self.exclude)

    def _relative(self, path: bytes | str) -> str | None:
        text = os.fsdecode(path)
        try:
            relative = Path(text).relative_to(self.root).as_posix()
        except ValueError:
            return None
        return None if relative == "." else relative

    # -- supervision -------------------------------------------------------------------------

    def _deliver(self, change: Change) -> None:
        if not self.root.is_dir():
            # A rebuild now would recreate what was deleted: hold the batch (as a full rescan)
            # until the root is back, which `_supervise` watches anew, or the watch ends.
            self.request(change.paths, full=True)
            return
        try:
            self.on_change(change)
        except Exception:  # a failed rebuild must never end the watch
            log.exception("rebuild failed; still watching")

    def _supervise(self) -> None:
        identity = _identity(self.root)
        if identity is None:
            if self._missing_since is None:
                self._missing_since = self._clock()
            if self._clock() - self._missing_since >= self.root_grace:
                raise RootGone(str(self.root))
            return  # gone for a moment, perhaps being replaced: look again next tick
        self._missing_since = None
        if identity != self._root_id and not self._stopping.is_set():
            self._rebind()
        if self._observer_dead() and not self._stopping.is_set():
            log.warning("the file observer stopped; restarting it and rescanning everything")
            self.restarts += 1
            self._restart_observer()
        if self._clock() >= self._next_reconcile:
            self._next_reconcile = self._clock() + self.reconcile_every
            log.debug("periodic reconcile: rescanning everything")
            self.request(full=True)

    def _rebind(self) -> None:
        """The root is another folder now (`mv v v.old; cp -r v.old v`): watch the new one.

        Watches follow folders, not paths, so the old observer still reports the old folder
        under the root's name and never the new one.
        """
        log.warning("%s was replaced by another folder; watching the new one and rescanning "
                    "everything", self.root)
        self.rebinds += 1
        self._restart_observer()

    def _restart_observer(self) -> None:
        """A new observer for the folder now at the root, then a full rescan: events may have
        been missed in between."""
        self._stop_observer()
        try:
            self._start_observer()
        except FileNotFoundError:
            raise RootGone(str(self.root)) from None
        self.request(full=True)

    def _overflowed(self) -> None:
        """Called on watchdog's inotify thread when the kernel dropped events: rescan at once.

        Every watch group of the observer hears of one overflow; one warning is enough.
        """
        with self._wake:
            first = not self._overflow_pending
            self._overflow_pending = True
            self.overflows += first
        if first:
            log.warning("the system dropped file events (its inotify queue overflowed); "
                        "rescanning everything")
        self.request(full=True)

    def _observer_dead(self) -> bool:
        """True when the observer or a watch of a folder that still exists has stopped.

        A watch whose folder was deleted stops by itself: that is not a failure, only a
        watch to drop.
        """
        observer = self._observer
        if observer is None or not observer.is_alive():
            return True
        try:
            stopped = [e for e in list(observer.emitters) if not e.is_alive()]
        except RuntimeError:  # the set changed under us (a folder came or went): next tick
            return False
        for emitter in stopped:
            if Path(emitter.watch.path).is_dir():
                return True
            with contextlib.suppress(KeyError):
                observer.unschedule(emitter.watch)
        return False

    # -- observer ----------------------------------------------------------------------------

    def _start_observer(self) -> None:
        observer = self._new_observer()
        self._observer = observer
        self._watches.clear()
        # Taken before the watches are added: a root replaced in between is noticed next tick.
        self._root_id = _identity(self.root)
        try:
            self._watch(".", recursive=False)
            for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
                if entry.is_dir(follow_symlinks=False) and self._wanted(entry.name, True):
                    self._watch(entry.name, recursive=True)
            observer.start()
        except OSError as exc:
            self._stop_observer()
            if not self.root.is_dir():
                raise RootGone(str(self.root)) from None
            if exc.errno in {errno.ENOSPC, errno.EMFILE} and not self.polling:
                raise WatchLimitError(WATCH_LIMIT_HELP) from exc
            raise

    def _new_observer(self) -> BaseObserver:
        if self.polling:
            return PollingObserver()
        observer = Observer()
        report_overflows(observer, self._overflowed)
        return observer

    def _watch(self, relative: str, *, recursive: bool) -> None:
        if self._observer is None:
            return
        path = self.root if relative == "." else self.root / relative
        self._watches[relative] = self._observer.schedule(
            self._handler, str(path), recursive=recursive, event_filter=CHANGE_EVENTS
        )

    def _rewatch_top_level(self, event: FileSystemEvent) -> None:
        """Keep one recursive watch per top-level folder as folders come and go."""
        gone = self._relative(event.src_path)
        if isinstance(event, (DirDeletedEvent, DirMovedEvent)) and gone in self._watches:
            watch = self._watches.pop(gone)
            if self._observer is not None:
                with contextlib.suppress(KeyError):  # watchdog may have dropped it already
                    self._observer.unschedule(watch)
        new = (
            self._relative(event.dest_path) if isinstance(event, DirMovedEvent)
            else self._relative(event.src_path) if isinstance(event, DirCreatedEvent)
            else None
        )
        if new is not None and "/" not in new and self._wanted(new, True):
            try:
                self._watch(new, recursive=True)
            except OSError as exc:
                if exc.errno not in {errno.ENOSPC, errno.EMFILE}:
                    raise
                log.warning("cannot watch %s: %s; the periodic rescan will catch its changes",
                            new, WATCH_LIMIT_HELP)

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        self._watches.clear()
        if observer is None:
            return
        try:
            observer.stop()
            if observer.is_alive():
                observer.join(timeout=5)
        except Exception:  # stopping must not fail the caller
            log.exception("stopping the observer failed")


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the folder at `path`, or None when there is no folder there."""
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISDIR(found.st_mode) else None
