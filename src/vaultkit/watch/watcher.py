"""Watching a folder: watchdog events → debounced batches of paths → `on_change(change)`.

This module knows nothing of notes or dashboards; it is handed its action. What it does:

- watches directories, not files: one recursive watch per top-level folder that is not excluded
  (dot-folders such as `.git`, `.obsidian`, `.trash`, and folders the caller names, such as the
  dashboards), plus the root itself, so excluded folders never cost an inotify watch;
- ignores the temporary and backup names editors and sync tools write (vim, emacs, JetBrains,
  GNOME, Syncthing, iCloud, conflict copies);
- debounces: a batch fires after a quiet window, or after a maximum wait during a steady stream;
- subscribes only to events that mean a change (creates, writes, deletes, moves), so programs
  that merely read the vault (Obsidian indexing, grep, backups) cost the watcher nothing;
- supervises: `on_change` failing is logged and watching goes on; a dead observer is restarted
  with a full rescan; the kernel's event queue overflowing asks for a full rescan at once; a
  periodic full rescan catches events lost any other way; the root replaced by another folder
  at the same path is watched anew with a full rescan; the root disappearing (and not coming
  back within a moment) ends the watch with `RootGone`.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
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

log = logging.getLogger(__name__)

Clock = Callable[[], float]

CHANGE_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, DirCreatedEvent, FileModifiedEvent, FileClosedEvent,
    FileDeletedEvent, DirDeletedEvent, FileMovedEvent, DirMovedEvent,
]
"""The events that mean a change. Given as `event_filter`, watchdog builds the inotify mask from
them (IN_CREATE, IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE, IN_DELETE, IN_MOVE, IN_DELETE_SELF):
without it, it also asks for every open and close-without-write, so a program that only reads
the vault floods the kernel's queue (16,384 events by default) until it overflows."""

# Names editors and sync tools use for temporary, backup and conflict files.
_IGNORED_NAME = re.compile(
    r"""^(
        4913                                  # vim's probe file
      | .*~                                   # vim, emacs and many others: backups
      | \..*\.sw[a-px]                        # vim swap files and its probe
      | \#.*\#                                # emacs auto-save
      | \.\#.*                                # emacs lock symlinks
      | .*___jb_(tmp|old|bak)___              # JetBrains safe write
      | \.goutputstream-.*                    # GNOME (GIO) safe write
      | \.syncthing\..*\.tmp                  # Syncthing
      | .*\.icloud                            # iCloud placeholders
      | .*\.sync-conflict-.*                  # Syncthing conflict copies
      | .*\ \(conflicted\ copy.*\).*          # Dropbox conflict copies
      | .*\ \(Conflict.*\).*                  # other sync clients
      | \..*\.vaultkit-(tmp|swap)               # our own atomic writes and dashboard swaps
      | \.DS_Store | Thumbs\.db | desktop\.ini
    )$""",
    re.VERBOSE,
)


def is_ignored_name(name: str) -> bool:
    """True for file names that never carry a note's content."""
    return bool(_IGNORED_NAME.match(name))


@dataclass(frozen=True, slots=True)
class Change:
    """One debounced batch: the paths that changed, or a request to look at everything."""

    paths: frozenset[str]
    """Relative paths (with `/`) of files and folders created, changed, deleted or moved."""
    full: bool = False
    """True when events may have been lost (start, observer restart, reconcile): rescan all."""


class Debouncer:
    """Gathers paths until a quiet window passes, or a maximum wait since the first one.

    Pure timing logic over an injectable clock, so it is tested without sleeping.
    """

    def __init__(self, quiet: float, max_wait: float, clock: Clock = time.monotonic) -> None:
        if quiet <= 0 or max_wait < quiet:
            raise ValueError("need 0 < quiet <= max_wait")
        self.quiet = quiet
        self.max_wait = max_wait
        self._clock = clock
        self._paths: set[str] = set()
        self._full = False
        self._first: float | None = None
        self._last = 0.0

    def add(self, paths: Iterable[str] = (), *, full: bool = False) -> None:
        now = self._clock()
        self._paths.update(paths)
        self._full = self._full or full
        if self._first is None:
            self._first = now
        self._last = now

    def due_in(self) -> float | None:
        """Seconds until the pending batch is due (0 when due); None when nothing is pending."""
        if self._first is None:
            return None
        due = min(self._last + self.quiet, self._first + self.max_wait)
        return max(0.0, due - self._clock())

    def take(self) -> Change | None:
        """The batch, if it is due; it is then cleared."""
        wait = self.due_in()
        if wait is None or wait > 0:
            return None
        change = Change(frozenset(self._paths), self._full)
        self._paths.clear()
        self._full = False
        self._first = None
        return change


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
        self._later: list[tuple[float, tuple[str, ...]]] = []
        """(when, paths) requested for later: a list still being typed, say."""
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
                    waits = [self.tick, *(when - self._clock() for when, _ in self._later)]
                    pending = self._debouncer.due_in()
                    timeout = min(waits if pending is None else [*waits, pending])
                    if timeout > 0:
                        self._wake.wait(timeout)
                    self._release_later()
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

    def request(
        self, paths: Iterable[str] = (), *, full: bool = False, after: float = 0.0
    ) -> None:
        """Queue paths (or a full rescan) as if events had come for them, now or `after` s."""
        with self._wake:
            if after > 0:
                self._later.append((self._clock() + after, tuple(paths)))
            else:
                self._debouncer.add(paths, full=full)
            self._wake.notify()

    def _release_later(self) -> None:
        now = self._clock()
        due = [paths for when, paths in self._later if when <= now]
        if due:
            self._later = [(when, paths) for when, paths in self._later if when > now]
            self._debouncer.add(p for paths in due for p in paths)

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
        _report_overflows(observer, self._overflowed)
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


# -- inotify queue overflow ------------------------------------------------------------------
#
# When the kernel's queue overflows, watchdog 7.1 logs it, drops the events it holds and
# re-adds its recursive watches, but emits nothing: a handler never learns that events were
# lost. Its watch groups are told (`on_queue_overflow`), so ours pass that on.

try:  # watchdog's internals as of 7.1 (pinned below 8 in pyproject.toml)
    if not sys.platform.startswith("linux"):
        raise ImportError("inotify is Linux's")  # noqa: TRY301 - one fallback for both causes
    from watchdog.observers.api import DEFAULT_EMITTER_TIMEOUT, EventQueue
    from watchdog.observers.inotify import InotifyEmitter, InotifyObserver, InotifyWatchGroup
    from watchdog.observers.inotify_c import InotifyFD
except ImportError:
    _INOTIFY_HOOKS = False
else:
    _INOTIFY_HOOKS = True

if _INOTIFY_HOOKS:

    def _nothing() -> None:
        return None

    @dataclass
    class _ReportingGroup(InotifyWatchGroup):
        """watchdog's watch group, which also calls `on_overflow` after a queue overflow."""

        on_overflow: Callable[[], None] = _nothing

        def on_queue_overflow(self) -> None:
            super().on_queue_overflow()
            try:
                self.on_overflow()
            except Exception:  # raising here would end watchdog's inotify thread for good
                log.exception("could not handle an inotify queue overflow")

    class _ReportingEmitter(InotifyEmitter):
        """An inotify emitter whose watch group reports queue overflows to `on_overflow`."""

        def __init__(
            self,
            event_queue: EventQueue,
            watch: ObservedWatch,
            *,
            on_overflow: Callable[[], None],
            timeout: float = DEFAULT_EMITTER_TIMEOUT,
            event_filter: list[type[FileSystemEvent]] | None = None,
            inotify_fd: InotifyFD | None = None,
        ) -> None:
            super().__init__(event_queue, watch, timeout=timeout, event_filter=event_filter,
                             inotify_fd=inotify_fd)
            self._on_overflow = on_overflow

        def on_thread_start(self) -> None:
            # InotifyEmitter.on_thread_start, with our group in place of watchdog's.
            self._inotify = _ReportingGroup(
                self._inotify_fd,
                os.fsencode(self.watch.path),
                is_recursive=self.watch.is_recursive,
                event_mask=self.get_event_mask_from_filter(),
                follow_symlink=self.watch.follow_symlink,
                on_overflow=self._on_overflow,
            )

    def _report_overflows(observer: BaseObserver, on_overflow: Callable[[], None]) -> None:
        """Have a new inotify observer call `on_overflow` when the kernel drops events.

        Before anything is scheduled: its emitters are made from these (watchdog offers no
        public hook for this).
        """
        if isinstance(observer, InotifyObserver) and isinstance(
            getattr(observer, "_emitter_kwargs", None), dict
        ):
            observer._emitter_class = _ReportingEmitter
            observer._emitter_kwargs["on_overflow"] = on_overflow
        else:  # the periodic reconcile is then what catches dropped events
            log.debug("inotify queue overflows are not reported by this watchdog")

else:

    def _report_overflows(observer: BaseObserver, on_overflow: Callable[[], None]) -> None:
        """Only watchdog's inotify observer (Linux) is hooked; elsewhere the periodic
        reconcile catches dropped events."""
